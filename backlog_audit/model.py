"""The data every part of backlog-audit speaks: frozen, typed, free of I/O.

Sources produce `Backlog`s of `Item`s, `okrs` produces an `OkrSet`, `audit.audit()` turns both
into an `AuditResult`, and report writers render that. Counts are stored; shares are derived.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class StatusCategory(str, Enum):
    """Jira's three status categories; Asana and CSV statuses are mapped onto them."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class LinkState(str, Enum):
    """An item's link state (SPEC 5), in the order the rules are tried."""

    LINKED = "linked"
    OBJECTIVE_ONLY = "objective_only"
    EXEMPT = "exempt"
    STALE = "stale"
    DANGLING = "dangling"
    INHERITED = "inherited"
    ORPHANED = "orphaned"

    @property
    def counts_as_linked(self) -> bool:
        """Whether items in this state count as linked in coverage (SPEC 5)."""
        return self in (LinkState.LINKED, LinkState.OBJECTIVE_ONLY, LinkState.INHERITED)


# --- OKR sets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResult:
    """A key result: a metric moved from a baseline to a target."""

    id: str
    objective_id: str
    title: str
    metric: str | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = None
    indicator: str | None = None  # "leading" | "lagging"
    current: float | None = None
    aliases: tuple[str, ...] = ()
    # The parent (company) KR or objective id; None: the objective's `aligns_to` holds.
    aligns_to: str | None = None


@dataclass(frozen=True)
class Objective:
    """A qualitative objective and its key results."""

    id: str
    title: str
    key_results: tuple[KeyResult, ...] = ()
    owner: str | None = None
    aligns_to: str | None = None


@dataclass(frozen=True)
class OkrSet:
    """Objectives and KRs of one cycle, plus retired KR ids and exempt markers."""

    objectives: tuple[Objective, ...]
    retired: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()
    cycle: str | None = None
    cycle_start: date | None = None
    cycle_end: date | None = None
    level: str | None = None  # "company" | "department" | "team"
    source: str = ""  # where it was read from (file path or asana-goals:...)
    # What a source-hosted set was read from (Asana's goal graph), so that the source can
    # reuse it for links instead of fetching it again. Not part of the set's identity.
    native: object = field(default=None, compare=False, repr=False)

    @property
    def key_results(self) -> tuple[KeyResult, ...]:
        """Every KR, in file order."""
        return tuple(kr for obj in self.objectives for kr in obj.key_results)


# --- Backlogs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One backlog entry as a source delivers it, before any OKR logic.

    `id` is the source's stable identity (Jira issue id, Asana gid, CSV key) and is what
    `parent` refers to; `key` is what people read (APP-7). `level` follows Jira's issue type
    hierarchy: 0 standard work, -1 sub-task, 1 and above epics and other containers; None when
    the source does not say (the audit then judges by type name). `references` are the raw
    values of a select-like OKR link field (never split); `free_text` those of a free-text
    link field, which the core tries whole, then splits; `labels` are all labels, of which
    those with the label prefix, or naming the OKR set exactly, also count as references
    (`core.references` holds the rule, SPEC 4). `carrier_only` marks parents fetched
    only so that their links can be inherited: they are never counted.
    """

    id: str
    key: str
    title: str = ""
    type: str = ""
    status: str = ""
    status_category: StatusCategory = StatusCategory.TODO
    points: float | None = None
    references: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    parent: str | None = None
    free_text: tuple[str, ...] = ()
    sprints: tuple[str, ...] = ()
    sprint: str | None = None
    assignee: str | None = None
    project: str | None = None
    url: str | None = None
    level: int | None = None
    carrier_only: bool = False


@dataclass(frozen=True)
class Backlog:
    """What a source delivers: items (in-scope candidates and parents) and a scope label."""

    kind: str  # "jira" | "asana" | "csv"
    scope: str
    # A tuple, or the items a source delivered as the core's columns (`core.rows.FrameItems`).
    items: Sequence[Item]
    warnings: tuple[str, ...] = ()
    # Jira sources set this so the fix list can offer `key in (...)` queries.
    supports_jql: bool = False
    # What makes two audits "the same scope" in the history, when the label is not it: the CSV
    # source names the export as typed (`examples/x.csv`) but is identified by its resolved
    # path, so that `./examples/x.csv` and `/abs/examples/x.csv` share one trend.
    scope_id: str | None = None


# --- Audit options and results --------------------------------------------------------------


DEFAULT_LABEL_PREFIXES: tuple[str, ...] = ("okr:", "kr:")
# SPEC 5: inheritance looks at most this many levels up (sources fetch parents that far).
MAX_INHERIT_DEPTH = 3


@dataclass(frozen=True)
class AuditOptions:
    """Knobs of the pure audit. Type names compare case-insensitively."""

    inherit: bool = True
    include_types: frozenset[str] = frozenset()
    exclude_types: frozenset[str] = frozenset()
    label_prefixes: tuple[str, ...] = DEFAULT_LABEL_PREFIXES
    max_inherit_depth: int = MAX_INHERIT_DEPTH

    def __post_init__(self) -> None:
        # Casefold once here rather than once per item in the audit's scope check.
        for name in ("include_types", "exclude_types"):
            folded = frozenset(t.casefold() for t in getattr(self, name))
            object.__setattr__(self, name, folded)


@dataclass(frozen=True)
class ItemResult:
    """An in-scope item with its resolved links."""

    item: Item
    link_state: LinkState
    key_results: tuple[str, ...]
    objectives: tuple[str, ...]
    references: tuple[str, ...]
    inherited_from: str | None = None
    parent_key: str | None = None
    # The link values that said "no link" (`N/A`, `TBD`...): why an orphan has no reference.
    placeholders: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The item's human key."""
        return self.item.key

    @property
    def points(self) -> float:
        """Story points, 0 when unestimated."""
        return self.item.points or 0.0


@dataclass(frozen=True)
class Tally:
    """Items and points, all and linked; coverage derives from them."""

    items: int = 0
    linked_items: int = 0
    exempt_items: int = 0
    points: float = 0.0
    linked_points: float = 0.0
    exempt_points: float = 0.0

    @property
    def coverage(self) -> float | None:
        """linked / (items - exempt), None when nothing is countable."""
        base = self.items - self.exempt_items
        return self.linked_items / base if base else None

    @property
    def points_coverage(self) -> float | None:
        """linked points / (points - exempt points), None when nothing is countable.

        Also None when the points sum overflowed (two estimates of 1e308 make infinity): a
        figure of NaN would compare false with every threshold and print as "nan%".
        """
        base = self.points - self.exempt_points
        if not base or not math.isfinite(base) or not math.isfinite(self.linked_points):
            return None
        return self.linked_points / base

    @property
    def exempt_share(self) -> float | None:
        """exempt / items (SPEC 6: nothing is hidden), None when there are no items."""
        return self.exempt_items / self.items if self.items else None


@dataclass(frozen=True)
class WorkRow:
    """Work counted against one KR or objective."""

    id: str
    title: str
    items: int
    points: float
    share: float | None
    points_share: float | None
    todo: int
    in_progress: int
    done: int
    objective_id: str | None = None  # KR rows only
    baseline: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class BreakdownRow:
    """Coverage of the items that share one sprint, assignee or project."""

    value: str
    tally: Tally


@dataclass(frozen=True)
class BadLink:
    """A reference that resolved to nothing (dangling) or to a retired KR (stale)."""

    key: str
    reference: str
    affected_items: int
    suggestion: str | None = None


@dataclass(frozen=True)
class InheritanceConflict:
    """An item whose own KR links differ from its nearest referencing ancestor's."""

    key: str
    own: tuple[str, ...]
    inherited: tuple[str, ...]


@dataclass(frozen=True)
class LintFinding:
    """One OKR quality finding (okrs/lint)."""

    id: str  # the objective or KR id the finding is about
    rule: str
    severity: str  # "error" | "warning" | "info"
    message: str


@dataclass(frozen=True)
class Changes:
    """What changed since the last audit of the same scope and cycle (history/changes.py)."""

    since: datetime
    coverage_delta: float | None
    points_coverage_delta: float | None
    new_orphans: tuple[str, ...] = ()
    fixed_orphans: tuple[str, ...] = ()
    new_dangling_links: tuple[str, ...] = ()
    newly_covered_key_results: tuple[str, ...] = ()
    newly_uncovered_key_results: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrendPoint:
    """One past run of the same scope, for the trend sheet."""

    generated_at: datetime
    items: int
    coverage: float | None
    points_coverage: float | None
    orphaned_items: int


@dataclass(frozen=True)
class Summary:
    """Headline figures (SPEC 6 and 9)."""

    all: Tally
    open: Tally
    orphaned_items: int
    dangling_items: int
    stale_items: int
    objective_only_items: int
    inherited_items: int
    unestimated_items: int
    key_results: int
    uncovered_key_results: int


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found; report writers render it, nothing recomputes it."""

    generated_at: datetime
    source_kind: str
    scope: str
    okrs: OkrSet
    summary: Summary
    key_results: tuple[WorkRow, ...]
    objectives: tuple[WorkRow, ...]
    by_sprint: tuple[BreakdownRow, ...]
    by_assignee: tuple[BreakdownRow, ...]
    by_project: tuple[BreakdownRow, ...]
    # core.audit gives a `table.ItemTable` (columnar, built into objects only when iterated).
    items: Sequence[ItemResult]
    orphans: tuple[str, ...]
    # core.audit gives `core.bad_links.BadLinks` (columnar, built into objects only when iterated).
    dangling_links: Sequence[BadLink]
    stale_links: Sequence[BadLink]
    uncovered_key_results: tuple[str, ...]
    inheritance_conflicts: tuple[InheritanceConflict, ...]
    lint: tuple[LintFinding, ...] = ()
    changes: Changes | None = None
    trend: tuple[TrendPoint, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    supports_jql: bool = False
    # The run's thresholds (--fail-under percent, --max-orphans), so that reports can show a
    # status against them; None when not set.
    fail_under: float | None = None
    max_orphans: int | None = None
    # The scope's identity in the history when it is not `scope` (see `Backlog.scope_id`);
    # `--scope-name` sets it.
    scope_id: str | None = None

    @property
    def history_scope(self) -> str:
        """What the history files this run under: its scope identity, else its label."""
        return self.scope_id or self.scope

    @property
    def okr_cycle(self) -> str | None:
        """The OKR cycle label, if the set names one."""
        return self.okrs.cycle

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """The items and tables as pandas DataFrames, by the JSON report's names (`items`,
        `summary`, `key_results`, `objectives`, `by_sprint`...). Needs pandas: install
        `backlog-audit[pandas]`."""
        from backlog_audit.table.records import to_pandas

        return to_pandas(self)
