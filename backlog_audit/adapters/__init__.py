"""Backlog sources. `make_source` picks one by name; implementations import lazily so that
an audit of a CSV export never loads the Jira or Asana clients."""

from __future__ import annotations

from enum import Enum
from importlib import import_module

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


# Implementations by kind, imported on first use so that a CSV audit never loads the
# Jira or Asana clients.
_IMPLEMENTATIONS = {
    SourceKind.CSV: ("backlog_audit.adapters.csv_export", "CsvSource"),
    SourceKind.JIRA: ("backlog_audit.adapters.jira", "JiraSource"),
    SourceKind.ASANA: ("backlog_audit.adapters.asana", "AsanaSource"),
}


def make_source(kind: SourceKind, config: SourceConfig) -> BacklogSource:
    """Build the source `kind` from `config`."""
    module, name = _IMPLEMENTATIONS[kind]
    source_class: type[BacklogSource] = getattr(import_module(module), name)
    return source_class(config)  # type: ignore[call-arg]
