"""What a Jira audit covers: `--jql`, or `--board` with `--sprint active|next|backlog|ID|NAME`.

Sprint scopes become JQL (`sprint in (...)`) so that they page like any search, at the
largest page size; a board's backlog comes from the agile API, which alone knows it.

A board scope costs two requests one after the other (the board's configuration, then its
sprints), which need nothing of the site's information: while the source reads serverInfo and
the field list (shared by a portfolio's teams, `adapters/shared.py`), `BoardReads` sends them
ahead on a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.jira.http import JiraHttp, JiraHttpError
from backlog_audit.adapters.jira.search import combine_jql
from backlog_audit.adapters.parallel import submit
from backlog_audit.errors import UsageError

__all__ = [
    "BoardConfig",
    "BoardReads",
    "Scope",
    "board_config",
    "check_scope_flags",
    "resolve_scope",
    "scope_label",
]

# Sprints a page: as many as the server allows (Jira Software's own cap is usually 50).
SPRINT_PAGE = 1000


@dataclass(frozen=True)
class BoardConfig:
    """What the audit needs from `/board/{id}/configuration`."""

    id: int
    name: str
    kanban: bool
    estimation_field: str | None  # the field id the board estimates with, if any


@dataclass(frozen=True)
class Scope:
    """A resolved scope: a JQL search, or a board's backlog; and the sprints it covers."""

    jql: str | None = None
    backlog_board: int | None = None
    sprint_ids: frozenset[int] = frozenset()
    warnings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to search (a board with no active sprint, ...)."""
        return self.jql is None and self.backlog_board is None


def scope_label(board: int | None, sprint: str | None, jql: str | None) -> str:
    """The scope as the user typed it, for reports: `board=7 sprint=active`, or the JQL."""
    parts = []
    if board is not None:
        parts.append(f"board={board} sprint={sprint or 'active'}")
    if jql:
        parts.append(jql.strip() if board is None else f"jql={jql.strip()}")
    return " ".join(parts)


def board_config(http: JiraHttp, board: int) -> BoardConfig:
    """Read a board's type and estimation field."""
    data = http.get(f"/rest/agile/1.0/board/{board}/configuration") or {}
    estimation = data.get("estimation") or {}
    field = (estimation.get("field") or {}).get("fieldId")
    return BoardConfig(
        id=board,
        name=str(data.get("name") or board),
        kanban=str(data.get("type", "")).casefold() == "kanban",
        estimation_field=str(field) if field else None,
    )


def _sprints(
    http: JiraHttp, board: int, state: str | None, warnings: list[str]
) -> list[dict[str, Any]]:
    params = {"state": state} if state else {}
    path = f"/rest/agile/1.0/board/{board}/sprint"
    try:
        found = list(http.values(path, warnings, params, SPRINT_PAGE))
    except JiraHttpError as exc:
        # A board without sprints that its configuration does not call Kanban (a team-managed
        # "simple" board with sprints off) answers 400: the user's choice of scope, exit 2.
        if exc.status == 400:
            raise UsageError(
                f"board {board} has no sprints ({exc}): use --sprint backlog or --jql"
            ) from None
        raise
    return [s for s in found if "id" in s]


def _sprint_jql(ids: list[int], user_jql: str | None) -> str:
    clause = f"sprint = {ids[0]}" if len(ids) == 1 else f"sprint in ({', '.join(map(str, ids))})"
    return combine_jql(clause, user_jql)


def _next_sprint(http: JiraHttp, board: int, warnings: list[str]) -> dict[str, Any] | None:
    future = [
        s
        for s in _sprints(http, board, "future", warnings)
        if s.get("originBoardId") in (None, board)
    ]
    # earliest start date first, unplanned sprints last, then the lowest id
    future.sort(key=lambda s: (s.get("startDate") is None, str(s.get("startDate") or ""), s["id"]))
    return future[0] if future else None


def _sprint_by_name(http: JiraHttp, board: int, name: str, warnings: list[str]) -> dict[str, Any]:
    wanted = name.strip().casefold()
    before = len(warnings)
    sprints = _sprints(http, board, None, warnings)
    found = [s for s in sprints if str(s.get("name", "")).casefold() == wanted]
    if not found:
        # The error ends the run before warnings are shown: a list cut short must be named
        # here, or a sprint that exists on a page never read looks like a typo.
        cut_short = "".join(f"; the sprint list may be incomplete: {w}" for w in warnings[before:])
        raise UsageError(f"board {board} has no sprint named {name!r}{cut_short}")
    if len(found) > 1:
        listed = ", ".join(f"{s['id']} ({s.get('state', '?')})" for s in found)
        raise UsageError(f"sprint name {name!r} matches {len(found)} sprints: {listed}; pass an id")
    return found[0]


def _sprint_scope(sprints: list[dict[str, Any]], user_jql: str | None, what: str) -> Scope:
    if not sprints:
        return Scope(warnings=(f"{what}: nothing to audit",))
    ids = [int(s["id"]) for s in sprints]
    return Scope(jql=_sprint_jql(ids, user_jql), sprint_ids=frozenset(ids))


def check_scope_flags(board: int | None, sprint: str | None, user_jql: str | None) -> None:
    """Refuse scope flags that name no scope, before any request is made (exit 2, not 3)."""
    if board is not None:
        return
    if sprint:
        raise UsageError("--sprint needs --board (the board whose sprints to read)")
    if not user_jql or not user_jql.strip():
        raise UsageError("Jira needs a scope: --jql QUERY, or --board ID with --sprint")


def resolve_scope(
    http: JiraHttp,
    config: BoardConfig | None,
    sprint: str | None,
    user_jql: str | None,
    warnings: list[str],
) -> Scope:
    """Turn the scope flags into a search; a sprint list cut short is added to `warnings`."""
    if config is None:
        check_scope_flags(None, sprint, user_jql)
        assert user_jql is not None  # checked: without a board, a JQL is the scope
        return Scope(jql=user_jql.strip())
    choice = (sprint or "active").strip()
    board = config.id
    if choice.casefold() == "backlog":
        return Scope(backlog_board=board)
    if config.kanban:
        raise UsageError(
            f"board {board} is a Kanban board and has no sprints: use --sprint backlog or --jql"
        )
    if choice.casefold() == "active":
        active = _sprints(http, board, "active", warnings)
        return _sprint_scope(active, user_jql, f"board {board} has no active sprint")
    if choice.casefold() == "next":
        upcoming = _next_sprint(http, board, warnings)
        return _sprint_scope(
            [upcoming] if upcoming else [], user_jql, f"board {board} has no future sprint"
        )
    if choice.isdigit():
        found = http.get(f"/rest/agile/1.0/sprint/{int(choice)}")  # 404 when it does not exist
        return _sprint_scope([found], user_jql, "")
    return _sprint_scope([_sprint_by_name(http, board, choice, warnings)], user_jql, "")


class BoardReads:
    """A scope's board configuration and scope (`board_config`, `resolve_scope`): read when
    asked for, or all along on a worker from the start (`ahead`). Either way each is given,
    or raises its error, where it is asked for: the source's errors and warnings come in the
    same order as when read one after another."""

    def __init__(
        self, http: JiraHttp, board: int | None, sprint: str | None, jql: str | None
    ) -> None:
        self._http, self._board, self._sprint, self._jql = http, board, sprint, jql
        self._config: Future[BoardConfig | None] | None = None
        self._scope: Future[tuple[Scope, list[str]]] | None = None
        self._stop = threading.Event()  # set when the block of `ahead` ends

    @contextmanager
    def ahead(self) -> Iterator[BoardReads]:
        """Read the board on a worker during the block (none for a JQL scope); reads not
        taken when it ends are abandoned."""
        if self._board is None:
            yield self
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="board")
        self._config, self._scope = Future(), Future()
        try:
            # One of the team's own requests after the other, not a batch (`adapters/slots.py`).
            submit(pool, self._read, self._config, self._scope, batch=False)
            yield self
        finally:
            # Left early (the fetch failed first): no request of the source outlives its
            # fetch. The sprints are not asked for; the request in flight, if any, ends
            # (its deadline and retries bound it) before the failure goes on. Abandoned, it
            # would go on sending while the process exits, or into the next fetch's site.
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)

    def _read(
        self, config: Future[BoardConfig | None], scope: Future[tuple[Scope, list[str]]]
    ) -> None:
        try:
            found = board_config(self._http, self._board) if self._board is not None else None
        except BaseException as exc:  # raised where the configuration is asked for
            config.set_exception(exc)
            scope.set_exception(exc)
            return
        config.set_result(found)
        if self._stop.is_set():
            return
        warnings: list[str] = []
        try:
            scope.set_result(
                (resolve_scope(self._http, found, self._sprint, self._jql, warnings), warnings)
            )
        except BaseException as exc:  # raised where the scope is asked for
            scope.set_exception(exc)

    def config(self) -> BoardConfig | None:
        """The board's configuration (None: a JQL scope)."""
        if self._config is not None:
            return self._config.result()
        return board_config(self._http, self._board) if self._board is not None else None

    def scope(self, config: BoardConfig | None, warnings: list[str]) -> Scope:
        """The scope of `config` (as `config()` gave it); a sprint list cut short is added to
        `warnings`."""
        if self._scope is not None:
            scope, found = self._scope.result()
            warnings.extend(found)
            return scope
        return resolve_scope(self._http, config, self._sprint, self._jql, warnings)
