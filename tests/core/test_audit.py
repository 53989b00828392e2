"""The pure audit (SPEC 2 scope, SPEC 6 figures, SPEC 9 order) on backlogs built by hand.

The expected figures of the ten-item backlog below are worked out in the comments next to it,
not computed by the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.core.audit import audit, in_scope
from backlog_audit.model import (
    AuditOptions,
    AuditResult,
    Backlog,
    BreakdownRow,
    Item,
    LinkState,
    StatusCategory,
    Tally,
    WorkRow,
)
from tests.builders import backlog, item, standard_okrs

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
OKRS = standard_okrs()  # O1: KR1.1 KR1.2 KR1.3, O2: KR2.1; retired KR0.3; exempt BAU, ...

# The hand-worked backlog; each row becomes an item, with the state SPEC 5 gives it.
HandRow = tuple[str, tuple[str, ...], float | None, str, str | None, str | None, str | None]
HAND_ROWS: list[HandRow] = [
    # key, references, points, status category, sprint, assignee, project; then the state
    ("APP-1", ("KR1.1",), 3, "done", "Sprint 1", "ann", "APP"),  # linked
    ("APP-2", ("KR1.1", "KR2.1"), 5, "in_progress", "Sprint 1", "ann", "APP"),  # linked, 2 KRs
    ("APP-3", ("O2",), 2, "todo", "Sprint 2", "bob", "APP"),  # objective_only
    ("APP-4", (), 8, "todo", "Sprint 2", None, "APP"),  # inherited from EPIC-1: KR1.2
    ("APP-5", ("BAU",), 1, "todo", "Sprint 1", "bob", "APP"),  # exempt
    ("APP-6", ("KR0.3",), None, "todo", "Sprint 2", "ann", "APP"),  # stale
    ("APP-7", ("KR9.9",), 2, "in_progress", None, None, None),  # dangling
    ("APP-8", (), 5, "done", "Sprint 1", "bob", "APP"),  # orphaned
    ("APP-9", (), None, "todo", "Sprint 10", "ann", "APP"),  # orphaned
    ("APP-10", ("KR1.2",), 4, "done", "Sprint 10", "bob", "WEB"),  # linked
]


def _hand_item(row: HandRow) -> Item:
    key, refs, points, status, sprint, assignee, project = row
    return item(
        key,
        *refs,
        points=points,
        status_category=status,
        sprint=sprint,
        assignee=assignee,
        project=project,
    )


def _hand_backlog() -> Backlog:
    items = {row[0]: _hand_item(row) for row in HAND_ROWS}
    # APP-3 was carried over from Sprint 1: it counts once, under its sprint (Sprint 2).
    items["APP-3"] = replace(items["APP-3"], sprints=("Sprint 1", "Sprint 2"))
    items["APP-4"] = replace(items["APP-4"], parent="EPIC-1")
    extra = (
        item("EPIC-1", "KR1.2", type="Epic", points=13, project="APP"),  # a carrier, not counted
        item("SUB-1", type="Sub-task", level=-1, parent="APP-1", points=1),  # not counted
        items["APP-2"],  # delivered twice (two overlapping queries): counts once
    )
    return backlog(*items.values(), *extra, kind="jira", scope="project = APP")


HAND_BACKLOG = _hand_backlog()


@pytest.fixture(scope="module")
def hand() -> AuditResult:
    """The audit of HAND_BACKLOG."""
    return audit(HAND_BACKLOG, OKRS, AuditOptions(), NOW)


def _tally(t: Tally) -> tuple[int, int, int, float, float, float]:
    return (t.items, t.linked_items, t.exempt_items, t.points, t.linked_points, t.exempt_points)


def _row(r: WorkRow) -> tuple[object, ...]:
    return (r.id, r.items, r.points, r.todo, r.in_progress, r.done)


def _breakdown(rows: tuple[BreakdownRow, ...]) -> dict[str, tuple[object, ...]]:
    return {r.value: _tally(r.tally) for r in rows}


# --- scope (SPEC 2) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "options", "counted"),
    [
        ({"level": 0}, {}, True),
        ({"level": -1, "type": "Sub-task"}, {}, False),
        ({"level": 1, "type": "Epic"}, {}, False),
        ({"level": 2, "type": "Initiative"}, {}, False),
        ({"type": "Story"}, {}, True),
        ({"type": "Bug"}, {}, True),
        ({"type": "Task"}, {}, True),
        ({"type": "Epic"}, {}, False),
        ({"type": "epic"}, {}, False),
        ({"type": "Sub-task"}, {}, False),
        ({"type": "Milestone"}, {}, False),
        ({"level": 1, "type": "Epic"}, {"include_types": {"epic"}}, True),
        ({"level": 1, "type": "Epic"}, {"include_types": {"Epic"}}, True),
        ({"level": -1, "type": "Sub-task"}, {"include_types": {"sub-task"}}, True),
        ({"level": 0, "type": "Bug"}, {"exclude_types": {"bug"}}, False),
        ({"level": 0, "type": "Bug"}, {"exclude_types": {"BUG"}}, False),
        ({"level": 0, "type": "Story"}, {"exclude_types": {"bug"}}, True),
        # docs/semantics.md: a type named by both flags is left out (exclude wins).
        (
            {"level": 1, "type": "Epic"},
            {"include_types": {"epic"}, "exclude_types": {"epic"}},
            False,
        ),
        (
            {"type": "Sub-task"},
            {"include_types": {"sub-task"}, "exclude_types": {"SUB-TASK"}},
            False,
        ),
        # --include-types adds to the default scope, it does not replace it.
        ({"level": 0, "type": "Story"}, {"include_types": {"epic"}}, True),
        ({"level": 0, "carrier_only": True}, {}, False),
        ({"type": "Epic", "carrier_only": True}, {"include_types": {"epic"}}, False),
    ],
)
def test_scope(fields: dict[str, object], options: dict[str, set[str]], counted: bool) -> None:
    opts = AuditOptions(
        include_types=frozenset(options.get("include_types", ())),
        exclude_types=frozenset(options.get("exclude_types", ())),
    )
    assert in_scope(item("APP-1", **fields), opts) is counted
    assert [r.key for r in audit(backlog(item("APP-1", **fields)), OKRS, opts).items] == (
        ["APP-1"] if counted else []
    )


def test_the_same_item_twice_counts_once(hand: AuditResult) -> None:
    assert [r.key for r in hand.items].count("APP-2") == 1


def test_an_in_scope_copy_beats_a_carrier_copy_of_the_same_item() -> None:
    carrier = item("APP-1", "KR1.1", carrier_only=True)
    result = audit(backlog(carrier, item("APP-1", "KR1.1")), OKRS, now=NOW)

    assert [r.key for r in result.items] == ["APP-1"]
    assert result.summary.all.linked_items == 1


# --- summary (SPEC 6) ---------------------------------------------------------------------


def test_summary_counts(hand: AuditResult) -> None:
    s = hand.summary
    # 10 items: 5 linked (APP-1, 2, 3, 4, 10), 1 exempt (APP-5); 30 points, 22 linked, 1 exempt.
    assert _tally(s.all) == (10, 5, 1, 30.0, 22.0, 1.0)
    counts = (s.orphaned_items, s.dangling_items, s.stale_items, s.objective_only_items)
    assert counts == (2, 1, 1, 1)
    assert (s.inherited_items, s.unestimated_items) == (1, 2)
    assert (s.key_results, s.uncovered_key_results) == (4, 1)


def test_summary_shares_leave_exempt_work_out_of_the_denominator(hand: AuditResult) -> None:
    total = hand.summary.all
    assert total.coverage == pytest.approx(5 / 9)
    assert total.points_coverage == pytest.approx(22 / 29)
    assert total.exempt_share == pytest.approx(0.1)


@pytest.mark.parametrize(
    "tally",
    [
        Tally(items=2, linked_items=2, points=float("inf"), linked_points=float("inf")),
        Tally(items=2, linked_items=1, points=float("inf"), linked_points=1e308),
        Tally(items=2, linked_items=1, points=5.0, linked_points=3.0, exempt_points=5.0),
    ],
    ids=["both-overflowed", "total-overflowed", "all-points-exempt"],
)
def test_points_coverage_is_unknown_rather_than_nan_or_a_false_zero(tally: Tally) -> None:
    # Two estimates of 1e308 sum to infinity: inf/inf is NaN and 1e308/inf a false 0%.
    assert tally.points_coverage is None


def test_open_view_counts_only_items_not_done(hand: AuditResult) -> None:
    # Not done: APP-2, 3, 4, 5, 6, 7, 9: linked 2, 3, 4; exempt 5; points 5+2+8+1+0+2+0.
    open_ = hand.summary.open
    assert _tally(open_) == (7, 3, 1, 18.0, 15.0, 1.0)
    assert open_.coverage == pytest.approx(0.5)
    assert open_.points_coverage == pytest.approx(15 / 17)


def test_result_carries_the_run(hand: AuditResult) -> None:
    assert (hand.generated_at, hand.source_kind, hand.scope) == (NOW, "jira", "project = APP")
    assert hand.okr_cycle == "2026-Q4"


def test_generated_at_is_utc() -> None:
    paris = timezone(timedelta(hours=1))
    result = audit(backlog(), OKRS, now=datetime(2026, 11, 22, 11, 0, tzinfo=paris))
    assert result.generated_at == NOW
    assert result.generated_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("items", "coverage", "points_coverage"),
    [
        ((), None, None),
        ((item("APP-1", "BAU", points=3), item("APP-2", "KTLO")), None, None),
        ((item("APP-1", "KR1.1"), item("APP-2")), 0.5, None),
        ((item("APP-1", "KR1.1"), item("APP-2", "BAU", points=2)), 1.0, None),
    ],
    ids=["empty", "all exempt", "no estimates", "only exempt points"],
)
def test_nothing_countable_gives_null_coverage(
    items: tuple[Item, ...], coverage: float | None, points_coverage: float | None
) -> None:
    total = audit(backlog(*items), OKRS, now=NOW).summary.all
    assert (total.coverage, total.points_coverage) == (coverage, points_coverage)


def test_exempt_share_of_an_empty_scope_is_null_and_of_all_exempt_is_one() -> None:
    assert audit(backlog(), OKRS, now=NOW).summary.all.exempt_share is None
    only_exempt = audit(backlog(item("APP-1", "BAU")), OKRS, now=NOW)
    assert only_exempt.summary.all.exempt_share == 1.0


# --- per KR and per objective (SPEC 6) -----------------------------------------------------


def test_kr_rows_in_file_order_an_item_with_two_krs_counts_in_both(hand: AuditResult) -> None:
    # KR1.1: APP-1 (3, done), APP-2 (5, in progress). KR1.2: APP-4 (8, todo, inherited),
    # APP-10 (4, done). KR1.3: nothing. KR2.1: APP-2.
    assert [_row(r) for r in hand.key_results] == [
        ("KR1.1", 2, 8.0, 0, 1, 1),
        ("KR1.2", 2, 12.0, 1, 0, 1),
        ("KR1.3", 0, 0.0, 0, 0, 0),
        ("KR2.1", 1, 5.0, 0, 1, 0),
    ]


def test_kr_shares_are_of_all_items_and_points_in_scope(hand: AuditResult) -> None:
    assert [r.share for r in hand.key_results] == pytest.approx([0.2, 0.2, 0.0, 0.1])
    assert [r.points_share for r in hand.key_results] == pytest.approx([8 / 30, 0.4, 0.0, 5 / 30])


def test_kr_points_share_is_null_when_the_points_total_overflowed() -> None:
    # Built here directly: the sources refuse such estimates. 1e308 + 1e308 is infinity, and
    # 1e308 / inf would show KR1.1 as a false 0% of the points.
    items = (item("A-1", "KR1.1", points=1e308), item("A-2", "KR1.2", points=1e308))
    result = audit(backlog(*items), OKRS, now=NOW)
    shares = {r.id: r.points_share for r in result.key_results}
    assert shares == {"KR1.1": None, "KR1.2": None, "KR1.3": None, "KR2.1": None}
    assert [r.points_share for r in result.objectives] == [None, None]
    assert [r.share for r in result.key_results] == [0.5, 0.5, 0.0, 0.0]


def test_kr_rows_carry_objective_baseline_target_current(hand: AuditResult) -> None:
    first = hand.key_results[0]
    assert (first.objective_id, first.baseline, first.target, first.current) == ("O1", 50, 70, 55)
    assert first.title == "Net activation rate of tech leads from 50% to 70%"
    assert [r.objective_id for r in hand.key_results] == ["O1", "O1", "O1", "O2"]


def test_uncovered_key_results(hand: AuditResult) -> None:
    assert hand.uncovered_key_results == ("KR1.3",)


def test_objective_rows_are_the_union_of_kr_items_and_objective_only_items(
    hand: AuditResult,
) -> None:
    # O1: APP-1, APP-2 (KR1.1), APP-4, APP-10 (KR1.2) -> 4 items, 3+5+8+4 = 20 points.
    # O2: APP-2 (KR2.1) and APP-3 (objective only) -> 2 items, 7 points.
    assert [_row(r) for r in hand.objectives] == [
        ("O1", 4, 20.0, 1, 1, 2),
        ("O2", 2, 7.0, 1, 1, 0),
    ]
    assert [r.share for r in hand.objectives] == pytest.approx([0.4, 0.2])
    assert [r.points_share for r in hand.objectives] == pytest.approx([20 / 30, 7 / 30])


def test_an_item_with_two_krs_of_one_objective_counts_once_for_it() -> None:
    result = audit(backlog(item("APP-1", "KR1.1", "KR1.2", points=2)), OKRS, now=NOW)
    assert [_row(r) for r in result.objectives] == [
        ("O1", 1, 2.0, 1, 0, 0),
        ("O2", 0, 0.0, 0, 0, 0),
    ]


# --- breakdowns (SPEC 6) -------------------------------------------------------------------


def _named(rows: tuple[BreakdownRow, ...], known: set[str]) -> tuple[list[str], list[str]]:
    values = [r.value for r in rows]
    return [v for v in values if v in known], [v for v in values if v not in known]


def test_by_sprint(hand: AuditResult) -> None:
    named, placeholders = _named(hand.by_sprint, {"Sprint 1", "Sprint 2", "Sprint 10"})
    assert named == ["Sprint 1", "Sprint 2", "Sprint 10"]  # natural order
    assert len(placeholders) == 1 and placeholders[0].strip()  # APP-7 has no sprint
    rows = _breakdown(hand.by_sprint)
    # APP-3 is in Sprint 1 and Sprint 2 but counts once, under its sprint (Sprint 2).
    assert rows["Sprint 1"] == (4, 2, 1, 14.0, 8.0, 1.0)
    assert rows["Sprint 2"] == (3, 2, 0, 10.0, 10.0, 0.0)
    assert rows["Sprint 10"] == (2, 1, 0, 4.0, 4.0, 0.0)
    assert rows[placeholders[0]] == (1, 0, 0, 2.0, 0.0, 0.0)
    coverage = {r.value: (r.tally.coverage, r.tally.points_coverage) for r in hand.by_sprint}
    assert coverage["Sprint 1"] == pytest.approx((2 / 3, 8 / 13))
    assert coverage[placeholders[0]] == (0.0, 0.0)


def test_by_assignee(hand: AuditResult) -> None:
    named, placeholders = _named(hand.by_assignee, {"ann", "bob"})
    assert named == ["ann", "bob"]
    assert len(placeholders) == 1 and placeholders[0].strip()  # APP-4 and APP-7
    rows = _breakdown(hand.by_assignee)
    assert rows["ann"] == (4, 2, 0, 8.0, 8.0, 0.0)
    assert rows["bob"] == (4, 2, 1, 12.0, 6.0, 1.0)
    assert rows[placeholders[0]] == (2, 1, 0, 10.0, 8.0, 0.0)
    bob = next(r.tally for r in hand.by_assignee if r.value == "bob")
    assert (bob.coverage, bob.points_coverage) == pytest.approx((2 / 3, 6 / 11))


def test_by_project(hand: AuditResult) -> None:
    named, placeholders = _named(hand.by_project, {"APP", "WEB"})
    assert named == ["APP", "WEB"]
    assert len(placeholders) == 1 and placeholders[0].strip()  # APP-7
    rows = _breakdown(hand.by_project)
    assert rows["APP"] == (8, 4, 1, 24.0, 18.0, 1.0)
    assert rows["WEB"] == (1, 1, 0, 4.0, 4.0, 0.0)
    assert rows[placeholders[0]] == (1, 0, 0, 2.0, 0.0, 0.0)


def test_breakdown_values_sort_naturally() -> None:
    items = [item(f"APP-{n}", sprint=f"Sprint {n}") for n in (10, 9, 100, 2)]
    result = audit(backlog(*items), OKRS, now=NOW)
    assert [r.value for r in result.by_sprint] == [
        "Sprint 2",
        "Sprint 9",
        "Sprint 10",
        "Sprint 100",
    ]


# --- lists and their order (SPEC 9) ------------------------------------------------------


def test_items_orphans_and_link_tables(hand: AuditResult) -> None:
    assert [r.key for r in hand.items] == [f"APP-{n}" for n in range(1, 11)]
    assert hand.orphans == ("APP-8", "APP-9")
    dangling = [(b.key, b.reference, b.affected_items, b.suggestion) for b in hand.dangling_links]
    assert dangling == [("APP-7", "KR9.9", 1, None)]
    assert [(b.key, b.reference, b.affected_items) for b in hand.stale_links] == [
        ("APP-6", "KR0.3", 1)
    ]
    assert hand.inheritance_conflicts == ()


def test_item_results_carry_state_links_and_parent(hand: AuditResult) -> None:
    by_key = {r.key: r for r in hand.items}
    assert by_key["APP-4"].link_state is LinkState.INHERITED
    assert (by_key["APP-4"].key_results, by_key["APP-4"].inherited_from) == (("KR1.2",), "EPIC-1")
    assert by_key["APP-4"].parent_key == "EPIC-1"
    assert by_key["APP-4"].references == ()
    assert by_key["APP-2"].references == ("KR1.1", "KR2.1")
    assert by_key["APP-6"].points == 0.0  # unestimated counts as 0


def test_lists_sort_by_key_in_natural_order() -> None:
    keys = ["APP-10", "WEB-2", "APP-9", "APP-100", "APP-1"]
    result = audit(backlog(*(item(k, "KR9.9") for k in keys)), OKRS, now=NOW)
    natural = ["APP-1", "APP-9", "APP-10", "APP-100", "WEB-2"]
    assert [r.key for r in result.items] == natural
    assert [b.key for b in result.dangling_links] == natural


def test_orphans_and_conflicts_sort_naturally() -> None:
    epic = item("EPIC-1", "KR2.1", type="Epic")
    mine = [item(k, "KR1.1", parent="EPIC-1") for k in ("APP-10", "APP-9")]
    orphans = [item(k) for k in ("APP-20", "APP-3")]
    result = audit(backlog(epic, *mine, *orphans), OKRS, now=NOW)
    assert result.orphans == ("APP-3", "APP-20")
    assert [c.key for c in result.inheritance_conflicts] == ["APP-9", "APP-10"]


# --- properties over random backlogs ------------------------------------------------------

REFERENCES = ["KR1.1", "kr 1.2", "KR1.3 - teams", "KR2.1", "O1", "O2 - billing", "KR0.3"]
REFERENCES += ["BAU", "KR9.9", "KR13", "KR1.20", " ", "N/A", "-"]
PLACEHOLDERS = {"", "N/A", "-"}  # blank, or a placeholder meaning "no link" (SPEC 4)
LABELS = ["okr:KR1.1", "OKR:KR2.1", "kr:BAU", "okr:KR0.4", "okr:KR7", "frontend", "KR2.1", "x"]
EXACT_LABELS = {"KR2.1"}  # labels without the prefix that name a KR exactly (SPEC 4)


KEYS = [f"APP-{n}" for n in range(8)]  # ids repeat across a backlog of up to 12 items
PARENTS = st.none() | st.sampled_from([*KEYS, "EPIC-404"])  # self, cycles, missing parents


ITEMS = st.builds(
    Item,
    id=st.sampled_from(KEYS),
    key=st.just(""),
    parent=PARENTS,
    type=st.sampled_from(["Story", "Bug", "Epic", "Sub-task"]),
    level=st.sampled_from([None, -1, 0, 0, 1]),
    # No references half the time, so that inheritance has work to do.
    references=st.just(()) | st.lists(st.sampled_from(REFERENCES), max_size=3).map(tuple),
    labels=st.lists(st.sampled_from(LABELS), max_size=2).map(tuple),
    points=st.none() | st.sampled_from([0.0, 0.5, 1.0, 3.0, 8.0]),
    status_category=st.sampled_from(list(StatusCategory)),
    sprint=st.sampled_from([None, "Sprint 9", "Sprint 10"]),
    assignee=st.sampled_from([None, "ann", "bob"]),
    project=st.sampled_from([None, "APP", "WEB"]),
    carrier_only=st.booleans(),
).map(lambda it: replace(it, key=it.id))


def _shares(t: Tally) -> list[float]:
    return [v for v in (t.coverage, t.points_coverage, t.exempt_share) if v is not None]


# Hypothesis's default number of examples (100). No deadline: a slow CI machine must not turn
# a correct run into a failure (the examples vary in size, so their times vary a lot).
@settings(deadline=None)
@given(items=st.lists(ITEMS, max_size=12), inherit=st.booleans())
def test_properties_of_any_backlog(items: list[Item], inherit: bool) -> None:
    result = audit(backlog(*items), OKRS, AuditOptions(inherit=inherit), NOW)
    s, total = result.summary, result.summary.all
    keys = [r.key for r in result.items]

    # The link states partition the items: each once, and the state counts add up.
    assert len(keys) == len(set(keys)) == total.items
    states = [r.link_state for r in result.items]
    linked = states.count(LinkState.LINKED)
    assert total.linked_items == linked + s.objective_only_items + s.inherited_items
    assert total.exempt_items == states.count(LinkState.EXEMPT)
    by_state = (s.orphaned_items, s.dangling_items, s.stale_items, s.objective_only_items)
    assert sum(by_state) + s.inherited_items + linked + total.exempt_items == total.items
    orphaned = [r.key for r in result.items if r.link_state is LinkState.ORPHANED]
    assert list(result.orphans) == orphaned
    assert s.unestimated_items <= total.items

    # Every share is within [0, 1]; coverage is null exactly when nothing is countable.
    breakdowns = result.by_sprint + result.by_assignee + result.by_project
    tallies = [total, s.open] + [r.tally for r in breakdowns]
    assert all(0.0 <= v <= 1.0 for t in tallies for v in _shares(t))
    assert (total.coverage is None) == (total.items == total.exempt_items)
    assert s.open.items <= total.items

    # Per KR and per objective rows never exceed the items, and their status mix adds up.
    for row in result.key_results + result.objectives:
        assert 0 <= row.items <= total.items
        assert row.todo + row.in_progress + row.done == row.items
        assert row.share is None or 0.0 <= row.share <= 1.0
        assert row.points_share is None or 0.0 <= row.points_share <= 1.0
    assert result.uncovered_key_results == tuple(r.id for r in result.key_results if r.items == 0)

    # Every breakdown counts each item once, and its linked items add up to the summary's.
    for rows in (result.by_sprint, result.by_assignee, result.by_project):
        assert sum(r.tally.items for r in rows) == total.items
        assert sum(r.tally.linked_items for r in rows) == total.linked_items


OWN_STATES = {LinkState.LINKED, LinkState.OBJECTIVE_ONLY, LinkState.EXEMPT}
OWN_STATES |= {LinkState.STALE, LinkState.DANGLING}
NO_OWN_STATES = {LinkState.INHERITED, LinkState.EXEMPT, LinkState.ORPHANED}


def _has_own_references(it: Item) -> bool:
    """SPEC 4: link field values other than blanks and placeholders, labels with an okr:/kr:
    prefix and a value, or labels naming a KR exactly."""
    labelled = (
        label.split(":", 1)[1].strip()
        for label in it.labels
        if label.casefold().startswith(("okr:", "kr:"))
    )
    exact = any(label in EXACT_LABELS for label in it.labels)
    return any(ref.strip() not in PLACEHOLDERS for ref in it.references) or any(labelled) or exact


@settings(deadline=None)  # the default 100 examples; no deadline, as above
@given(items=st.lists(ITEMS, max_size=12), inherit=st.booleans())
def test_own_references_decide_which_rows_of_the_state_table_apply(
    items: list[Item], inherit: bool
) -> None:
    result = audit(backlog(*items), OKRS, AuditOptions(inherit=inherit), NOW)

    for r in result.items:
        allowed = OWN_STATES if _has_own_references(r.item) else NO_OWN_STATES
        assert r.link_state in allowed
        if r.link_state is LinkState.INHERITED:
            assert r.inherited_from is not None and r.key_results + r.objectives
        if not inherit:
            assert r.link_state is not LinkState.INHERITED and r.inherited_from is None
