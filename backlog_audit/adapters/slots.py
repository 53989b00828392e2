"""A site's request slots, granted to the waiting request of the most urgent team first.

In a portfolio run, teams of one site share its slots (`parallel.site_budget`). With a
plain semaphore, the teams' bulk fetches took the slots in whatever order the threads got
there, so every team kept a request or two until the last round of the site's slots, and
all the teams finished together: their audits (CPU, one at a time under the interpreter
lock) then all came after the last answer. Granted by priority (a team's place in the
config), the first teams finish while the others still wait for the site, and their audits
run during those waits.

A free slot is always taken at once (no request waits while a slot is unused): priority only
orders the requests that wait. Among requests of one priority, the first to ask goes first.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SiteSlots"]


class SiteSlots:
    """`limit` slots; `hold(priority)` waits for one, lower priorities served first."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a site needs at least one slot")
        self._free = limit
        self._lock = threading.Lock()
        # (priority, ticket number, event): the event is set when the slot is handed over.
        self._waiting: list[tuple[int, int, threading.Event]] = []
        self._tickets = itertools.count()

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now."""
        with self._lock:
            return len(self._waiting)

    def acquire(self, priority: int = 0) -> None:
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

    def _withdraw(self, entry: tuple[int, int, threading.Event]) -> None:
        with self._lock:
            if not entry[2].is_set():
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
                return
        self.release()

    @contextmanager
    def hold(self, priority: int = 0) -> Iterator[None]:
        """One slot for the duration of the block."""
        self.acquire(priority)
        try:
            yield
        finally:
            self.release()
