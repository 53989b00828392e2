"""One retry policy for every source's HTTP calls: rate limits and brief outages, nothing else.

Clients such as `jira` and `asana` ship their own retries; a source turns those off and wraps
each call in `RetryPolicy.call`, so that every source retries the same failures, the same
number of times, within the same bounded total wait, through an injectable sleep (tests never
wait):

- retried: HTTP 429, 500, 502, 503 and 504 (`RETRYABLE_STATUSES`), and a connection reset or
  an answer cut off mid-way (`is_reset`); only for idempotent requests, which every caller
  states (`idempotent=`). Reads are idempotent, including the POSTs that only search (Jira's
  `/search/jql`, `/search`, `/issue/bulkfetch`, Asana's `/batch` of GETs).
- not retried: any other status, a refused connection or an unknown host (a wrong URL does
  not heal in seconds), a timeout or a missed deadline (each try would cost as long again).
- the wait: what the server asked (`Retry-After` in seconds or as an HTTP date, else
  `X-RateLimit-Reset` as a date or epoch seconds), else 1, 2, 4, 8 s (a source may start
  and cap that backoff to its API's rate window: Trello 2.5 s to 10 s). A server's wait is
  honoured as asked, never cut short (an early retry only earns another 429), up to
  `max_wait` (60 s); all waits of one call add up to `max_total_wait` (120 s) at most. A
  server that asks for more is given up on at once rather than waited for in vain.
- together: a source that sends requests from several threads shares one policy, and so one
  `RateGate`. A retry's wait closes the gate for every thread until it ends: the other
  requests in flight wait it out before their next try, instead of each earning its own 429
  from a site that asked to be left alone (Jira Cloud's and Asana's limits are per user).
- within the site's budget: each try holds one of the site's request slots
  (`parallel.request_slot`, a portfolio run's bound per site) while on the wire, and none
  while it waits, so a team sleeping through a Retry-After holds up no other team.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

from backlog_audit.adapters.parallel import request_slot

__all__ = [
    "NO_HINT",
    "RETRYABLE_STATUSES",
    "RateGate",
    "RetryPolicy",
    "is_reset",
    "retry_after_seconds",
    "wait_for_answer",
    "wait_for_transport",
]

T = TypeVar("T")
LOG = logging.getLogger(__name__)

# Too Many Requests, and the 5xx answers of a server (or proxy, gateway) briefly unwell.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# What `wait_for` returns for a retryable failure that came without a wait: back off instead.
NO_HINT = -1.0
# X-RateLimit-Reset: a number above this is a moment (epoch seconds), below it a wait.
_EPOCH_FLOOR = 1e9


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value.strip() if value is not None and value.strip() else None


def _seconds_until(moment: datetime, now: float) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - now)


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a server asks for, in seconds; None when it names none.

    `Retry-After` in seconds or as an HTTP date (RFC 9110); else `X-RateLimit-Reset`: Jira
    Cloud sends the moment of the reset as ISO 8601 (`2026-11-22T10:01Z`), other APIs epoch
    seconds or seconds to wait.
    """
    now = time.time() if now is None else now
    value = _header(headers, "retry-after")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return _seconds_until(parsedate_to_datetime(value), now)
        except (TypeError, ValueError):
            pass
    return _rate_limit_reset(_header(headers, "x-ratelimit-reset"), now)


def _rate_limit_reset(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            return _seconds_until(datetime.fromisoformat(value.replace("Z", "+00:00")), now)
        except ValueError:
            return None
    return max(0.0, number - now) if number > _EPOCH_FLOOR else max(0.0, number)


def wait_for_answer(status: int | None, headers: Mapping[str, str]) -> float | None:
    """The retry verdict on an HTTP answer: None (do not retry), `NO_HINT` or the asked wait."""
    if status not in RETRYABLE_STATUSES:
        return None
    asked = retry_after_seconds(headers)
    return NO_HINT if asked is None else asked


# Exceptions that mean "the connection broke", wherever a client wraps them.
_RESETS: tuple[type[BaseException], ...] = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)


def is_reset(exc: BaseException) -> bool:
    """Whether `exc` is, or wraps, a connection reset or an answer cut off mid-way.

    `requests` and urllib3 wrap the socket's error in their own, in `args`, `reason` or the
    exception chain; all are looked through, except a context raised `from None` (a missed
    deadline shuts the socket down under a read: that reset is the deadline's, not a retry's).
    """
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, _RESETS):
            return True
        name = type(current).__name__
        if name in ("ProtocolError", "ChunkedEncodingError", "IncompleteRead"):
            return True  # urllib3's and requests' words for a cut answer
        context = None if current.__suppress_context__ else current.__context__
        todo += [current.__cause__, context, getattr(current, "reason", None)]
        todo += list(current.args)
    return False


def wait_for_transport(exc: BaseException) -> float | None:
    """The retry verdict on a failure without an HTTP answer: back off after a reset only."""
    return NO_HINT if is_reset(exc) else None


class RateGate:
    """A wait that every thread of one source honours: closed by one retry, waited by all.

    The thread that got the 429 (or 5xx, or reset) `close`s the gate for its wait, sleeps it
    and `reopen`s the gate; every thread `wait`s, before each try, for what is left of a
    closing. Reopening after the sleep, rather than trusting the clock alone, keeps the gate
    right when the sleep is injected and passes no time (the tests'): the wait is over when
    the one who asked for it has waited.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._open_at = 0.0  # the clock's reading when the gate opens again

    def close(self, seconds: float) -> float:
        """Shut the gate for `seconds` from now (never shortening a longer closing); returns
        the closing, for `reopen`."""
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + seconds)
            return self._open_at

    def reopen(self, closing: float) -> None:
        """Open the gate after `closing` was waited, unless a later closing holds it shut."""
        with self._lock:
            if self._open_at == closing:
                self._open_at = min(self._open_at, self._clock())

    def wait(self, sleep: Callable[[float], None]) -> float:
        """Sleep while the gate is shut; returns the seconds slept."""
        with self._lock:
            left = self._open_at - self._clock()
        if left <= 0:
            return 0.0
        LOG.info("waiting %.1fs: another request of this source was asked to wait", left)
        sleep(left)
        return left


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a call while `wait_for` says so, at most `max_retries` times.

    `wait_for(exc)` returns how long the server asked us to wait: None means do not retry,
    `NO_HINT` that the server named no wait: the wait then doubles from `base_wait`, up to
    `max_backoff`. A wait asked for over `max_wait`, or one that would take the waits of this
    call past `max_total_wait`, is not waited: the last error is raised at once. Every wait
    closes `gate`, which each try (of any thread sharing this policy) waits on first.
    """

    max_retries: int = 4
    max_wait: float = 60.0
    base_wait: float = 1.0
    max_backoff: float = 60.0
    max_total_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    gate: RateGate = field(default_factory=RateGate, compare=False, repr=False)

    def delay(self, attempt: int, asked: float) -> float:
        """The wait before retry number `attempt` (1-based), given the server's hint."""
        return asked if asked >= 0 else min(self.max_backoff, self.base_wait * 2 ** (attempt - 1))

    def too_long(self, headers: Mapping[str, str]) -> float | None:
        """The wait an answer asked for when it is longer than this policy waits (so the call
        gave up at once), else None."""
        asked = retry_after_seconds(headers)
        return asked if asked is not None and asked > self.max_wait else None

    def gave_up(self, headers: Mapping[str, str]) -> str:
        """Why a retryable answer still failed, in words, from its headers."""
        asked = self.too_long(headers)
        if asked is not None:
            return f"it asks to wait {asked:.0f} s, longer than the {self.max_wait:g} s waited"
        return "retries exhausted"

    def call(
        self,
        fn: Callable[[], T],
        wait_for: Callable[[Exception], float | None],
        *,
        idempotent: bool,
    ) -> T:
        """Run `fn`, retrying it after the waits `wait_for` reports for its exceptions.

        A request that is not idempotent is tried once: a retry could do it twice.
        """
        attempt, waited = 0, 0.0
        while True:
            self.gate.wait(self.sleep)
            try:
                with request_slot():
                    return fn()
            except Exception as exc:
                asked = wait_for(exc) if idempotent else None
                attempt += 1
                if asked is None or attempt > self.max_retries:
                    raise
                pause = self.delay(attempt, asked)
                if pause > self.max_wait or waited + pause > self.max_total_wait:
                    LOG.info("giving up rather than wait %.1fs more", pause)
                    raise
                LOG.info("retry %d/%d in %.1fs", attempt, self.max_retries, pause)
                closing = self.gate.close(pause)
                self.sleep(pause)
                self.gate.reopen(closing)
                waited += pause
