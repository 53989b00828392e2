"""The audit history: one SQLite file that every recorded run is added to.

Each run keeps when it ran, its scope identity (source kind, the selector as typed, the OKR
cycle), its summary figures, its per-KR figures, each item's key and link state, and its
dangling and stale links (the tables are in `schema`). Cron jobs may write at the same time:
the file is in WAL mode, every connection waits on a lock (busy timeout) instead of failing,
and each run is recorded in one `BEGIN IMMEDIATE` transaction, so a run is either wholly there
or not at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from backlog_audit.errors import HistoryError
from backlog_audit.history.records import (
    RunDetail,
    RunRecord,
    ScopeId,
    StoredItem,
    format_time,
    parse_time,
)
from backlog_audit.history.schema import enable_wal, migrate
from backlog_audit.model import AuditResult, LinkState

APP_DIR = "backlog-audit"
FILE_NAME = "history.sqlite3"
# How long a writer waits for another one to finish before giving up (seconds).
BUSY_TIMEOUT = 30.0


def default_path() -> Path:
    """The history file in the platform's data directory (`platformdirs`): on Linux
    `$XDG_DATA_HOME/backlog-audit/`, else `~/.local/share/backlog-audit/`; on macOS
    `~/Library/Application Support/backlog-audit/`; on Windows under `%LOCALAPPDATA%`.

    A history already kept at the earlier place (`xdg_path`, used on every system before)
    is read and recorded into until the platform's place has one.
    """
    from platformdirs import user_data_path  # a run with --history never needs it

    platform = user_data_path(APP_DIR, appauthor=False) / FILE_NAME
    earlier = xdg_path()
    if not platform.is_absolute():  # a relative $XDG_DATA_HOME: invalid, as the XDG spec says
        return earlier
    if platform != earlier and not platform.exists() and earlier.exists():
        return earlier
    return platform


def xdg_path(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/backlog-audit/history.sqlite3`, else under `~/.local/share`."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / APP_DIR / FILE_NAME


# The columns of `runs` read back as the `RunRecord` fields of the same name.
_FIGURES = (
    "items", "exempt_items", "linked_items", "points", "exempt_points", "linked_points",
    "orphaned_items", "dangling_items", "stale_items", "key_results", "uncovered_key_results",
    "exit_code",
)  # fmt: skip
_RUN_COLUMNS = ", ".join(("id", "recorded_at", "source_kind", "scope", "okr_cycle", *_FIGURES))
_SAME_SCOPE = "source_kind = ? AND scope = ? AND okr_cycle IS ?"


class HistoryStore:
    """An open history file. Use as a context manager; `open_store` is the usual way in."""

    def __init__(self, path: Path, timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are ours (BEGIN IMMEDIATE), never implicit.
            self._conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            enable_wal(self._conn, timeout)
            self._conn.execute("PRAGMA foreign_keys = ON")
            migrate(self._conn)
        except HistoryError:
            self.close()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        if hasattr(self, "_conn"):
            self._conn.close()

    def _fail(self, exc: BaseException) -> NoReturn:
        self.close()
        raise HistoryError(f"history {self.path}: {exc}") from None

    # --- reading ---

    def runs(
        self, scope: ScopeId | None = None, *, until: datetime | None = None
    ) -> list[RunRecord]:
        """Recorded runs, oldest first: all, or those of one scope (up to `until`)."""
        sql, args = f"SELECT {_RUN_COLUMNS} FROM runs", []
        clauses = []
        if scope is not None:
            clauses.append(_SAME_SCOPE)
            args += [scope.source_kind, scope.scope, scope.okr_cycle]
        if until is not None:
            clauses.append("recorded_at <= ?")
            args.append(format_time(until))
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self._query(sql + " ORDER BY recorded_at, id", args)
        return [_run(row) for row in rows]

    def detail(self, run: RunRecord) -> RunDetail:
        """A run's items, per-KR item counts and dangling links."""
        items = self._query(
            "SELECT key, link_state, key_results, points FROM run_items WHERE run_id = ?",
            [run.id],
        )
        krs = self._query("SELECT kr_id, items FROM run_key_results WHERE run_id = ?", [run.id])
        links = self._query(
            "SELECT key, reference FROM run_links WHERE run_id = ? AND kind = 'dangling'",
            [run.id],
        )
        return RunDetail(
            run=run,
            items=tuple(
                StoredItem(
                    row["key"],
                    LinkState(row["link_state"]),
                    tuple(json.loads(row["key_results"])),
                    row["points"],
                )
                for row in items
            ),
            kr_items={row["kr_id"]: row["items"] for row in krs},
            dangling=frozenset((row["key"], row["reference"]) for row in links),
        )

    def _query(self, sql: str, args: Sequence[object]) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            self._fail(exc)

    # --- writing ---

    def record(self, result: AuditResult, exit_code: int) -> int:
        """Add one run in a single transaction; returns its id."""
        with self.recording(result, exit_code) as run_id:
            return run_id

    @contextmanager
    def recording(self, result: AuditResult, exit_code: int) -> Iterator[int]:
        """Add one run, committed only when the body succeeds; yields its id.

        The run is inserted before the body (so a history that cannot take it fails first)
        and rolled back if the body raises: `run.execute` writes the reports in the body.
        """
        with self.recording_all((result,), exit_code) as run_ids:
            yield run_ids[0]

    @contextmanager
    def recording_all(self, results: Sequence[AuditResult], exit_code: int) -> Iterator[list[int]]:
        """`recording` of several runs (a portfolio and its teams) in one transaction."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            run_ids = []
            for result in results:
                run_ids.append(run_id := self._insert_run(result, exit_code))
                self._insert_details(run_id, result)
        except sqlite3.Error as exc:
            self._rollback()
            self._fail(exc)
        try:
            yield run_ids
        except BaseException:
            self._rollback()
            raise
        try:
            self._commit()
        except sqlite3.Error as exc:
            self._rollback()
            self._fail(exc)

    def _commit(self) -> None:
        # The moment the run becomes durable, and the one a full disk, a quota or a file-size
        # limit fails (the write-ahead log grows): `output.publish` then puts reports back.
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _insert_run(self, result: AuditResult, exit_code: int) -> int:
        s, total = result.summary, result.summary.all
        cursor = self._conn.execute(
            f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES (NULL{', ?' * (4 + len(_FIGURES))})",
            (
                format_time(result.generated_at),
                result.source_kind,
                result.history_scope,
                result.okr_cycle,
                total.items,
                total.exempt_items,
                total.linked_items,
                total.points,
                total.exempt_points,
                total.linked_points,
                s.orphaned_items,
                s.dangling_items,
                s.stale_items,
                s.key_results,
                s.uncovered_key_results,
                exit_code,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _insert_details(self, run_id: int, result: AuditResult) -> None:
        self._conn.executemany(
            "INSERT INTO run_key_results (run_id, kr_id, objective_id, items, points) "
            "VALUES (?, ?, ?, ?, ?)",
            [(run_id, r.id, r.objective_id, r.items, r.points) for r in result.key_results],
        )
        self._conn.executemany(
            "INSERT INTO run_items (run_id, key, link_state, key_results, points) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (run_id, r.key, r.link_state.value, json.dumps(list(r.key_results)), r.item.points)
                for r in result.items
            ],
        )
        links = [("dangling", link) for link in result.dangling_links]
        links += [("stale", link) for link in result.stale_links]
        self._conn.executemany(
            "INSERT INTO run_links (run_id, kind, key, reference) VALUES (?, ?, ?, ?)",
            [(run_id, kind, link.key, link.reference) for kind, link in links],
        )


def _run(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"],
        recorded_at=parse_time(row["recorded_at"]),
        scope=ScopeId(row["source_kind"], row["scope"], row["okr_cycle"]),
        **{name: row[name] for name in _FIGURES},
    )


def open_store(path: Path) -> HistoryStore:
    """Open (creating or upgrading) the history file at `path`."""
    return HistoryStore(path)
