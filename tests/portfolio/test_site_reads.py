"""Reads a Jira site's teams make alike are sent once per run, and a team reads its own board
meanwhile (adapters/shared.py, adapters/jira/scope.py `BoardReads`); the errors stay those of
a team read alone. Shown by the fake's request log, not the clock."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from backlog_audit.adapters import settings
from tests.adapters.jira.fake_server import LoggedRequest
from tests.portfolio.conftest import Portfolio
from tests.portfolio.test_retries import PATIENCE, HeldUntil
from tests.portfolio.test_sources import report_of, run


def is_field_list(request: LoggedRequest) -> bool:
    return request.path.endswith("/field")


def test_the_sites_information_and_field_list_are_read_once_for_all_its_teams(
    portfolio: Portfolio,
) -> None:
    _result, out = run(portfolio, "--team", "App", "--team", "Web")
    jira = portfolio.jira
    assert jira.count("/serverInfo") == 1
    assert sum(1 for r in jira.requests if is_field_list(r)) == 1
    teams = {t["name"]: t for t in report_of(out)["teams"]}
    assert teams["App"]["summary"]["items"] == 5 and teams["Web"]["summary"]["items"] == 2


def test_a_team_reads_its_board_and_sprints_while_the_site_is_read(
    portfolio: Portfolio,
) -> None:
    # The field list is answered only once both boards' sprints were asked for (or after
    # PATIENCE): one after another, no sprint would be asked for before it is answered.
    jira = portfolio.jira
    sprints_asked = threading.Event()
    seen: list[bool] = []

    class FieldListHeld(HeldUntil):
        def attend(self, request: LoggedRequest) -> None:
            if request.path.endswith(("/board/7/sprint", "/board/9/sprint")):
                asked = [r.path for r in list(jira.requests)]
                if any(p.endswith("/board/7/sprint") for p in asked) and any(
                    p.endswith("/board/9/sprint") for p in asked
                ):
                    sprints_asked.set()
            super().attend(request)
            if is_field_list(request):
                seen.append(sprints_asked.is_set())

    jira.meeting = FieldListHeld(sprints_asked, is_field_list)
    _result, out = run(portfolio, "--team", "App", "--team", "Web")
    assert seen == [True]
    assert {t["name"] for t in report_of(out)["teams"]} == {"App", "Web"}


def test_a_failed_first_try_of_a_shared_read_holds_up_no_other_team(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first serverInfo is answered 429 (Retry-After 7): its team waits (its board reads
    # too: one source backs off as a whole), and the other team reads serverInfo itself at
    # once, instead of waiting for that retry.
    jira = portfolio.jira
    jira.fail(429, path="/serverInfo", headers={"Retry-After": "7"})
    waits: list[bool] = []

    def sleep(seconds: float) -> None:
        # The first team's wait ends once the other team sent its own read (at once when it
        # did not wait for this retry), or after PATIENCE.
        deadline = time.monotonic() + PATIENCE
        while jira.count("/serverInfo") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        waits.append(jira.count("/serverInfo") >= 2)

    monkeypatch.setattr(settings, "SLEEP", sleep)
    _result, out = run(portfolio, "--team", "App", "--team", "Web")
    assert waits and all(waits)  # the other team had sent its own read while the first waited
    assert jira.count("/serverInfo") == 3  # refused, the other team's, the retry
    assert {t["name"] for t in report_of(out)["teams"]} == {"App", "Web"}


def test_a_teams_errors_come_in_the_order_of_a_team_read_alone(portfolio: Portfolio) -> None:
    # An unknown OKR field and an unknown sprint: read alone, the field is found wrong first
    # (the field list is read before the board's sprints); so in a portfolio, where the
    # sprints were read meanwhile.
    config: Any = portfolio.config
    config.write_text(
        'okrs = "company.yaml"\nformat = ["json"]\n\n[[teams]]\nname = "App"\nsource = "jira"\n'
        'board = 7\nsprint = "No such sprint"\nokr_field = "No such field"\n'
        '\n[[teams]]\nname = "Web"\nsource = "jira"\nboard = 9\nsprint = "active"\n'
    )
    result, _out = run(portfolio, code=2)
    assert "No such field" in result.stderr
    assert "No such sprint" not in result.stderr
