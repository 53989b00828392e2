"""The words both reports share (reports/common.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backlog_audit.reports.common import utc_text


def test_times_read_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert utc_text(datetime(2026, 11, 22, 11, 0, tzinfo=paris)) == "2026-11-22 10:00 UTC"
