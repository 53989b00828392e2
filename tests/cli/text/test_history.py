"""`backlog-audit history` as text: one line per run, counts with thousands separators."""

from __future__ import annotations

from datetime import datetime, timezone

from backlog_audit.cli.text.history import as_text
from backlog_audit.history import RunRecord, ScopeId


def test_counts_have_thousands_separators_and_stay_in_their_columns() -> None:
    scope = ScopeId("csv", "Jira export big.csv", "2026-Q4")
    run = RunRecord(
        id=1,
        recorded_at=datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc),
        scope=scope,
        items=200_000,
        exempt_items=0,
        linked_items=196_744,
        points=500_000.0,
        exempt_points=0.0,
        linked_points=450_000.0,
        orphaned_items=3_256,
        dangling_items=0,
        stale_items=0,
        key_results=6,
        uncovered_key_results=0,
        exit_code=0,
    )
    header, line = as_text([run]).splitlines()[1:]
    assert line == "  2026-11-02 07:00  200,000     98.4%                90.0%    3,256     0"
    assert len(header) == len(line)
