"""The pure core: `audit(backlog, okrs, options, now) -> AuditResult`.

No HTTP, no files, no printing: items and an OKR set in, figures out (SPEC 5 and 6). The
items are one columnar table (`core.rows`): link cells are resolved once per distinct value,
ancestors found for all rows at once, link states decided once per distinct (own cell,
ancestor cell) pair and joined back, figures aggregated over columns (`core.tallies`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from backlog_audit.core.audited import AuditedRows
from backlog_audit.core.bad_links import bad_links, carriers, conflicts
from backlog_audit.core.link_states import Cells, Decision, Resolved, decisions, nearest_referencing
from backlog_audit.core.order import natural_key, natural_rank, rank_order
from backlog_audit.core.rows import TEST_TYPES, ItemRows, TypeScope, in_scope, unique
from backlog_audit.core.tallies import NO_PROJECT, NO_SPRINT, UNASSIGNED, figures
from backlog_audit.model import AuditOptions, AuditResult, Backlog, LinkState, OkrSet
from backlog_audit.table import ENGINE, ItemTable, text_lists

if TYPE_CHECKING:
    import polars as pl

# The columns of the audited items that the figures, bad links and conflicts read.
_COUNTED = ("key", "status_category", "points", "sprint", "assignee", "project", "link_state",
            "key_results", "objectives")  # fmt: skip

# Up to this many items in scope, the items table is laid out whole during the audit (a
# portfolio team's 300 items: each layout is a few engine queries); above, a report reads it
# a slice at a time (a million items' whole copy is 300 MiB, issue 15).
_LAID_OUT_UP_TO = 20_000

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
    # Every type name once, with how many items (counted or carriers only) have it.
    types = frame.group_by("type", "carrier_only").len()
    scope = TypeScope(types["type"].to_list(), options)
    rank = natural_rank(frame["key"])
    audited, found = _linked(frame, scope, rank, resolved, rows, cells, options)
    # A large backlog's figures, bad links and conflicts read these columns alone, and the
    # items table's others are laid out when a report reads them; a small one's table is
    # laid out whole at once, for the figures and every report (one layout, not two).
    whole = audited.rows(0, audited.height) if audited.height <= _LAID_OUT_UP_TO else None
    counted = audited.columns(_COUNTED) if whole is None else whole
    linked = audited.order[["pos", "ancestor", "pair"]].hstack(counted.get_columns())
    bad = any(d.blamed for d in found)
    dangling, stale = bad_links(carriers(linked, found, frame, rank) if bad else None, resolved)
    return AuditResult(
        generated_at=(now or datetime.now(timezone.utc)).astimezone(timezone.utc),
        source_kind=backlog.kind,
        scope=backlog.scope,
        scope_id=backlog.scope_id,
        okrs=okrs,
        **figures(okrs, linked),
        items=ItemTable(whole, rows.items, deferred=audited),
        dangling_links=dangling,
        stale_links=stale,
        inheritance_conflicts=conflicts(linked, found),
        warnings=backlog.warnings + _scope_warnings(types, linked) + _tests_left_out(types, scope),
        supports_jql=backlog.supports_jql,
    )


def _linked(
    frame: pl.DataFrame,
    scope: TypeScope,
    rank: pl.Series,
    resolved: list[Resolved],
    rows: ItemRows,
    cells: Cells,
    options: AuditOptions,
) -> tuple[AuditedRows, list[Decision]]:
    """The in-scope rows with their link columns, in report order (natural key order), and
    the decision of each distinct (own cell, ancestor cell) pair (a row's `pair`)."""
    import polars as pl

    has_refs = pl.Series([bool(r.references) for r in resolved], dtype=pl.Boolean)
    walk = frame.lazy().select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"),
        "cell",
        _parent_position().alias("parent_pos"),
        pl.lit(has_refs).gather(pl.col("cell")).alias("has_refs"),
        rank.alias("rank"),
        scope.counted(),
    )
    if options.inherit:
        walk = nearest_referencing(walk, options.max_inherit_depth)
    else:
        walk = walk.with_columns(pl.lit(None, dtype=pl.Int64).alias("ancestor"))
    # Each row's (own cell, ancestor cell) pair as one number: the cells' count bounds both.
    width = len(rows.cells) + 1
    code = pl.col("cell") * width + pl.col("cell").gather(pl.col("ancestor")).fill_null(-1) + 1
    # Only the in-scope rows, in natural key order (equal keys in the backlog's order).
    narrow = (
        walk.with_columns(code.alias("code"))
        .filter("in_scope")
        .select("pos", "parent_pos", _has_parent(), "ancestor", "code", "rank")
        .collect(engine=ENGINE)
        .rechunk()
    )
    order = rank_order(narrow["rank"])  # None: in order already, as most exports are
    if order is not None:
        narrow = narrow[order]
    distinct = narrow["code"].unique()
    pairs = [(c // width, c % width - 1) for c in distinct.to_list()]
    found = decisions([(own, None if anc < 0 else anc) for own, anc in pairs], resolved, cells)
    orphaned = LinkState.ORPHANED
    lists = text_lists(
        {
            "key_results": [d.key_results for d in found],
            "objectives": [d.objectives for d in found],
            "references": [resolved[own].references for own, _ in pairs],
            "placeholders": [cells.placeholders(rows.cells[own]) if d.state is orphaned else ()
                             for (own, _), d in zip(pairs, found, strict=True)],
        }
    )  # fmt: skip
    by_pair = lists.with_columns(
        pl.Series("link_state", [d.state.value for d in found], dtype=pl.String),
        pl.Series("_elsewhere", [not d.from_ancestor for d in found], dtype=pl.Boolean),
    )
    pair = narrow["code"].replace_strict(
        distinct, pl.int_range(0, len(distinct), dtype=pl.UInt32, eager=True)
    )
    placed = narrow[["pos", "parent_pos", "has_parent", "ancestor"]].hstack([pair.alias("pair")])
    return AuditedRows(frame, placed, by_pair), found


def _has_parent() -> pl.Expr:
    import polars as pl

    return pl.col("parent_pos").is_not_null().alias("has_parent")


def _parent_position() -> pl.Expr:
    """Each row's parent's row position (null: no parent, or none in the backlog)."""
    import polars as pl

    # A parent named by an empty id is no parent.
    parent = pl.when(pl.col("parent") != "").then(pl.col("parent"))
    # Ids are unique here: only the items that are someone's parent are looked up (a
    # table of every id costs five times more at a million items).
    is_parent = pl.col("id").is_in(parent.unique().drop_nulls().implode())
    where = pl.int_range(pl.len(), dtype=pl.Int64).filter(is_parent)
    ids = pl.col("id").filter(is_parent)
    return parent.replace_strict(ids, where, default=None, return_dtype=pl.Int64)


def _scope_warnings(types: pl.DataFrame, linked: pl.DataFrame) -> tuple[str, ...]:
    """SPEC 8: an empty scope is warned about, also when the source did return items."""
    countable = sum(n for _type, carrier_only, n in types.iter_rows() if not carrier_only)
    if linked.height or not countable:
        return ()
    return (
        f"{countable} items read, none in scope: sub-tasks and epics are not counted "
        "(see --include-types)",
    )


def _tests_left_out(types: pl.DataFrame, scope: TypeScope) -> tuple[str, ...]:
    """Say so when test-management items were left out by default: a newcomer who sees
    fewer items than the export holds must learn why, and how to count them."""
    left = [(name, n) for name, carrier_only, n in types.iter_rows()
            if not carrier_only and (name or "") in scope.tests]  # fmt: skip
    if not left:
        return ()
    kinds = ", ".join(sorted({name for name, _n in left}, key=str.casefold))
    return (
        f"{sum(n for _name, n in left)} test-management items ({kinds}) are not backlog work "
        "and not counted (--include-types to count them)",
    )
