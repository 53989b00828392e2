"""One retry policy for a source's HTTP calls: rate limits and brief outages, nothing else.

Clients such as `jira` and `asana` ship their own retries; a source turns those off and wraps
each call in `RetryPolicy.call`, so that waits are bounded, honour `Retry-After`, and go through
an injectable sleep (tests never wait).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

__all__ = ["NO_HINT", "RETRYABLE_STATUSES", "RetryPolicy", "retry_after_seconds"]

T = TypeVar("T")
LOG = logging.getLogger(__name__)

# 429 Too Many Requests and 503 Service Unavailable are the statuses a server asks us to retry.
RETRYABLE_STATUSES = frozenset({429, 503})
# What `wait_for` returns for a retryable failure that came without a wait: back off instead.
NO_HINT = -1.0


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a `Retry-After` header asks for (seconds or an HTTP date), None when absent."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a call while `wait_for` says so, at most `max_retries` times.

    `wait_for(exc)` returns how long the server asked us to wait: None means do not retry,
    `NO_HINT` that the server named no wait. Waits are capped at `max_wait`; without a hint
    the wait doubles from `base_wait`.
    """

    max_retries: int = 4
    max_wait: float = 60.0
    base_wait: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, attempt: int, asked: float) -> float:
        """The wait before retry number `attempt` (1-based), given the server's hint."""
        backoff = self.base_wait * 2 ** (attempt - 1)
        return min(self.max_wait, asked if asked >= 0 else backoff)

    def call(self, fn: Callable[[], T], wait_for: Callable[[Exception], float | None]) -> T:
        """Run `fn`, retrying it after the waits `wait_for` reports for its exceptions."""
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:
                asked = wait_for(exc)
                attempt += 1
                if asked is None or attempt > self.max_retries:
                    raise
                pause = self.delay(attempt, asked)
                LOG.info("retry %d/%d in %.1fs", attempt, self.max_retries, pause)
                self.sleep(pause)
