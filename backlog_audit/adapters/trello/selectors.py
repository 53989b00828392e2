"""What a Trello audit selects (`--trello-board`, `--trello-list`, `--input`), checked before
any request."""

from __future__ import annotations

import re

from backlog_audit.adapters.trello import TrelloConfig
from backlog_audit.errors import UsageError

__all__ = ["board_handle", "check_config"]

# A board is named by its id (24 hex digits) or its short link (the 8 characters of
# https://trello.com/b/SHORTLINK/name); a pasted board URL is read for its short link.
_BOARD_ID = re.compile(r"[0-9a-fA-F]{24}")
_SHORT_LINK = re.compile(r"[0-9A-Za-z]{8}")
_BOARD_URL = re.compile(r"https?://(?:www\.)?trello\.com/b/([0-9A-Za-z]{8})(?:[/?#].*)?")


def check_config(config: TrelloConfig) -> None:
    """Exit 2 unless exactly one of the board and its export is named, and the lists are."""
    if config.trello_board and config.input_path:
        raise UsageError(
            "--trello-board and --input both name a board: give the board (read from "
            "Trello's API) or its JSON export, not both"
        )
    if not (config.trello_board or config.input_path):
        raise UsageError(
            "--source trello needs --trello-board ID|SHORTLINK, or --input board.json "
            "(Board menu > Print and Export > JSON)"
        )
    if config.trello_board:
        board_handle(config.trello_board)
    for name in config.trello_list:
        if not name.strip():
            raise UsageError("--trello-list needs a list name, got an empty one")


def board_handle(value: str) -> str:
    """The board id or short link in `value` (an id, a short link or a board URL), or exit 2."""
    text = value.strip()
    url = _BOARD_URL.fullmatch(text)
    if url:
        return url.group(1)
    if _BOARD_ID.fullmatch(text) or _SHORT_LINK.fullmatch(text):
        return text
    raise UsageError(
        f"--trello-board {value!r} is not a board id (24 hex digits) or short link (the 8 "
        "characters after trello.com/b/ in the board's URL)"
    )
