"""The fix list (SPEC 10): unlinked work grouped so that it can be fixed in bulk.

Orphaned items (no OKR link) and dangling items (a link that names no known KR) are grouped
twice: by parent/epic, because the quickest fix is often one link on the epic that its
children inherit, and by assignee, because the person doing the work knows which KR it
serves. Each group carries a ready-to-paste JQL `key in (...)` when the source is Jira, so a
Scrum master can open the group in Jira's bulk editor. Pure: no I/O, nothing recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from backlog_audit.core import fix_columns
from backlog_audit.core.fix_columns import FIX_STATES, NO_PARENT
from backlog_audit.core.tallies import UNASSIGNED
from backlog_audit.model import AuditResult, ItemResult, LinkState
from backlog_audit.table import texts

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FIX_STATES", "NO_PARENT", "UNASSIGNED", "FixEntry", "FixGroup", "GroupBy",
           "fix_entries", "fix_groups", "groups_by", "jql_for", "problems",
           "problems_in"]  # fmt: skip

_STATES = {state.value: state for state in LinkState}


class GroupBy(str, Enum):
    """How a fix group was formed."""

    PARENT = "parent"
    ASSIGNEE = "assignee"


@dataclass(frozen=True)
class FixEntry:
    """One item to fix and why it needs fixing (`problem`)."""

    key: str
    title: str
    link_state: LinkState
    points: float
    url: str | None = None
    problem: str = "no OKR link"


@dataclass(frozen=True)
class FixGroup:
    """Items that share a parent (or an assignee), with a JQL that selects them all."""

    by: GroupBy
    value: str
    keys: tuple[str, ...]
    """The items' keys, in natural order."""
    jql: str | None
    # The group's figures as `core.fix_columns` worked them out (points added in item order).
    orphaned: int = 0
    dangling: int = 0
    points: float = 0.0
    # Where the group's rows are (`fix_columns.grouped`'s rows, the first row's place): its
    # entries are built only when asked, since the reports that show groups show their keys
    # (a million items hold 700,000 to fix).
    rows: tuple[pl.DataFrame, int, AuditResult] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def entries(self) -> tuple[FixEntry, ...]:
        """The group's items with their titles and problems, in natural order."""
        if self.rows is None:
            return ()
        frame, start, result = self.rows
        return _entries(frame.slice(start, len(self.keys)), result)

    def count(self, state: LinkState) -> int:
        """How many of the group's items are in `state` (to fix: orphaned or dangling)."""
        if state is LinkState.ORPHANED:
            return self.orphaned
        return self.dangling if state is LinkState.DANGLING else 0


def jql_for(keys: Iterable[str]) -> str:
    """`key in (A-1, A-2)`, quoting any key that is not a plain Jira key (the rule the
    groups' queries are written by: `core.fix_columns.jql`)."""
    import polars as pl

    frame = pl.DataFrame({"key": texts(list(keys))})
    found: str = frame.select(fix_columns.jql(pl.col("key"))).item()
    return found


def fix_entries(result: AuditResult) -> tuple[FixEntry, ...]:
    """Every orphaned or dangling item, in the result's (natural key) order."""
    return _entries(fix_columns.to_fix(result), result)


def _entries(rows: pl.DataFrame, result: AuditResult) -> tuple[FixEntry, ...]:
    if "problem" not in rows.columns:  # `to_fix(words=False)`: these rows' words only
        rows = rows.with_columns(fix_columns.problems(result, rows).alias("problem"))
    names = ("key", "title", "link_state", "points", "url", "problem")
    return tuple(
        FixEntry(key, title, _STATES[state], points, url, problem)
        for key, title, state, points, url, problem in rows.select(names).iter_rows()
    )


def problems(result: AuditResult, shown: Iterable[ItemResult]) -> list[str]:
    """What is wrong with each of `shown` (items of `result` to fix), as its fix entry says."""
    import polars as pl

    found = list(shown)
    frame = pl.DataFrame(
        {
            "link_state": texts([r.link_state.value for r in found]),
            "key": texts([r.key for r in found]),
            "parent": texts([r.parent_key for r in found]),
            "placeholders": texts([list(r.placeholders) for r in found], nested=True),
        }
    )
    return problems_in(result, frame)


def problems_in(result: AuditResult, frame: pl.DataFrame) -> list[str]:
    """`problems` of the items of some rows of the items table (`table.ItemTable.frame`),
    read from its columns: no item is built."""
    return fix_columns.problems(result, frame).to_list()


def fix_groups(result: AuditResult) -> tuple[FixGroup, ...]:
    """Groups by parent, then groups by assignee (see `groups_by`)."""
    # The groups' problems are worded when their entries are asked for (no report asks).
    to_fix = fix_columns.to_fix(result, words=False)
    return _grouped(result, GroupBy.PARENT, to_fix) + _grouped(result, GroupBy.ASSIGNEE, to_fix)


def groups_by(result: AuditResult, by: GroupBy) -> tuple[FixGroup, ...]:
    """Fix groups of one kind: biggest first (one edit fixes most), ties in natural order.

    The catch-all group (no parent / unassigned) comes last whatever its size: it cannot be
    fixed in one place (the rules: `core.fix_columns.grouped`).
    """
    return _grouped(result, by, fix_columns.to_fix(result, words=False))


def _grouped(result: AuditResult, by: GroupBy, to_fix: pl.DataFrame) -> tuple[FixGroup, ...]:
    groups, rows = fix_columns.grouped(result, to_fix, by.value)
    keys = tuple(rows["key"].to_list())
    found, start = [], 0
    for value, items, orphaned, dangling, points, jql in groups.iter_rows():
        part = keys[start : start + items]
        where = (rows, start, result)
        found.append(FixGroup(by, value, part, jql, orphaned, dangling, points, where))
        start += items
    return tuple(found)
