"""Reads every team of a site makes alike, sent once per portfolio run.

Ten Jira teams on one site each asked it for its server information and its field list:
the same answers (for the same credentials), twenty requests of the run's eighty, each taking
one of the site's slots and some of the audit's CPU. Here the first team to ask sends the
read; the others wait for its answer, and teams that ask later take it as it is.

A team's retries never stall the others: what the others wait for is the first try alone.
When it fails, each waiting team sends the read itself, with its own retries and its own
error, and the next team to ask leads anew. The answer is shared as decoded, never changed by
its readers (they build their own objects from it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["FirstTry", "SharedReads"]

T = TypeVar("T")
# What a read calls after its first try: (True, answer), or (False, None) when it failed.
FirstTry = Callable[[bool, Any], None]


class _Read:
    """One shared read: settled once, by its leader's first try."""

    def __init__(self) -> None:
        self.settled = threading.Event()
        self.ok = False
        self.answer: Any = None
        self.waiting = 0  # teams that came while it was in flight


class SharedReads:
    """The answers of one site's shared reads in one run, by key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: dict[Hashable, _Read] = {}

    @property
    def waiting(self) -> int:
        """Teams waiting for another team's first try now."""
        with self._lock:
            return sum(r.waiting for r in self._reads.values() if not r.settled.is_set())

    def read(self, key: Hashable, send: Callable[[FirstTry], T]) -> T:
        """The answer of the read `key`: sent here by `send(first_try)` when no other team
        has sent it, else theirs (see the module docstring). `send` calls `first_try` once
        its first try is over."""
        with self._lock:
            shared = self._reads.get(key)
            lead = shared is None
            if shared is None:
                shared = self._reads[key] = _Read()
            elif not shared.settled.is_set():
                shared.waiting += 1
        if not lead:
            shared.settled.wait()
            if shared.ok:
                return shared.answer  # type: ignore[no-any-return]
            return send(_ignore)  # the leader's try failed: on our own
        settle = self._settler(key, shared)
        try:
            return send(settle)
        finally:
            settle(False, None)  # `send` failed before its first try was over (no-op after)

    def _settler(self, key: Hashable, shared: _Read) -> FirstTry:
        def settle(ok: bool, answer: Any) -> None:
            with self._lock:
                if shared.settled.is_set():
                    return
                shared.ok, shared.answer = ok, answer
                if not ok:  # the next team to ask leads anew
                    del self._reads[key]
                shared.settled.set()

        return settle


def _ignore(ok: bool, answer: Any) -> None:
    """The first try of a read nobody waits for."""
