"""What every backlog source implements, and what a source package declares about itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.errors import SourceError
from backlog_audit.model import Backlog

__all__ = [
    "BacklogSource",
    "FieldInfo",
    "FieldOption",
    "Progress",
    "SourceError",
    "SourcePlugin",
]

# Called as items arrive: (received so far, total when the source tells it).
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class FieldOption:
    """One option of a select-like field."""

    id: str
    value: str
    disabled: bool = False


@dataclass(frozen=True)
class FieldInfo:
    """A source's field, as `backlog-audit fields` lists it."""

    id: str
    name: str
    type: str
    scope: str = ""
    options: tuple[FieldOption, ...] = ()
    likely: str | None = None  # "okr" | "points" when it looks like one


class BacklogSource(ABC):
    """A place backlog items come from (Jira, Asana, a CSV export)."""

    @abstractmethod
    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Pull the items in scope (and the parents they inherit links from)."""

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """List the source's fields, optionally only those whose name contains `search`."""
        raise SourceError(f"{type(self).__name__} cannot list fields")


# A click option decorator (`click.option(...)`): how a source declares its own flags.
OptionDecorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@dataclass(frozen=True)
class SourcePlugin:
    """What a source package tells the CLI about itself (its `PLUGIN`).

    The package's `__init__` builds it without importing the source's HTTP client: the
    source class is named by `factory` and imported only when that source is used.
    """

    kind: str  # the --source value
    title: str  # the heading of its options in --help
    # Frozen dataclass of this source's own settings (its selectors: file, board, project...);
    # every field has a default, and each is filled from the option of the same param name.
    config_class: type
    # Its own click options; their param names are the fields of `config_class` and the keys
    # of the config file (`--board` -> `board`).
    options: tuple[OptionDecorator, ...] = ()
    # The environment variables it may read (credentials, base URL): the CLI passes exactly
    # these to the source, never a copy of the whole environment.
    environment: tuple[str, ...] = ()
    # "module:Class" of the `BacklogSource`, built as Class(settings, config, credentials).
    factory: str = ""
    # The param names of the options `backlog-audit fields` reads (where the source is, not
    # which part of it to audit): `fields --help` shows only these.
    fields_params: tuple[str, ...] = ()
    # Config fields naming files the source reads, and how an error names each ("the --input
    # export"): no report may replace one of them.
    input_files: Mapping[str, str] = field(default_factory=dict)
    # An --okrs value starting with this is an OKR set the source hosts (`asana-goals:`): the
    # OKR loader is given this source's `environment` too.
    okrs_prefix: str | None = None
