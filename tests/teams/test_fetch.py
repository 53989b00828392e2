"""Teams fetched concurrently: a slow or retrying team never holds up the others, and a
site never has more requests in flight than its bound, from all its teams together
(teams/fetch.py)."""

from __future__ import annotations

import threading
import time

import pytest

from backlog_audit.adapters.parallel import in_order, request_slot
from backlog_audit.adapters.slots import SiteSlots
from backlog_audit.errors import BacklogAuditError, SourceError
from backlog_audit.model import Backlog
from backlog_audit.teams import fetch
from backlog_audit.teams.fetch import Outcome, fetch_all, site_of
from tests.adapters.test_slots import wait_until


class Source:
    """A source whose fetch waits for `gate` (if any), counting fetches in flight."""

    in_flight = 0
    most = 0
    lock = threading.Lock()

    def __init__(
        self,
        name: str,
        gate: threading.Event | None = None,
        fail: bool = False,
        meet: threading.Barrier | None = None,
    ) -> None:
        self.name, self.gate, self.fail, self.meet = name, gate, fail, meet

    def fetch(self, progress: object = None) -> Backlog:
        with Source.lock:
            Source.in_flight += 1
            Source.most = max(Source.most, Source.in_flight)
        try:
            if self.meet is not None:
                self.meet.wait()  # in flight with another team at once, or this times out
            if self.gate is not None:
                assert self.gate.wait(30)
            else:
                time.sleep(0.02)
            if self.fail:
                raise SourceError(f"{self.name}: 503 after 3 tries")
            return Backlog("jira", self.name, ())
        finally:
            with Source.lock:
                Source.in_flight -= 1


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    Source.in_flight = Source.most = 0


def test_a_stalled_team_does_not_hold_up_the_others() -> None:
    gate = threading.Event()
    finished: list[str] = []

    def done(index: int, outcome: Outcome) -> None:
        finished.append("slow" if index == 0 else "quick")
        if finished.count("quick") == 2:
            gate.set()  # the slow team (retrying, say) is let go only once both others ended

    sources = [("jira", "jira a", Source("slow", gate)), ("jira", "jira b", Source("b")),
               ("csv", "csv", Source("c"))]  # fmt: skip
    outcomes = fetch_all(sources, jobs=4, keep_going=False, done=done)  # type: ignore[arg-type]
    assert finished == ["quick", "quick", "slow"]
    assert [o.scope for o in outcomes if isinstance(o, Backlog)] == ["slow", "b", "c"]


class Requests:
    """A source that sends `n` requests on its workers (as Jira's bulk fetches go), each
    holding a site slot the way `RetryPolicy.call` does, counting requests in flight."""

    in_flight = 0
    most = 0
    lock = threading.Lock()

    def __init__(self, name: str, n: int, meet: threading.Barrier) -> None:
        self.name, self.n, self.meet = name, n, meet

    def request(self, number: int) -> int:
        with request_slot():
            with Requests.lock:
                Requests.in_flight += 1
                Requests.most = max(Requests.most, Requests.in_flight)
            try:
                # Requests meet in pairs: two are in flight whenever the bound allows two,
                # however slowly threads start, and a third would be counted beside them.
                self.meet.wait()
                time.sleep(0.01)
                return number
            finally:
                with Requests.lock:
                    Requests.in_flight -= 1

    def fetch(self, progress: object = None) -> Backlog:
        in_order(self.request, list(range(self.n)))
        return Backlog("jira", self.name, ())


def test_a_site_has_at_most_its_bound_of_requests_in_flight_from_all_its_teams(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 2)
    Requests.in_flight = Requests.most = 0
    pairs = threading.Barrier(2, timeout=30)
    # 4 teams of 6 requests each, 5 workers a team: 20 could be in flight at once
    sources = [("jira", "jira https://one", Requests(str(n), 6, pairs)) for n in range(4)]
    outcomes = fetch_all(sources, jobs=4, keep_going=False)  # type: ignore[arg-type]
    assert all(isinstance(o, Backlog) for o in outcomes)
    assert Requests.most == 2


def test_teams_of_one_site_fetch_together_beyond_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The bound counts requests, not teams: three teams of a one-request site all start
    # (and meet here, or this times out), each waiting for a slot only to send a request.
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 1)
    started = threading.Barrier(3, timeout=30)

    class Starts(Source):
        def fetch(self, progress: object = None) -> Backlog:
            started.wait()
            with request_slot():
                return super().fetch(progress)

    sources = [("jira", "jira https://one", Starts(str(n))) for n in range(3)]
    outcomes = fetch_all(sources, jobs=3, keep_going=False)  # type: ignore[arg-type]
    assert all(isinstance(o, Backlog) for o in outcomes)
    assert Source.most == 1  # and one request at a time


def test_waiting_requests_of_one_site_are_served_in_the_teams_config_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first teams finish first, and are audited while the others wait for the site.
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 1)
    made: list[SiteSlots] = []

    class Slots(SiteSlots):
        def __init__(self, limit: int) -> None:
            super().__init__(limit)
            made.append(self)

    monkeypatch.setattr(fetch, "SiteSlots", Slots)
    log: list[str] = []  # the site's requests, in the order they were sent
    ask = {name: threading.Event() for name in "abc"}
    answer_a = threading.Event()

    class Asks:
        def __init__(self, name: str) -> None:
            self.name = name

        def fetch(self, progress: object = None) -> Backlog:
            assert ask[self.name].wait(30)
            with request_slot():
                log.append(self.name)
                if self.name == "a":
                    assert answer_a.wait(30)  # holds the only slot while b and c line up
            return Backlog("jira", self.name, ())

    sources = [("jira", "jira https://one", Asks(name)) for name in "abc"]
    outcomes: list[list[Outcome]] = []
    run = threading.Thread(target=lambda: outcomes.append(fetch_all(sources, 3, False)))  # type: ignore[arg-type]
    run.start()
    ask["a"].set()
    wait_until(lambda: log == ["a"], "team a's request")
    ask["c"].set()  # the third team asks before the second
    wait_until(lambda: made[0].waiting == 1, "team c to wait")
    ask["b"].set()
    wait_until(lambda: made[0].waiting == 2, "team b to wait")
    answer_a.set()
    run.join(30)
    assert log == ["a", "b", "c"]
    assert all(isinstance(o, Backlog) for o in outcomes[0])


def test_a_fetch_outside_a_portfolio_has_no_site_bound() -> None:
    # A one-team audit: its workers are bounded by the source alone (parallel.WORKERS).
    Requests.in_flight = Requests.most = 0
    meet = threading.Barrier(5, timeout=30)
    Requests("alone", 5, meet).fetch()
    assert Requests.most == 5


def test_two_sites_each_have_their_own_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 1)
    gate = threading.Event()
    started = threading.Barrier(2, timeout=30)

    class Meets(Source):
        def fetch(self, progress: object = None) -> Backlog:
            with request_slot():
                started.wait()  # both sites' requests are in flight at once, or this times out
                return super().fetch(progress)

    sources = [("jira", "jira https://one", Meets("a")), ("jira", "jira https://two", Meets("b"))]
    gate.set()
    outcomes = fetch_all(sources, jobs=2, keep_going=False)  # type: ignore[arg-type]
    assert all(isinstance(o, Backlog) for o in outcomes)


def test_without_keep_going_teams_not_started_are_not_fetched() -> None:
    sources = [("csv", "csv", Source("bad", fail=True))] + [
        ("csv", "csv", Source(str(n))) for n in range(3)
    ]
    outcomes = fetch_all(sources, jobs=1, keep_going=False)  # type: ignore[arg-type]
    assert isinstance(outcomes[0], SourceError)
    assert all(isinstance(o, BacklogAuditError) for o in outcomes[1:])
    assert "another team failed first" in str(outcomes[1])


def test_with_keep_going_every_team_is_fetched() -> None:
    sources = [("csv", "csv", Source("bad", fail=True))] + [
        ("csv", "csv", Source(str(n))) for n in range(3)
    ]
    outcomes = fetch_all(sources, jobs=1, keep_going=True)  # type: ignore[arg-type]
    assert [type(o).__name__ for o in outcomes] == ["SourceError", "Backlog", "Backlog", "Backlog"]


def test_the_site_is_the_kind_and_base_url() -> None:
    assert site_of("jira", {"jira_url": "https://Acme.atlassian.net/"}, {}) == (
        "jira https://acme.atlassian.net"
    )
    assert site_of("jira", {}, {"JIRA_URL": "https://a.example"}) == "jira https://a.example"
    assert site_of("asana", {}, {}) == "asana"
