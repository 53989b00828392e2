"""Teams fetched concurrently: a slow or retrying team never holds up the others, and a
site never takes more teams at once than its bound (teams/fetch.py)."""

from __future__ import annotations

import threading
import time

import pytest

from backlog_audit.errors import BacklogAuditError, SourceError
from backlog_audit.model import Backlog
from backlog_audit.teams import fetch
from backlog_audit.teams.fetch import Outcome, fetch_all, site_of


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


def test_a_site_takes_at_most_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 2)
    # Teams meet in pairs: two are in flight at once however slowly threads start (a 20 ms
    # fetch could end before the next one began on a loaded machine), and a third would be
    # counted beside them while they sleep.
    pairs = threading.Barrier(2, timeout=30)
    sources = [("jira", "jira https://one", Source(str(n), meet=pairs)) for n in range(6)]
    fetch_all(sources, jobs=6, keep_going=False)  # type: ignore[arg-type]
    assert Source.most == 2


def test_two_sites_each_have_their_own_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 1)
    gate = threading.Event()
    started = threading.Barrier(2, timeout=30)

    class Meets(Source):
        def fetch(self, progress: object = None) -> Backlog:
            started.wait()  # both sites' teams are in flight at once, or this times out
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
