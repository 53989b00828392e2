"""Simulated weekly runs for the history tests (issue 7).

The weekly backlog, against O1 (KR1.1, KR1.2) and O2 (KR2.1), exempt marker BAU. Each week is
audited at WEEK_1 + n weeks; expected figures are worked out by hand in the comments.

| key | week 1           | week 2           | week 3              |
|-----|------------------|------------------|---------------------|
| A-1 | KR1.1, 3 pts     | KR1.1            | no link (orphaned)  |
| A-2 | KR1.1, 2 pts     | KR1.1            | (left the scope)    |
| A-3 | no link, 5 pts   | KR1.2            | KR1.2               |
| A-4 | no link, 1 pt    | no link          | BAU (exempt)        |
| A-5 | KR9.9, 2 pts     | KR9.9            | KR9.9               |
| A-6 | BAU, 1 pt        | BAU              | BAU                 |
| A-7 |                  | KR2.x, 1 pt      | KR2.x               |
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from backlog_audit.core.audit import audit
from backlog_audit.history import (
    record,
    with_history,
)
from backlog_audit.model import (
    AuditResult,
    Backlog,
    Item,
    KeyResult,
    Objective,
    OkrSet,
)

WEEK_1 = datetime(2026, 10, 5, 6, 0, tzinfo=timezone.utc)


SCOPE = "board=7 sprint=active"


def okr_set(cycle: str = "2026-Q4") -> OkrSet:
    """Two objectives, three KRs, BAU exempt."""
    return OkrSet(
        objectives=(
            Objective(
                "O1",
                "Activation",
                (KeyResult("KR1.1", "O1", "Activation rate"), KeyResult("KR1.2", "O1", "Speed")),
            ),
            Objective("O2", "Retention", (KeyResult("KR2.1", "O2", "Week-8 retention"),)),
        ),
        exempt=("BAU",),
        cycle=cycle,
    )


def item(key: str, points: float, *refs: str) -> Item:
    return Item(id=key, key=key, type="Story", points=points, references=refs)


WEEKS: dict[int, tuple[Item, ...]] = {
    1: (
        item("A-1", 3, "KR1.1"),
        item("A-2", 2, "KR1.1"),
        item("A-3", 5),
        item("A-4", 1),
        item("A-5", 2, "KR9.9"),
        item("A-6", 1, "BAU"),
    ),
    2: (
        item("A-1", 3, "KR1.1"),
        item("A-2", 2, "KR1.1"),
        item("A-3", 5, "KR1.2"),
        item("A-4", 1),
        item("A-5", 2, "KR9.9"),
        item("A-6", 1, "BAU"),
        item("A-7", 1, "KR2.x"),
    ),
    3: (
        item("A-1", 3),
        item("A-3", 5, "KR1.2"),
        item("A-4", 1, "BAU"),
        item("A-5", 2, "KR9.9"),
        item("A-6", 1, "BAU"),
        item("A-7", 1, "KR2.x"),
    ),
}


def at_week(week: float) -> datetime:
    return WEEK_1 + timedelta(weeks=week - 1)


def audited(week: int, *, when: float | None = None, cycle: str = "2026-Q4", scope: str = SCOPE):
    """The audit of one week's backlog, run at that week's time (or `when`)."""
    backlog = Backlog(kind="jira", scope=scope, items=WEEKS[week])
    return audit(backlog, okr_set(cycle), now=at_week(when if when is not None else week))


def run_week(path: Path, week: int, **kwargs: object) -> AuditResult:
    """Read the history, then record, as a scheduled run does."""
    result = with_history(audited(week, **kwargs), path)  # type: ignore[arg-type]
    record(result, path, 0)
    return result
