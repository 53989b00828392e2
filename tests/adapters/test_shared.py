"""Reads a site's teams share: sent once, answered to all; a failed first try is shared with
nobody, and holds nobody up through its retries (adapters/shared.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from backlog_audit.adapters.shared import FirstTry, SharedReads
from tests.adapters.test_slots import wait_until


class Site:
    """A read that counts how often it is sent and answers when `gate` opens; its tries
    fail while `failing` is positive."""

    def __init__(self, failing: int = 0) -> None:
        self.sent = 0
        self.failing = failing
        self.gate = threading.Event()
        self.lock = threading.Lock()

    def send(self, first_try: FirstTry, tries: int = 1) -> Any:
        for n in range(tries):
            with self.lock:
                self.sent += 1
                fail = self.failing > 0
                self.failing -= 1
            assert self.gate.wait(10)
            if not fail:
                if n == 0:
                    first_try(True, {"answer": 42})
                return {"answer": 42}
            if n == 0:
                first_try(False, None)
        raise RuntimeError("gave up")


def test_teams_asking_together_send_the_read_once_and_all_get_its_answer() -> None:
    reads, site = SharedReads(), Site()
    answers: list[Any] = []

    def team() -> None:
        answers.append(reads.read("serverInfo", site.send))

    threads = [threading.Thread(target=team) for _ in range(5)]
    for thread in threads:
        thread.start()
    wait_until(lambda: site.sent == 1, "the read to be sent")
    site.gate.set()
    for thread in threads:
        thread.join(10)
    assert answers == [{"answer": 42}] * 5
    assert site.sent == 1
    # A team that asks later takes the answer as it is.
    assert reads.read("serverInfo", site.send) == {"answer": 42}
    assert site.sent == 1


def test_different_reads_are_not_shared() -> None:
    reads, site = SharedReads(), Site()
    site.gate.set()
    reads.read(("https://a", "serverInfo"), site.send)
    reads.read(("https://b", "serverInfo"), site.send)
    assert site.sent == 2


def test_when_the_first_try_fails_each_waiting_team_sends_the_read_itself() -> None:
    # The leader's first try fails and it retries (sleeping, in real life): the others do not
    # wait for its retries but send their own read at once.
    reads, site = SharedReads(), Site(failing=1)
    outcomes: list[Any] = []

    def leader() -> None:
        outcomes.append(reads.read("field", lambda first: site.send(first, tries=2)))

    def other() -> None:
        outcomes.append(reads.read("field", site.send))

    first = threading.Thread(target=leader)
    first.start()
    wait_until(lambda: site.sent == 1, "the leader's first try")
    others = [threading.Thread(target=other) for _ in range(2)]
    for thread in others:
        thread.start()
    wait_until(lambda: reads.waiting == 2, "the others to wait for the leader")
    site.gate.set()  # the first try fails; every team goes on its own
    for thread in [first, *others]:
        thread.join(10)
    assert outcomes == [{"answer": 42}] * 3
    assert site.sent == 4  # the leader's two tries, and one read by each other team


def test_after_a_failed_read_the_next_team_to_ask_sends_it_anew() -> None:
    reads, site = SharedReads(), Site(failing=1)
    site.gate.set()
    with pytest.raises(RuntimeError, match="gave up"):
        reads.read("field", site.send)
    assert reads.read("field", site.send) == {"answer": 42}
    assert site.sent == 2
