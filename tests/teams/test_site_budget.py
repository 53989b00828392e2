"""A site's budget of requests in flight, shared by every team of a portfolio run on it
(teams/fetch.py, adapters/parallel.py), against the fake Jira and the fake Asana, which
count them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.adapters.parallel import WORKERS
from backlog_audit.model import Backlog
from backlog_audit.teams import fetch
from backlog_audit.teams.fetch import fetch_all
from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import GROWTH, MOBILE, PLATFORM, TOKEN, build_workspace
from tests.adapters.asana.workspace import source_for as asana_source
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJiraServer
from tests.adapters.jira.test_requests import big_site
from tests.adapters.parts import split

TEAMS, ISSUES = 4, 1000  # each team: 10 bulk fetches, WORKERS of them at once


@pytest.fixture
def server() -> Iterator[FakeJiraServer]:
    with FakeJiraServer() as served:
        served.jira = big_site("cloud", ISSUES)
        yield served


def team(server: FakeJiraServer) -> tuple[str, str, JiraSource]:
    env = env_for(server.jira, server.url)
    source = JiraSource(*split(JiraConfig, env=env, jql="project = BIG", timeout=30.0))
    return ("jira", f"jira {server.url}", source)


def scope_items(outcome: object) -> int:
    assert isinstance(outcome, Backlog)
    return sum(1 for item in outcome.items if not item.carrier_only)


def test_teams_of_one_site_share_its_budget_of_requests_in_flight(
    server: FakeJiraServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 3)
    # Three bulk fetches are held until all three are in flight (the budget is reached
    # however slowly threads start), then half a second more: a fourth would be counted.
    server.jira.meet(3, lambda r: "bulkfetch" in r.path, linger=0.5)
    outcomes = fetch_all([team(server) for _ in range(TEAMS)], jobs=TEAMS, keep_going=False)
    assert [scope_items(o) for o in outcomes] == [ISSUES] * TEAMS
    # Counted by teams, 3 teams of 5 workers each could have had 15 requests in flight.
    assert server.jira.most_in_flight == 3


def test_a_team_alone_on_its_site_reads_at_full_speed(server: FakeJiraServer) -> None:
    server.jira.meet(WORKERS, lambda r: "bulkfetch" in r.path)
    (outcome,) = fetch_all([team(server)], jobs=1, keep_going=False)
    assert scope_items(outcome) == ISSUES
    assert server.jira.most_in_flight == WORKERS


def test_asana_teams_of_one_site_share_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "asana", 2)
    fake = FakeAsana(build_workspace(), token=TOKEN)
    try:
        fake.meet(2, linger=0.5)  # two requests in flight at once, then a third is counted
        # 3 teams of 3 projects each, read 3 at a time: 9 requests could be in flight
        teams = [
            (
                "asana",
                "asana",
                asana_source(fake.base_url, asana_project=(GROWTH, PLATFORM, MOBILE)),
            )
            for _ in range(3)
        ]
        outcomes = fetch_all(teams, jobs=3, keep_going=False)  # type: ignore[arg-type]
    finally:
        fake.close()
    assert [scope_items(o) for o in outcomes] == [15] * 3
    assert fake.most_in_flight == 2
