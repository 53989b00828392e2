"""Backlog sources, one package each, named once in `SOURCES`.

A source package's `__init__` is light: it declares a `PLUGIN` (`SourcePlugin`: its options,
config class, environment variables) and names its source class, which is imported only
when that source is used, so that an audit of a CSV export never loads the Jira or Asana
clients. Adding a source is one package and one line here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from backlog_audit.adapters.interface import (
    BacklogSource,
    FieldInfo,
    FieldOption,
    Progress,
    SourcePlugin,
)
from backlog_audit.adapters.settings import SourceSettings

__all__ = [
    "SOURCES",
    "BacklogSource",
    "FieldInfo",
    "FieldOption",
    "Progress",
    "SourcePlugin",
    "SourceSettings",
    "kinds",
    "make_config",
    "make_source",
    "plugin",
]

# --source value -> the package whose PLUGIN describes it. The first is the default source.
SOURCES: dict[str, str] = {
    "csv": "backlog_audit.adapters.csv",
    "jira": "backlog_audit.adapters.jira",
    "asana": "backlog_audit.adapters.asana",
    "trello": "backlog_audit.adapters.trello",
    "monday": "backlog_audit.adapters.monday",
}


def kinds() -> tuple[str, ...]:
    """The `--source` choices, the default first."""
    return tuple(SOURCES)


def plugin(kind: str) -> SourcePlugin:
    """The `PLUGIN` of source `kind` (its package is imported, its source class is not)."""
    found = import_module(SOURCES[kind]).PLUGIN
    if not isinstance(found, SourcePlugin) or found.kind != kind:
        raise TypeError(f"{SOURCES[kind]}.PLUGIN is not the SourcePlugin of {kind!r}")
    return found


def make_config(kind: str, params: Mapping[str, Any]) -> Any:
    """Source `kind`'s config from its options' values by param name (a missing one: default).

    A name that is not a field of its config class is a TypeError: a typo must not be dropped.
    """
    return plugin(kind).config_class(**params)


def make_source(
    kind: str,
    settings: SourceSettings,
    params: Mapping[str, Any],
    credentials: Mapping[str, str],
) -> BacklogSource:
    """Build source `kind` from the shared settings, its own options' values and credentials.

    The source gets only the variables its plugin lists in `environment`.
    """
    found = plugin(kind)
    module, _, name = found.factory.partition(":")
    source_class = getattr(import_module(module), name)
    own = {key: value for key, value in credentials.items() if key in found.environment}
    source: BacklogSource = source_class(settings, make_config(kind, params), own)
    return source
