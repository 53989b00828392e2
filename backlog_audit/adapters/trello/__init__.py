"""The Trello source: one board's open cards, read from Trello's REST API or from the board's
JSON export (docs/sources-trello.md).

Only the plugin is declared here; `source.py` and the Trello client are imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from backlog_audit.adapters.interface import SourcePlugin
from backlog_audit.adapters.shared_options import INPUT, INPUT_FILES

__all__ = ["PLUGIN", "TrelloConfig"]


@dataclass(frozen=True)
class TrelloConfig:
    """Which board (its id or short link, or its JSON export), and optionally which lists."""

    trello_board: str | None = None
    trello_list: tuple[str, ...] = ()
    # A board's JSON export, read offline instead of the API (the flag csv reads too).
    input_path: str | None = None


PLUGIN = SourcePlugin(
    kind="trello",
    title="Trello",
    config_class=TrelloConfig,
    options=(
        click.option(
            "--trello-board",
            help="Trello: the board's id or short link (trello.com/b/SHORTLINK/...).",
        ),
        click.option(
            "--trello-list",
            multiple=True,
            help="Trello: only the cards of this list (repeatable; default: every open list).",
        ),
        INPUT,
    ),
    environment=("TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_BASE_URL"),
    factory="backlog_audit.adapters.trello.source:TrelloSource",
    fields_params=("trello_board", "input_path"),
    input_files=INPUT_FILES,
)
