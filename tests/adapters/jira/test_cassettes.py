"""Recorded HTTP: audits replay from cassettes with no server, and no secret is in them."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
import vcr.patch

from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeJira
from tests.adapters.jira.record_cassettes import RECORDINGS
from tests.adapters.jira.recorder import CASSETTES, REPLAY_URL, recorder
from tests.adapters.parts import split

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
REPLAY_ENV = {
    "cloud": {
        "JIRA_URL": REPLAY_URL,
        "JIRA_EMAIL": "replay@example.com",
        "JIRA_API_TOKEN": "replay",
    },
    "dc": {"JIRA_URL": REPLAY_URL, "JIRA_PAT": "replay"},
}


def replay(name: str) -> JiraSource:
    mode, settings = RECORDINGS[name]
    return JiraSource(*split(JiraConfig, env=REPLAY_ENV[mode], sleep=lambda s: None, **settings))


def test_cloud_active_sprint_replays_with_the_hand_worked_figures() -> None:
    with recorder().use_cassette("cloud_board7_sprint_active.yaml") as cassette:
        backlog = replay("cloud_board7_sprint_active").fetch()
    assert cassette.all_played
    result = audit(backlog, scenario.OKRS, AuditOptions(), NOW)
    s = result.summary.all
    # Sprint 42: 5 items, 1 exempt, 2 linked (APP-11 own, APP-10 from epic APP-1); 8 of 18 points
    assert (s.items, s.exempt_items, s.linked_items, s.points, s.linked_points) == (
        5,
        1,
        2,
        19.0,
        8.0,
    )
    assert {i.key: i.url for i in backlog.items}["APP-10"] == f"{REPLAY_URL}/browse/APP-10"
    # serverInfo, field, board config, sprints, a page of ids, their bulk fetch, parents
    assert len(cassette.requests) == 7


def test_data_center_jql_replays_with_the_hand_worked_figures() -> None:
    with recorder().use_cassette("dc_jql_stories.yaml") as cassette:
        backlog = replay("dc_jql_stories").fetch()
    assert cassette.all_played
    s = audit(backlog, scenario.OKRS, AuditOptions(), NOW).summary.all
    assert (s.items, s.linked_items, s.points, s.linked_points) == (10, 7, 34.0, 24.0)


def test_a_request_missing_from_the_cassette_is_not_sent_anywhere() -> None:
    from vcr.errors import CannotOverwriteExistingCassetteException

    source = JiraSource(*split(JiraConfig, env=REPLAY_ENV["dc"], jql="project = OTHER"))
    with (
        recorder().use_cassette("dc_jql_stories.yaml"),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        source.fetch()


def test_a_request_sent_while_another_thread_opens_a_connection_replays_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # vcrpy opens each connection with the real connection classes put back process-wide for
    # a moment (`force_reset`). A request another thread sent in that moment got a real
    # connection: it went to REPLAY_URL and failed, and vcrpy then spun forever in that
    # thread (a test run that never ended, when the board's read ahead of the field list
    # was in that moment). Here the first thread is held there until the other's request
    # is over (at most a second): the other waits its turn and is replayed.
    real_reset, held, released = vcr.patch.force_reset, threading.Lock(), threading.Event()
    in_the_moment = threading.Event()

    @contextmanager
    def holding_reset() -> Iterator[None]:
        with real_reset():
            if held.acquire(blocking=False):  # only the first thread's moment
                in_the_moment.set()
                released.wait(1.0)
            yield

    monkeypatch.setattr(vcr.patch, "force_reset", holding_reset)
    answers: list[int] = []
    with recorder().use_cassette("cloud_board7_sprint_active.yaml") as cassette:
        first = threading.Thread(
            target=lambda: answers.append(
                requests.get(f"{REPLAY_URL}/rest/api/2/serverInfo").status_code
            )
        )
        first.start()
        assert in_the_moment.wait(10)
        try:
            answers.append(requests.get(f"{REPLAY_URL}/rest/api/3/field").status_code)
        finally:
            released.set()
            first.join()
    assert answers == [200, 200] and cassette.play_count == 2


def _secrets() -> list[str]:
    site = FakeJira()
    basic = base64.b64encode(f"{site.email}:{site.token}".encode()).decode()
    return [site.token, site.pat, basic, "Basic ", "Bearer ", "SECRET"]


@pytest.mark.parametrize("path", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: p.name)
def test_no_secret_remains_in_a_cassette(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in _secrets():
        assert secret not in text
    lowered = text.casefold()
    for header in ("authorization:", "cookie:", "set-cookie:"):
        assert header not in lowered


def test_every_recording_has_its_cassette() -> None:
    assert {p.stem for p in CASSETTES.glob("*.yaml")} == set(RECORDINGS)
