"""Changes and trend (issue 7) computed over the simulated weekly runs of
tests/history/weeks.py, whose docstring tabulates the backlog week by week.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.history import (
    coverage_drop,
    list_runs,
    with_history,
)
from backlog_audit.model import (
    Backlog,
    KeyResult,
)
from tests.history.weeks import SCOPE, WEEK_1, WEEKS, at_week, audited, item, okr_set, run_week

# --- Changes and trend over simulated weeks -------------------------------------------------


def test_the_first_run_of_a_scope_has_no_changes_and_no_trend(db: Path) -> None:
    run_week(db, 1, scope="board=7 sprint=next")  # another scope's run is no history
    first = run_week(db, 1)
    assert first.changes is None
    assert first.trend == ()


def test_week_2_changes_against_week_1(db: Path) -> None:
    run_week(db, 1)
    changes = run_week(db, 2).changes
    assert changes is not None
    assert changes.since == WEEK_1
    # Coverage 2/5 -> 3/6 (A-3 linked, A-7 new and dangling): +0.1.
    assert changes.coverage_delta == pytest.approx(0.1)
    # Points 5/13 -> 10/14: (130 - 70) / 182 = 30/91.
    assert changes.points_coverage_delta == pytest.approx(30 / 91)
    assert changes.new_orphans == ()
    assert changes.fixed_orphans == ("A-3",)
    assert changes.new_dangling_links == ("A-7: KR2.x",)  # A-5's KR9.9 is not new
    assert changes.newly_covered_key_results == ("KR1.2",)
    assert changes.newly_uncovered_key_results == ()


def test_week_3_changes_against_week_2(db: Path) -> None:
    run_week(db, 1)
    run_week(db, 2)
    changes = run_week(db, 3).changes
    assert changes is not None
    assert changes.since == at_week(2)
    # Coverage 3/6 -> 1/4 (A-3 only; exempt): -0.25, a drop of 25 points.
    assert changes.coverage_delta == pytest.approx(-0.25)
    assert coverage_drop(changes) == 25.0
    # Points 10/14 -> 5/11: (70 - 110) / 154 = -20/77.
    assert changes.points_coverage_delta == pytest.approx(-20 / 77)
    assert changes.new_orphans == ("A-1",)
    assert changes.fixed_orphans == ("A-4",)  # now exempt: deliberately outside the OKRs
    assert changes.new_dangling_links == ()
    assert changes.newly_covered_key_results == ()
    assert changes.newly_uncovered_key_results == ("KR1.1",)  # A-1 unlinked, A-2 gone


def test_the_trend_lists_the_scope_runs_oldest_first_then_this_one(db: Path) -> None:
    run_week(db, 1)
    run_week(db, 2)
    trend = run_week(db, 3).trend
    assert [p.generated_at for p in trend] == [at_week(1), at_week(2), at_week(3)]
    assert [p.items for p in trend] == [6, 7, 6]
    assert [p.coverage for p in trend] == pytest.approx([2 / 5, 3 / 6, 1 / 4])
    assert [p.points_coverage for p in trend] == pytest.approx([5 / 13, 10 / 14, 5 / 11])
    assert [p.orphaned_items for p in trend] == [2, 1, 1]


def test_runs_of_another_cycle_or_scope_are_not_compared(db: Path) -> None:
    run_week(db, 1)
    run_week(db, 2)
    # Recorded after week 2, but of another OKR cycle and of another sprint.
    run_week(db, 1, when=2.5, cycle="2027-Q1")
    run_week(db, 1, when=2.6, scope="board=7 sprint=next")
    week_3 = run_week(db, 3)
    assert week_3.changes is not None
    assert week_3.changes.since == at_week(2)
    assert len(week_3.trend) == 3
    other_cycle = with_history(audited(3, when=4, cycle="2027-Q1"), db)
    assert other_cycle.changes is not None and other_cycle.changes.since == at_week(2.5)
    assert [p.generated_at for p in other_cycle.trend] == [at_week(2.5), at_week(4)]


def test_a_kr_new_to_the_okr_set_is_not_newly_covered(db: Path) -> None:
    run_week(db, 1)
    okrs = okr_set()
    extra = replace(
        okrs.objectives[1],
        key_results=(*okrs.objectives[1].key_results, KeyResult("KR2.2", "O2", "Invites")),
    )
    okrs = replace(okrs, objectives=(okrs.objectives[0], extra))
    items = (*WEEKS[1], item("A-8", 1, "KR2.2"))
    result = audit(Backlog("jira", SCOPE, items), okrs, now=at_week(2))
    changes = with_history(result, db).changes
    assert changes is not None
    assert changes.newly_covered_key_results == ()


def test_list_runs_filters_scopes_by_text_in_any_case(db: Path) -> None:
    run_week(db, 1)
    run_week(db, 1, when=1.5, scope="board=9 sprint=next")
    assert [r.scope.scope for r in list_runs(db, "SPRINT=NEXT")] == ["board=9 sprint=next"]
    assert len(list_runs(db)) == 2
