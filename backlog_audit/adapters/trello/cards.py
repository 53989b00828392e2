"""Trello cards as backlog items (SPEC 7): which cards are in scope, and what each one says.

In scope: open cards of open lists (of the `--trello-list` lists, when given). Trello has no
hierarchy and no issue types: every card is a standard item of type `Card` (so no link is
ever inherited). Its status is its list's name, its category from the list name (`[status_map]`
first, then the built-in names) or done when its due date is marked complete; its sprint is
empty, its assignee its first member, its key the card's short link (what its URL shows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.points import BadPoints, InvalidPoints
from backlog_audit.adapters.statuses import DEFAULT_STATUS_MAP
from backlog_audit.adapters.trello.board import Board, TrelloList
from backlog_audit.adapters.trello.fields import FieldPlan
from backlog_audit.errors import UsageError
from backlog_audit.model import Item, StatusCategory

__all__ = ["CARD_TYPE", "CardReader", "list_category", "selected_lists"]

Json = dict[str, Any]

CARD_TYPE = "Card"
# SPEC 7's list names, beside the shared status names: Doing and Shipped are Trello's words.
LIST_CATEGORIES: Mapping[str, StatusCategory] = {
    **DEFAULT_STATUS_MAP,
    "doing": StatusCategory.IN_PROGRESS,
    "shipped": StatusCategory.DONE,
}
_NOT_A_WORD = re.compile(r"[^\w' ]+")


def _clean(name: str) -> str:
    """A list name without emoji, punctuation and digits: `Done ✅` -> `done`."""
    words = _NOT_A_WORD.sub(" ", name.casefold()).replace("_", " ")
    return " ".join(w for w in words.split() if not w.isdigit())


def list_category(name: str, status_map: Mapping[str, StatusCategory]) -> StatusCategory:
    """The category of a list: its name in `[status_map]` or the built-in names, exactly or
    as the first or last words of the name (`Done (sprint 12)`, `Doing - Ana`, `Code
    review`), the longest such name first; else to do."""
    table = {**LIST_CATEGORIES, **status_map}
    cleaned = _clean(name)
    for key in (name.casefold().strip(), cleaned):
        if key in table:
            return table[key]
    for known in sorted(table, key=len, reverse=True):
        if cleaned.startswith(known + " ") or cleaned.endswith(" " + known):
            return table[known]
    return StatusCategory.TODO


def selected_lists(board: Board, names: tuple[str, ...]) -> dict[str, TrelloList]:
    """The open lists in scope by id: all of them, or those `names` name (case-insensitive).

    A name that matches no open list is exit 2, naming the open lists (and saying so when
    it names an archived one: its cards are out of scope).
    """
    open_lists = [lst for lst in board.lists if not lst.closed]
    if not names:
        return {lst.id: lst for lst in open_lists}
    wanted = {" ".join(n.split()).casefold(): n for n in names}
    chosen = {lst.id: lst for lst in open_lists if " ".join(lst.name.split()).casefold() in wanted}
    found = {" ".join(lst.name.split()).casefold() for lst in chosen.values()}
    for key, name in wanted.items():
        if key in found:
            continue
        archived = any(" ".join(lst.name.split()).casefold() == key for lst in board.lists)
        state = "is archived" if archived else "is not a list of the board"
        listing = ", ".join(lst.name for lst in open_lists) or "(none)"
        raise UsageError(
            f"--trello-list {name!r} {state} ({board.name}); its open lists: {listing}"
        )
    return chosen


@dataclass(frozen=True)
class CardReader:
    """Turns the board's cards into items."""

    board: Board
    plan: FieldPlan
    status_map: Mapping[str, StatusCategory]

    def items(self, lists: Mapping[str, TrelloList], bad_points: BadPoints) -> list[Item]:
        """The items of the open cards in `lists`, in board order (list, then position)."""
        order = {lst_id: index for index, lst_id in enumerate(lists)}
        cards = [
            card
            for card in self.board.cards
            if card.get("closed") is not True and str(card.get("idList")) in lists
        ]
        cards.sort(key=lambda c: (order[str(c.get("idList"))], _pos(c), str(c.get("id"))))
        return [self.item(card, lists[str(card.get("idList"))], bad_points) for card in cards]

    def item(self, card: Json, lst: TrelloList, bad_points: BadPoints) -> Item:
        """The item of one card in list `lst`."""
        key = str(card.get("shortLink") or card.get("id"))
        options, texts = self.plan.references(card)
        done = card.get("dueComplete") is True
        return Item(
            id=str(card.get("id")),
            key=key,
            title=str(card.get("name") or ""),
            type=CARD_TYPE,
            status=lst.name,
            status_category=StatusCategory.DONE
            if done
            else list_category(lst.name, self.status_map),
            points=self._points(card, key, bad_points),
            references=options,
            free_text=texts,
            labels=self.labels(card),
            assignee=self._assignee(card),
            project=self.board.name,
            url=str(card.get("url") or "") or None,
            level=0,
        )

    def labels(self, card: Json) -> tuple[str, ...]:
        """The names of the card's labels (colour-only labels have none)."""
        ids = [str(i) for i in card.get("idLabels") or () if isinstance(i, str)]
        names = [self.board.labels[i] for i in ids if i in self.board.labels]
        return tuple(dict.fromkeys(names))

    def _points(self, card: Json, key: str, bad_points: BadPoints) -> float | None:
        try:
            return self.plan.points_of(card)
        except InvalidPoints as exc:
            bad_points.add("points", f"card {key} ({card.get('name') or ''})", exc.value)
            return None

    def _assignee(self, card: Json) -> str | None:
        for member in card.get("idMembers") or ():
            name = self.board.members.get(str(member))
            if name:
                return name
        return None


def _pos(card: Json) -> float:
    try:
        return float(card.get("pos") or 0)
    except (TypeError, ValueError):
        return 0.0
