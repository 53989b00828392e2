"""Audits of the test workspace through `AsanaSource` and the real SDK against the fake server.

Expected figures are worked out by hand from the table in `workspace.py`.
"""

from __future__ import annotations

import pytest

from backlog_audit.adapters.asana.goals import load_goal_okrs
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult, LinkState
from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, file_okrs, source_for

GOALS = "asana-goals:1000:6001"


def _states(result: AuditResult) -> dict[str, LinkState]:
    return {r.key: r.link_state for r in result.items}


def test_audit_of_two_projects_counts_each_task_once(fake: FakeAsana) -> None:
    # In scope: 4001 4002 4003 4004 4005 4006 4011 4021 4022 4023 4024 (11). Not counted: the
    # subtask 4007, the milestone 4008, the carrier 4009, 4010 (completed before 2026-10-01).
    result = audit(source_for(fake.base_url).fetch(), file_okrs())

    assert sorted(_states(result)) == sorted(
        ["4001", "4002", "4003", "4004", "4005", "4006", "4011", "4021", "4022", "4023", "4024"]
    )
    s = result.summary
    assert (s.all.items, s.all.exempt_items, s.all.linked_items) == (11, 1, 6)
    assert s.all.coverage == pytest.approx(6 / 10)
    # points 3+5+2+8+1+0+1+5+3+2+0 = 30, exempt 2 (4003), linked 3+5+0+5+2+0 = 15
    assert (s.all.points, s.all.exempt_points, s.all.linked_points) == (30, 2, 15)
    assert s.all.points_coverage == pytest.approx(15 / 28)
    assert (s.orphaned_items, s.dangling_items, s.stale_items, s.unestimated_items) == (2, 1, 1, 2)
    # open: all but 4002 (done); linked open: 4001 4006 4021 4023 4024
    assert (s.open.items, s.open.linked_items) == (10, 5)


def test_links_come_from_enum_and_text_fields(fake: FakeAsana) -> None:
    result = audit(source_for(fake.base_url).fetch(), file_okrs())

    assert _states(result) == {
        "4001": LinkState.LINKED,
        "4002": LinkState.LINKED,
        "4003": LinkState.EXEMPT,
        "4004": LinkState.ORPHANED,
        "4005": LinkState.STALE,
        "4006": LinkState.LINKED,
        "4011": LinkState.DANGLING,
        "4021": LinkState.LINKED,  # text "KR2.1, KR1.1": two references
        "4022": LinkState.ORPHANED,
        "4023": LinkState.LINKED,
        "4024": LinkState.LINKED,  # text "kr 2.1 - churn"
    }
    rows = {r.id: (r.items, r.points, r.todo, r.done) for r in result.key_results}
    assert rows == {"KR1.1": (3, 8, 3, 0), "KR1.2": (1, 5, 0, 1), "KR2.1": (3, 7, 3, 0)}
    assert [(b.key, b.reference) for b in result.dangling_links] == [("4011", "KR1.5")]


def test_task_in_two_projects_is_seen_from_the_first(fake: FakeAsana) -> None:
    backlog = source_for(fake.base_url).fetch()

    shared = [item for item in backlog.items if item.id == "4023"]
    assert len(shared) == 1
    assert (shared[0].project, shared[0].sprint) == ("Growth", "Sprint 12")


def test_audit_of_one_section(fake: FakeAsana) -> None:
    # Sprint 12 of Growth: 4001 4002 4003 4004 4023; of Platform: 4021 4022 (4023 again).
    backlog = source_for(fake.base_url, asana_section="sprint 12").fetch()
    result = audit(backlog, file_okrs())

    assert backlog.scope == "project=2001,2002 section=sprint 12"
    assert sorted(_states(result)) == ["4001", "4002", "4003", "4004", "4021", "4022", "4023"]
    s = result.summary.all
    assert (s.items, s.exempt_items, s.linked_items) == (7, 1, 4)
    assert s.coverage == pytest.approx(4 / 6)
    # points 3+5+2+8+2+5+3 = 28, exempt 2, linked 3+5+2+5 = 15
    assert (s.points, s.linked_points) == (28, 15)
    assert s.points_coverage == pytest.approx(15 / 26)
    assert [(b.value, b.tally.items) for b in result.by_sprint] == [("Sprint 12", 7)]
    assert "/sections/3011/tasks" in fake.paths()
    assert "/sections/3021/tasks" in fake.paths()


def test_goals_as_okrs_with_supporting_work_as_links(fake: FakeAsana) -> None:
    env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}
    okrs = load_goal_okrs(GOALS, env)
    # No "Goal" custom field: only supporting work links (4004, 4022 -> 7002; project
    # Platform -> 7003; 4011 -> 7004; 4005 -> 7005, an objective).
    backlog = source_for(fake.base_url, okr_field="Goal", okrs=GOALS).fetch()
    result = audit(backlog, okrs)

    states = _states(result)
    assert [k for k, v in states.items() if v is LinkState.ORPHANED] == [
        "4001",
        "4002",
        "4003",
        "4006",
    ]
    assert states["4005"] is LinkState.OBJECTIVE_ONLY
    s = result.summary.all
    assert (s.items, s.linked_items, s.exempt_items) == (11, 7, 0)
    assert s.coverage == pytest.approx(7 / 11)
    # linked points: 4004 8 + 4022 3 + 4021 5 + 4023 2 + 4024 0 + 4011 1 + 4005 1 = 20
    assert s.linked_points == 20
    rows = {r.id: (r.items, r.points) for r in result.key_results}
    assert rows == {
        "Tech lead activation rate": (2, 11),  # 4004, 4022
        "Weekly active teams": (4, 10),  # 4021 4022 4023 4024, via project Platform
        "Cut infra cost": (1, 1),
    }
    objectives = {r.id: r.items for r in result.objectives}
    assert objectives["Activate tech leads"] == 5
    assert objectives["Platform reliability"] == 1
    assert len(backlog.warnings) == 2  # one per project without a "Goal" field


def test_goal_links_add_to_custom_field_links(fake: FakeAsana) -> None:
    backlog = source_for(fake.base_url, okrs=GOALS).fetch()

    refs = {item.id: item.references for item in backlog.items}
    assert refs["4011"] == ("KR1.5", "Cut infra cost")
    assert refs["4022"] == ("Tech lead activation rate", "Weekly active teams")
    assert refs["4001"] == ("KR1.1",)


def test_subtasks_inherit_from_a_parent_fetched_as_carrier(fake: FakeAsana) -> None:
    # 4007 is a subtask of 4009, completed in 2025 and so not listed: it is read by gid.
    backlog = source_for(fake.base_url).fetch()
    carrier = next(item for item in backlog.items if item.id == "4009")
    options = AuditOptions(include_types=frozenset({"subtask"}))
    result = audit(backlog, file_okrs(), options)

    assert carrier.carrier_only
    assert "/tasks/4009" in fake.paths()
    copy = next(r for r in result.items if r.key == "4007")
    assert (copy.link_state, copy.inherited_from, copy.key_results) == (
        LinkState.INHERITED,
        "4009",
        ("KR1.2",),
    )
    assert "4009" not in _states(result)


def test_multi_enum_field_gives_one_reference_per_option(fake: FakeAsana) -> None:
    backlog = source_for(fake.base_url, asana_project=("2003",)).fetch()
    result = audit(backlog, file_okrs())

    assert {item.id: item.references for item in backlog.items} == {
        "4031": ("KR1.1", "KR2.1"),
        "4032": (),
    }
    assert _states(result) == {"4031": LinkState.LINKED, "4032": LinkState.ORPHANED}
    assert {r.id: r.items for r in result.key_results} == {"KR1.1": 1, "KR1.2": 0, "KR2.1": 1}
    assert result.summary.all.points == 0  # no points field on the project: all unestimated
    assert result.summary.unestimated_items == 2


def test_a_portfolio_supporting_a_goal_links_the_tasks_of_its_projects(fake: FakeAsana) -> None:
    # Portfolio Apps (8001) supports 7003 "Weekly active teams"; it holds the portfolio Mobile
    # apps (8002), which holds project Mobile: both Mobile tasks, 4031 and 4032, are linked.
    env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}
    okrs = load_goal_okrs(GOALS, env)
    backlog = source_for(
        fake.base_url, asana_project=("2003",), okr_field="Goal", okrs=GOALS, okr_set=okrs
    ).fetch()
    result = audit(backlog, okrs)

    assert _states(result) == {"4031": LinkState.LINKED, "4032": LinkState.LINKED}
    assert {r.id: r.items for r in result.key_results}["Weekly active teams"] == 2
    assert (result.summary.all.items, result.summary.all.linked_items) == (2, 2)
    # each portfolio is listed once, with the goals, not once per task or per run step
    assert fake.paths().count("/portfolios/8001/items") == 1
    assert fake.paths().count("/portfolios/8002/items") == 1
