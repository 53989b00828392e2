"""What changed since the last run: pure functions over two snapshots, no I/O.

A `Snapshot` is what one run leaves behind for comparison, built either from the current
`AuditResult` or from a stored run; `changes()` compares two of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from backlog_audit.core.audit import natural_key
from backlog_audit.history.records import RunDetail
from backlog_audit.model import AuditResult, Changes, LinkState

# A coverage drop is compared with --fail-on-drop after rounding away float noise, so that
# 75% -> 70% is a drop of exactly 5 points, not 5.000000000000004.
_DROP_DIGITS = 9


@dataclass(frozen=True)
class Snapshot:
    """One run as far as comparing it with another goes."""

    when: datetime
    coverage: float | None
    points_coverage: float | None
    states: Mapping[str, LinkState]  # item key -> link state
    kr_items: Mapping[str, int]  # KR id -> items counted against it
    dangling: frozenset[tuple[str, str]]  # (item key, reference)


def snapshot_of_result(result: AuditResult) -> Snapshot:
    """The snapshot of an audit that has just run."""
    return Snapshot(
        when=result.generated_at,
        coverage=result.summary.all.coverage,
        points_coverage=result.summary.all.points_coverage,
        states={r.key: r.link_state for r in result.items},
        kr_items={row.id: row.items for row in result.key_results},
        dangling=frozenset((link.key, link.reference) for link in result.dangling_links),
    )


def snapshot_of_run(detail: RunDetail) -> Snapshot:
    """The snapshot of a recorded run."""
    return Snapshot(
        when=detail.run.recorded_at,
        coverage=detail.run.coverage,
        points_coverage=detail.run.points_coverage,
        states={item.key: item.link_state for item in detail.items},
        kr_items=detail.kr_items,
        dangling=detail.dangling,
    )


def changes(previous: Snapshot, current: Snapshot, kr_order: Sequence[str]) -> Changes:
    """What changed from `previous` to `current`.

    - new orphans: orphaned now, and not orphaned (or not in scope) before;
    - fixed orphans: orphaned before and now linked (KR, objective or inherited) or exempt;
      an orphan that now carries a bad link is not fixed, it shows as a new dangling link;
      an orphan that left the scope is neither;
    - new dangling links: (item, reference) pairs that did not dangle before, as `KEY: ref`;
    - KRs newly covered / uncovered: KRs of both runs whose item count went from 0 to more
      or from more to 0, in `kr_order` (the OKR file's order).
    """
    # Each set once: rebuilding one per orphan made a 20,000-orphan comparison take minutes.
    orphans_before, orphans_now = _orphans(previous), _orphans(current)
    return Changes(
        since=previous.when,
        coverage_delta=_delta(current.coverage, previous.coverage),
        points_coverage_delta=_delta(current.points_coverage, previous.points_coverage),
        new_orphans=_keys(orphans_now - orphans_before),
        fixed_orphans=_keys(k for k in orphans_before if _is_fixed(current.states.get(k))),
        new_dangling_links=tuple(
            f"{key}: {reference}"
            for key, reference in sorted(
                current.dangling - previous.dangling, key=lambda p: (natural_key(p[0]), p[1])
            )
        ),
        newly_covered_key_results=_krs_turned(previous, current, kr_order, covered=True),
        newly_uncovered_key_results=_krs_turned(previous, current, kr_order, covered=False),
    )


def coverage_drop(found: Changes | None) -> float | None:
    """How many percentage points item coverage fell since the last run (negative: rose)."""
    if found is None or found.coverage_delta is None:
        return None
    return round(-found.coverage_delta * 100, _DROP_DIGITS)


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _orphans(snap: Snapshot) -> set[str]:
    return {key for key, state in snap.states.items() if state is LinkState.ORPHANED}


def _is_fixed(state: LinkState | None) -> bool:
    return state is not None and (state.counts_as_linked or state is LinkState.EXEMPT)


def _keys(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(keys, key=natural_key))


def _krs_turned(
    previous: Snapshot, current: Snapshot, kr_order: Sequence[str], *, covered: bool
) -> tuple[str, ...]:
    turned = []
    for kr in kr_order:
        if kr not in previous.kr_items or kr not in current.kr_items:
            continue  # a KR new to (or gone from) the OKR set has no before/after
        was, now = previous.kr_items[kr] > 0, current.kr_items[kr] > 0
        if now is covered and was is not covered:
            turned.append(kr)
    return tuple(turned)
