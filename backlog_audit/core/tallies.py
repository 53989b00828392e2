"""The figures of SPEC 6 over the audited items' table: tallies, the summary, KR and objective
rows, breakdowns. One rule for every count: a single audit's and a portfolio's (SPEC 11).

Points are summed one item after another in item order (a running sum), never by the engine's
pairwise or compensated sum: those differ from the item-by-item sum in the last digit, and a
report must not change with the engine.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypedDict

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


def tally_columns() -> list[pl.Expr]:
    """A `Tally`'s fields as aggregations of the items' table."""
    import polars as pl

    linked = pl.col("link_state").is_in(LINKED_STATES)
    exempt = pl.col("link_state") == LinkState.EXEMPT.value
    points = counted_points()
    return [
        pl.len().cast(pl.Int64).alias("items"),
        linked.sum().cast(pl.Int64).alias("linked_items"),
        exempt.sum().cast(pl.Int64).alias("exempt_items"),
        running_sum(points).alias("points"),
        running_sum(points.filter(linked)).alias("linked_points"),
        running_sum(points.filter(exempt)).alias("exempt_points"),
    ]


def tally(frame: pl.DataFrame) -> Tally:
    """Items and points of a table of audited items, all and linked."""
    row = frame.select(tally_columns()).row(0, named=True)
    return Tally(**{name: row[name] for name in _TALLY})


def summary(linked: pl.DataFrame, krs: int, uncovered: int) -> Summary:
    """The headline figures (SPEC 6) of a table of audited items: tallies of all and of open
    items, items per link state, unestimated items; `krs` and `uncovered` as counted."""
    import polars as pl

    states = dict(linked["link_state"].value_counts().iter_rows())
    open_items = linked.select("link_state", "points", "status_category").filter(
        pl.col("status_category") != StatusCategory.DONE.value
    )
    return Summary(
        all=tally(linked),
        open=tally(open_items),
        orphaned_items=int(states.get(LinkState.ORPHANED.value, 0)),
        dangling_items=int(states.get(LinkState.DANGLING.value, 0)),
        stale_items=int(states.get(LinkState.STALE.value, 0)),
        objective_only_items=int(states.get(LinkState.OBJECTIVE_ONLY.value, 0)),
        inherited_items=int(states.get(LinkState.INHERITED.value, 0)),
        unestimated_items=linked["points"].null_count(),
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


def _work(frame: pl.DataFrame, column: str) -> dict[str, dict[str, float]]:
    """Items, points and status counts per KR (or objective) the items work toward."""
    import polars as pl

    category = pl.col("status_category")
    rows = (
        frame.select(column, "points", "status_category")
        .explode(column)
        .drop_nulls(column)
        .group_by(column, maintain_order=True)
        .agg(
            pl.len().alias("items"),
            running_sum(counted_points()).alias("points"),
            (category == "todo").sum().alias("todo"),
            (category == "in_progress").sum().alias("in_progress"),
            (category == "done").sum().alias("done"),
        )
    )
    return {row.pop(column): row for row in rows.iter_rows(named=True)}


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
    work = _work(frame, "key_results")
    return tuple(_row(kr.id, kr.title, work.get(kr.id), total, kr) for kr in okrs.key_results)


def objective_rows(okrs: OkrSet, frame: pl.DataFrame, total: Tally) -> tuple[WorkRow, ...]:
    """One row per objective: its KRs' items and its objective-only items, each once."""
    work = _work(frame, "objectives")
    return tuple(_row(o.id, o.title, work.get(o.id), total) for o in okrs.objectives)


def breakdown(frame: pl.DataFrame, column: str, missing: str) -> tuple[BreakdownRow, ...]:
    """Coverage per value of `column` (`missing` for none), values in natural order."""
    import polars as pl

    value = pl.when(pl.col(column).is_null() | (pl.col(column) == "")).then(pl.lit(missing))
    groups = (
        frame.with_columns(value.otherwise(pl.col(column)).alias("_value"))
        .group_by("_value", maintain_order=True)
        .agg(tally_columns())
    )
    rows = {
        row["_value"]: Tally(**{name: row[name] for name in _TALLY})
        for row in groups.iter_rows(named=True)
    }
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
    portfolio's alike (SPEC 6 and 11)."""
    import polars as pl

    total = tally(linked)
    krs = kr_rows(okrs, linked, total)
    uncovered = tuple(row.id for row in krs if row.items == 0)
    # One column filtered, not the table's every list column.
    orphaned = pl.col("key").filter(pl.col("link_state") == LinkState.ORPHANED.value)
    return Figures(
        summary=summary(linked, len(krs), len(uncovered)),
        key_results=krs,
        objectives=objective_rows(okrs, linked, total),
        by_sprint=breakdown(linked, "sprint", NO_SPRINT),
        by_assignee=breakdown(linked, "assignee", UNASSIGNED),
        by_project=breakdown(linked, "project", NO_PROJECT),
        orphans=tuple(linked.select(orphaned)["key"].to_list()),
        uncovered_key_results=uncovered,
    )
