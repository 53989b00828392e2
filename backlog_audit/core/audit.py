"""The pure core: `audit(backlog, okrs, options, now) -> AuditResult`.

No HTTP, no files, no printing: items and an OKR set in, figures out (SPEC 5 and 6). The
items are one columnar table (`core.rows`): link cells are resolved once per distinct value,
ancestors found for all rows at once, link states decided once per distinct (own cell,
ancestor cell) pair and joined back, figures aggregated over columns (`core.tallies`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from backlog_audit.core.link_states import Cells, Resolved, decisions, nearest_referencing
from backlog_audit.core.order import casefold, natural_key, natural_sort
from backlog_audit.core.rows import TEST_TYPES, ItemRows, in_scope, scope_mask, text_set, unique
from backlog_audit.core.tallies import NO_PROJECT, NO_SPRINT, UNASSIGNED, figures
from backlog_audit.model import (
    AuditOptions,
    AuditResult,
    Backlog,
    BadLink,
    InheritanceConflict,
    LinkState,
    OkrSet,
)
from backlog_audit.table import ItemTable, item_schema, texts

if TYPE_CHECKING:
    import polars as pl

__all__ = ["NO_PROJECT", "NO_SPRINT", "TEST_TYPES", "UNASSIGNED", "audit", "audit_rows",
           "in_scope", "natural_key"]  # fmt: skip


def audit(
    backlog: Backlog,
    okrs: OkrSet,
    options: AuditOptions | None = None,
    now: datetime | None = None,
) -> AuditResult:
    """Audit one backlog against one OKR set."""
    return audit_rows(ItemRows.of(backlog.items), backlog, okrs, options, now)


def audit_rows(
    rows: ItemRows,
    backlog: Backlog,
    okrs: OkrSet,
    options: AuditOptions | None = None,
    now: datetime | None = None,
) -> AuditResult:
    """Audit a backlog whose items are already laid out as columns (`rows`)."""
    options = options or AuditOptions()
    frame = unique(rows.frame)
    cells = Cells(okrs, options)
    resolved = [cells.resolve(cell) for cell in rows.cells]
    linked = _linked(frame, scope_mask(frame, options), resolved, rows, cells, options)
    items = ItemTable(linked.select(list(item_schema())), rows.items)
    carriers = _carriers(linked)
    return AuditResult(
        generated_at=(now or datetime.now(timezone.utc)).astimezone(timezone.utc),
        source_kind=backlog.kind,
        scope=backlog.scope,
        scope_id=backlog.scope_id,
        okrs=okrs,
        **figures(okrs, linked),
        items=items,
        dangling_links=_bad_links(carriers, resolved, stale=False),
        stale_links=_bad_links(carriers, resolved, stale=True),
        inheritance_conflicts=_conflicts(linked),
        warnings=backlog.warnings
        + _scope_warnings(frame, linked)
        + _tests_left_out(frame, options),
        supports_jql=backlog.supports_jql,
    )


def _linked(
    frame: pl.DataFrame,
    counted: pl.Series,
    resolved: list[Resolved],
    rows: ItemRows,
    cells: Cells,
    options: AuditOptions,
) -> pl.DataFrame:
    """The in-scope rows with their link columns, in report order (natural key order)."""
    import polars as pl

    frame = frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias("pos"))
    # A parent named by an empty id is no parent.
    named = pl.when(pl.col("parent") != "").then(pl.col("parent"))
    parent = frame.select(named).to_series()
    # Ids are unique here: only the items that are someone's parent are looked up.
    parents = frame.filter(pl.col("id").is_in(parent.unique().implode()))
    parent_pos = parent.replace_strict(
        parents["id"], parents["pos"], default=None, return_dtype=pl.Int64
    )
    has_refs = pl.Series([bool(r.references) for r in resolved], dtype=pl.Boolean)
    if options.inherit:
        ancestor = nearest_referencing(parent_pos, has_refs.gather(frame["cell"]),
                                       options.max_inherit_depth)  # fmt: skip
    else:
        ancestor = pl.Series([None] * frame.height, dtype=pl.Int64)
    # The in-scope rows first: their ancestors' and parents' columns are gathered for them
    # alone, and the table's columns are copied once.
    ancestor, parent_pos = ancestor.filter(counted), parent_pos.filter(counted)
    everyone = frame
    frame = frame.filter(counted).with_columns(
        parent_pos.alias("parent_pos"),
        everyone["cell"].gather(ancestor).fill_null(-1).alias("anc_cell"),
        everyone["key"].gather(ancestor).alias("anc_key"),
        everyone["key"].gather(parent_pos).alias("parent_key"),
    )
    del everyone
    pairs = frame.select("cell", "anc_cell").unique(maintain_order=True)
    found = decisions(
        [(own, None if anc < 0 else anc) for own, anc in pairs.iter_rows()], resolved, cells
    )
    pair_columns = pairs.with_columns(
        pl.Series("link_state", [d.state.value for d in found], dtype=pl.String),
        texts([list(d.key_results) for d in found], "key_results", nested=True),
        texts([list(d.objectives) for d in found], "objectives", nested=True),
        pl.Series("from_ancestor", [d.from_ancestor for d in found], dtype=pl.Boolean),
        pl.Series("own", [list(d.conflict[0]) if d.conflict else None for d in found],
                  dtype=pl.List(pl.String)),
        pl.Series("inherited", [list(d.conflict[1]) if d.conflict else None for d in found],
                  dtype=pl.List(pl.String)),
        pl.Series("blamed", [d.blamed for d in found], dtype=pl.String),
    )  # fmt: skip
    present = frame["cell"].unique().to_list()
    cell_columns = pl.DataFrame(
        {
            "cell": pl.Series(present, dtype=pl.Int64),
            "references": texts([list(resolved[c].references) for c in present], nested=True),
            "_placeholders": texts(
                [list(cells.placeholders(rows.cells[c])) for c in present], nested=True
            ),
        }
    )  # fmt: skip
    orphaned = pl.col("link_state") == LinkState.ORPHANED.value
    # Each row's pair and cell columns gathered beside the items' own columns: a join would
    # copy every column of the table, twice.
    pair_of = frame.select("cell", "anc_cell").join(
        pairs.with_row_index("_pair"), on=["cell", "anc_cell"], how="left", maintain_order="left"
    )["_pair"]
    cell_of = frame["cell"].replace_strict(
        cell_columns["cell"], pl.int_range(0, len(present), eager=True), return_dtype=pl.UInt32
    )
    joined = (
        frame.hstack(pair_columns.drop("cell", "anc_cell")[pair_of])
        .hstack(cell_columns.drop("cell")[cell_of])
        .with_columns(
            pl.when(pl.col("from_ancestor")).then(pl.col("anc_key")).alias("inherited_from"),
            pl.when(pl.col("parent_pos").is_not_null())
            .then(pl.col("parent_key"))
            .otherwise(pl.col("parent"))
            .alias("parent"),
            pl.when(orphaned)
            .then(pl.col("_placeholders"))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("placeholders"),
        )
    )
    return natural_sort(joined, "key")


def _carriers(linked: pl.DataFrame) -> pl.DataFrame:
    """The items whose cell holds a bad reference (an item's own, or its ancestor's), each
    with its cell, how many audited items it affects and when it was first met (`_seen`)."""
    import polars as pl

    own = pl.col("blamed") == "own"
    return (
        linked.filter(pl.col("blamed").is_not_null())
        .select(
            "pos",
            pl.when(own).then(pl.col("key")).otherwise(pl.col("anc_key")).alias("carrier"),
            pl.when(own).then(pl.col("cell")).otherwise(pl.col("anc_cell")).alias("_cell"),
        )
        .sort("pos")
        .drop("pos")
        .with_row_index("_seen")
        .group_by("carrier", "_cell", maintain_order=True)
        .agg(pl.len().alias("affected"), pl.col("_seen").first())
    )


def _bad_links(
    carriers: pl.DataFrame, resolved: list[Resolved], *, stale: bool
) -> tuple[BadLink, ...]:
    """Each bad reference once per carrying item, with how many audited items it affects.

    Sorted by key (natural order), then reference; ties in the order items first met them.
    """
    import polars as pl

    bad = []
    for cell in carriers["_cell"].unique().to_list():
        found = [(r, None) for r in resolved[cell].stale] if stale else resolved[cell].dangling
        bad += [(cell, rank, ref, hint) for rank, (ref, hint) in enumerate(found)]
    if not bad:
        return ()
    schema = {"_cell": pl.Int64, "_rank": pl.Int64, "reference": pl.String, "hint": pl.String}
    rows = (
        carriers.join(pl.DataFrame(bad, schema=schema, orient="row"), on="_cell")
        .sort("_seen", "_rank")
        .group_by("carrier", "reference", maintain_order=True)
        .agg(pl.col("affected").sum(), pl.col("hint").first())
        .sort("reference", maintain_order=True)
    )
    ordered = natural_sort(rows, "carrier").with_columns(pl.col("affected").cast(pl.Int64))
    columns = [ordered[name].to_list() for name in ordered.columns]
    with _uncollected():
        return tuple(map(BadLink, *columns))


@contextmanager
def _uncollected() -> Iterator[None]:
    """Make many small objects (texts and numbers, no cycles) without the garbage
    collector's passes, each of which walks every object made so far: they cost two thirds
    of the time of 400,000 `BadLink`s."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _conflicts(linked: pl.DataFrame) -> tuple[InheritanceConflict, ...]:
    import polars as pl

    rows = linked.filter(pl.col("own").is_not_null()).select("key", "own", "inherited")
    return tuple(
        InheritanceConflict(key, tuple(own), tuple(inherited))
        for key, own, inherited in rows.iter_rows()
    )


def _scope_warnings(frame: pl.DataFrame, linked: pl.DataFrame) -> tuple[str, ...]:
    """SPEC 8: an empty scope is warned about, also when the source did return items."""
    countable = int((~frame["carrier_only"]).sum())
    if linked.height or not countable:
        return ()
    return (
        f"{countable} items read, none in scope: sub-tasks and epics are not counted "
        "(see --include-types)",
    )


def _tests_left_out(frame: pl.DataFrame, options: AuditOptions) -> tuple[str, ...]:
    """Say so when test-management items were left out by default: a newcomer who sees
    fewer items than the export holds must learn why, and how to count them."""

    kind = casefold(frame["type"])
    left = frame.filter(
        ~frame["carrier_only"]
        & kind.is_in(text_set(TEST_TYPES))
        & ~kind.is_in(text_set(options.include_types))
    )["type"]
    if not left.len():
        return ()
    kinds = ", ".join(sorted(set(left.to_list()), key=str.casefold))
    return (
        f"{left.len()} test-management items ({kinds}) are not backlog work and not counted "
        "(--include-types to count them)",
    )
