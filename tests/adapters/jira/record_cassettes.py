"""Record the Jira cassettes from the fake server.

Run `python -m tests.adapters.jira.record_cassettes` from the repository root. Each
cassette is one `fetch()` of a scope of the scenario; the replay tests check the same
hand-worked figures as the live ones, with no server at all.
"""

from __future__ import annotations

from typing import Any

from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.source import JiraSource
from tests.adapters.jira import scenario
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJiraServer
from tests.adapters.jira.recorder import CASSETTES, recorder
from tests.adapters.parts import split

# cassette name -> (mode, source settings and Jira config, as `split` takes them)
RECORDINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "cloud_board7_sprint_active": ("cloud", {"board": 7, "sprint": "active"}),
    "dc_jql_stories": ("dc", {"jql": "project = APP AND type = Story ORDER BY rank"}),
}


def record() -> None:
    """(Re)record every cassette."""
    with FakeJiraServer() as server:
        for name, (mode, settings) in RECORDINGS.items():
            server.jira = scenario.site(mode)
            path = CASSETTES / f"{name}.yaml"
            path.unlink(missing_ok=True)
            with recorder("all").use_cassette(path.name):
                env = env_for(server.jira, server.url)
                JiraSource(*split(JiraConfig, env=env, **settings)).fetch()
            print(f"recorded {path} ({server.jira.count()} requests)")


if __name__ == "__main__":
    record()
