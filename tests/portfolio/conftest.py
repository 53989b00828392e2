"""A portfolio on the fake servers: two Jira boards sharing an issue, an Asana project and a
CSV export, with one company OKR set (the ids the fakes' scenarios use)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, build_workspace
from tests.adapters.jira import scenario
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import (
    FakeBoard,
    FakeIssue,
    FakeJira,
    FakeJiraServer,
    FakeSprint,
)

COMPANY = """\
cycle: 2026-Q4
cycle_start: 2026-10-01
objectives:
  - id: O1
    title: Increase the activation rate of technical leaders
    key_results:
      - {id: KR1.1, title: Activation from 50% to 70%}
      - {id: KR1.2, title: Time to first audit under 5 min}
  - id: O2
    title: Make audits trustworthy
    key_results:
      - {id: KR2.1, title: Zero wrong figures}
retired: [KR0.3]
exempt: [BAU]
"""
DOCS = "key,title,type,status,status_category,points,okr\n" + (
    "DOC-1,Guide,Story,Done,done,2,KR2.1\nDOC-2,FAQ,Story,To Do,todo,1,\n"
)
TEAMS = """
okrs = "company.yaml"
format = ["json"]

[[teams]]
name = "App"
source = "jira"
board = 7
sprint = "active"

[[teams]]
name = "Web"
source = "jira"
board = 9
sprint = "active"

[[teams]]
name = "Growth"
source = "asana"
asana_project = ["2001"]

[[teams]]
name = "Docs"
source = "csv"
input = "docs.csv"
"""


def jira_site() -> FakeJira:
    """The scenario's Cloud site plus board 9, whose active sprint 52 holds APP-11 (also in
    board 7's active sprint 42) and APP-40."""
    site = scenario.site("cloud")
    site.boards.append(FakeBoard(9, "Web board", ["APP"], estimation_field=None))
    site.sprints.append(FakeSprint(52, "Web Sprint 3", "active", 9, "2026-11-09T09:00:00.000Z"))
    for issue in site.issues:
        if issue.key == "APP-11":
            issue.sprints.append(52)
    extra = FakeIssue("10040", "APP-40", "Story APP-40", sprints=[52], assignee="Ada Lovelace")
    extra.custom[scenario.OKR_FIELD] = {"value": "KR2.1", "id": "20005", "disabled": False}
    extra.custom[scenario.POINTS_FIELD["cloud"]] = 3.0
    site.issues.append(extra)
    return site


@dataclass
class Portfolio:
    """The config file and the environment of the fakes."""

    config: Path
    env: dict[str, str]
    jira: FakeJira
    asana: FakeAsana


@pytest.fixture(scope="session")
def jira_server() -> Iterator[FakeJiraServer]:
    """The fake Jira, listening on 127.0.0.1."""
    with FakeJiraServer() as server:
        yield server


@pytest.fixture
def portfolio(tmp_path: Path, jira_server: FakeJiraServer) -> Iterator[Portfolio]:
    """The four teams' config in tmp_path, the fakes serving, and their environment."""
    jira_server.jira = site = jira_site()
    asana = FakeAsana(build_workspace(), token=TOKEN)
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    (tmp_path / "docs.csv").write_text(DOCS, encoding="utf-8")
    config = tmp_path / "backlog-audit.toml"
    config.write_text(TEAMS, encoding="utf-8")
    env = {**env_for(site, jira_server.url), "ASANA_ACCESS_TOKEN": TOKEN,
           "ASANA_BASE_URL": asana.base_url}  # fmt: skip
    yield Portfolio(config, env, site, asana)
    asana.close()
