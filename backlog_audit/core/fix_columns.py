"""The fix list's rows (SPEC 10) from the items table's columns (issue 15).

The one place where the fix list's rules live: which items are to fix, the words of each
one's problem, how they are grouped (by parent, by assignee), the groups' order, counts,
points and JQL. A million items hold 700,000 to fix: every rule is an engine expression, so
that no item becomes a Python object on the way to the CSV report. `core.fixlist` wraps
these rows in objects for the reports that show a few groups (Markdown, HTML, workbook).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backlog_audit.core.bad_links import BadLinks
from backlog_audit.core.order import natural_rank
from backlog_audit.core.tallies import UNASSIGNED, counted_points, running_sum
from backlog_audit.model import AuditResult, BadLink, LinkState
from backlog_audit.table import ItemTable

if TYPE_CHECKING:
    import polars as pl

NO_PARENT = "(no parent)"

# The states the fix list is about: work that should carry a KR link and does not.
FIX_STATES = (LinkState.ORPHANED, LinkState.DANGLING)

# The columns of `to_fix`: what an entry of the fix list shows, and what it is grouped by.
ENTRY_COLUMNS = ("key", "title", "link_state", "points", "url", "parent", "assignee", "problem")

# A Jira issue key that JQL accepts unquoted; anything else is quoted. (A final line feed
# is allowed, as Python's `re` allowed it with `$` when the rule was written in Python: the
# same queries as before.)
_PLAIN_KEY = r"^[A-Za-z][A-Za-z0-9_]*-\d+\n?\z"


def to_fix(result: AuditResult, *, words: bool = True) -> pl.DataFrame:
    """Every orphaned or dangling item, in the result's (natural key) order: `ENTRY_COLUMNS`
    (`points`: unestimated counts 0). `words=False`: `placeholders` instead of `problem`,
    for a reader that words the problems of a few rows only (`problems`)."""
    import polars as pl

    frame = ItemTable.of(result.items).frame
    states = [state.value for state in FIX_STATES]
    rows = frame.filter(pl.col("link_state").is_in(states))
    if not words:
        return rows.with_columns(counted_points().alias("points")).select(
            *ENTRY_COLUMNS[:-1], "placeholders"
        )
    return rows.with_columns(
        counted_points().alias("points"), problems(result, rows).alias("problem")
    ).select(ENTRY_COLUMNS)


def problems(result: AuditResult, rows: pl.DataFrame) -> pl.Series:
    """Plain words on what is wrong with each of `rows` (items of `result`: `link_state`,
    `key`, `parent`, `placeholders`), naming the reference at fault where there is one."""
    import polars as pl

    state, parent = pl.col("link_state"), pl.col("parent")
    dangling = _described(result.dangling_links, "names no known KR")
    stale = _described(result.stale_links, "is a retired KR")
    own = _looked_up(pl.col("key"), dangling)
    parent_dangling, parent_stale = _looked_up(parent, dangling), _looked_up(parent, stale)
    quoted = pl.col("placeholders").list.eval(pl.concat_str(pl.lit("'"), pl.element(), pl.lit("'")))
    words = (
        pl.when(state == LinkState.DANGLING.value)
        .then(own.fill_null(pl.lit("its OKR link names no known KR")))
        .when(parent_dangling.is_not_null() | parent_stale.is_not_null())
        .then(
            pl.concat_str(
                pl.lit("no OKR link; parent "),
                parent,
                pl.lit(": "),
                pl.concat_str(parent_dangling, parent_stale, separator="; ", ignore_nulls=True),
            )
        )  # fmt: skip
        .when(pl.col("placeholders").list.len().fill_null(0) > 0)
        .then(pl.lit("no OKR link: its link field says ") + quoted.list.join(", "))
        .otherwise(pl.lit("no OKR link"))
    )
    if not rows.height:
        return pl.Series("problem", [], dtype=pl.String)
    return rows.select(words.alias("problem")).to_series()


def _described(links: Sequence[BadLink], what: str) -> pl.DataFrame:
    """Each carrying key's bad links described (`'KR9' names no known KR (did you mean
    KR1?)`), joined with `; ` in the links' order: `key`, `said`."""
    import polars as pl

    frame = BadLinks.of(links).frame
    hint = pl.col("suggestion")
    said = pl.concat_str(pl.lit("'"), pl.col("reference"), pl.lit(f"' {what}"))
    said = (
        pl.when(hint.is_not_null() & (hint != ""))
        .then(pl.concat_str(said, pl.lit(" (did you mean "), hint, pl.lit("?)")))
        .otherwise(said)
    )
    if not frame["key"].is_duplicated().any():  # most keys carry one bad reference
        return frame.select("key", said.alias("said"))
    # Within a group the engine keeps the rows' order: the links' order, as the words read.
    return frame.group_by("key", maintain_order=True).agg(said.str.join("; ").alias("said"))


def _looked_up(key: pl.Expr, described: pl.DataFrame) -> pl.Expr:
    """`_described`'s words for each `key`; null for a key that carries no bad link."""
    import polars as pl

    if not described.height:
        return pl.lit(None, dtype=pl.String)
    return key.replace_strict(described["key"], described["said"], default=None,
                              return_dtype=pl.String)  # fmt: skip


def grouped(
    result: AuditResult, entries: pl.DataFrame, by: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The fix groups of one kind (`by`: "parent" or "assignee") and their entries.

    Groups: `group`, `items`, `orphaned`, `dangling`, `points` (added in item order), `jql`
    (null unless the source supports JQL); biggest first (one edit fixes most), ties in
    natural order, then by text. The catch-all group (no parent / unassigned: no value, or
    an empty one) comes last whatever its size: it cannot be fixed in one place. Entries:
    `entries` (`to_fix`'s rows) with their `group`, group after group, each in item order.
    """
    import polars as pl

    catch_all = NO_PARENT if by == "parent" else UNASSIGNED
    value = pl.col(by)
    rows = entries.with_columns(
        pl.when(value.is_null() | (value == "")).then(pl.lit(catch_all)).otherwise(value)
        .alias("group")
    )  # fmt: skip
    state = pl.col("link_state")
    groups = rows.group_by("group", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("items"),
        (state == LinkState.ORPHANED.value).sum().cast(pl.Int64).alias("orphaned"),
        (state == LinkState.DANGLING.value).sum().cast(pl.Int64).alias("dangling"),
        running_sum(pl.col("points")).alias("points"),
        jql(pl.col("key")) if result.supports_jql else pl.lit(None, dtype=pl.String).alias("jql"),
    )
    if groups.height:
        groups = groups.with_columns(natural_rank(groups["group"]).alias("rank"))
    else:
        groups = groups.with_columns(pl.lit(0, dtype=pl.UInt64).alias("rank"))
    groups = groups.sort(
        pl.col("group") == catch_all, "items", "rank", "group",
        descending=[False, True, False, False], maintain_order=True,
    ).drop("rank")  # fmt: skip
    place = pl.col("group").replace_strict(
        groups["group"], pl.int_range(0, groups.height, eager=True), return_dtype=pl.Int64
    )
    ordered = rows.sort(place, maintain_order=True) if rows.height else rows
    return groups, ordered


def jql(keys: pl.Expr) -> pl.Expr:
    """`key in (A-1, A-2)` of a group's keys (an aggregation), quoting any that is not a
    plain Jira key."""
    import polars as pl

    escaped = keys.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    quoted = pl.concat_str(pl.lit('"'), escaped, pl.lit('"'))
    each = pl.when(keys.str.contains(_PLAIN_KEY)).then(keys).otherwise(quoted)
    return pl.concat_str(pl.lit("key in ("), each.str.join(", "), pl.lit(")")).alias("jql")
