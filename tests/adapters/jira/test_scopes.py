"""Audits of each scope against the fake site, Cloud and Data Center, with hand-worked figures.

The figures come from the table in `scenario.py`; each test spells out which items count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult, LinkState
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeJira

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def run(source: JiraSource) -> AuditResult:
    return audit(source.fetch(), scenario.OKRS, AuditOptions(), NOW)


def states(result: AuditResult) -> dict[str, str]:
    return {r.key: r.link_state.value for r in result.items}


def test_active_sprint_counts_its_standard_items_and_inherits_from_an_epic_outside_it(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Sprint 42: APP-10..14 count (APP-15 is a sub-task); APP-14 is BAU (exempt).
    # Linked: APP-11 (KR1.2) and APP-10 (inherits KR1.1 from epic APP-1, in no sprint).
    result = run(make_source(board=7, sprint="active"))
    assert states(result) == {
        "APP-10": "inherited",
        "APP-11": "linked",
        "APP-12": "dangling",
        "APP-13": "orphaned",
        "APP-14": "exempt",
    }
    s = result.summary.all
    assert (s.items, s.exempt_items, s.linked_items) == (5, 1, 2)
    assert s.coverage == pytest.approx(2 / 4)
    assert (s.points, s.exempt_points, s.linked_points) == (19.0, 1.0, 8.0)  # 5+3+2+8+1; 5+3
    assert s.points_coverage == pytest.approx(8 / 18)
    inherited = next(r for r in result.items if r.key == "APP-10")
    assert inherited.inherited_from == "APP-1" and inherited.key_results == ("KR1.1",)
    # APP-11 was carried over from Sprint 41: it counts under the sprint in scope
    assert [(row.value, row.tally.items) for row in result.by_sprint] == [("Sprint 42", 5)]
    assert result.scope == "board=7 sprint=active"
    assert [b.reference for b in result.dangling_links] == ["KR9.9"]


def test_next_sprint_is_the_earliest_future_one(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Future sprints: 43 (Nov 23), 44 (Dec 7), 45 (unplanned): 43 is next.
    result = run(make_source(board=7, sprint="next"))
    assert states(result) == {"APP-20": "linked", "APP-21": "inherited", "APP-22": "orphaned"}
    s = result.summary.all
    assert (s.items, s.linked_items, s.points, s.linked_points) == (3, 2, 8.0, 8.0)
    assert s.coverage == pytest.approx(2 / 3)
    assert result.summary.unestimated_items == 1  # APP-22
    assert result.scope == "board=7 sprint=next"


def test_backlog_holds_open_items_outside_open_sprints(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Not in sprint 42-45 and not done: epics APP-1, APP-2 (not counted), APP-30, -31, -32
    # (APP-32 sat in closed Sprint 41). APP-33 is done: not in the backlog.
    result = run(make_source(board=7, sprint="backlog"))
    assert states(result) == {
        "APP-30": "stale",
        "APP-31": "objective_only",
        "APP-32": "inherited",
    }
    s = result.summary.all
    assert (s.items, s.linked_items, s.points, s.linked_points) == (3, 2, 8.0, 6.0)
    assert s.points_coverage == pytest.approx(6 / 8)
    sprint_of = {r.key: r.item.sprint for r in result.items}
    assert sprint_of["APP-32"] == "Sprint 41"  # only closed sprints: the latest one


def test_jql_scope_reads_select_values_and_prefixed_labels(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Ten stories. Linked: APP-11, -20 (own), APP-10, -21, -32 (epic APP-1), APP-31 (O1),
    # APP-33 (label okr:KR2.1). Orphaned: APP-13, -22. Stale: APP-30.
    jql = "project = APP AND type = Story ORDER BY rank"
    result = run(make_source(jql=jql))
    s = result.summary.all
    assert (s.items, s.linked_items) == (10, 7)
    assert s.coverage == pytest.approx(0.7)
    assert (s.points, s.linked_points) == (34.0, 24.0)  # 5+3+8+5+3+0+2+1+5+2; 34-8-0-2
    assert sorted(result.orphans) == ["APP-13", "APP-22"]
    kr = {row.id: (row.items, row.points, row.todo, row.done) for row in result.key_results}
    assert kr == {"KR1.1": (3, 13.0, 2, 0), "KR1.2": (1, 3.0, 0, 1), "KR2.1": (2, 7.0, 1, 1)}
    assert result.scope == jql
    assert states(result)["APP-33"] == LinkState.LINKED.value


def test_items_carry_ids_keys_urls_and_parents_by_id(
    site: FakeJira, make_source: Callable[..., JiraSource], jira_server: object
) -> None:
    backlog = make_source(board=7, sprint="active").fetch()
    by_key = {item.key: item for item in backlog.items}
    url = jira_server.url
    assert by_key["APP-10"].url == f"{url}/browse/APP-10"
    assert by_key["APP-10"].parent == "10001"  # DC: from the Epic Link key, mapped to the id
    assert by_key["APP-15"].parent == "10010" and by_key["APP-15"].level == -1
    assert by_key["APP-1"].carrier_only and by_key["APP-1"].level == 1
    assert by_key["APP-11"].sprints == ("Sprint 41", "Sprint 42")
    assert by_key["APP-10"].assignee == "Ada Lovelace" and by_key["APP-10"].project == "APP"
    assert backlog.kind == "jira" and backlog.supports_jql


def test_sprint_by_id_and_by_name(site: FakeJira, make_source: Callable[..., JiraSource]) -> None:
    by_id = make_source(board=7, sprint="43").fetch()
    by_name = make_source(board=7, sprint="sprint 43").fetch()
    keys = {"APP-20", "APP-21", "APP-22"}
    assert {i.key for i in by_id.items if not i.carrier_only} == keys
    assert {i.key for i in by_name.items if not i.carrier_only} == keys


def test_board_with_user_jql_adds_the_sprint_clause_before_order_by(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    backlog = make_source(board=7, sprint="active", jql="type = Story order by key DESC").fetch()
    assert {i.key for i in backlog.items if not i.carrier_only} == {"APP-10", "APP-11", "APP-13"}
    sent = [r for r in site.requests if r.path.endswith(("/search/jql", "/search"))][0]
    jql = sent.body["jql"]
    assert jql == "sprint = 42 AND (type = Story) order by key DESC"
    assert backlog.scope == "board=7 sprint=active jql=type = Story order by key DESC"


def test_an_order_by_inside_a_quoted_value_stays_in_the_users_clause(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    jql = 'status != "Order by Friday" ORDER BY key  \n'
    backlog = make_source(board=7, sprint="active", jql=jql).fetch()
    sent = [r for r in site.requests if r.path.endswith(("/search/jql", "/search"))][0]
    assert sent.body["jql"] == 'sprint = 42 AND (status != "Order by Friday") ORDER BY key'
    scoped = {i.key for i in backlog.items if not i.carrier_only}
    assert scoped == {"APP-10", "APP-11", "APP-12", "APP-13", "APP-14", "APP-15"}
