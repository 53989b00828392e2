"""The Asana source: tasks of projects or a section, and Asana Goals as the OKR set
(docs/sources-asana.md).

Only the plugin is declared here; `source.py`, `goals.py` and the Asana client are imported
when used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import click

from backlog_audit.adapters.interface import SourcePlugin

__all__ = ["PLUGIN", "AsanaConfig"]


@dataclass(frozen=True)
class AsanaConfig:
    """Which projects (gids), optionally one section of them, and how far back done work counts."""

    asana_project: tuple[str, ...] = ()
    asana_section: str | None = None
    # None: the cycle start of the OKR set, else 90 days back (SPEC 7)
    completed_since: date | None = None


def _date(_ctx: click.Context, _param: click.Parameter, value: datetime | None) -> date | None:
    return value.date() if value is not None else None


PLUGIN = SourcePlugin(
    kind="asana",
    title="Asana",
    config_class=AsanaConfig,
    options=(
        click.option("--asana-project", multiple=True, help="Asana: project gid (repeatable)."),
        click.option("--asana-section", help="Asana: only this section (e.g. a sprint)."),
        click.option(
            "--completed-since",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            callback=_date,
            metavar="YYYY-MM-DD",
            help="Asana: also audit tasks completed since this date (default: cycle start).",
        ),
    ),
    environment=("ASANA_ACCESS_TOKEN", "ASANA_BASE_URL"),
    factory="backlog_audit.adapters.asana.source:AsanaSource",
    fields_params=("asana_project",),
    okrs_prefix="asana-goals:",
)
