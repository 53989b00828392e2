"""The retry policy (`adapters/retry.py`), shared by the Jira and Asana sources."""

from __future__ import annotations

import pytest

from backlog_audit.adapters.retry import NO_HINT, RetryPolicy, retry_after_seconds


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
    ],
)
def test_retry_after_in_seconds_or_as_a_date(
    headers: dict[str, str], seconds: float | None
) -> None:
    now = 1795341600.0  # 2026-11-22T10:00:00Z
    assert retry_after_seconds(headers, now=now) == seconds


def test_waits_follow_the_server_then_back_off_and_are_capped() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_retries=4, max_wait=5.0, base_wait=1.0, sleep=waits.append)
    hints = iter([30.0, NO_HINT, NO_HINT, 0.0])
    flaky = Flaky(4, RuntimeError("busy"))
    assert policy.call(flaky, lambda exc: next(hints)) == "ok"
    # 30 capped to 5; no hint: 2 then 4 (doubling by attempt); an explicit 0 is honoured
    assert waits == [5.0, 2.0, 4.0, 0.0]


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    waits: list[float] = []
    flaky = Flaky(10, RuntimeError("still busy"))
    with pytest.raises(RuntimeError, match="still busy"):
        RetryPolicy(max_retries=2, sleep=waits.append).call(flaky, lambda exc: 1.0)
    assert flaky.calls == 3 and waits == [1.0, 1.0]


def test_errors_that_are_not_retryable_pass_at_once() -> None:
    waits: list[float] = []
    flaky = Flaky(1, KeyError("nope"))
    with pytest.raises(KeyError):
        RetryPolicy(sleep=waits.append).call(flaky, lambda exc: None)
    assert flaky.calls == 1 and waits == []
