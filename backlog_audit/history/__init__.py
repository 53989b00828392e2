"""The audit history, as a run uses it: read changes and trend, then record the run.

The store is in `store` (SQLite; its tables and upgrades in `schema`, what it reads back in
`records`), the comparisons in `changes` and `trend` (pure). This module only joins them for
`run.py`:

1. `with_history(result, path)` before rendering: the result gains `changes` (since the last
   run of the same source, selector and OKR cycle; None when there is none) and `trend`
   (that scope's recorded runs, then this one; empty when none is recorded yet). Reading
   never creates the file.
2. `recording(result, path, exit_code)` around writing the reports, for runs that end with
   exit 0 or 1 only: the run is added before the reports are written and committed after,
   so a history that cannot take it stops the run before any report is written, and a run
   that fails records nothing. `record` is the same without a body.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from backlog_audit.errors import HistoryError
from backlog_audit.history.changes import (
    changes,
    coverage_drop,
    snapshot_of_result,
    snapshot_of_run,
)
from backlog_audit.history.records import RunRecord, ScopeId
from backlog_audit.history.store import HistoryStore, default_path, open_store, xdg_path
from backlog_audit.history.trend import trend
from backlog_audit.model import AuditResult

__all__ = [
    "HistoryError",
    "HistoryStore",
    "RunRecord",
    "ScopeId",
    "coverage_drop",
    "default_path",
    "list_runs",
    "open_store",
    "record",
    "recording",
    "recording_all",
    "with_history",
    "xdg_path",
]


def with_history(result: AuditResult, path: Path) -> AuditResult:
    """`result` with its changes since the last run of its scope, and its trend."""
    if not path.exists():
        return replace(result, changes=None, trend=())
    scope = ScopeId.of(result)
    with open_store(path) as store:
        runs = store.runs(scope, until=result.generated_at)
        last = store.detail(runs[-1]) if runs else None
    found = None
    if last is not None:
        kr_order = [kr.id for kr in result.okrs.key_results]
        found = changes(snapshot_of_run(last), snapshot_of_result(result), kr_order)
    return replace(result, changes=found, trend=trend(runs, result))


def record(result: AuditResult, path: Path, exit_code: int) -> int:
    """Record a finished run (exit 0 or 1) in the history at `path`; returns its id."""
    with open_store(path) as store:
        return store.record(result, exit_code)


@contextmanager
def recording(result: AuditResult, path: Path, exit_code: int) -> Iterator[None]:
    """Record a run (exit 0 or 1) around writing its reports.

    A history that cannot take the run fails before the body, so no report is written; a
    body that fails (a report that cannot be written) leaves the run unrecorded.
    """
    with open_store(path) as store, store.recording(result, exit_code):
        yield


def list_runs(path: Path, scope_contains: str | None = None) -> list[RunRecord]:
    """Every recorded run, oldest first; only scopes containing `scope_contains` (any case).

    A history file that does not exist yet has no runs (and is not created).
    """
    if not path.exists():
        return []
    with open_store(path) as store:
        runs = store.runs()
    if scope_contains is None:
        return runs
    wanted = scope_contains.casefold()
    return [run for run in runs if wanted in run.scope.scope.casefold()]


@contextmanager
def recording_all(results: list[AuditResult], path: Path, exit_code: int) -> Iterator[None]:
    """`recording` of several scopes' runs at once (a portfolio and its teams): all or none."""
    with open_store(path) as store, store.recording_all(results, exit_code):
        yield
