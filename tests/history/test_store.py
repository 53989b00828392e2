"""The audit history store (issue 7): the SQLite file, its migrations, concurrent writers.

The weekly runs it records are those of tests/history/weeks.py.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import platformdirs
import pytest

from backlog_audit.errors import EXIT_USAGE
from backlog_audit.history import (
    HistoryError,
    ScopeId,
    default_path,
    list_runs,
    open_store,
    record,
    with_history,
    xdg_path,
)
from backlog_audit.history.schema import SCHEMA_VERSION
from backlog_audit.model import (
    LinkState,
)
from tests.history.weeks import SCOPE, WEEK_1, audited, run_week

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


def test_default_path_follows_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Linux the platform's data directory (platformdirs) is the XDG one.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "backlog-audit" / "history.sqlite3"
    fallback = Path.home() / ".local" / "share" / "backlog-audit" / "history.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_path() == fallback
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    assert default_path() == fallback  # invalid per XDG


def test_default_path_is_the_platforms_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS and Windows: ~/Library/Application Support, %LOCALAPPDATA% (as platformdirs says).
    platform = tmp_path / "Application Support" / "backlog-audit"
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *_a, **_k: platform)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == platform / "history.sqlite3"


def test_a_history_at_the_earlier_place_is_kept_until_the_platforms_place_has_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before platformdirs the history lived under $XDG_DATA_HOME (~/.local/share) everywhere.
    platform = tmp_path / "Application Support" / "backlog-audit"
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *_a, **_k: platform)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    earlier = xdg_path()
    record(audited(1), earlier, 0)
    assert default_path() == earlier
    record(audited(1), platform / "history.sqlite3", 0)
    assert default_path() == platform / "history.sqlite3"


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
