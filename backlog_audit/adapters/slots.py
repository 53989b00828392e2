"""A site's request slots in a portfolio run, granted to the most urgent waiting request.

In a portfolio run, teams of one site share its slots (`site_budget` below). With a
plain semaphore, the teams' bulk fetches took the slots in whatever order the threads got
there, so every team kept a request or two until the last round of the site's slots, and
all the teams finished together: their audits (CPU, one at a time under the interpreter
lock) then all came after the last answer. Granted by priority (a team's place in the
config), the first teams finish while the others still wait for the site, and their audits
run during those waits.

A free slot is always taken at once (no request waits while a slot is unused): priority only
orders the requests that wait. Among requests of one priority, the first to ask goes first.

A request's priority is its kind, then its team's place: a read the site's teams share (Jira's
server information and field list: `shared.py`) first, as every team waits for it; then a
team's own requests one after another (a board's configuration, its sprints, the search),
each of which the rest of its team's fetch waits for; then the reads a worker sends in a
batch (bulk fetches, pages asked ahead), which only end it. The work's team and kind follow it
into the workers it starts (context variables: `parallel.submit` copies them, as a batch).
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.shared import SharedReads

__all__ = [
    "Priority",
    "SiteSlots",
    "as_batch",
    "request_slot",
    "shared_reads",
    "site_budget",
    "site_read",
]

Priority = tuple[int, int]  # (kind, team), lowest first
SHARED, OWN, BATCH = -1, 0, 1  # kinds of request, the most urgent first


class SiteSlots:
    """`limit` slots; `hold(priority)` waits for one, lower priorities served first."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a site needs at least one slot")
        self._free = limit
        self._lock = threading.Lock()
        # (priority, ticket number, event): the event is set when the slot is handed over.
        self._waiting: list[tuple[Priority, int, threading.Event]] = []
        self._tickets = itertools.count()

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now."""
        with self._lock:
            return len(self._waiting)

    def acquire(self, priority: Priority = (OWN, 0)) -> None:
        """Take a slot: at once when one is free, else when every request of a lower
        priority (or of the same, asked earlier) has had one."""
        with self._lock:
            if self._free:
                self._free -= 1
                return
            entry = (priority, next(self._tickets), threading.Event())
            heapq.heappush(self._waiting, entry)
        try:
            entry[2].wait()
        except BaseException:  # interrupted while waiting: give back a slot handed over
            self._withdraw(entry)
            raise

    def release(self) -> None:
        """Hand the slot to the most urgent request waiting, or free it."""
        with self._lock:
            if self._waiting:
                # Handed over, not freed: a request arriving now must not take it first.
                heapq.heappop(self._waiting)[2].set()
            else:
                self._free += 1

    def _withdraw(self, entry: tuple[Priority, int, threading.Event]) -> None:
        with self._lock:
            if not entry[2].is_set():
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
                return
        self.release()

    @contextmanager
    def hold(self, priority: Priority = (OWN, 0)) -> Iterator[None]:
        """One slot for the duration of the block."""
        self.acquire(priority)
        try:
            yield
        finally:
            self.release()


@dataclass(frozen=True)
class _Budget:
    """The site the current work reads: its slots, the work's team and the shared reads."""

    slots: SiteSlots
    team: int
    reads: SharedReads | None


# None: no budget (an audit of one team, at full speed).
_SITE: ContextVar[_Budget | None] = ContextVar("site_budget", default=None)
_KIND: ContextVar[int] = ContextVar("request_kind", default=OWN)


@contextmanager
def site_budget(
    slots: SiteSlots, team: int = 0, reads: SharedReads | None = None
) -> Iterator[None]:
    """Every request sent in this block, by this thread or the workers it starts, holds one
    of `slots` while it is on the wire, served before waiting requests of teams placed after
    `team` (a kind at a time); reads every team makes alike are shared through `reads`."""
    token = _SITE.set(_Budget(slots, team, reads))
    try:
        yield
    finally:
        _SITE.reset(token)


def request_slot() -> AbstractContextManager[Any]:
    """Hold one of the current site's slots (nothing when there is no budget)."""
    budget = _SITE.get()
    return nullcontext() if budget is None else budget.slots.hold((_KIND.get(), budget.team))


def shared_reads() -> SharedReads | None:
    """The reads the current site's teams share (None outside a portfolio run)."""
    budget = _SITE.get()
    return None if budget is None else budget.reads


def as_batch() -> None:
    """Mark the current context's requests as a batch (in a worker's copied context)."""
    _KIND.set(BATCH)


@contextmanager
def site_read() -> Iterator[None]:
    """The requests of this block are a read the site's teams share: the most urgent."""
    token = _KIND.set(SHARED)
    try:
        yield
    finally:
        _KIND.reset(token)
