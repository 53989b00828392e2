"""The figures of SPEC 6 over the audited items' table: tallies, the summary, KR and objective
rows, breakdowns. One rule for every count: a single audit's and a portfolio's (SPEC 11).

Points are summed one item after another in item order (a running sum), never by the engine's
pairwise or compensated sum: those differ from the item-by-item sum in the last digit, and a
report must not change with the engine.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

from backlog_audit.core.order import natural_key
from backlog_audit.model import (
    BreakdownRow,
    KeyResult,
    LinkState,
    OkrSet,
    StatusCategory,
    Summary,
    Tally,
    WorkRow,
)
from backlog_audit.table import ENGINE

if TYPE_CHECKING:
    import polars as pl

LINKED_STATES = [s.value for s in LinkState if s.counts_as_linked]
NO_SPRINT, UNASSIGNED, NO_PROJECT = "(no sprint)", "(unassigned)", "(no project)"
_TALLY = ("items", "linked_items", "exempt_items", "points", "linked_points", "exempt_points")


def running_sum(values: pl.Expr) -> pl.Expr:
    """The sum of `values` added one after another in row order (0.0 when there are none)."""
    import polars as pl

    return (values.cum_sum().last() + 0.0).fill_null(0.0).cast(pl.Float64)


def counted_points() -> pl.Expr:
    """An item's points for the sums: 0 when unestimated (and 0.0, never -0.0)."""
    import polars as pl

    return pl.col("points").fill_null(0.0) + 0.0


# Expressions are built once: building them costs a small audit more than running them.
@cache
def tally_columns(*, open_only: bool = False) -> list[pl.Expr]:
    """A `Tally`'s fields as aggregations of the items' table (`open_only`: of the items
    not done, named `open_...`)."""
    import polars as pl

    where = pl.col("status_category") != StatusCategory.DONE.value if open_only else None
    prefix = "open_" if open_only else ""
    linked = pl.col("link_state").is_in(LINKED_STATES)
    exempt = pl.col("link_state") == LinkState.EXEMPT.value
    points = counted_points()
    items = pl.len()
    if where is not None:
        items, linked, exempt, points = (
            where.sum(),
            linked & where,
            exempt & where,
            points.filter(where),
        )
    return [
        items.cast(pl.Int64).alias(f"{prefix}items"),
        linked.sum().cast(pl.Int64).alias(f"{prefix}linked_items"),
        exempt.sum().cast(pl.Int64).alias(f"{prefix}exempt_items"),
        running_sum(points).alias(f"{prefix}points"),
        running_sum(counted_points().filter(linked)).alias(f"{prefix}linked_points"),
        running_sum(counted_points().filter(exempt)).alias(f"{prefix}exempt_points"),
    ]


def _tally(row: dict[str, Any], prefix: str = "") -> Tally:
    return Tally(**{name: row[f"{prefix}{name}"] for name in _TALLY})


def tally(frame: pl.DataFrame) -> Tally:
    """Items and points of a table of audited items, all and linked."""
    return _tally(frame.select(tally_columns()).row(0, named=True))


def _headline(frame: pl.LazyFrame) -> pl.LazyFrame:
    """One row: the tallies of all and of open items, items per link state, unestimated
    items, and the orphans' keys (a list), in one pass over the table."""
    return frame.select(_headline_columns())


@cache
def _headline_columns() -> list[pl.Expr]:
    import polars as pl

    state = pl.col("link_state")
    counted = [(state == s.value).sum().alias(s.value) for s in _COUNTED_STATES]
    orphaned = state == LinkState.ORPHANED.value
    return [
        *tally_columns(),
        *tally_columns(open_only=True),
        *counted,
        pl.col("points").null_count().alias("unestimated"),
        pl.col("key").filter(orphaned).implode().alias("orphans"),
    ]


# The link states the summary counts items of.
_COUNTED_STATES = (LinkState.ORPHANED, LinkState.DANGLING, LinkState.STALE,
                   LinkState.OBJECTIVE_ONLY, LinkState.INHERITED)  # fmt: skip


def _summary(row: dict[str, Any], krs: int, uncovered: int) -> Summary:
    """The headline figures (SPEC 6) from `_headline`'s row; `krs` and `uncovered` as
    counted."""
    return Summary(
        all=_tally(row),
        open=_tally(row, "open_"),
        orphaned_items=int(row[LinkState.ORPHANED.value]),
        dangling_items=int(row[LinkState.DANGLING.value]),
        stale_items=int(row[LinkState.STALE.value]),
        objective_only_items=int(row[LinkState.OBJECTIVE_ONLY.value]),
        inherited_items=int(row[LinkState.INHERITED.value]),
        unestimated_items=int(row["unestimated"]),
        key_results=krs,
        uncovered_key_results=uncovered,
    )


def _share(part: float, whole: float) -> float | None:
    """part / whole; None when whole is 0 or either is not finite.

    The sources refuse absurd estimates, but a sum that overflowed would otherwise show a
    false 0% (1e308 / inf) or NaN (inf / inf) for a key result.
    """
    if not whole or not math.isfinite(whole) or not math.isfinite(part):
        return None
    return part / whole


def _work(frame: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """Items, points and status counts per KR (or objective) the items work toward."""
    return (
        frame.select(column, "points", "status_category")
        .explode(column)
        .drop_nulls(column)
        .group_by(column, maintain_order=True)
        .agg(_work_columns())
    )


@cache
def _work_columns() -> list[pl.Expr]:
    import polars as pl

    category = pl.col("status_category")
    return [
        pl.len().alias("items"),
        running_sum(counted_points()).alias("points"),
        (category == "todo").sum().alias("todo"),
        (category == "in_progress").sum().alias("in_progress"),
        (category == "done").sum().alias("done"),
    ]


def _by_id(rows: pl.DataFrame) -> dict[str, dict[str, float]]:
    """`_work`'s rows by KR (or objective) id."""
    return {row.pop(rows.columns[0]): row for row in rows.iter_rows(named=True)}


def _row(row_id: str, title: str, work: dict[str, float] | None, total: Tally,
         kr: KeyResult | None = None) -> WorkRow:  # fmt: skip
    work = work or {}
    items, points = int(work.get("items", 0)), float(work.get("points", 0.0))
    return WorkRow(
        id=row_id,
        title=title,
        items=items,
        points=points,
        share=_share(items, total.items),
        points_share=_share(points, total.points),
        todo=int(work.get("todo", 0)),
        in_progress=int(work.get("in_progress", 0)),
        done=int(work.get("done", 0)),
        objective_id=kr.objective_id if kr else None,
        baseline=kr.baseline if kr else None,
        target=kr.target if kr else None,
        current=kr.current if kr else None,
        unit=kr.unit if kr else None,
    )


def kr_rows(okrs: OkrSet, frame: pl.DataFrame, total: Tally) -> tuple[WorkRow, ...]:
    """One row per KR, in OKR-file order (SPEC 6)."""
    return _kr_rows(okrs, _by_id(_work(frame.lazy(), "key_results").collect(engine=ENGINE)), total)


def _kr_rows(okrs: OkrSet, work: dict[str, dict[str, float]], total: Tally) -> tuple[WorkRow, ...]:
    return tuple(_row(kr.id, kr.title, work.get(kr.id), total, kr) for kr in okrs.key_results)


def _objective_rows(
    okrs: OkrSet, work: dict[str, dict[str, float]], total: Tally
) -> tuple[WorkRow, ...]:
    """One row per objective: its KRs' items and its objective-only items, each once."""
    return tuple(_row(o.id, o.title, work.get(o.id), total) for o in okrs.objectives)


def _breakdown(frame: pl.LazyFrame, column: str, missing: str) -> pl.LazyFrame:
    """Coverage per value of `column` (`missing` for none)."""
    import polars as pl

    value = pl.when(pl.col(column).is_null() | (pl.col(column) == "")).then(pl.lit(missing))
    return (
        frame.select(value.otherwise(pl.col(column)).alias("_value"), "link_state", "points")
        .group_by("_value", maintain_order=True)
        .agg(tally_columns())
    )


def _breakdown_rows(groups: pl.DataFrame) -> tuple[BreakdownRow, ...]:
    """`_breakdown`'s groups as rows, values in natural order."""
    rows = {row["_value"]: _tally(row) for row in groups.iter_rows(named=True)}
    return tuple(BreakdownRow(value, rows[value]) for value in sorted(rows, key=natural_key))


class Figures(TypedDict):
    """The fields of an `AuditResult` that are counted from its items' table."""

    summary: Summary
    key_results: tuple[WorkRow, ...]
    objectives: tuple[WorkRow, ...]
    by_sprint: tuple[BreakdownRow, ...]
    by_assignee: tuple[BreakdownRow, ...]
    by_project: tuple[BreakdownRow, ...]
    orphans: tuple[str, ...]
    uncovered_key_results: tuple[str, ...]


def figures(okrs: OkrSet, linked: pl.DataFrame) -> Figures:
    """Every figure of the in-scope items' table against `okrs`: a single audit's and a
    portfolio's alike (SPEC 6 and 11).

    Six queries over the table, run by the engine in one call: each query's fixed cost,
    not the rows, is what a small audit pays.
    """
    import polars as pl

    frame = linked.lazy()
    head, krs, objectives, *breakdowns = pl.collect_all(
        [
            _headline(frame),
            _work(frame, "key_results"),
            _work(frame, "objectives"),
            _breakdown(frame, "sprint", NO_SPRINT),
            _breakdown(frame, "assignee", UNASSIGNED),
            _breakdown(frame, "project", NO_PROJECT),
        ],
        engine=ENGINE,
    )
    row = head.row(0, named=True)
    total = _tally(row)
    kr_table = _kr_rows(okrs, _by_id(krs), total)
    uncovered = tuple(r.id for r in kr_table if r.items == 0)
    by_sprint, by_assignee, by_project = (_breakdown_rows(groups) for groups in breakdowns)
    return Figures(
        summary=_summary(row, len(kr_table), len(uncovered)),
        key_results=kr_table,
        objectives=_objective_rows(okrs, _by_id(objectives), total),
        by_sprint=by_sprint,
        by_assignee=by_assignee,
        by_project=by_project,
        orphans=tuple(row["orphans"]),
        uncovered_key_results=uncovered,
    )
