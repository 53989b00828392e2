"""What every backlog source implements, and the settings it is given."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from backlog_audit.errors import SourceError
from backlog_audit.model import DEFAULT_LABEL_PREFIXES, Backlog, OkrSet, StatusCategory

__all__ = ["BacklogSource", "FieldInfo", "FieldOption", "Progress", "SourceConfig", "SourceError"]

# Called as items arrive: (received so far, total when the source tells it).
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class SourceConfig:
    """Everything a source may need, from flags, config file and environment."""

    okr_field: str = "OKR"
    points_field: str | None = None
    # run.run_audit sets this (and inherit, include/exclude types) from the AuditOptions, so
    # the sources read and climb exactly as the audit links
    label_prefixes: tuple[str, ...] = DEFAULT_LABEL_PREFIXES
    # the --okrs value, so a source that hosts OKRs itself (Asana Goals) can read links to them
    okrs: str | None = None
    # the OKR set once loaded (run.py fills it in), for sources that can reuse what it holds
    okr_set: OkrSet | None = field(default=None, repr=False)
    # status name (casefolded) -> category, for sources that give only a status name
    status_map: Mapping[str, StatusCategory] = field(default_factory=dict)
    # The audit's own scope knobs (`AuditOptions`), so a source fetches no more than the audit
    # uses: without inheritance (--no-inherit) out-of-scope parents are not fetched; the type
    # names of --include-types/--exclude-types say whether e.g. Asana subtasks are counted.
    inherit: bool = True
    include_types: frozenset[str] = frozenset()
    exclude_types: frozenset[str] = frozenset()
    # csv
    input: str | None = None
    # jira
    jira_url: str | None = None
    jql: str | None = None
    board: int | None = None
    sprint: str | None = None
    # asana
    asana_projects: tuple[str, ...] = ()
    asana_section: str | None = None
    completed_since: date | None = None
    # the environment (credentials); tests pass their own mapping
    # repr=False: the environment holds tokens, and a config may end up in a log or traceback
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)
    # request timeout in seconds, and a sleep to make retry waits testable
    timeout: float = 30.0
    sleep: Callable[[float], None] | None = None

    def includes_type(self, name: str) -> bool:
        """Whether --include-types names `name` and --exclude-types does not (case-insensitive)."""
        kind = name.casefold()
        include = {t.casefold() for t in self.include_types}
        exclude = {t.casefold() for t in self.exclude_types}
        return kind in include and kind not in exclude


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
