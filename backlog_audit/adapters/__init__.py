"""Backlog sources. `make_source` picks one by name; implementations import lazily so that
an audit of a CSV export never loads the Jira or Asana clients."""

from __future__ import annotations

from enum import Enum

from backlog_audit.adapters.interface import (
    BacklogSource,
    FieldInfo,
    FieldOption,
    Progress,
    SourceConfig,
)

__all__ = [
    "BacklogSource",
    "FieldInfo",
    "FieldOption",
    "Progress",
    "SourceConfig",
    "SourceKind",
    "make_source",
]


class SourceKind(str, Enum):
    """The sources `--source` accepts."""

    JIRA = "jira"
    ASANA = "asana"
    CSV = "csv"


def make_source(kind: SourceKind, config: SourceConfig) -> BacklogSource:
    """Build the source `kind` from `config`."""
    if kind is SourceKind.CSV:
        from backlog_audit.adapters.csv_export import CsvSource

        return CsvSource(config)
    if kind is SourceKind.JIRA:
        from backlog_audit.adapters.jira import JiraSource

        return JiraSource(config)
    from backlog_audit.adapters.asana import AsanaSource

    return AsanaSource(config)
