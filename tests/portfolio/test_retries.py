"""A team's retries never stall the others (issue 12, "Concurrency"), through the CLI: the
fake Jira answers App's first board request 429 with Retry-After, and Web, on the same site,
fetches all it needs while App waits. Shown by the order of the requests, not the clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from backlog_audit.adapters import settings
from tests.adapters.jira.fake_server import LoggedRequest, Meeting
from tests.portfolio.conftest import Portfolio
from tests.portfolio.test_sources import report_of, run

WEB_ONLY_ISSUE = "10040"  # APP-40: on Web's board only, fetched by Web's last request
PATIENCE = 10.0  # how long App's wait holds out for Web: reached only when Web is stalled


class HeldUntil(Meeting):
    """Requests `where` selects are held (in flight) until `event` is set."""

    def __init__(self, event: threading.Event, where: Callable[[LoggedRequest], bool]) -> None:
        super().__init__(1, where)
        self.event = event

    def attend(self, request: LoggedRequest) -> None:
        if self.where(request):
            self.event.wait(PATIENCE)


def is_webs_last(request: LoggedRequest) -> bool:
    body: Any = request.body
    return "bulkfetch" in request.path and WEB_ONLY_ISSUE in (body or {}).get("issueIdsOrKeys", [])


def is_webs_search(request: LoggedRequest) -> bool:
    body: Any = request.body
    return "search" in request.path and (body or {}).get("jql") == "sprint = 52"


def test_one_teams_retry_wait_never_stalls_another_team(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    jira = portfolio.jira
    jira.fail(429, path="/board/7/configuration", headers={"Retry-After": "7"})
    # Web's sprint is answered only once App waits (or after PATIENCE): the rest of Web's
    # fetch has to happen during App's wait.
    app_waits = threading.Event()
    jira.meeting = HeldUntil(app_waits, lambda r: r.path.endswith("/board/9/sprint"))
    waits: list[tuple[float, bool]] = []

    def wait_for_web(seconds: float) -> None:
        # App's retry waits until Web has sent its last request: at once when Web goes on
        # during App's wait, only after PATIENCE when something holds Web back meanwhile.
        waits.append((seconds, any(is_webs_search(r) for r in list(jira.requests))))
        app_waits.set()
        deadline = time.monotonic() + PATIENCE
        while not any(is_webs_last(r) for r in list(jira.requests)):
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)

    monkeypatch.setattr(settings, "SLEEP", wait_for_web)
    _result, out = run(portfolio, "--team", "App", "--team", "Web")
    # App honoured Retry-After (its board read; the rest of its source backs off with it,
    # waiting what is left, possibly first), and Web had not searched yet when App began.
    assert [seconds for seconds, _searched in waits].count(7.0) == 1
    assert waits[0][1] is False
    paths = [r.path for r in jira.requests]
    _refused, retried = (i for i, p in enumerate(paths) if p.endswith("/board/7/configuration"))
    searched = next(i for i, r in enumerate(jira.requests) if is_webs_search(r))
    last = next(i for i, r in enumerate(jira.requests) if is_webs_last(r))
    # Web's search and its issues came during App's wait, before App's retry: none of
    # Web's requests waited for App's.
    assert searched < last < retried
    teams = {t["name"]: t for t in report_of(out)["teams"]}
    assert teams["App"]["summary"]["items"] == 5 and teams["Web"]["summary"]["items"] == 2
