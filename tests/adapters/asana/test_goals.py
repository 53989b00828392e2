"""Asana Goals as the OKR set (SPEC 3) and the goal spec."""

from __future__ import annotations

from datetime import date

import pytest

from backlog_audit.adapters.asana.client import client_from
from backlog_audit.adapters.asana.goal_graph import GoalGraph, GoalSpec, fetch_goal_graph
from backlog_audit.adapters.asana.goals import goal_links, load_goal_okrs, okrs_from_graph
from backlog_audit.core.linking import Resolver, Target
from backlog_audit.errors import SourceError, UsageError
from backlog_audit.model import KeyResult, Objective
from backlog_audit.okrs import load_okrs
from backlog_audit.okrs.lint import lint
from tests.adapters.asana.fake_server import AsanaData, FakeAsana
from tests.adapters.asana.workspace import TOKEN


def _env(fake: FakeAsana) -> dict[str, str]:
    return {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}


def test_metric_goals_are_krs_under_their_parent_goal(fake: FakeAsana) -> None:
    okrs = load_goal_okrs("asana-goals:1000:6001", _env(fake))

    assert okrs.objectives == (
        Objective(
            "Activate tech leads",
            "Activate tech leads",
            (
                KeyResult(
                    "Tech lead activation rate",
                    "Activate tech leads",
                    "Tech lead activation rate",
                    baseline=50,
                    target=70,
                    current=55,
                    metric="number from 50 to 70 (Asana goal metric)",
                    aliases=("7002",),
                ),
                # Asana keeps percentages as fractions: 0.2 -> 0.35, now 0.25
                KeyResult(
                    "Weekly active teams",
                    "Activate tech leads",
                    "Weekly active teams",
                    baseline=20,
                    target=35,
                    unit="%",
                    current=25,
                    metric="percentage from 20 to 35 (Asana goal metric)",
                    aliases=("7003",),
                ),
            ),
            owner="Dana",
        ),
        # a metric goal without a parent gets an objective of its own, same title
        Objective(
            "Cut infra cost (objective)",
            "Cut infra cost",
            (
                KeyResult(
                    "Cut infra cost",
                    "Cut infra cost (objective)",
                    "Cut infra cost",
                    baseline=100000,
                    target=80000,
                    unit="EUR",
                    current=95000,
                    metric="EUR from 100,000 to 80,000 (Asana goal metric)",
                    aliases=("7004",),
                ),
            ),
        ),
        Objective("Platform reliability", "Platform reliability"),
    )


def test_a_goal_metric_is_the_kr_metric_so_lint_finds_no_missing_metric(fake: FakeAsana) -> None:
    # Issue 11, point 16: lint flagged `no-metric` on goals measured 50 -> 70 and EUR amounts.
    okrs = load_goal_okrs("asana-goals:1000:6001", _env(fake))
    findings = lint(okrs)
    assert [f.id for f in findings if f.rule == "no-metric"] == []


def test_other_time_periods_are_retired_and_the_period_is_the_cycle(fake: FakeAsana) -> None:
    okrs = load_goal_okrs("asana-goals:1000:6001", _env(fake))

    assert okrs.retired == ("Old activation goal", "7006")
    assert (okrs.cycle, okrs.cycle_start, okrs.cycle_end) == (
        "Q4 FY26",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert okrs.source == "asana-goals:1000:6001"


def test_without_a_time_period_every_goal_is_current(fake: FakeAsana) -> None:
    okrs = load_goal_okrs("asana-goals:1000", _env(fake))

    assert [kr.id for kr in okrs.key_results] == [
        "Tech lead activation rate",
        "Weekly active teams",
        "Cut infra cost",
        "Old activation goal",
    ]
    assert okrs.retired == ()
    assert okrs.cycle is None
    assert not any("/time_periods/" in p for p in fake.paths())


def test_goal_names_and_gids_resolve(fake: FakeAsana) -> None:
    resolver = Resolver(load_goal_okrs("asana-goals:1000:6001", _env(fake)))

    assert resolver.resolve("weekly active teams").target is Target.KEY_RESULT
    assert resolver.resolve("7003").target is Target.KEY_RESULT
    assert resolver.resolve("Platform reliability").target is Target.OBJECTIVE
    assert resolver.resolve("Old activation goal").target is Target.STALE


def test_okr_loader_dispatches_goal_specs(fake: FakeAsana) -> None:
    okrs = load_okrs("asana-goals:1000:6001", _env(fake))

    assert len(okrs.key_results) == 3


def test_goals_with_the_same_name_get_distinct_ids() -> None:
    graph = GoalGraph(
        current=(
            {"gid": "1", "name": "Grow", "metric": {"target_number_value": 2}},
            {"gid": "2", "name": "grow ", "metric": {"target_number_value": 3}},
        )
    )

    okrs = okrs_from_graph(graph, "asana-goals:9")

    assert [kr.id for kr in okrs.key_results] == ["Grow", "grow (2)"]


def test_a_cycle_in_goal_parents_does_not_hang() -> None:
    metric = {"target_number_value": 1}
    graph = GoalGraph(
        current=(
            {"gid": "1", "name": "A", "metric": metric},
            {"gid": "2", "name": "B", "metric": metric},
        ),
        relationships={
            "1": ({"supporting_resource": {"gid": "2", "resource_type": "goal"}},),
            "2": ({"supporting_resource": {"gid": "1", "resource_type": "goal"}},),
        },
    )

    okrs = okrs_from_graph(graph, "asana-goals:9")

    assert [o.id for o in okrs.objectives] == ["A (objective)", "B (objective)"]


@pytest.mark.parametrize(
    "spec", ["asana-goals:", "asana-goals:abc", "asana-goals:1:2:3", "goals:1"]
)
def test_malformed_goal_specs_are_usage_errors(spec: str) -> None:
    with pytest.raises(UsageError, match="expected asana-goals:WORKSPACE_GID"):
        GoalSpec.parse(spec)


def test_goal_spec_parts() -> None:
    assert GoalSpec.parse("asana-goals:1000:6001") == GoalSpec("1000", "6001")
    assert GoalSpec.parse("asana-goals:1000") == GoalSpec("1000", None)


def test_unknown_time_period_exits_3(fake: FakeAsana) -> None:
    with pytest.raises(SourceError, match="Asana found no time period 999"):
        load_goal_okrs("asana-goals:1000:999", _env(fake))


def test_goal_okrs_need_a_token() -> None:
    with pytest.raises(UsageError, match="ASANA_ACCESS_TOKEN"):
        load_goal_okrs("asana-goals:1000", {})


def _portfolio_workspace() -> AsanaData:
    """Goal 10 is supported by portfolio 21, which holds project 31 and portfolio 22; 22 holds
    project 32 and, in a cycle, 21 again. Portfolio 23 (unreadable in the test) supports 11."""
    data = AsanaData(workspace="1")
    data.add_goal("10", "Grow revenue", metric=(1, 2, 1))
    data.add_goal("11", "Cut cost", metric=(3, 2, 3))
    for gid in ("31", "32", "33"):
        data.add_project(gid, f"Project {gid}")
    data.add_portfolio("21", "Sales", [("project", "31"), ("portfolio", "22")])
    data.add_portfolio("22", "Sales EU", [("project", "32"), ("portfolio", "21")])
    data.add_portfolio("23", "Ops", [("project", "33")])
    data.add_support("10", "portfolio", "21")
    data.add_support("11", "portfolio", "23")
    data.add_support("11", "project", "31")
    return data


def test_supporting_portfolios_stand_for_their_projects_nested_ones_included() -> None:
    fake = FakeAsana(_portfolio_workspace(), token=TOKEN)
    try:
        fake.inject(403, path="/portfolios/23/")
        client = client_from(_env(fake))
        graph = fetch_goal_graph(client, GoalSpec("1"))
        paths = fake.paths()
    finally:
        fake.close()

    assert graph.portfolio_projects == {"21": ("31", "32"), "23": ()}
    links = goal_links(graph)
    assert links.by_project == {"31": ("Grow revenue", "Cut cost"), "32": ("Grow revenue",)}
    assert links.references("5", ["32", "31"]) == ("Grow revenue", "Cut cost")
    # the cycle 21 -> 22 -> 21 is walked once; a portfolio the token may not read is a warning
    assert paths.count("/portfolios/21/items") == 1
    assert paths.count("/portfolios/22/items") == 1
    assert graph.warnings == (
        "portfolio 23 could not be read (HTTP 403): the tasks of its projects get no link "
        "to the goals it supports",
    )


def test_goals_of_periods_around_the_asked_one_are_current() -> None:
    # Asana's periods nest (FY26 > H2 FY26 > Q4 FY26): auditing Q4, the year's and the half's
    # goals are still current; Q3's and next year's are retired.
    data = AsanaData(workspace="1")
    data.add_time_period("61", "FY26", "2026-01-01", "2026-12-31")
    data.add_time_period("62", "H2 FY26", "2026-07-01", "2026-12-31")
    data.add_time_period("63", "Q4 FY26", "2026-10-01", "2026-12-31")
    data.add_time_period("64", "Q3 FY26", "2026-07-01", "2026-09-30")
    data.add_time_period("65", "FY27", "2027-01-01", "2027-12-31")
    data.add_goal("71", "Grow revenue", time_period="61")
    data.add_goal("72", "Enterprise revenue", time_period="63", metric=(1, 4, 2))
    data.add_goal("73", "Engineers hired", time_period="62", metric=(0, 6, 3))
    data.add_goal("74", "Q3 revenue", time_period="64", metric=(0, 1, 1))
    data.add_goal("75", "Revenue next year", time_period="65", metric=(4, 8, 4))
    data.add_support("71", "goal", "72")
    fake = FakeAsana(data, token=TOKEN)
    try:
        okrs = load_goal_okrs("asana-goals:1:63", _env(fake))
    finally:
        fake.close()

    assert [(o.id, [kr.id for kr in o.key_results]) for o in okrs.objectives] == [
        ("Grow revenue", ["Enterprise revenue"]),
        ("Engineers hired (objective)", ["Engineers hired"]),
    ]
    assert okrs.retired == ("Q3 revenue", "Revenue next year", "74", "75")
    assert (okrs.cycle, okrs.cycle_start) == ("Q4 FY26", date(2026, 10, 1))


def test_goal_trees_more_than_two_deep() -> None:
    # Company objective (no metric) > team objective (no metric) > KR > sub-KR; and a metric
    # goal with metric subgoals and no objective above: one objective for the whole chain.
    def goal(gid: str, name: str, metric: bool) -> dict[str, object]:
        return {"gid": gid, "name": name, "metric": {"target_number_value": 1} if metric else None}

    def sub(child: str) -> dict[str, object]:
        return {"supporting_resource": {"gid": child, "resource_type": "goal"}}

    graph = GoalGraph(
        current=(
            goal("1", "Win enterprise", False),
            goal("2", "Sales team wins", False),
            goal("3", "Deals closed", True),
            goal("4", "Deals in EU", True),
            goal("5", "Revenue", True),
            goal("6", "Enterprise revenue", True),
            goal("7", "EU enterprise revenue", True),
        ),
        relationships={
            "1": (sub("2"),),
            "2": (sub("3"),),
            "3": (sub("4"),),
            "5": (sub("6"),),
            "6": (sub("7"),),
        },
    )

    okrs = okrs_from_graph(graph, "asana-goals:9")

    assert [(o.id, o.aligns_to, [kr.id for kr in o.key_results]) for o in okrs.objectives] == [
        ("Win enterprise", None, []),
        ("Sales team wins", "Win enterprise", ["Deals closed", "Deals in EU"]),
        (
            "Revenue (objective)",
            None,
            ["Revenue", "Enterprise revenue", "EU enterprise revenue"],
        ),
    ]
