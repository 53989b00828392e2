"""Build a source's three constructor arguments from one set of keywords, as tests like."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, NamedTuple

from backlog_audit.adapters.settings import SourceSettings

_SETTINGS = {f.name for f in fields(SourceSettings)}


class Parts(NamedTuple):
    """What a source class is built from: `Source(*parts)`."""

    settings: SourceSettings
    config: Any
    credentials: dict[str, str]


def split(config_class: type, env: Mapping[str, str] | None = None, **values: Any) -> Parts:
    """`SourceSettings` fields to the settings, the rest to `config_class`, `env` to the
    credentials (none by default: a test names every variable its source reads)."""
    shared = {k: v for k, v in values.items() if k in _SETTINGS}
    own = {k: v for k, v in values.items() if k not in _SETTINGS}
    return Parts(SourceSettings(**shared), config_class(**own), dict(env or {}))
