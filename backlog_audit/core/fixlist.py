"""The fix list (SPEC 10): unlinked work grouped so that it can be fixed in bulk.

Orphaned items (no OKR link) and dangling items (a link that names no known KR) are grouped
twice: by parent/epic, because the quickest fix is often one link on the epic that its
children inherit, and by assignee, because the person doing the work knows which KR it
serves. Each group carries a ready-to-paste JQL `key in (...)` when the source is Jira, so a
Scrum master can open the group in Jira's bulk editor. Pure: no I/O, nothing recomputed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, partial
from typing import TYPE_CHECKING, NamedTuple

from backlog_audit.core.audit import UNASSIGNED, natural_key
from backlog_audit.model import AuditResult, BadLink, ItemResult, LinkState
from backlog_audit.table import ItemTable

if TYPE_CHECKING:
    import polars as pl

NO_PARENT = "(no parent)"
__all__ = ["NO_PARENT", "UNASSIGNED", "FixEntry", "FixGroup", "GroupBy", "fix_entries",
           "fix_groups", "groups_by", "jql_for", "problems", "problems_in"]  # fmt: skip

# The states the fix list is about: work that should carry a KR link and does not.
FIX_STATES = (LinkState.ORPHANED, LinkState.DANGLING)

_STATES = {state.value: state for state in LinkState}

# A Jira issue key that JQL accepts unquoted; anything else is quoted.
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-\d+$")


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
    why: Callable[[], str] = field(default=lambda: "no OKR link", repr=False, compare=False)

    @cached_property
    def problem(self) -> str:
        """Plain words on what is wrong: worked out when first asked, since most reports
        show only the groups' counts (40,000 texts for a big backlog's CSV alone)."""
        return self.why()


@dataclass(frozen=True)
class FixGroup:
    """Items that share a parent (or an assignee), with a JQL that selects them all."""

    by: GroupBy
    value: str
    entries: tuple[FixEntry, ...]
    jql: str | None

    @property
    def keys(self) -> tuple[str, ...]:
        """The items' keys, in natural order."""
        return tuple(entry.key for entry in self.entries)

    @property
    def points(self) -> float:
        """Story points of the group's items (unestimated counts 0)."""
        return sum(entry.points for entry in self.entries)

    def count(self, state: LinkState) -> int:
        """How many of the group's items are in `state`."""
        return sum(1 for entry in self.entries if entry.link_state is state)


def jql_for(keys: Iterable[str]) -> str:
    """`key in (A-1, A-2)`, quoting any key that is not a plain Jira key."""
    return "key in (" + ", ".join(_jql_key(key) for key in keys) + ")"


def _jql_key(key: str) -> str:
    if _PLAIN_KEY.match(key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fix_entries(result: AuditResult) -> tuple[FixEntry, ...]:
    """Every orphaned or dangling item, in the result's (natural key) order."""
    return tuple(entry for _r, entry in _to_fix(result))


class _Row(NamedTuple):
    """What the fix list reads of an item: one row of the items table."""

    link_state: LinkState
    key: str
    parent: str | None
    placeholders: Sequence[str]
    assignee: str | None


_COLUMNS = ("link_state", "key", "parent", "placeholders", "assignee", "title", "points", "url")


def _to_fix(result: AuditResult) -> list[tuple[_Row, FixEntry]]:
    """The orphaned and dangling items with their entries, read from the items table's
    columns: no item is built into an object (issue 15)."""
    import polars as pl

    frame = ItemTable.of(result.items).frame
    states = [state.value for state in FIX_STATES]
    rows = frame.filter(pl.col("link_state").is_in(states)).select(_COLUMNS)
    dangling = _bad_links_by_key(result.dangling_links)
    stale = _bad_links_by_key(result.stale_links)
    found = []
    for state, key, parent, placeholders, assignee, title, points, url in rows.iter_rows():
        row = _Row(_STATES[state], key, parent, placeholders, assignee)
        entry = FixEntry(key=key, title=title, link_state=row.link_state, points=points or 0.0,
                         url=url, why=partial(_problem, row, dangling, stale))  # fmt: skip
        found.append((row, entry))
    return found


def problems(result: AuditResult, shown: Iterable[ItemResult]) -> list[str]:
    """What is wrong with each of `shown` (items of `result` to fix), as its fix entry says."""
    rows = (_Row(r.link_state, r.key, r.parent_key, r.placeholders, r.item.assignee)
            for r in shown)  # fmt: skip
    return _problems(result, rows)


def problems_in(result: AuditResult, frame: pl.DataFrame) -> list[str]:
    """`problems` of the items of some rows of the items table (`table.ItemTable.frame`),
    read from its columns: no item is built."""
    names = ("link_state", "key", "parent", "placeholders", "assignee")
    rows = (_Row(_STATES[s], k, p, h, a) for s, k, p, h, a in frame.select(names).iter_rows())
    return _problems(result, rows)


def _problems(result: AuditResult, rows: Iterable[_Row]) -> list[str]:
    dangling = _bad_links_by_key(result.dangling_links)
    stale = _bad_links_by_key(result.stale_links)
    return [_problem(row, dangling, stale) for row in rows]


def fix_groups(result: AuditResult) -> tuple[FixGroup, ...]:
    """Groups by parent, then groups by assignee (see `groups_by`)."""
    to_fix = _to_fix(result)
    return _grouped(result, GroupBy.PARENT, to_fix) + _grouped(result, GroupBy.ASSIGNEE, to_fix)


def groups_by(result: AuditResult, by: GroupBy) -> tuple[FixGroup, ...]:
    """Fix groups of one kind: biggest first (one edit fixes most), ties in natural order.

    The catch-all group (no parent / unassigned) comes last whatever its size: it cannot be
    fixed in one place.
    """
    return _grouped(result, by, _to_fix(result))


def _grouped(result: AuditResult, by: GroupBy,
             to_fix: list[tuple[_Row, FixEntry]]) -> tuple[FixGroup, ...]:  # fmt: skip
    parent = by is GroupBy.PARENT
    catch_all = NO_PARENT if parent else UNASSIGNED
    grouped: dict[str, list[FixEntry]] = defaultdict(list)
    for row, entry in to_fix:
        grouped[(row.parent if parent else row.assignee) or catch_all].append(entry)
    order = sorted(grouped, key=lambda v: (v == catch_all, -len(grouped[v]), natural_key(v), v))
    return tuple(_group(by, value, grouped[value], result.supports_jql) for value in order)


def _group(by: GroupBy, value: str, entries: list[FixEntry], jql: bool) -> FixGroup:
    keys = [entry.key for entry in entries]
    return FixGroup(by, value, tuple(entries), jql_for(keys) if jql else None)


def _bad_links_by_key(links: Iterable[BadLink]) -> dict[str, list[BadLink]]:
    found: dict[str, list[BadLink]] = defaultdict(list)
    for link in links:
        found[link.key].append(link)
    return found


def _problem(
    result: _Row,
    dangling: dict[str, list[BadLink]],
    stale: dict[str, list[BadLink]],
) -> str:
    """Plain words on what is wrong, naming the reference at fault where there is one."""
    if result.link_state is LinkState.DANGLING:
        own = [_describe(link, "names no known KR") for link in dangling.get(result.key, ())]
        return "; ".join(own) or "its OKR link names no known KR"
    parent = result.parent
    if parent is not None and (dangling.get(parent) or stale.get(parent)):
        bad = [_describe(link, "names no known KR") for link in dangling.get(parent, ())]
        bad += [_describe(link, "is a retired KR") for link in stale.get(parent, ())]
        return f"no OKR link; parent {parent}: " + "; ".join(bad)
    if result.placeholders:
        said = ", ".join(f"'{value}'" for value in result.placeholders)
        return f"no OKR link: its link field says {said}"
    return "no OKR link"


def _describe(link: BadLink, what: str) -> str:
    text = f"'{link.reference}' {what}"
    return f"{text} (did you mean {link.suggestion}?)" if link.suggestion else text
