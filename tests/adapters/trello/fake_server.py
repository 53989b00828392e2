"""A fake Trello REST API on 127.0.0.1, real HTTP, for the Trello source's tests.

It serves what the source reads, shaped as Atlassian's OpenAPI description of Trello says
(`test_fake_server.py` validates requests and answers against it):

- `GET /1/boards/{id}` (`fields`), `/boards/{id}/lists` (`filter`, `fields`),
  `/boards/{id}/customFields`, `/boards/{id}/labels` (`limit`, default 50, at most 1,000),
  `/boards/{id}/members`, `/boards/{id}/cards` and `/boards/{id}/cards/{filter}`;
- where the spec is silent, Atlassian's Trello guides: the cards routes' `fields`,
  `customFieldItems=true` ("Getting started with custom fields"), `limit` (at most 1,000)
  and `before` (an id: only cards created earlier, newest first; "Paging"); a custom field
  definition's `name` and `options` at its top level, as the guide shows them (the spec puts
  them under `display`); a 429's body naming the limit, `{"error":
  "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}`, without `Retry-After`
  ("Rate limits"); a board named by its short link as well as its id (the spec types `{id}`
  as a 24-digit id, the guides' examples use short links);
- the spec's `Error` body (`{code, message}`) for 401 and 404 (the codes are the fake's own:
  the spec gives only the shape);
- authentication by the `Authorization: OAuth oauth_consumer_key="...", oauth_token="..."`
  header only: Trello also takes `key` and `token` query parameters, which this fake refuses
  (400) so that a client putting secrets in URLs fails every test;
- injected faults (`inject`) and a request log (`requests`).

Tests build boards with `TrelloBoard`'s `add_*` methods; `TrelloBoard.export()` is the same
board as its JSON export (Board menu > Print and Export > JSON).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.adapters.faults import Answer, Faults, RawRequest, serve

Json = dict[str, Any]

API_PREFIX = "/1"
MAX_LIMIT = 1000
DEFAULT_LABEL_LIMIT = 50
# Card fields Trello sends when `fields` is not given (those this fake models).
CARD_FIELDS = (
    "id",
    "name",
    "idBoard",
    "idList",
    "idLabels",
    "idMembers",
    "closed",
    "dueComplete",
    "url",
    "shortLink",
    "shortUrl",
    "idShort",
    "pos",
    "labels",
)
RATE_LIMIT_BODY = {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}


def trello_id(seconds: int, serial: int) -> str:
    """A 24-hex-digit id whose first 8 digits are its creation time (epoch seconds)."""
    return f"{seconds:08x}{serial:016x}"


# --- one board's data ------------------------------------------------------------------------


@dataclass
class TrelloBoard:
    """A board: lists, labels, members, custom fields, cards (archived ones too)."""

    name: str
    short_link: str
    created: int = 1_700_000_000  # epoch seconds of the board's creation
    id: str = ""
    lists: list[Json] = field(default_factory=list)
    labels: list[Json] = field(default_factory=list)
    members: list[Json] = field(default_factory=list)
    fields: list[Json] = field(default_factory=list)
    cards: list[Json] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # card id -> field id -> raw
    _serial: int = 0

    def __post_init__(self) -> None:
        self.id = self.id or self._next_id()

    def _next_id(self) -> str:
        """Ids in creation order: each one a second after the one before."""
        self._serial += 1
        return trello_id(self.created + self._serial, self._serial)

    def add_list(self, name: str, *, closed: bool = False) -> str:
        """A list at the right end of the board; its id."""
        list_id = self._next_id()
        pos = 16384.0 * (len(self.lists) + 1)
        self.lists.append(
            {"id": list_id, "name": name, "closed": closed, "pos": pos, "idBoard": self.id}
        )
        return list_id

    def add_label(self, name: str, color: str | None = "green") -> str:
        """A label of the board; its id."""
        label_id = self._next_id()
        self.labels.append({"id": label_id, "idBoard": self.id, "name": name, "color": color})
        return label_id

    def add_member(self, full_name: str, username: str) -> str:
        """A member of the board; its id."""
        member_id = self._next_id()
        self.members.append({"id": member_id, "fullName": full_name, "username": username})
        return member_id

    def add_field(self, name: str, kind: str, options: tuple[str, ...] = ()) -> str:
        """A custom field (`list`, `text`, `number`, `checkbox`, `date`); dropdown (`list`)
        options by their text. Its id."""
        field_id = self._next_id()
        definition: Json = {
            "id": field_id,
            "idModel": self.id,
            "modelType": "board",
            "fieldGroup": f"{field_id}group",
            "display": {"cardFront": True},
            "name": name,
            "pos": 16384 * (len(self.fields) + 1),
            "type": kind,
        }
        if kind == "list":
            definition["options"] = [
                {
                    "id": self._next_id(),
                    "idCustomField": field_id,
                    "value": {"text": text},
                    "color": "none",
                    "pos": 16384 * (n + 1),
                }
                for n, text in enumerate(options)
            ]
        self.fields.append(definition)
        return field_id

    def add_card(
        self,
        name: str,
        list_id: str,
        *,
        values: dict[str, Any] | None = None,
        labels: tuple[str, ...] = (),
        members: tuple[str, ...] = (),
        closed: bool = False,
        due_complete: bool = False,
        short_link: str | None = None,
    ) -> str:
        """A card at the bottom of `list_id`; `values` by field id: a dropdown option's text,
        a text, a number (sent as a string, as Trello does), `labels` by name. Its id."""
        card_id = self._next_id()
        short = short_link or f"c{len(self.cards) + 1:07d}"
        label_ids = [lbl["id"] for name_ in labels for lbl in self.labels if lbl["name"] == name_]
        in_list = sum(1 for c in self.cards if c["idList"] == list_id)
        self.cards.append(
            {
                "id": card_id,
                "name": name,
                "idBoard": self.id,
                "idList": list_id,
                "idLabels": label_ids,
                "idMembers": list(members),
                "closed": closed,
                "dueComplete": due_complete,
                "shortLink": short,
                "shortUrl": f"https://trello.com/c/{short}",
                "url": f"https://trello.com/c/{short}/{len(self.cards) + 1}-{_slug(name)}",
                "idShort": len(self.cards) + 1,
                "pos": 16384.0 * (in_list + 1),
            }
        )
        self.values[card_id] = dict(values or {})
        return card_id

    # views as the API shows them ------------------------------------------------------------

    def field_items(self, card_id: str) -> list[Json]:
        """A card's `customFieldItems`: numbers as strings, dropdowns by option id."""
        items = []
        for field_id, raw in self.values[card_id].items():
            if raw is None:
                continue
            definition = next(f for f in self.fields if f["id"] == field_id)
            item: Json = {
                "id": f"{card_id[:12]}{field_id[12:]}",
                "idCustomField": field_id,
                "idModel": card_id,
                "modelType": "card",
            }
            kind = definition["type"]
            if kind == "list":
                options = definition["options"]
                item["idValue"] = next(o["id"] for o in options if o["value"]["text"] == raw)
            elif kind == "number":
                item["value"] = {"number": str(raw)}
            elif kind == "checkbox":
                item["value"] = {"checked": "true" if raw else "false"}
            else:
                item["value"] = {kind: str(raw)}
            items.append(item)
        return items

    def card_view(self, card: Json, fields: tuple[str, ...], with_items: bool) -> Json:
        """A card with `fields` (id always), and its `customFieldItems` when asked for."""
        full = {**card, "labels": [lbl for lbl in self.labels if lbl["id"] in card["idLabels"]]}
        view = {"id": card["id"], **{k: full[k] for k in fields if k in full}}
        if with_items:
            view["customFieldItems"] = self.field_items(card["id"])
        return view

    def export_header(self) -> Json:
        """The board's own fields, as `GET /boards/{id}` and the export give them."""
        return {
            "id": self.id,
            "name": self.name,
            "desc": "",
            "closed": False,
            "shortLink": self.short_link,
            "url": f"https://trello.com/b/{self.short_link}/{_slug(self.name)}",
            "shortUrl": f"https://trello.com/b/{self.short_link}",
            "prefs": {"permissionLevel": "private"},
            "labelNames": {},
        }

    def export(self) -> Json:
        """The board as its JSON export: everything nested, archived cards and lists too."""
        return {
            **self.export_header(),
            "actions": [],
            "cards": [self.card_view(c, CARD_FIELDS, with_items=True) for c in self.cards],
            "labels": self.labels,
            "lists": self.lists,
            "members": self.members,
            "checklists": [],
            "customFields": self.fields,
        }


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


# --- the HTTP server -------------------------------------------------------------------------


@dataclass
class Fault:
    """The next `times` requests whose path contains `path` are answered `status`."""

    status: int
    times: int = 1
    path: str = ""
    body: bytes | None = None  # sent as is (plain text, an HTML page) instead of JSON
    retry_after: str | None = None
    delay: float = 0.0  # with status 200: answer normally, this many seconds late


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    target: str  # path and query as sent


class ApiError(Exception):
    """An error answer: the spec's `Error` body, or `body` as is."""

    def __init__(
        self, status: int, code: str, message: str, body: Json | bytes | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: Json | bytes = body if body is not None else {"code": code, "message": message}
        self.headers: dict[str, str] = {}


class FakeTrello:
    """The fake API, serving `boards` for the credentials `key` and `token` until `close()`."""

    def __init__(self, boards: list[TrelloBoard], key: str, token: str) -> None:
        self.boards = boards
        self.key, self.token = key, token
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        # A server that ignores `before` (sends the newest cards again), to test the guard.
        self.ignore_before = False
        self.rules = Faults()  # the fault matrix's rules (tests/adapters/faults.py)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """What TRELLO_BASE_URL should be."""
        return f"http://127.0.0.1:{self._server.server_port}{API_PREFIX}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def inject(
        self,
        status: int,
        times: int = 1,
        path: str = "",
        body: bytes | None = None,
        retry_after: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` requests whose path contains `path` with `status` (200
        with a `delay`: the normal answer, late)."""
        with self._lock:
            self.faults.append(Fault(status, times, path, body, retry_after, delay))

    def counts(self) -> dict[str, int]:
        """Requests so far per route, board ids written `{id}`."""
        found: dict[str, int] = {}
        for request in self.requests:
            route = re.sub(r"^/boards/[^/]+", "/boards/{id}", request.path)
            found[f"{request.method} {route}"] = found.get(f"{request.method} {route}", 0) + 1
        return found

    # request handling ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str]
    ) -> tuple[int, Json | list[Json] | bytes, dict[str, str]]:
        """Answer one request: (status, JSON body or raw bytes, extra headers)."""
        url = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = url.path[len(API_PREFIX) :] if url.path.startswith(API_PREFIX) else url.path
        with self._lock:
            self.requests.append(Request(method, path, query, headers, target))
        try:
            self._check_fault(path)
            self._check_auth(headers, query)
            if method != "GET":
                raise ApiError(405, "METHOD_NOT_ALLOWED", f"{method} is not served by this fake")
            return 200, self._route(path, query), {}
        except ApiError as exc:
            return exc.status, exc.body, exc.headers

    def _check_fault(self, path: str) -> None:
        with self._lock:
            fault = next((f for f in self.faults if f.times > 0 and f.path in path), None)
            if fault is None:
                return
            fault.times -= 1
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status == 200 and fault.body is None:
            return
        body = RATE_LIMIT_BODY if fault.status == 429 else None
        error = ApiError(fault.status, "FAULT", "Injected failure", fault.body or body)
        if fault.retry_after is not None:
            error.headers["Retry-After"] = fault.retry_after
        raise error

    def _check_auth(self, headers: dict[str, str], query: dict[str, str]) -> None:
        if "key" in query or "token" in query:
            raise ApiError(400, "CREDENTIALS_IN_URL", "this fake takes credentials in a header")
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        found = dict(re.findall(r'(oauth_consumer_key|oauth_token)="([^"]*)"', auth))
        if not auth.startswith("OAuth ") or found.get("oauth_consumer_key") != self.key:
            raise ApiError(401, "UNAUTHORIZED", "invalid key")
        if found.get("oauth_token") != self.token:
            raise ApiError(401, "UNAUTHORIZED", "invalid token")

    def _route(self, path: str, query: dict[str, str]) -> Json | list[Json]:
        match = re.fullmatch(r"/boards/([^/]+)(?:/(\w+)(?:/(\w+))?)?", path)
        if not match:
            raise ApiError(404, "NOT_FOUND", "The requested resource was not found.")
        board = self._board(match.group(1))
        child, filter_ = match.group(2), match.group(3)
        if child is None:
            return _board_view(board, query)
        if child == "cards":
            cards_query = {
                k: v for k, v in query.items() if k != "before" or not self.ignore_before
            }
            return _cards(board, filter_ or "open", cards_query)
        if filter_ is None and child in _CHILDREN:
            return _CHILDREN[child](board, query)
        raise ApiError(404, "NOT_FOUND", "The requested resource was not found.")

    def _board(self, handle: str) -> TrelloBoard:
        for board in self.boards:
            if handle in (board.id, board.short_link):
                return board
        raise ApiError(404, "NOT_FOUND", "The requested resource was not found.")


def _fields(query: dict[str, str], default: tuple[str, ...]) -> tuple[str, ...]:
    raw = query.get("fields")
    if raw is None or raw == "all":
        return default
    return tuple(f for f in raw.split(",") if f)


def _board_view(board: TrelloBoard, query: dict[str, str]) -> Json:
    full = board.export_header()
    fields = _fields(query, ("name", "desc", "closed", "url", "shortUrl", "prefs", "labelNames"))
    return {"id": board.id, **{k: full[k] for k in fields if k in full}}


def _limit(query: dict[str, str], default: int | None) -> int | None:
    if "limit" not in query:
        return default
    try:
        limit = int(query["limit"])
    except ValueError:
        raise ApiError(400, "INVALID_LIMIT", "invalid value for limit") from None
    if not 0 <= limit <= MAX_LIMIT:
        raise ApiError(400, "INVALID_LIMIT", "invalid value for limit")
    return limit


def _lists(board: TrelloBoard, query: dict[str, str]) -> list[Json]:
    wanted = query.get("filter", "open")
    keep = {"all": lambda c: True, "open": lambda c: not c, "closed": lambda c: c}
    if wanted not in keep and wanted != "none":
        raise ApiError(400, "INVALID_FILTER", "invalid value for filter")
    chosen = [lst for lst in board.lists if wanted != "none" and keep[wanted](lst["closed"])]
    fields = _fields(query, ("name", "closed", "pos", "idBoard"))
    return [{"id": lst["id"], **{k: lst[k] for k in fields if k in lst}} for lst in chosen]


def _labels(board: TrelloBoard, query: dict[str, str]) -> list[Json]:
    limit = _limit(query, DEFAULT_LABEL_LIMIT)
    return board.labels[:limit]


def _members(board: TrelloBoard, query: dict[str, str]) -> list[Json]:
    return [dict(m) for m in board.members]


def _custom_fields(board: TrelloBoard, query: dict[str, str]) -> list[Json]:
    return board.fields


_CHILDREN = {
    "lists": _lists,
    "labels": _labels,
    "members": _members,
    "customFields": _custom_fields,
}


def _cards(board: TrelloBoard, filter_: str, query: dict[str, str]) -> list[Json]:
    """Cards of a filter; with `limit`, the newest `limit` of those created before `before`."""
    if filter_ not in ("all", "closed", "open", "visible"):
        raise ApiError(400, "INVALID_FILTER", "invalid value for filter")
    closed_lists = {lst["id"] for lst in board.lists if lst["closed"]}
    keep = {
        "all": lambda c: True,
        "closed": lambda c: c["closed"],
        "open": lambda c: not c["closed"],
        "visible": lambda c: not c["closed"] and c["idList"] not in closed_lists,
    }[filter_]
    cards = [c for c in board.cards if keep(c)]
    limit = _limit(query, None)
    if limit is not None:
        before = query.get("before")
        cards = sorted(cards, key=lambda c: c["id"], reverse=True)
        cards = [c for c in cards if before is None or c["id"] < before.lower()][:limit]
    fields = _fields(query, CARD_FIELDS)
    with_items = query.get("customFieldItems") == "true"
    return [board.card_view(c, fields, with_items) for c in cards]


def _handler_for(fake: FakeTrello) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the
        # body for the client's delayed ACK (40 ms a request on Linux).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            headers = dict(self.headers.items())

            def answer(request: RawRequest) -> Answer:
                status, body, extra = fake.handle("GET", request[0], headers)
                raw = isinstance(body, bytes)
                kind = "text/plain; charset=utf-8" if raw else "application/json; charset=utf-8"
                return status, body, {"Content-Type": kind, **extra}

            serve(self, fake.rules, "GET", (self.path, b""), answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the request log is `fake.requests`."""

    return Handler
