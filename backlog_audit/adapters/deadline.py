"""A whole-response deadline for HTTP requests, on top of the per-read timeout.

A socket timeout bounds each read, not the answer: a server (or a proxy) that sends one byte
every few seconds never trips it, and the audit hangs for as long as the body lasts. Here a
request runs under `within(seconds, fn)`: a timer shuts down the sockets the request reads
from when the deadline passes, the blocked read returns at once, and the failure becomes
`ResponseDeadline`, which the retry policy never retries (the next try would cost as much).

The sockets are found through urllib3's connection pools, which both `requests` (Jira,
Trello, monday.com) and the Asana SDK use: `install(session_or_pool_manager)` swaps in pools
whose connections register their socket, before reading an answer, with the deadline of the
thread that reads it. A request runs wholly in one thread, so the registry is thread-local.

One thread keeps every request's deadline (`_Watchdog`). A timer thread per request cost each
request the start of a thread before it was sent: 1.6 ms at the median, 15 ms at the 90th
percentile and up to 75 ms when a portfolio run's teams share the interpreter, with the site's
slot held meanwhile. A request now only adds its deadline to a heap.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["ResponseDeadline", "install", "within"]

T = TypeVar("T")
_local = threading.local()
_RECHECK = 0.05  # seconds between shutdowns of a late socket once the deadline passed


class ResponseDeadline(Exception):
    """A request whose answer did not arrive in full within its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class _Watch:
    """The sockets one request reads answers from, shut down once the deadline passed.

    A socket may be registered after the deadline (the request was still connecting and
    sending), so once expired the watch keeps shutting sockets down every `_RECHECK` seconds
    until the request is over.
    """

    def __init__(self) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._over = threading.Event()

    def add(self, sock: socket.socket) -> None:
        self._sockets.append(sock)

    def expire(self) -> None:
        self.expired = True
        while True:
            for sock in list(self._sockets):
                _shut(sock)
            if self._over.wait(_RECHECK):
                return

    def end(self) -> None:
        self._over.set()
        # The watch stays in the deadlines' heap until its time: it keeps no socket alive.
        self._sockets = []

    @property
    def over(self) -> bool:
        """Whether its request ended."""
        return self._over.is_set()


class _Watchdog:
    """The deadlines of every request in flight, kept by one thread started with the first.

    The thread sleeps until the earliest deadline; when one passes while its request still
    runs, the request's watch expires on a thread of its own (rare: an answer that did not
    come in time), so that the other deadlines are kept meanwhile. Ended requests leave the
    heap when they reach its top.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: list[tuple[float, int, _Watch]] = []
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def keep(self, seconds: float, watch: _Watch) -> None:
        """Expire `watch` `seconds` from now unless its request ended by then."""
        entry = (time.monotonic() + seconds, next(self._numbers), watch)
        with self._cond:
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            elif self._due[0] is entry:  # sooner than what the thread sleeps for
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._due and self._due[0][2].over:
                    heapq.heappop(self._due)
                if not self._due:
                    self._cond.wait()
                    continue
                left = self._due[0][0] - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                watch = heapq.heappop(self._due)[2]
                threading.Thread(target=watch.expire, name="deadline", daemon=True).start()

    def forget(self) -> None:
        """Start afresh (in a child process after a fork, where the thread is not)."""
        self.__init__()  # type: ignore[misc]


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.forget)


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a read blocked in another thread (close does not), and
    # the connection pool still owns the file descriptor.
    with contextlib.suppress(OSError):  # already closed by the other side or the pool
        sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def _watching(seconds: float) -> Iterator[_Watch]:
    watch = _Watch()
    previous = getattr(_local, "watch", None)
    _local.watch = watch
    _WATCHDOG.keep(seconds, watch)
    try:
        yield watch
    finally:
        watch.end()
        _local.watch = previous


def within(seconds: float, fn: Callable[[], T]) -> T:
    """Run one request `fn`; `ResponseDeadline` when its answer is not complete in time.

    Whatever `fn` raised once the deadline passed (a reset, an incomplete read: the sockets
    were shut down under it) is that deadline, and said so.
    """
    with _watching(seconds) as watch:
        try:
            return fn()
        except Exception:
            if watch.expired:
                raise ResponseDeadline(seconds) from None
            raise


def _register(sock: socket.socket) -> None:
    watch: _Watch | None = getattr(_local, "watch", None)
    if watch is not None:
        watch.add(sock)


@functools.cache
def _watched(connection_class: type) -> type:
    """`connection_class` registering its socket with the thread's deadline before each read
    of an answer. Made from whatever class the pool has now: a recorded-HTTP tool (vcrpy)
    that swapped in its own class keeps working."""

    def getresponse(self: Any, *args: Any, **kwargs: Any) -> Any:
        # The socket, not the connection: an HTTP/1.0 answer hands it to the response and
        # the connection forgets it (http.client).
        sock = getattr(self, "sock", None)
        if sock is not None:
            _register(sock)
        return connection_class.getresponse(self, *args, **kwargs)  # type: ignore[attr-defined]

    watched = type(f"Watched{connection_class.__name__}", (connection_class,), {})
    watched.getresponse = getresponse  # type: ignore[attr-defined]
    return watched


class _WatchedHTTPPool(HTTPConnectionPool):
    def _new_conn(self) -> Any:
        # Looked up at each new connection, not at import: see `_watched`.
        self.ConnectionCls = _watched(HTTPConnectionPool.ConnectionCls)
        return super()._new_conn()


class _WatchedHTTPSPool(HTTPSConnectionPool):
    def _new_conn(self) -> Any:
        self.ConnectionCls = _watched(HTTPSConnectionPool.ConnectionCls)
        return super()._new_conn()


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter with pools of watched connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)


def install(client: requests.Session | urllib3.PoolManager) -> None:
    """Make `within` able to cut the requests of `client` short (a session or a pool manager).

    Call it before the first request: pools made earlier keep their connection class.
    """
    if isinstance(client, requests.Session):
        client.mount("http://", _WatchedAdapter())
        client.mount("https://", _WatchedAdapter())
    else:
        client.pool_classes_by_scheme = dict(_POOLS)
