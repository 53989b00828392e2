"""The history file's schema, its versions and the steps that upgrade an older file; WAL mode.

The schema is versioned with `PRAGMA user_version` and upgraded in place by the steps in
`_MIGRATIONS`, in one transaction that holds the write lock, so two cron jobs opening an old
file at once upgrade it once.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from backlog_audit.errors import HistoryError

SCHEMA_VERSION = 2
_WAL_RETRY_PAUSE = 0.02  # seconds between tries to switch a new file to WAL

_V1 = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        scope TEXT NOT NULL,
        okr_cycle TEXT,
        items INTEGER NOT NULL,
        exempt_items INTEGER NOT NULL,
        linked_items INTEGER NOT NULL,
        points REAL NOT NULL,
        exempt_points REAL NOT NULL,
        linked_points REAL NOT NULL,
        orphaned_items INTEGER NOT NULL,
        dangling_items INTEGER NOT NULL,
        stale_items INTEGER NOT NULL,
        key_results INTEGER NOT NULL,
        uncovered_key_results INTEGER NOT NULL,
        exit_code INTEGER NOT NULL)""",
    "CREATE INDEX runs_by_scope ON runs (source_kind, scope, okr_cycle, recorded_at)",
    """CREATE TABLE run_key_results (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kr_id TEXT NOT NULL,
        objective_id TEXT,
        items INTEGER NOT NULL,
        points REAL NOT NULL)""",
    "CREATE INDEX run_key_results_by_run ON run_key_results (run_id)",
    """CREATE TABLE run_items (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        link_state TEXT NOT NULL,
        key_results TEXT NOT NULL)""",  # key_results: a JSON array of KR ids
    "CREATE INDEX run_items_by_run ON run_items (run_id)",
    """CREATE TABLE run_links (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        reference TEXT NOT NULL)""",
    "CREATE INDEX run_links_by_run ON run_links (run_id)",
)

# v2: per-item story points (v1 kept only each item's key, link state and KRs). Rows of
# runs recorded before the upgrade keep NULL: their points are unknown, not zero.
_V2 = ("ALTER TABLE run_items ADD COLUMN points REAL",)

# _MIGRATIONS[n] takes a file from user_version n to n + 1; a new file starts at 0.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
assert len(_MIGRATIONS) == SCHEMA_VERSION


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version the file is at (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL mode, waiting out another process doing the same.

    The mode is stored in the file, so this is a no-op after the first run. Two processes
    opening a brand-new file race to switch it, and SQLite answers the loser "database is
    locked" at once, without calling the busy handler: so it is retried here, up to the same
    timeout a writer waits.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_PAUSE)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to `SCHEMA_VERSION`, in one transaction that holds the write lock."""
    if user_version(conn) == SCHEMA_VERSION:
        return  # the usual case: no write lock needed just to read
    with transaction(conn):
        # Read the version again once the lock is held: another process may have just
        # created or upgraded the file.
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"history schema version {version} is newer than this backlog-audit "
                f"understands ({SCHEMA_VERSION}); upgrade backlog-audit"
            )
        for step in _MIGRATIONS[version:]:
            for statement in step:
                conn.execute(statement)
        if version != SCHEMA_VERSION:
            # PRAGMA takes no bound parameters; the value is our own constant.
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
