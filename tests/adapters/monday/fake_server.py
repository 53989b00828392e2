"""A fake monday.com GraphQL API on 127.0.0.1, real HTTP, for the monday.com source's tests.

The fake does not shape answers by hand: it parses monday.com's published schema (the SDL of
API version 2026-10, `../shared/specs/monday-schema-2026-10.graphql` beside the repository, or
`MONDAY_SCHEMA`) with graphql-core, **validates every query** the client sends against it, and
**executes** the query against the schema over its in-memory boards. An answer therefore holds
exactly the fields the query selected, and a value the schema's type refuses (a string for an
`Int`, a null for a non-null field, an unknown `__typename`) is an error. Every validation and
execution error that is not a deliberate fault is kept in `FakeMonday.schema_errors`; the
`fake` fixture fails the test that caused one.

It serves `boards(ids, limit)` with `columns` (status/dropdown labels in `settings`), `groups`,
`items_page` on boards and groups, `next_items_page(cursor, limit)` (`limit` 1-500), items with
`group`, `url`, `subitems`, `parent_item` and typed column values (StatusValue, DropdownValue,
TextValue, LongTextValue, NumbersValue, PeopleValue, BoardRelationValue whose `value` and
`text` are null, as monday.com's are since 2025-04), and `complexity`. It checks the
`Authorization` token (401 otherwise) and the `API-Version: 2026-10` header (400 otherwise),
logs every request (`requests`), and answers injected faults: HTTP 429 with `Retry-After` and
`retry_in_seconds`, or HTTP 200 with `errors[]`.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    parse,
    validate,
)

from tests.adapters.faults import Answer, Faults, RawRequest, serve

Json = dict[str, Any]

API_PATH = "/v2"
API_VERSION = "2026-10"
MAX_LIMIT = 500
_SCHEMA_NAME = "shared/specs/monday-schema-2026-10.graphql"


def _schema_path() -> Path:
    """`MONDAY_SCHEMA`, else `shared/specs/` beside the repository as CI lays it out, or beside
    any folder above it (a git worktree in a subfolder)."""
    if os.environ.get("MONDAY_SCHEMA"):
        return Path(os.environ["MONDAY_SCHEMA"])
    repository = Path(__file__).resolve().parents[3]
    beside = [folder / _SCHEMA_NAME for folder in repository.parents]
    return next((path for path in beside if path.is_file()), beside[0])


SCHEMA_PATH = _schema_path()
_TYPENAMES = {
    "status": "StatusValue",
    "dropdown": "DropdownValue",
    "text": "TextValue",
    "long_text": "LongTextValue",
    "numbers": "NumbersValue",
    "people": "PeopleValue",
    "board_relation": "BoardRelationValue",
    "subtasks": "SubtasksValue",
}


@functools.cache
def schema() -> GraphQLSchema:
    """monday.com's schema, parsed once per test run (about 0.3 s)."""
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- the account's data ----------------------------------------------------------------------


@dataclass
class MondayData:
    """Boards (columns, groups) and items (top-level and subitems), built with `add_*`."""

    boards: dict[str, Json] = field(default_factory=dict)
    items: dict[str, Json] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def add_board(
        self,
        board_id: str,
        name: str,
        columns: Iterable[tuple[str, str, str]],
        groups: Iterable[tuple[str, str]] = (),
        labels: dict[str, Iterable[str]] | None = None,
        done: Iterable[str] = ("Done",),
        deactivated: Iterable[str] = (),
    ) -> None:
        """A board with `columns` (id, title, type) in board order and `groups` (id, title);
        `labels` by column id for status and dropdown columns, those in `done` meaning done
        and those in `deactivated` switched off."""
        done_labels, off = set(done), set(deactivated)
        board: Json = {"id": board_id, "name": name, "columns": [], "groups": []}
        for column_id, title, kind in columns:
            settings: Json = {}
            if labels and column_id in labels:
                settings["labels"] = [
                    {
                        "id": index,
                        "label": label,
                        "index": index,
                        "color": index,
                        "is_done": kind == "status" and label in done_labels,
                        "is_deactivated": label in off,
                    }
                    for index, label in enumerate(labels[column_id])
                ]
            board["columns"].append(
                {"id": column_id, "title": title, "type": kind, "settings": settings}
            )
        board["groups"] = [{"id": gid, "title": title} for gid, title in groups]
        self.boards[board_id] = board

    def add_item(
        self,
        board_id: str,
        item_id: str,
        name: str,
        group: str | None = None,
        values: dict[str, Any] | None = None,
        parent: str | None = None,
    ) -> None:
        """An item of `board_id` in `group` (a subitem when `parent` is given: subitems live
        on their own board); `values` by column id: a label (status), labels (dropdown), text,
        a number, people's names (people), linked item ids (board_relation)."""
        self.items[item_id] = {
            "id": item_id,
            "name": name,
            "board": board_id,
            "group": group,
            "values": dict(values or {}),
            "parent": parent,
        }

    def top_items(self, board_id: str, group: str | None = None) -> list[str]:
        """The ids of a board's (or a group's) top-level items, in the order they were added."""
        return [
            i
            for i, item in self.items.items()
            if item["board"] == board_id
            and item["parent"] is None
            and (group is None or item["group"] == group)
        ]


@dataclass
class Fault:
    """An injected failure: the next `times` requests (of `operation`, when given)."""

    status: int
    code: str
    message: str
    times: int
    operation: str | None = None
    retry_after: str | None = None
    retry_in_seconds: int | None = None
    body: str | None = None  # a raw body instead of `errors[]` (a proxy's page, a bad answer)


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it (never the token)."""

    operation: str
    variables: Json
    api_version: str | None
    query: str


class _Deliberate(Exception):
    """An error the fake answers on purpose (an unknown cursor, a limit over 500)."""


class FakeMonday:
    """The HTTP server; tests build `data`, then point the source at `url`."""

    def __init__(self, data: MondayData, token: str) -> None:
        self.data = data
        self.token = token
        self.requests: list[Request] = []
        self.schema_errors: list[str] = []
        self.faults: list[Fault] = []
        self.rules = Faults()  # the fault matrix's rules (tests/adapters/faults.py)
        self.page_cap = MAX_LIMIT  # items a page at most, whatever `limit` asks
        self._cursors: dict[str, list[str]] = {}
        self._counter = itertools.count(1)
        self._budget = 10_000_000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The API URL to set as MONDAY_API_URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PATH}"

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()

    def inject(
        self,
        status: int,
        code: str,
        message: str = "",
        *,
        times: int = 1,
        operation: str | None = None,
        retry_after: str | None = None,
        retry_in_seconds: int | None = None,
        body: str | None = None,
    ) -> None:
        """Answer the next `times` requests (of `operation`) with an error: HTTP `status`
        with `errors[]` naming `code` and the waits given, or with the raw `body`."""
        self.faults.append(
            Fault(
                status,
                code,
                message or f"{code} (injected)",
                times,
                operation,
                retry_after,
                retry_in_seconds,
                body,
            )
        )

    def counts(self) -> dict[str, int]:
        """Requests per operation name, in the order first seen."""
        counts: dict[str, int] = {}
        for request in self.requests:
            counts[request.operation] = counts.get(request.operation, 0) + 1
        return counts

    # --- one request -------------------------------------------------------------------------

    def handle(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Json, Json | str]:
        """(status, extra headers, JSON body or raw text) for one POST."""
        if path != API_PATH:
            return 404, {}, {"errors": [{"message": f"no route {path}"}]}
        if headers.get("authorization") != self.token:
            return 401, {}, {"error_message": "Not Authenticated", "status_code": 401}
        payload = json.loads(body or b"{}")
        query = str(payload.get("query") or "")
        variables = payload.get("variables") or {}
        try:
            document = parse(query)
        except GraphQLError as exc:
            return self._invalid(query, variables, headers, [exc])
        operation = _operation_name(document)
        with self._lock:
            self.requests.append(Request(operation, variables, headers.get("api-version"), query))
        if headers.get("api-version") != API_VERSION:
            message = f"API-Version {headers.get('api-version')!r} is not {API_VERSION}"
            return 400, {}, {"errors": [{"message": message}]}
        errors = validate(schema(), document)
        if errors:
            return self._invalid(query, variables, headers, errors)
        fault = self._fault(operation)
        if fault is not None:
            return _fault_answer(fault)
        return self._execute(document, variables)

    def _invalid(
        self, query: str, variables: Json, headers: dict[str, str], errors: list[GraphQLError]
    ) -> tuple[int, Json, Json]:
        self.schema_errors.extend(f"invalid query: {e.message}" for e in errors)
        body = {"errors": [{"message": e.message} for e in errors]}
        return 200, {}, body

    def _fault(self, operation: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.operation in (None, operation):
                    fault.times -= 1
                    return fault
        return None

    def _execute(self, document: Any, variables: Json) -> tuple[int, Json, Json]:
        result = execute(schema(), document, self._root(), variable_values=variables)
        assert not hasattr(result, "__await__")  # every resolver is synchronous
        body: Json = {"data": result.data}  # type: ignore[union-attr]
        errors = result.errors or []  # type: ignore[union-attr]
        if errors:
            body["errors"] = [{"message": e.message} for e in errors]
            self.schema_errors.extend(
                e.message for e in errors if not isinstance(e.original_error, _Deliberate)
            )
        return 200, {}, body

    # --- resolvers ---------------------------------------------------------------------------

    def _root(self) -> Json:
        self._budget -= 1000
        return {
            "boards": self._boards,
            "next_items_page": self._next_items_page,
            "complexity": {
                "before": self._budget + 1000,
                "after": self._budget,
                "query": 1000,
                "reset_in_x_seconds": 60,
            },
        }

    def _boards(self, _info: Any, ids: list[str] | None = None, limit: int = 25, **_: Any) -> list:
        wanted = [str(i) for i in ids] if ids is not None else list(self.data.boards)
        return [self._board(b) for b in wanted if b in self.data.boards][:limit]

    def _board(self, board_id: str) -> Json:
        board = self.data.boards[board_id]
        return {
            "id": board_id,
            "name": board["name"],
            "url": f"https://example.monday.com/boards/{board_id}",
            "columns": lambda _info, **_: [dict(c) for c in board["columns"]],
            "groups": lambda _info, ids=None, **_: [
                self._group(board_id, g) for g in board["groups"] if ids is None or g["id"] in ids
            ],
            "items_page": lambda _info, limit=25, **_: self._first_page(board_id, None, limit),
        }

    def _group(self, board_id: str, group: Json) -> Json:
        return {
            "id": group["id"],
            "title": group["title"],
            "items_page": lambda _info, limit=25, **_: self._first_page(
                board_id, group["id"], limit
            ),
        }

    def _first_page(self, board_id: str, group: str | None, limit: int) -> Json:
        return self._page(self.data.top_items(board_id, group), limit)

    def _next_items_page(self, _info: Any, cursor: str, limit: int = 25) -> Json:
        with self._lock:
            remaining = self._cursors.pop(cursor, None)
        if remaining is None:
            raise _Deliberate("CursorException: the cursor is unknown or expired")
        return self._page(remaining, limit)

    def _page(self, ids: list[str], limit: int) -> Json:
        if not 1 <= limit <= MAX_LIMIT:
            raise _Deliberate(f"limit must be between 1 and {MAX_LIMIT}")
        limit = min(limit, self.page_cap)
        cursor = None
        if len(ids) > limit:
            with self._lock:
                cursor = f"MSw{next(self._counter)}cursor"
                self._cursors[cursor] = ids[limit:]
        return {"cursor": cursor, "items": [self._item(i) for i in ids[:limit]]}

    def _item(self, item_id: str) -> Json:
        item = self.data.items[item_id]
        board = self.data.boards[item["board"]]
        group = next((g for g in board["groups"] if g["id"] == item["group"]), None)
        return {
            "id": item_id,
            "name": item["name"],
            "url": f"https://example.monday.com/boards/{item['board']}/pulses/{item_id}",
            "group": dict(group) if group else None,
            "parent_item": self._item(item["parent"]) if item["parent"] else None,
            "subitems": lambda _info, **_: [
                self._item(i) for i, sub in self.data.items.items() if sub["parent"] == item_id
            ],
            "column_values": lambda _info, ids=None, types=None, **_: [
                self._value(item, column)
                for column in board["columns"]
                if (ids is None or column["id"] in ids)
                and (types is None or column["type"] in types)
            ],
        }

    def _value(self, item: Json, column: Json) -> Json:
        kind = column["type"]
        raw = item["values"].get(column["id"])
        value: Json = {
            "__typename": _TYPENAMES.get(kind, "TextValue"),
            "id": column["id"],
            "type": kind,
            "is_leaf": True,
            "column": {"id": column["id"], "title": column["title"], "type": kind},
        }
        value.update(_typed_value(kind, raw, column, self.data))
        return value


def _typed_value(kind: str, raw: Any, column: Json, data: MondayData) -> Json:
    """The type-specific fields of a column value, with `text` and `value` as monday.com
    shapes them."""
    if kind == "status":
        labels = {lb["label"]: lb for lb in column["settings"].get("labels", ())}
        label = labels.get(raw) if raw else None
        return {
            "label": raw,
            "is_done": bool(label and label["is_done"]),
            "index": label["index"] if label else None,
            "text": raw,
            "value": json.dumps({"index": label["index"]}) if label else None,
        }
    if kind == "dropdown":
        labels = {lb["label"]: lb["id"] for lb in column["settings"].get("labels", ())}
        values = [{"id": str(labels.get(v, 0)), "label": v} for v in raw or ()]
        return {"values": values, "text": ", ".join(raw or ()) or None, "value": None}
    if kind == "numbers":
        return {"number": raw, "text": None if raw is None else str(raw), "value": None}
    if kind == "people":
        names = list(raw or ())
        persons = [{"id": str(100 + i), "kind": "person"} for i, _ in enumerate(names)]
        return {"persons_and_teams": persons, "text": ", ".join(names) or None, "value": None}
    if kind == "board_relation":
        linked = [str(i) for i in raw or ()]
        shown = ", ".join(data.items[i]["name"] for i in linked)
        return {"linked_item_ids": linked, "display_value": shown, "text": None, "value": None}
    return {"text": raw, "value": json.dumps(raw) if raw is not None else None}


def _operation_name(document: Any) -> str:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else "anonymous"
    return "anonymous"


def _fault_answer(fault: Fault) -> tuple[int, Json, Json | str]:
    if fault.body is not None:
        return fault.status, {}, fault.body
    extensions: Json = {"code": fault.code, "status_code": fault.status}
    if fault.retry_in_seconds is not None:
        extensions["retry_in_seconds"] = fault.retry_in_seconds
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
    return fault.status, headers, {"errors": [{"message": fault.message, "extensions": extensions}]}


def _handler_for(fake: FakeMonday) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}

            def answer(request: RawRequest) -> Answer:
                status, extra, payload = fake.handle(request[0], headers, request[1])
                sent = payload.encode() if isinstance(payload, str) else payload
                return status, sent, {"Content-Type": "application/json", **extra}

            serve(self, fake.rules, "POST", (self.path, body), answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler
