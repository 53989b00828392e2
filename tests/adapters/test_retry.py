"""The one retry policy (`adapters/retry.py`), shared by every source."""

from __future__ import annotations

import http.client
import threading

import pytest
import requests
import urllib3

from backlog_audit.adapters.deadline import ResponseDeadline
from backlog_audit.adapters.retry import (
    NO_HINT,
    RateGate,
    RetryPolicy,
    is_reset,
    retry_after_seconds,
    wait_for_answer,
    wait_for_transport,
)

NOW = 1795341600.0  # 2026-11-22T10:00:00Z


class Flaky:
    """Fails `failures` times with `exc`, then returns "ok"."""

    def __init__(self, failures: int, exc: Exception) -> None:
        self.calls, self.failures, self.exc = 0, failures, exc

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc
        return "ok"


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": " 2.5 "}, 2.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "Sun, 22 Nov 2026 10:00:30 GMT"}, 30.0),  # an HTTP date, 30 s ahead
        ({"Retry-After": "soon"}, None),
        ({}, None),
        # Jira Cloud: the moment of the reset, ISO 8601 to the minute
        ({"X-RateLimit-Reset": "2026-11-22T10:01Z"}, 60.0),
        ({"X-RateLimit-Reset": "2026-11-22T10:00:20+00:00"}, 20.0),
        ({"x-ratelimit-reset": str(NOW + 20)}, 20.0),  # epoch seconds
        ({"X-RateLimit-Reset": "17"}, 17.0),  # seconds to wait
        ({"X-RateLimit-Reset": "whenever"}, None),
        ({"Retry-After": "5", "X-RateLimit-Reset": "2026-11-22T10:01Z"}, 5.0),  # Retry-After wins
    ],
)
def test_the_wait_a_server_asks_for(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == seconds


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_rate_limits_and_brief_outages_are_retried(status: int) -> None:
    assert wait_for_answer(status, {}) == NO_HINT


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 501])
def test_other_answers_are_not_retried(status: int) -> None:
    assert wait_for_answer(status, {"Retry-After": "1"}) is None


def _wrapped_reset() -> Exception:
    # What requests raises for a reset: its ConnectionError around urllib3's ProtocolError
    # around the socket's ConnectionResetError.
    inner = urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104))
    return requests.ConnectionError(inner)


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (_wrapped_reset(), True),
        (http.client.RemoteDisconnected("Remote end closed connection"), True),
        (requests.exceptions.ChunkedEncodingError("cut"), True),  # an answer cut off
        (urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead"), True),
        (requests.ConnectionError(ConnectionRefusedError(111)), False),  # a wrong port
        (requests.Timeout("read timed out"), False),  # each try would cost as long again
        (ValueError("bad JSON"), False),
    ],
)
def test_resets_and_cut_answers_are_retried_nothing_else(exc: Exception, retried: bool) -> None:
    assert is_reset(exc) is retried
    assert (wait_for_transport(exc) == NO_HINT) is retried


def test_waits_follow_the_server_then_back_off() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_retries=4, sleep=waits.append)
    hints = iter([30.0, NO_HINT, NO_HINT, 0.0])
    flaky = Flaky(4, RuntimeError("busy"))
    assert policy.call(flaky, lambda exc: next(hints), idempotent=True) == "ok"
    # 30 as asked; no hint: 2 then 4 (doubling by attempt); an explicit 0 is honoured
    assert waits == [30.0, 2.0, 4.0, 0.0]


def test_a_wait_longer_than_max_wait_is_given_up_on_at_once() -> None:
    waits: list[float] = []
    flaky = Flaky(1, RuntimeError("rate limited"))
    with pytest.raises(RuntimeError):
        RetryPolicy(max_wait=60.0, sleep=waits.append).call(
            flaky, lambda exc: 61.0, idempotent=True
        )
    assert flaky.calls == 1 and waits == []


def test_the_waits_of_one_call_are_bounded_in_total() -> None:
    waits: list[float] = []
    flaky = Flaky(10, RuntimeError("rate limited"))
    with pytest.raises(RuntimeError):
        RetryPolicy(max_total_wait=120.0, sleep=waits.append).call(
            flaky, lambda exc: 50.0, idempotent=True
        )
    assert waits == [50.0, 50.0]  # a third would make 150 s
    assert flaky.calls == 3


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    waits: list[float] = []
    flaky = Flaky(10, RuntimeError("still busy"))
    with pytest.raises(RuntimeError, match="still busy"):
        RetryPolicy(max_retries=2, sleep=waits.append).call(flaky, lambda exc: 1.0, idempotent=True)
    assert flaky.calls == 3 and waits == [1.0, 1.0]


def test_errors_that_are_not_retryable_pass_at_once() -> None:
    waits: list[float] = []
    flaky = Flaky(1, KeyError("nope"))
    with pytest.raises(KeyError):
        RetryPolicy(sleep=waits.append).call(flaky, lambda exc: None, idempotent=True)
    assert flaky.calls == 1 and waits == []


def test_a_request_that_is_not_idempotent_is_tried_once() -> None:
    waits: list[float] = []
    flaky = Flaky(1, RuntimeError("503"))
    with pytest.raises(RuntimeError):
        RetryPolicy(sleep=waits.append).call(flaky, lambda exc: NO_HINT, idempotent=False)
    assert flaky.calls == 1 and waits == []


def test_why_it_gave_up_in_words() -> None:
    policy = RetryPolicy(max_wait=60.0)
    assert policy.gave_up({"Retry-After": "3600"}) == (
        "it asks to wait 3600 s, longer than the 60 s waited"
    )
    assert policy.gave_up({"Retry-After": "5"}) == "retries exhausted"
    assert policy.gave_up({}) == "retries exhausted"


def test_a_missed_deadline_is_not_retried_though_it_broke_the_connection() -> None:
    # The deadline shuts the socket down under a trickled read: the read fails like a reset,
    # but a second try would trickle as long again.
    try:
        try:
            raise _wrapped_reset()
        except requests.ConnectionError:
            raise ResponseDeadline(120.0) from None
    except ResponseDeadline as exc:
        assert wait_for_transport(exc) is None


class Clock:
    """A clock that moves only when told: the gate's waits are then exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_retry_s_wait_makes_every_thread_sharing_the_policy_wait_it_out() -> None:
    # Thread A is asked to wait 7 s (a 429 with Retry-After: 7). Thread B, sharing A's
    # policy, starts a request 2 s into that wait: it waits the 5 s left before its try,
    # instead of earning its own 429.
    clock = Clock()
    waits: list[tuple[str, float]] = []
    b_done = threading.Event()

    def sleep(seconds: float) -> None:
        waits.append((threading.current_thread().name, seconds))
        if threading.current_thread().name == "A":
            clock.now += 2.0
            b = threading.Thread(
                target=lambda: b_calls.append(
                    policy.call(lambda: "ok", lambda e: None, idempotent=True)
                ),
                name="B",
            )
            b.start()
            b.join()
            b_done.set()
            clock.now += 5.0

    b_calls: list[str] = []
    policy = RetryPolicy(sleep=sleep, gate=RateGate(clock))
    a = threading.Thread(
        target=lambda: policy.call(Flaky(1, RuntimeError("429")), lambda e: 7.0, idempotent=True),
        name="A",
    )
    a.start()
    a.join()
    assert b_done.is_set() and b_calls == ["ok"]
    assert waits == [("A", 7.0), ("B", 5.0)]


def test_once_the_wait_was_waited_the_gate_is_open_even_if_no_time_passed() -> None:
    # The tests' sleeps pass no time: the gate opens when the one who was asked has waited.
    clock = Clock()
    waits: list[float] = []
    policy = RetryPolicy(sleep=waits.append, gate=RateGate(clock))
    assert policy.call(Flaky(1, RuntimeError("429")), lambda e: 7.0, idempotent=True) == "ok"
    assert policy.call(lambda: "next", lambda e: None, idempotent=True) == "next"
    assert waits == [7.0]  # the next call did not wait again


def test_a_later_longer_closing_is_not_opened_by_an_earlier_one() -> None:
    clock = Clock()
    gate = RateGate(clock)
    first = gate.close(2.0)
    gate.close(30.0)  # another thread was asked for longer meanwhile
    gate.reopen(first)
    waits: list[float] = []
    gate.wait(waits.append)
    assert waits == [30.0]
