"""The fix list as it was built before it read columns: one item, one link at a time.

Kept as the test oracle of `core.fix_columns` (issue 15): `tests/core/test_fix_columns.py`
checks that the columnar rows, groups and problems' words are these on edge cases and on
random backlogs. Not used by backlog_audit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from backlog_audit.core.order import natural_key
from backlog_audit.model import AuditResult, BadLink, ItemResult, LinkState

NO_PARENT, UNASSIGNED = "(no parent)", "(unassigned)"
FIX_STATES = (LinkState.ORPHANED, LinkState.DANGLING)
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-\d+$")

# One entry: key, title, link_state (its value), points (unestimated 0), url, problem.
Entry = tuple[str, str, str, float, "str | None", str]
# One group: by, value, entries, items, orphaned, dangling, points, jql.
Group = tuple[str, str, tuple[Entry, ...], int, int, int, float, "str | None"]


def jql_for(keys: Iterable[str]) -> str:
    """`key in (A-1, A-2)`, quoting any key that is not a plain Jira key."""
    return "key in (" + ", ".join(_jql_key(key) for key in keys) + ")"


def _jql_key(key: str) -> str:
    if _PLAIN_KEY.match(key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fix_groups(result: AuditResult) -> list[Group]:
    """Groups by parent, then by assignee: biggest first, ties in natural order, the
    catch-all last."""
    to_fix = [r for r in result.items if r.link_state in FIX_STATES]
    dangling = _by_key(result.dangling_links)
    stale = _by_key(result.stale_links)
    found: list[Group] = []
    for by, catch_all in (("parent", NO_PARENT), ("assignee", UNASSIGNED)):
        grouped: dict[str, list[ItemResult]] = defaultdict(list)
        for r in to_fix:
            grouped[(r.parent_key if by == "parent" else r.item.assignee) or catch_all].append(r)
        order = sorted(grouped, key=lambda v: (v == catch_all, -len(grouped[v]), natural_key(v), v))
        for value in order:
            entries = tuple(_entry(r, dangling, stale) for r in grouped[value])
            jql = jql_for(e[0] for e in entries) if result.supports_jql else None
            found.append((by, value, entries, len(entries),
                          sum(1 for e in entries if e[2] == LinkState.ORPHANED.value),
                          sum(1 for e in entries if e[2] == LinkState.DANGLING.value),
                          sum(e[3] for e in entries), jql))  # fmt: skip
    return found


def _entry(r: ItemResult, dangling: dict[str, list[BadLink]],
           stale: dict[str, list[BadLink]]) -> Entry:  # fmt: skip
    return (r.key, r.item.title, r.link_state.value, r.item.points or 0.0, r.item.url,
            problem(r, dangling, stale))  # fmt: skip


def problems(result: AuditResult, shown: Iterable[ItemResult]) -> list[str]:
    """Each of `shown`'s problem."""
    dangling = _by_key(result.dangling_links)
    stale = _by_key(result.stale_links)
    return [problem(r, dangling, stale) for r in shown]


def _by_key(links: Iterable[BadLink]) -> dict[str, list[BadLink]]:
    found: dict[str, list[BadLink]] = defaultdict(list)
    for link in links:
        found[link.key].append(link)
    return found


def problem(r: ItemResult, dangling: dict[str, list[BadLink]],
            stale: dict[str, list[BadLink]]) -> str:  # fmt: skip
    """Plain words on what is wrong, naming the reference at fault where there is one."""
    if r.link_state is LinkState.DANGLING:
        own = [_describe(link, "names no known KR") for link in dangling.get(r.key, ())]
        return "; ".join(own) or "its OKR link names no known KR"
    parent = r.parent_key
    if parent is not None and (dangling.get(parent) or stale.get(parent)):
        bad = [_describe(link, "names no known KR") for link in dangling.get(parent, ())]
        bad += [_describe(link, "is a retired KR") for link in stale.get(parent, ())]
        return f"no OKR link; parent {parent}: " + "; ".join(bad)
    if r.placeholders:
        said = ", ".join(f"'{value}'" for value in r.placeholders)
        return f"no OKR link: its link field says {said}"
    return "no OKR link"


def _describe(link: BadLink, what: str) -> str:
    text = f"'{link.reference}' {what}"
    return f"{text} (did you mean {link.suggestion}?)" if link.suggestion else text
