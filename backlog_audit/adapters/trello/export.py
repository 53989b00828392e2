"""A board's JSON export (Board menu > Print and Export > JSON) read as the API's board.

The export is the board object with its `cards` (archived ones too), `lists`, `labels`,
`members` and `customFields` nested; cards carry `customFieldItems`. Read offline, it gives
the same items as the API, so an audit of the export has the figures of the API's.
"""

from __future__ import annotations

import json
from typing import Any

from backlog_audit.adapters.trello.board import Board, labels_of, lists_of, members_of
from backlog_audit.errors import InputError

__all__ = ["is_board_export", "read_export"]

_HOW = "export the board with Board menu > Print and Export > JSON"


def is_board_export(data: Any) -> bool:
    """Whether parsed JSON is a Trello board export: an object with an id, cards and lists."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and isinstance(data.get("cards"), list)
        and isinstance(data.get("lists"), list)
    )


def read_export(path: str) -> Board:
    """The board of the export at `path`, or exit 2 saying what is wrong with the file."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a board's JSON export") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, so not a Trello JSON export") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}): {_HOW}"
        ) from None
    if not is_board_export(data):
        raise InputError(f"{path}: JSON, but not a Trello board export: {_HOW}")
    return Board(
        id=data["id"],
        name=str(data.get("name") or data["id"]),
        short_link=str(data.get("shortLink") or ""),
        lists=lists_of(data["lists"]),
        labels=_labels(data),
        members=members_of(data.get("members")),
        custom_fields=tuple(f for f in data.get("customFields") or () if isinstance(f, dict)),
        cards=tuple(card for card in data["cards"] if isinstance(card, dict)),
    )


def _labels(data: dict[str, Any]) -> dict[str, str]:
    """The board's labels, and those the cards carry (an export nests them in each card)."""
    labels = labels_of([lbl for card in data["cards"] for lbl in _card_labels(card)])
    labels.update(labels_of(data.get("labels")))
    return labels


def _card_labels(card: Any) -> list[Any]:
    found = card.get("labels") if isinstance(card, dict) else None
    return found if isinstance(found, list) else []
