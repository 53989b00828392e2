"""One fake Jira server for the session; each test gets a fresh site on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.source import JiraSource
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeJira, FakeJiraServer
from tests.adapters.parts import split


@pytest.fixture(scope="session")
def jira_server() -> Iterator[FakeJiraServer]:
    """The fake Jira, listening on 127.0.0.1."""
    with FakeJiraServer() as server:
        yield server


def env_for(jira: FakeJira, url: str) -> dict[str, str]:
    """The credentials a user of `jira` would export."""
    if jira.mode == "cloud":
        return {"JIRA_URL": url, "JIRA_EMAIL": jira.email, "JIRA_API_TOKEN": jira.token}
    return {"JIRA_URL": url, "JIRA_PAT": jira.pat}


class Sleeps(list[float]):
    """An injected sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    """The waits the adapter asked for."""
    return Sleeps()


@pytest.fixture(params=["cloud", "dc"])
def mode(request: pytest.FixtureRequest) -> str:
    """Each test that takes `mode` runs against Cloud and against Data Center."""
    return str(request.param)


@pytest.fixture
def site(jira_server: FakeJiraServer, mode: str) -> FakeJira:
    """The scenario's site in the test's mode, served by the session's server."""
    jira_server.jira = scenario.site(mode)
    return jira_server.jira


@pytest.fixture
def make_source(jira_server: FakeJiraServer, sleeps: Sleeps) -> Callable[..., JiraSource]:
    """Build a `JiraSource` against the served site; keyword arguments go to `split`."""

    def build(**overrides: Any) -> JiraSource:
        jira = jira_server.jira
        settings: dict[str, Any] = {"env": env_for(jira, jira_server.url), "sleep": sleeps}
        settings["timeout"] = 5.0
        settings.update(overrides)
        return JiraSource(*split(JiraConfig, **settings))

    return build
