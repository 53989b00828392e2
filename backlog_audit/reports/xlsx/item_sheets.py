"""The workbook's sheets of items: Items, Orphaned Work and Dangling Links.

Items and Orphaned Work are built as columns from the audit's items table
(`table.ItemTable.frame`, issue 15): no `ItemResult` is built for an Items row, and
`frame_rows` writes them as SpreadsheetML. Orphaned Work's problems are worded from the
table's columns too (`core.fixlist.problems_in`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backlog_audit.core.bad_links import BadLinks
from backlog_audit.core.fixlist import problems_in
from backlog_audit.core.order import natural_sort
from backlog_audit.model import AuditResult, LinkState
from backlog_audit.reports.figures import LINK_STATE_LABELS, STATUS_CATEGORY_LABELS
from backlog_audit.reports.xlsx import styles
from backlog_audit.reports.xlsx.sheets import DANGLING, ITEMS, ORPHANED, RETIRED_KR, UNKNOWN_KR
from backlog_audit.reports.xlsx.tables import LINK, Column, Table
from backlog_audit.table import ItemTable

if TYPE_CHECKING:
    import polars as pl

_ITEM_BASICS = (
    Column("Key", "key", max_width=16),
    Column("Title", max_width=60),
    Column("Type", max_width=14),
    Column("Status", max_width=18),
    Column("Status category", max_width=16),
    Column("Points", "points"),
    Column("Sprint", max_width=24),
)


def _joined(name: str) -> pl.Expr:
    """A list column as the workbook shows it: `a, b`."""
    import polars as pl

    return pl.col(name).list.join(", ").fill_null("")


def _labelled(name: str, labels: dict[str, str]) -> pl.Expr:
    import polars as pl

    return pl.col(name).replace_strict(labels, default=None, return_dtype=pl.String)


def _basics() -> list[pl.Expr]:
    import polars as pl

    categories = {category.value: label for category, label in STATUS_CATEGORY_LABELS.items()}
    return [pl.col("key"), pl.col("title"), pl.col("type"), pl.col("status"),
            _labelled("status_category", categories), pl.col("points"),
            pl.col("sprint")]  # fmt: skip


def _named(exprs: list[pl.Expr]) -> list[pl.Expr]:
    """The table's columns named by position (`Table.frame`), then its links."""
    import polars as pl

    return [expr.alias(f"c{n}") for n, expr in enumerate(exprs)] + [pl.col("url").alias(LINK)]


def orphaned_work(result: AuditResult) -> Table:
    """Items with no OKR link, with what is wrong (a parent's bad link, if any)."""
    import polars as pl

    table = ItemTable.of(result.items)
    columns = (
        *_ITEM_BASICS,
        Column("Assignee", max_width=24),
        Column("Parent", max_width=16),
        Column("Project", max_width=16),
        Column("Problem", max_width=60),
    )
    orphans = table.frame.filter(pl.col("link_state") == LinkState.ORPHANED.value)
    said = problems_in(result, orphans)
    exprs: list[pl.Expr] = [*_basics(), pl.col("assignee"), pl.col("parent"), pl.col("project"),
             pl.lit(pl.Series(said, dtype=pl.String)).alias("problem")]  # fmt: skip
    return Table(
        ORPHANED,
        columns,
        (),
        freeze="B2",
        empty_text="No orphaned work: every item has an OKR link.",
        frame=orphans.select(_named(exprs)),
    )


def items(result: AuditResult) -> Table:
    """Every item in scope with its links and link state (the big table)."""
    import polars as pl

    conflicts = {c.key: c for c in result.inheritance_conflicts}
    notes = {
        key: "own link wins over inherited " + ", ".join(conflict.inherited)
        for key, conflict in conflicts.items()
    }
    columns = (
        *_ITEM_BASICS,
        Column("Sprints", max_width=30),
        Column("Assignee", max_width=24),
        Column("Project", max_width=16),
        Column("Parent", max_width=16),
        Column("References", max_width=40),
        Column("Key results", max_width=24),
        Column("Objectives", max_width=16),
        Column("Link state", max_width=16),
        Column("Inherited from", max_width=16),
        Column("Note", max_width=50),
    )
    states = {state.value: label for state, label in LINK_STATE_LABELS.items()}
    exprs = [
        *_basics(), _joined("sprints"), pl.col("assignee"), pl.col("project"), pl.col("parent"),
        _joined("references"), _joined("key_results"), _joined("objectives"),
        _labelled("link_state", states), pl.col("inherited_from"), _labelled("key", notes),
    ]  # fmt: skip
    colours = {LINK_STATE_LABELS[state]: colour for state, colour in styles.STATE_COLOURS.items()}
    return Table(
        ITEMS,
        columns,
        (),
        freeze="B2",
        value_colours={"Link state": colours},
        empty_text="No items in scope.",
        frame=ItemTable.of(result.items).frame.select(_named(exprs)),
    )


def dangling_links(result: AuditResult) -> Table:
    """Links to unknown KRs (with a suggestion) and to retired KRs, by key."""
    import polars as pl

    # Read from the links' columns (`BadLinks`): a million items' 400,000 dangling links
    # are never one object each.
    links = pl.concat(
        BadLinks.of(found).frame.select(
            "key",
            "reference",
            pl.lit(problem, dtype=pl.String).alias("problem"),
            pl.col("suggestion").cast(pl.String),
            pl.col("affected_items").cast(pl.Int64).alias("affected"),
        )
        for found, problem in ((result.dangling_links, UNKNOWN_KR),
                               (result.stale_links, RETIRED_KR))
    )  # fmt: skip
    # By key in natural order, then by reference (a stable sort after one by reference).
    links = natural_sort(links.sort("reference", maintain_order=True), "key")
    # The last item of a key, as a dict of every item by key holds it.
    found = ItemTable.of(result.items).frame.select("key", "title", "assignee", "url")
    found = found.unique("key", keep="last", maintain_order=True).with_columns(known=True)
    joined = links.join(found, on="key", how="left", maintain_order="left")
    # A bad link on a parent (not itself counted) is listed once for all children it affects.
    title = pl.when(pl.col("known")).then("title").otherwise(pl.lit(_NOT_COUNTED))
    exprs = [pl.col("key"), title, pl.col("reference"), pl.col("problem"), pl.col("suggestion"),
             pl.col("affected"), pl.col("assignee")]  # fmt: skip
    columns = (
        Column("Key", "key", max_width=16),
        Column("Title", max_width=50),
        Column("Reference", max_width=30),
        Column("Problem", max_width=14),
        Column("Did you mean", max_width=14),
        Column("Items affected", "int"),
        Column("Assignee", max_width=24),
    )
    return Table(
        DANGLING,
        columns,
        (),
        freeze="B2",
        value_colours={
            "Problem": {UNKNOWN_KR: styles.PALE["red"], RETIRED_KR: styles.PALE["amber"]}
        },
        empty_text="No dangling or stale links.",
        frame=joined.select(_named(exprs)),
    )


_NOT_COUNTED = "(parent, not counted itself)"
