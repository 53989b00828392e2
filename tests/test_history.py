"""The audit history (issue 7): the SQLite store, its migrations, concurrent writers, and
the changes and trend computed over several simulated weekly runs.

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

import sqlite3
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.errors import EXIT_USAGE
from backlog_audit.history import (
    HistoryError,
    ScopeId,
    coverage_drop,
    default_path,
    list_runs,
    open_store,
    record,
    with_history,
)
from backlog_audit.history_store import SCHEMA_VERSION
from backlog_audit.model import (
    AuditResult,
    Backlog,
    Item,
    KeyResult,
    LinkState,
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


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history" / "history.sqlite3"


# --- The store ------------------------------------------------------------------------------


def test_a_new_file_is_created_with_the_current_schema_in_wal_mode(db: Path) -> None:
    run_week(db, 1)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_run_keeps_scope_summary_kr_figures_items_and_links(db: Path) -> None:
    run_week(db, 1)
    with open_store(db) as store:
        (run,) = store.runs()
        detail = store.detail(run)
    assert run.recorded_at == WEEK_1
    assert run.scope == ScopeId("jira", SCOPE, "2026-Q4")
    # 6 items, 1 exempt, 2 linked; 14 points, 1 exempt, 5 linked.
    assert (run.items, run.exempt_items, run.linked_items) == (6, 1, 2)
    assert (run.points, run.exempt_points, run.linked_points) == (14.0, 1.0, 5.0)
    assert run.coverage == 2 / 5
    assert run.points_coverage == 5 / 13
    assert (run.orphaned_items, run.dangling_items, run.stale_items) == (2, 1, 0)
    assert (run.key_results, run.uncovered_key_results, run.exit_code) == (3, 2, 0)
    assert dict(detail.kr_items) == {"KR1.1": 2, "KR1.2": 0, "KR2.1": 0}
    assert detail.dangling == {("A-5", "KR9.9")}
    states = {i.key: (i.link_state, i.key_results, i.points) for i in detail.items}
    assert states == {
        "A-1": (LinkState.LINKED, ("KR1.1",), 3.0),
        "A-2": (LinkState.LINKED, ("KR1.1",), 2.0),
        "A-3": (LinkState.ORPHANED, (), 5.0),
        "A-4": (LinkState.ORPHANED, (), 1.0),
        "A-5": (LinkState.DANGLING, (), 2.0),
        "A-6": (LinkState.EXEMPT, (), 1.0),
    }


def test_reading_a_missing_history_creates_nothing(db: Path) -> None:
    result = with_history(audited(1), db)
    assert result.changes is None
    assert result.trend == ()  # no trend without an earlier run
    assert list_runs(db) == []
    assert not db.exists()


def test_a_file_that_is_not_sqlite_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "history.sqlite3"
    bad.write_text("this is a text file, not a database\n" * 100)
    with pytest.raises(HistoryError, match="history.sqlite3") as caught:
        with_history(audited(1), bad)
    assert caught.value.exit_code == EXIT_USAGE


def test_a_newer_schema_is_refused_untouched(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(HistoryError, match="schema version 99 is newer"):
        record(audited(1), db, 0)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 99


def test_default_path_follows_xdg_data_home(tmp_path: Path) -> None:
    xdg = default_path({"XDG_DATA_HOME": str(tmp_path)})
    assert xdg == tmp_path / "backlog-audit" / "history.sqlite3"
    fallback = Path.home() / ".local" / "share" / "backlog-audit" / "history.sqlite3"
    assert default_path({}) == fallback
    assert default_path({"XDG_DATA_HOME": "relative/dir"}) == fallback  # invalid per XDG


# --- Migration from an older schema ---------------------------------------------------------

# Schema version 1 as the first release wrote it: no per-item points.
V1_SCHEMA = """
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL,
  source_kind TEXT NOT NULL, scope TEXT NOT NULL, okr_cycle TEXT, items INTEGER NOT NULL,
  exempt_items INTEGER NOT NULL, linked_items INTEGER NOT NULL, points REAL NOT NULL,
  exempt_points REAL NOT NULL, linked_points REAL NOT NULL, orphaned_items INTEGER NOT NULL,
  dangling_items INTEGER NOT NULL, stale_items INTEGER NOT NULL, key_results INTEGER NOT NULL,
  uncovered_key_results INTEGER NOT NULL, exit_code INTEGER NOT NULL);
CREATE INDEX runs_by_scope ON runs (source_kind, scope, okr_cycle, recorded_at);
CREATE TABLE run_key_results (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kr_id TEXT NOT NULL, objective_id TEXT, items INTEGER NOT NULL, points REAL NOT NULL);
CREATE INDEX run_key_results_by_run ON run_key_results (run_id);
CREATE TABLE run_items (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL, link_state TEXT NOT NULL, key_results TEXT NOT NULL);
CREATE INDEX run_items_by_run ON run_items (run_id);
CREATE TABLE run_links (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind TEXT NOT NULL, key TEXT NOT NULL, reference TEXT NOT NULL);
CREATE INDEX run_links_by_run ON run_links (run_id);
PRAGMA user_version = 1;
"""

# Week 1 as a v1 release recorded it (figures as in the store test above).
V1_WEEK_1 = """
INSERT INTO runs VALUES (1, '2026-10-05T06:00:00.000000Z', 'jira', 'board=7 sprint=active',
  '2026-Q4', 6, 1, 2, 14.0, 1.0, 5.0, 2, 1, 0, 3, 2, 0);
INSERT INTO run_key_results VALUES (1, 'KR1.1', 'O1', 2, 5.0), (1, 'KR1.2', 'O1', 0, 0.0),
  (1, 'KR2.1', 'O2', 0, 0.0);
INSERT INTO run_items VALUES (1, 'A-1', 'linked', '["KR1.1"]'), (1, 'A-2', 'linked', '["KR1.1"]'),
  (1, 'A-3', 'orphaned', '[]'), (1, 'A-4', 'orphaned', '[]'), (1, 'A-5', 'dangling', '[]'),
  (1, 'A-6', 'exempt', '[]');
INSERT INTO run_links VALUES (1, 'dangling', 'A-5', 'KR9.9');
"""


def test_a_v1_file_is_migrated_and_its_runs_still_compare(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.executescript(V1_SCHEMA + V1_WEEK_1)
    conn.close()

    week_2 = run_week(db, 2)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    columns = [row[1] for row in conn.execute("PRAGMA table_info(run_items)")]
    assert columns == ["run_id", "key", "link_state", "key_results", "points"]
    old_points = conn.execute("SELECT points FROM run_items WHERE run_id = 1").fetchall()
    assert old_points == [(None,)] * 6  # unknown, not zero
    new_points = conn.execute("SELECT key, points FROM run_items WHERE run_id = 2").fetchall()
    assert dict(new_points)["A-3"] == 5.0
    # The migrated week 1 is what week 2 is compared with (same deltas as the weekly test).
    assert week_2.changes is not None
    assert week_2.changes.since == WEEK_1
    assert week_2.changes.fixed_orphans == ("A-3",)
    assert week_2.changes.coverage_delta == pytest.approx(0.1)


# --- Two cron jobs writing at once ----------------------------------------------------------


def test_two_concurrent_writers_lose_nothing_and_corrupt_nothing(db: Path) -> None:
    runs_each = 15
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(scope: str) -> None:
        try:
            start.wait()  # both create the (missing) file and write at the same moment
            for n in range(runs_each):
                result = audited(1, when=1 + n / 100, scope=scope)
                record(with_history(result, db), db, 0)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"sprint={n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_scope = conn.execute("SELECT scope, COUNT(*) FROM runs GROUP BY scope").fetchall()
    assert sorted(per_scope) == [("sprint=1", runs_each), ("sprint=2", runs_each)]
    # Every run was recorded whole: 6 items, 3 KR rows and 1 dangling link each.
    assert conn.execute("SELECT COUNT(*) FROM run_items").fetchone()[0] == 2 * runs_each * 6
    assert conn.execute("SELECT COUNT(*) FROM run_key_results").fetchone()[0] == 2 * runs_each * 3
    assert conn.execute("SELECT COUNT(*) FROM run_links").fetchone()[0] == 2 * runs_each


def test_many_processes_opening_a_brand_new_file_at_once_all_get_in(tmp_path: Path) -> None:
    # Switching a new file to WAL races, and SQLite tells the loser "locked" without waiting.
    errors: list[BaseException] = []

    def opener(path: Path, start: threading.Barrier) -> None:
        try:
            start.wait()
            with open_store(path) as store:
                assert store.runs() == []
        except BaseException as exc:
            errors.append(exc)

    for attempt in range(10):
        path, start = tmp_path / f"new-{attempt}.sqlite3", threading.Barrier(6)
        threads = [threading.Thread(target=opener, args=(path, start)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []


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
