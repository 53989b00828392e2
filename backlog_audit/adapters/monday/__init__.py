"""The monday.com source: the items of boards, or of one group of them, through monday.com's
GraphQL API (docs/sources-monday.md).

Only the plugin is declared here; `source.py` and the GraphQL client are imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from backlog_audit.adapters.interface import SourcePlugin

__all__ = ["PLUGIN", "MondayConfig"]


@dataclass(frozen=True)
class MondayConfig:
    """Which boards (ids), and optionally one group of them (a title, often a sprint)."""

    monday_board: tuple[str, ...] = ()
    monday_group: str | None = None


PLUGIN = SourcePlugin(
    kind="monday",
    title="monday.com",
    config_class=MondayConfig,
    options=(
        click.option("--monday-board", multiple=True, help="monday.com: board id (repeatable)."),
        click.option("--monday-group", help="monday.com: only this group (e.g. a sprint)."),
    ),
    environment=("MONDAY_API_TOKEN", "MONDAY_API_URL"),
    factory="backlog_audit.adapters.monday.source:MondaySource",
    fields_params=("monday_board",),
)
