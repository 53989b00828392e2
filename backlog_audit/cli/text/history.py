"""The audit history as text, CSV or JSON (`backlog-audit history`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import Any

from backlog_audit.history import RunRecord, ScopeId
from backlog_audit.reports import csv_rule
from backlog_audit.reports.figures import count, percent, points_delta
from backlog_audit.reports.json import iso

CSV_COLUMNS = (
    "recorded_at",
    "source",
    "scope",
    "okr_cycle",
    "items",
    "exempt_items",
    "linked_items",
    "coverage",
    "points",
    "linked_points",
    "points_coverage",
    "orphaned_items",
    "dangling_items",
    "stale_items",
    "uncovered_key_results",
    "exit_code",
)


def _groups(runs: list[RunRecord]) -> list[tuple[ScopeId, list[RunRecord]]]:
    """Runs grouped by scope (scopes in name order), each group oldest first."""

    def key(run: RunRecord) -> tuple[str, str, str]:
        return run.scope.source_kind, run.scope.scope, run.scope.okr_cycle or ""

    ordered = sorted(runs, key=lambda run: (key(run), run.recorded_at, run.id))
    return [(group[0].scope, group) for _, g in groupby(ordered, key) if (group := list(g))]


def _change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    return points_delta(now - before, unit="")


def as_text(runs: list[RunRecord]) -> str:
    """A block per scope: one line per run, with the change in coverage since the one before."""
    return "\n".join(_text_block(scope, group) for scope, group in _groups(runs))


def _text_block(scope: ScopeId, runs: list[RunRecord]) -> str:
    cycle = f", OKR cycle {scope.okr_cycle}" if scope.okr_cycle else ""
    lines = [
        f"{scope.source_kind}: {scope.scope}{cycle}",
        f"  {'when (UTC)':<16}  {'items':>7}  {'coverage':>8}  {'change':>6}  "
        f"{'points cov.':>11}  {'orphans':>7}  {'exit':>4}",
    ]
    previous: RunRecord | None = None
    for run in runs:
        change = _change(run.coverage, previous.coverage if previous else None)
        lines.append(
            f"  {run.recorded_at:%Y-%m-%d %H:%M}  {count(run.items):>7}  "
            f"{percent(run.coverage):>8}  {change:>6}  {percent(run.points_coverage):>11}  "
            f"{count(run.orphaned_items):>7}  "
            f"{run.exit_code:>4}"
        )
        previous = run
    return "\n".join(lines) + "\n"


def _row(run: RunRecord) -> dict[str, Any]:
    return {
        "recorded_at": iso(run.recorded_at),
        "source": run.scope.source_kind,
        "scope": run.scope.scope,
        "okr_cycle": run.scope.okr_cycle,
        "items": run.items,
        "exempt_items": run.exempt_items,
        "linked_items": run.linked_items,
        "coverage": run.coverage,
        "points": run.points,
        "linked_points": run.linked_points,
        "points_coverage": run.points_coverage,
        "orphaned_items": run.orphaned_items,
        "dangling_items": run.dangling_items,
        "stale_items": run.stale_items,
        "uncovered_key_results": run.uncovered_key_results,
        "exit_code": run.exit_code,
    }


def as_csv(runs: list[RunRecord]) -> str:
    """One row per run, grouped by scope, oldest first; shares as fractions (0.75). Written
    by the one CSV rule (`reports/csv_rule.py`): a scope that starts like a formula is text."""
    rows = [_row(run) for _, group in _groups(runs) for run in group]
    return csv_rule.table(CSV_COLUMNS, ([row[c] for c in CSV_COLUMNS] for row in rows))


def as_json(runs: list[RunRecord]) -> str:
    """`{"scopes": [{"source", "scope", "okr_cycle", "runs": [...]}]}`."""
    scopes = [
        {
            "source": scope.source_kind,
            "scope": scope.scope,
            "okr_cycle": scope.okr_cycle,
            "runs": [_strip_scope(_row(run)) for run in group],
        }
        for scope, group in _groups(runs)
    ]
    return json.dumps({"scopes": scopes}, indent=2, ensure_ascii=False) + "\n"


def _strip_scope(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("source", "scope", "okr_cycle")}


FORMATS: dict[str, Callable[[list[RunRecord]], str]] = {
    "text": as_text,
    "csv": as_csv,
    "json": as_json,
}
