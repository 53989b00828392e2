"""Proxy settings come from the environment as `requests` reads them (once per source)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.errors import SourceError
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJiraServer
from tests.adapters.jira.test_requests import big_site

NOTHING_LISTENS = "http://127.0.0.1:9"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def clean_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable set but those a test sets."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_the_proxy_the_environment_names_carries_every_request(
    jira_server: FakeJiraServer,
    make_source: Callable[..., JiraSource],
    clean_proxies: pytest.MonkeyPatch,
) -> None:
    # Nothing listens at the site's URL: the audit gets there only through the proxy (the
    # fake reads a proxy's absolute request targets), the board's worker and the bulk
    # fetches' too.
    site = jira_server.jira = big_site("cloud", 150)
    clean_proxies.setenv("HTTP_PROXY", jira_server.url)
    backlog = make_source(env=env_for(site, NOTHING_LISTENS), board=7, sprint="active").fetch()
    assert sum(1 for i in backlog.items if not i.carrier_only) == 150
    assert site.count("/issue/bulkfetch") >= 2  # on the source's workers


def test_a_site_in_no_proxy_is_reached_directly(
    jira_server: FakeJiraServer,
    make_source: Callable[..., JiraSource],
    clean_proxies: pytest.MonkeyPatch,
) -> None:
    jira_server.jira = big_site("cloud", 10)
    clean_proxies.setenv("HTTP_PROXY", NOTHING_LISTENS)
    with pytest.raises(SourceError, match="cannot reach Jira"):
        make_source(board=7, sprint="active").fetch()
    clean_proxies.setenv("NO_PROXY", "127.0.0.1")
    backlog = make_source(board=7, sprint="active").fetch()
    assert sum(1 for i in backlog.items if not i.carrier_only) == 10
