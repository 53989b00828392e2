"""What a recorded run looks like when read back: its scope, its figures, its items.

Times are stored as fixed-width UTC text (`format_time`), so that text order is time order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from backlog_audit.model import AuditResult, LinkState, Tally

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


def format_time(moment: datetime) -> str:
    """A moment as stored: UTC, microseconds, `Z`."""
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The inverse of `format_time`."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ScopeId:
    """What makes two runs comparable: the same source, scope and OKR cycle.

    The scope is the selector as typed (a JQL, a board and sprint), a CSV export's resolved
    path, or the name `--scope-name` gives (`AuditResult.history_scope`).
    """

    source_kind: str
    scope: str
    okr_cycle: str | None

    @classmethod
    def of(cls, result: AuditResult) -> ScopeId:
        """The scope identity of an audit result."""
        return cls(result.source_kind, result.history_scope, result.okr_cycle)


@dataclass(frozen=True)
class RunRecord:
    """The summary row of one recorded run."""

    id: int
    recorded_at: datetime
    scope: ScopeId
    items: int
    exempt_items: int
    linked_items: int
    points: float
    exempt_points: float
    linked_points: float
    orphaned_items: int
    dangling_items: int
    stale_items: int
    key_results: int
    uncovered_key_results: int
    exit_code: int

    @property
    def tally(self) -> Tally:
        """The run's counts as the audit keeps them, so coverage is worked out in one place."""
        return Tally(
            self.items,
            self.linked_items,
            self.exempt_items,
            self.points,
            self.linked_points,
            self.exempt_points,
        )

    @property
    def coverage(self) -> float | None:
        """linked / (items - exempt), as in the audit (SPEC 6)."""
        return self.tally.coverage

    @property
    def points_coverage(self) -> float | None:
        """linked points / (points - exempt points)."""
        return self.tally.points_coverage


@dataclass(frozen=True)
class StoredItem:
    """One item of a recorded run. `points` is None for runs recorded by schema v1."""

    key: str
    link_state: LinkState
    key_results: tuple[str, ...]
    points: float | None


@dataclass(frozen=True)
class RunDetail:
    """A recorded run with everything needed to say what changed since."""

    run: RunRecord
    items: tuple[StoredItem, ...]
    kr_items: Mapping[str, int]  # KR id -> items counted against it
    dangling: frozenset[tuple[str, str]]  # (item key, reference)
