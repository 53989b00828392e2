"""Counting over items already audited: tallies, KR/objective rows, breakdowns.

The portfolio counts items the core has already given a link state; these are the
section 6 sums over them, taken from the public `ItemResult`s only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from backlog_audit.core.audit import natural_key
from backlog_audit.model import (
    BreakdownRow,
    ItemResult,
    KeyResult,
    LinkState,
    StatusCategory,
    Summary,
    Tally,
    WorkRow,
)


def tally(results: Iterable[ItemResult]) -> Tally:
    """Items and points, all, linked and exempt (SPEC 6)."""
    items = linked = exempt = 0
    points = linked_points = exempt_points = 0.0
    for r in results:
        items += 1
        points += r.points
        if r.link_state.counts_as_linked:
            linked, linked_points = linked + 1, linked_points + r.points
        elif r.link_state is LinkState.EXEMPT:
            exempt, exempt_points = exempt + 1, exempt_points + r.points
    return Tally(items, linked, exempt, points, linked_points, exempt_points)


def summary(results: list[ItemResult], krs: int, uncovered: int) -> Summary:
    """The headline figures over `results`."""
    states: dict[LinkState, int] = defaultdict(int)
    for r in results:
        states[r.link_state] += 1
    return Summary(
        all=tally(results),
        open=tally(r for r in results if r.item.status_category is not StatusCategory.DONE),
        orphaned_items=states[LinkState.ORPHANED],
        dangling_items=states[LinkState.DANGLING],
        stale_items=states[LinkState.STALE],
        objective_only_items=states[LinkState.OBJECTIVE_ONLY],
        inherited_items=states[LinkState.INHERITED],
        unestimated_items=sum(1 for r in results if r.item.points is None),
        key_results=krs,
        uncovered_key_results=uncovered,
    )


def _share(part: float, whole: float) -> float | None:
    if not whole or not math.isfinite(whole) or not math.isfinite(part):
        return None
    return part / whole


def work_row(
    row_id: str, title: str, results: list[ItemResult], total: Tally, kr: KeyResult | None = None
) -> WorkRow:
    """One KR or objective row over the items that work toward it."""
    categories = [r.item.status_category for r in results]
    points = sum(r.points for r in results)
    return WorkRow(
        id=row_id,
        title=title,
        items=len(results),
        points=points,
        share=_share(len(results), total.items),
        points_share=_share(points, total.points),
        todo=categories.count(StatusCategory.TODO),
        in_progress=categories.count(StatusCategory.IN_PROGRESS),
        done=categories.count(StatusCategory.DONE),
        objective_id=kr.objective_id if kr else None,
        baseline=kr.baseline if kr else None,
        target=kr.target if kr else None,
        current=kr.current if kr else None,
        unit=kr.unit if kr else None,
    )


def breakdown(
    results: list[ItemResult], value_of: Callable[[ItemResult], str]
) -> tuple[BreakdownRow, ...]:
    """Coverage per value (sprint, assignee, project), sorted naturally."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[value_of(r)].append(r)
    return tuple(BreakdownRow(v, tally(groups[v])) for v in sorted(groups, key=natural_key))
