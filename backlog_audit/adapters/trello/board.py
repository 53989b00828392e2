"""One Trello board as the audit reads it, whether it came from the API or from an export.

`Board` holds the board's lists, labels, members, custom field definitions and cards as
Trello shapes them (cards stay JSON objects: `cards.py` reads them). `fetch_board` reads it
from the API in six requests plus one per further 1,000 cards; `export.py` reads the same
thing from a board's JSON export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.interface import Progress
from backlog_audit.adapters.paging import PageGuard
from backlog_audit.adapters.trello.client import TrelloClient, TrelloHttpError

__all__ = ["CARD_FIELDS", "PAGE_SIZE", "Board", "TrelloList", "fetch_board"]

Json = dict[str, Any]

# At most 1,000 results a request (Trello's paging guide); further cards are read `before`
# the oldest card of the page (ids grow with creation time).
PAGE_SIZE = 1000
# Only what the audit reads.
CARD_FIELDS = "name,idList,idLabels,idMembers,closed,dueComplete,url,shortLink,idShort,pos"
# A board has at most 1,000 labels (its `labels.perBoard` limit); the route's default is 50.
LABEL_LIMIT = "1000"


@dataclass(frozen=True)
class TrelloList:
    """A list (column) of the board."""

    id: str
    name: str
    closed: bool
    pos: float


@dataclass(frozen=True)
class Board:
    """What the audit reads of one board."""

    id: str
    name: str
    short_link: str
    lists: tuple[TrelloList, ...]
    labels: dict[str, str]  # label id -> name
    members: dict[str, str]  # member id -> full name
    custom_fields: tuple[Json, ...]
    cards: tuple[Json, ...]

    @property
    def handle(self) -> str:
        """How the scope names the board: its short link, else its id."""
        return self.short_link or self.id


def lists_of(records: Any) -> tuple[TrelloList, ...]:
    """Lists from their JSON records (API answer or export), board order."""
    lists = [
        TrelloList(
            id=str(r.get("id")),
            name=str(r.get("name") or ""),
            closed=r.get("closed") is True,
            pos=_number(r.get("pos")),
        )
        for r in _objects(records)
    ]
    return tuple(sorted(lists, key=lambda lst: lst.pos))


def labels_of(records: Any) -> dict[str, str]:
    """Label id -> name; a label without a name (colour only) names nothing."""
    return {
        str(r.get("id")): str(r.get("name")).strip()
        for r in _objects(records)
        if str(r.get("name") or "").strip()
    }


def members_of(records: Any) -> dict[str, str]:
    """Member id -> full name (the username when the name is hidden)."""
    return {
        str(r.get("id")): str(r.get("fullName") or r.get("username") or "")
        for r in _objects(records)
    }


def _objects(records: Any) -> list[Json]:
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def fetch_board(
    client: TrelloClient, handle: str, progress: Progress | None = None, *, cards: bool = True
) -> Board:
    """Read board `handle` (id or short link): the board, its lists (archived ones too, so
    that their cards can be left out), custom fields, labels, members, then its open cards
    a page at a time. Without `cards` (what `fields` lists), only the board, its custom
    fields and its labels."""
    board = _json_object(
        client.get("/boards/{id}", handle, {"fields": "name,shortLink,url"}, f"board {handle}"),
        f"board {handle}",
    )
    board_id = str(board.get("id") or "")
    if not board_id:
        raise TrelloHttpError(f"Trello answered board {handle} without its id")
    what = f"of board {handle}"

    def listing(route: str, params: dict[str, str], name: str) -> list[Any]:
        return _json_list(client.get(route, board_id, params, f"{name} {what}"), f"{name} {what}")

    lists = (
        listing("/boards/{id}/lists", {"filter": "all", "fields": "name,closed,pos"}, "lists")
        if cards
        else []
    )
    fields = listing("/boards/{id}/customFields", {}, "custom fields")
    labels = listing("/boards/{id}/labels", {"limit": LABEL_LIMIT}, "labels")
    members = listing("/boards/{id}/members", {}, "members") if cards else []
    return Board(
        id=board_id,
        name=str(board.get("name") or handle),
        short_link=str(board.get("shortLink") or ""),
        lists=lists_of(lists),
        labels=labels_of(labels),
        members=members_of(members),
        custom_fields=tuple(_objects(fields)),
        cards=tuple(_cards(client, board_id, what, progress)) if cards else (),
    )


def _cards(
    client: TrelloClient, board_id: str, what: str, progress: Progress | None
) -> Iterator[Json]:
    """The board's open cards, `PAGE_SIZE` a request, each page `before` the oldest card yet.

    A full page means more follow. Every page goes through the `PageGuard`
    (`adapters/paging.py`): a page of cards sent before (a server ignoring `before`), or more
    pages than any board has, is a source error, never a partial audit; so is a page that is
    not older than the one before.
    """
    params = {"fields": CARD_FIELDS, "customFieldItems": "true", "limit": str(PAGE_SIZE)}
    before: str | None = None
    received = 0
    guard = PageGuard(f"Trello's cards {what}")
    while True:
        query = {**params, "before": before} if before else params
        page = _objects(
            _json_list(
                client.get("/boards/{id}/cards/open", board_id, query, f"cards {what}"),
                f"cards {what}",
            )
        )
        more = len(page) >= PAGE_SIZE
        oldest = min((str(card.get("id") or "").lower() for card in page), default=None)
        guard.page((str(card.get("id")) for card in page), more=more, cursor=oldest)
        yield from page
        received += len(page)
        if progress:
            progress(received, None)
        if not more or oldest is None:
            return
        if before is not None and oldest >= before:
            raise TrelloHttpError(
                f"Trello sent cards {what} again for before={before} (before ignored?)"
            )
        before = oldest


def _json_object(value: Any, what: str) -> Json:
    if not isinstance(value, dict):
        raise TrelloHttpError(f"Trello answered {what} with JSON that is not an object")
    return value


def _json_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise TrelloHttpError(f"Trello answered {what} with JSON that is not a list")
    return value
