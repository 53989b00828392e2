"""Requests that must be in flight together, for the fakes that count requests in flight."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any


class Meeting:
    """The first `parties` requests `where` selects wait, in flight, for each other.

    A client that sends them together passes at once; one that sends them one after another
    is let go after `TIMEOUT`, with the fake's count of requests in flight short of `parties`.
    So a test shows overlap without counting on timing. With `linger`, the met requests
    stay in flight that long once all came: a client that would send more than `parties`
    at once has its extra requests counted beside them (a bound can only be shown by
    waiting; a slow machine may hide a broken bound, never fail a kept one).
    """

    TIMEOUT = 10.0  # only waited out when the client under test does not overlap requests

    def __init__(self, parties: int, where: Callable[[Any], bool], linger: float = 0.0) -> None:
        self.where, self.linger = where, linger
        self._barrier = threading.Barrier(parties, timeout=self.TIMEOUT)
        self._seats = parties
        self._lock = threading.Lock()

    def attend(self, request: Any) -> None:
        """Wait for the others when `request` is one of the first `parties` selected."""
        with self._lock:
            if self._seats == 0 or not self.where(request):
                return
            self._seats -= 1
        # Broken when they never came together: the test's count of requests in flight says so.
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait()
            time.sleep(self.linger)
