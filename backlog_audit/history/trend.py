"""The trend of a scope: its recorded runs, oldest first, then the current one (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from backlog_audit.history.records import RunRecord
from backlog_audit.model import AuditResult, TrendPoint


def trend(runs: Iterable[RunRecord], current: AuditResult) -> tuple[TrendPoint, ...]:
    """The recorded runs of a scope, oldest first, then the current run.

    Empty when nothing is recorded yet: a trend needs an earlier run (and the workbook shows
    a Trend sheet only when there is one).
    """
    past = tuple(
        TrendPoint(
            generated_at=run.recorded_at,
            items=run.items,
            coverage=run.coverage,
            points_coverage=run.points_coverage,
            orphaned_items=run.orphaned_items,
        )
        for run in runs
    )
    if not past:
        return ()
    now = TrendPoint(
        generated_at=current.generated_at,
        items=current.summary.all.items,
        coverage=current.summary.all.coverage,
        points_coverage=current.summary.all.points_coverage,
        orphaned_items=current.summary.orphaned_items,
    )
    return (*past, now)
