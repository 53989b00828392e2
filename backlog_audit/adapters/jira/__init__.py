"""The Jira source: Cloud and Data Center, JQL and board scopes (docs/sources-jira.md).

Only the plugin is declared here; `source.py` and its HTTP client are imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from backlog_audit.adapters.interface import SourcePlugin
from backlog_audit.adapters.shared_options import JIRA_URL

__all__ = ["PLUGIN", "JiraConfig"]


@dataclass(frozen=True)
class JiraConfig:
    """Which site (default: $JIRA_URL) and which of its issues: a JQL query, a board, a sprint."""

    jira_url: str | None = None
    jql: str | None = None
    board: int | None = None
    sprint: str | None = None


PLUGIN = SourcePlugin(
    kind="jira",
    title="Jira",
    config_class=JiraConfig,
    options=(
        JIRA_URL,
        click.option("--jql", help="Jira: audit the issues of this JQL query."),
        click.option("--board", type=int, help="Jira: the board whose sprint or backlog to audit."),
        click.option("--sprint", help="Jira: active | next | backlog | a sprint id or name."),
    ),
    environment=("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT"),
    factory="backlog_audit.adapters.jira.source:JiraSource",
    fields_params=("jira_url",),
)
