"""The test oracle: the object-by-object audit as it was before the columnar core.

No HTTP, no files, no printing: items and an OKR set in, figures out (SPEC 5 and 6).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from backlog_audit.core.references import ReferenceReader
from backlog_audit.model import (
    AuditOptions,
    AuditResult,
    Backlog,
    BadLink,
    BreakdownRow,
    InheritanceConflict,
    Item,
    ItemResult,
    KeyResult,
    LinkState,
    OkrSet,
    StatusCategory,
    Summary,
    Tally,
    WorkRow,
)
from tests.core.oracle.link_states import Link, LinkEngine

# Types counted when a source gives no hierarchy level (SPEC 2): everything but these.
_NON_STANDARD_TYPES = frozenset({"epic", "sub-task", "subtask", "milestone"})
# Test-management types (Xray's five, Zephyr's Test) are test cases and their runs, not backlog
# work, whatever level Jira gives them (SPEC 2): one real export held 59 Xray tests in 75 items,
# every one "inherited" from one epic. --include-types brings them back.
TEST_TYPES = frozenset({"test", "test set", "test plan", "test execution", "precondition"})
_DIGITS = re.compile(r"(\d+)")

NO_SPRINT, UNASSIGNED, NO_PROJECT = "(no sprint)", "(unassigned)", "(no project)"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts APP-9 before APP-10 and Sprint 9 before Sprint 10."""
    parts = _DIGITS.split(text.casefold())
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


def in_scope(item: Item, options: AuditOptions) -> bool:
    """Whether an item is counted work (SPEC 2): the one place of the default type scope.

    --exclude-types and --include-types first, then test-management types (out), then the
    hierarchy level when the source gives one, else the type name."""
    if item.carrier_only:
        return False
    kind = item.type.casefold()
    # AuditOptions casefolds its type names, whoever built it.
    if kind in options.exclude_types:
        return False
    if kind in options.include_types:
        return True
    if kind in TEST_TYPES:
        return False
    if item.level is not None:
        return item.level == 0
    return kind not in _NON_STANDARD_TYPES


def unique_items(items: Iterable[Item]) -> dict[str, Item]:
    """Items by id, each once; an in-scope copy beats a carrier-only copy (SPEC 6)."""
    by_id: dict[str, Item] = {}
    for item in items:
        known = by_id.get(item.id)
        if known is None or (known.carrier_only and not item.carrier_only):
            by_id[item.id] = item
    return by_id


def audit(
    backlog: Backlog,
    okrs: OkrSet,
    options: AuditOptions | None = None,
    now: datetime | None = None,
) -> AuditResult:
    """Audit one backlog against one OKR set."""
    options = options or AuditOptions()
    by_id = unique_items(backlog.items)
    scoped = [item for item in by_id.values() if in_scope(item, options)]
    engine = LinkEngine(okrs, by_id, options)
    links = {item.id: engine.link(item) for item in scoped}
    results = tuple(
        sorted(
            (_item_result(item, links[item.id], by_id, engine.reader) for item in scoped),
            key=lambda r: natural_key(r.key),
        )
    )
    total = _tally(results)
    kr_rows = _kr_rows(okrs, results, total)
    uncovered = tuple(row.id for row in kr_rows if row.items == 0)
    return AuditResult(
        generated_at=(now or datetime.now(timezone.utc)).astimezone(timezone.utc),
        source_kind=backlog.kind,
        scope=backlog.scope,
        scope_id=backlog.scope_id,
        okrs=okrs,
        summary=_summary(results, total, len(kr_rows), len(uncovered)),
        key_results=kr_rows,
        objectives=_objective_rows(okrs, results, total),
        by_sprint=_breakdown(results, lambda r: r.item.sprint or NO_SPRINT),
        by_assignee=_breakdown(results, lambda r: r.item.assignee or UNASSIGNED),
        by_project=_breakdown(results, lambda r: r.item.project or NO_PROJECT),
        items=results,
        orphans=tuple(r.key for r in results if r.link_state is LinkState.ORPHANED),
        dangling_links=_bad_links(links.values(), stale=False),
        stale_links=_bad_links(links.values(), stale=True),
        uncovered_key_results=uncovered,
        inheritance_conflicts=_conflicts(scoped, links),
        warnings=backlog.warnings
        + _scope_warnings(by_id, scoped)
        + _tests_left_out(by_id, options),
        supports_jql=backlog.supports_jql,
    )


def _scope_warnings(by_id: dict[str, Item], scoped: list[Item]) -> tuple[str, ...]:
    """SPEC 8: an empty scope is warned about, also when the source did return items."""
    countable = [item for item in by_id.values() if not item.carrier_only]
    if scoped or not countable:
        return ()
    return (
        f"{len(countable)} items read, none in scope: sub-tasks and epics are not counted "
        "(see --include-types)",
    )


def _tests_left_out(by_id: dict[str, Item], options: AuditOptions) -> tuple[str, ...]:
    """Say so when test-management items were left out by default: a newcomer who sees
    fewer items than the export holds must learn why, and how to count them."""
    left = [
        item.type
        for item in by_id.values()
        if not item.carrier_only
        and item.type.casefold() in TEST_TYPES
        and item.type.casefold() not in options.include_types
    ]
    if not left:
        return ()
    kinds = ", ".join(sorted(set(left), key=str.casefold))
    return (
        f"{len(left)} test-management items ({kinds}) are not backlog work and not counted "
        "(--include-types to count them)",
    )


def _item_result(
    item: Item, link: Link, by_id: dict[str, Item], reader: ReferenceReader
) -> ItemResult:
    inherits = link.state in (LinkState.INHERITED, LinkState.EXEMPT) and link.carrier
    parent = by_id.get(item.parent) if item.parent else None
    return ItemResult(
        item=item,
        link_state=link.state,
        key_results=link.key_results,
        objectives=link.objectives,
        references=link.own.references,
        inherited_from=link.carrier.key if inherits and link.carrier else None,
        parent_key=parent.key if parent else item.parent,
        # An orphan whose link field says "N/A" is told apart from one left blank.
        placeholders=reader.placeholders(item) if link.state is LinkState.ORPHANED else (),
    )


def _tally(results: Iterable[ItemResult]) -> Tally:
    items = linked = exempt = 0
    points = linked_points = exempt_points = 0.0
    for r in results:
        items += 1
        points += r.points
        if r.link_state.counts_as_linked:
            linked += 1
            linked_points += r.points
        elif r.link_state is LinkState.EXEMPT:
            exempt += 1
            exempt_points += r.points
    return Tally(items, linked, exempt, points, linked_points, exempt_points)


def _summary(results: tuple[ItemResult, ...], total: Tally, krs: int, uncovered: int) -> Summary:
    states = defaultdict(int, _count(r.link_state for r in results))
    return Summary(
        all=total,
        open=_tally(r for r in results if r.item.status_category is not StatusCategory.DONE),
        orphaned_items=states[LinkState.ORPHANED],
        dangling_items=states[LinkState.DANGLING],
        stale_items=states[LinkState.STALE],
        objective_only_items=states[LinkState.OBJECTIVE_ONLY],
        inherited_items=states[LinkState.INHERITED],
        unestimated_items=sum(1 for r in results if r.item.points is None),
        key_results=krs,
        uncovered_key_results=uncovered,
    )


def _count(values: Iterable[LinkState]) -> dict[LinkState, int]:
    counts: dict[LinkState, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


@dataclass
class _Work:
    """Mutable accumulator for one KR or objective row."""

    items: int = 0
    points: float = 0.0
    todo: int = 0
    in_progress: int = 0
    done: int = 0

    def add(self, result: ItemResult) -> None:
        self.items += 1
        self.points += result.points
        category = result.item.status_category
        if category is StatusCategory.DONE:
            self.done += 1
        elif category is StatusCategory.IN_PROGRESS:
            self.in_progress += 1
        else:
            self.todo += 1


def _accumulate(
    results: Iterable[ItemResult], ids: Callable[[ItemResult], Iterable[str]]
) -> dict[str, _Work]:
    work: dict[str, _Work] = defaultdict(_Work)
    for result in results:
        for target in ids(result):
            work[target].add(result)
    return work


def _share(part: float, whole: float) -> float | None:
    """part / whole; None when whole is 0 or either is not finite.

    The sources refuse absurd estimates, but a sum that overflowed would otherwise show a
    false 0% (1e308 / inf) or NaN (inf / inf) for a key result.
    """
    if not whole or not math.isfinite(whole) or not math.isfinite(part):
        return None
    return part / whole


def _work_row(
    row_id: str, title: str, work: _Work | None, total: Tally, kr: KeyResult | None = None
) -> WorkRow:
    work = work or _Work()
    return WorkRow(
        id=row_id,
        title=title,
        items=work.items,
        points=work.points,
        share=_share(work.items, total.items),
        points_share=_share(work.points, total.points),
        todo=work.todo,
        in_progress=work.in_progress,
        done=work.done,
        objective_id=kr.objective_id if kr else None,
        baseline=kr.baseline if kr else None,
        target=kr.target if kr else None,
        current=kr.current if kr else None,
        unit=kr.unit if kr else None,
    )


def _kr_rows(okrs: OkrSet, results: tuple[ItemResult, ...], total: Tally) -> tuple[WorkRow, ...]:
    work = _accumulate(results, lambda r: r.key_results)
    return tuple(_work_row(kr.id, kr.title, work.get(kr.id), total, kr) for kr in okrs.key_results)


def _objective_rows(
    okrs: OkrSet, results: tuple[ItemResult, ...], total: Tally
) -> tuple[WorkRow, ...]:
    work = _accumulate(results, lambda r: r.objectives)
    return tuple(_work_row(o.id, o.title, work.get(o.id), total) for o in okrs.objectives)


def _breakdown(
    results: tuple[ItemResult, ...], value_of: Callable[[ItemResult], str]
) -> tuple[BreakdownRow, ...]:
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for result in results:
        groups[value_of(result)].append(result)
    return tuple(
        BreakdownRow(value, _tally(groups[value])) for value in sorted(groups, key=natural_key)
    )


def _bad_links(links: Iterable[Link], *, stale: bool) -> tuple[BadLink, ...]:
    """Each bad reference once per carrying item, with how many audited items it affects."""
    affected: dict[tuple[str, str], int] = defaultdict(int)
    found: dict[tuple[str, str], BadLink] = {}
    for link in links:
        for carrier, resolved in link.bad_sources:
            bad = [(ref, None) for ref in resolved.stale] if stale else resolved.dangling
            for ref, suggestion in bad:
                affected[(carrier.key, ref)] += 1
                found.setdefault((carrier.key, ref), BadLink(carrier.key, ref, 0, suggestion))
    rows = (
        BadLink(bad.key, bad.reference, affected[pair], bad.suggestion)
        for pair, bad in found.items()
    )
    return tuple(sorted(rows, key=lambda b: (natural_key(b.key), b.reference)))


def _conflicts(scoped: list[Item], links: dict[str, Link]) -> tuple[InheritanceConflict, ...]:
    rows = []
    for item in scoped:
        link = links[item.id]
        if link.conflict is not None:
            own = link.own.key_results or link.own.objectives
            rows.append(InheritanceConflict(item.key, own, link.conflict.key_results))
    return tuple(sorted(rows, key=lambda c: natural_key(c.key)))
