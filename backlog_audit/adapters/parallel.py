"""Requests in flight together, a bounded number at a time, with results in a fixed order.

A large scope is many independent reads (Jira Cloud's bulk fetches of 100 issues, Data
Center's and a board backlog's `startAt` pages once the total is known, several Asana
projects' listings). One after another, each costs a round trip; `WORKERS` of them at once
cut the wall time by about that much, while staying a polite client (Jira Cloud's and
Asana's rate limits are per user, and every worker shares the source's one `RetryPolicy`,
whose gate makes them all back off together on a 429).

Whatever order answers arrive in, callers see results in the order they asked: the audit's
items, its reports and the page guard's checks are those of the sequential fetch. A failure
ends the whole read: requests not yet started are cancelled, and the error raised is that of
the first read to fail in the order asked, whichever answer came first.

A site's budget (`slots.site_budget`): in a portfolio run, several teams read one site at
once, each with its own workers. Every request holds one of the site's slots while it is on
the wire (`request_slot`, taken by `RetryPolicy.call` for each try, so a retry's sleep holds
none), so the site never has more requests in flight than its budget, whatever the number of
teams; waiting requests get the slots by priority (`slots.py`). The budget follows the work
into the workers started here (context variables, copied into each task, which marks the
worker's requests as a batch); an audit of one team has none and runs at full speed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import copy_context
from typing import Any, Generic, TypeVar

from backlog_audit.adapters.slots import as_batch, request_slot, site_budget

__all__ = [
    "WORKERS",
    "Prefetch",
    "in_order",
    "interleaved",
    "prefetching",
    "request_slot",
    "site_budget",
    "submit",
]

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")

_END = object()  # the plan's end

# Requests of one source in flight at once (read when a read starts). Five keep a 3,000-issue
# Jira Cloud sprint (30 bulk fetches) to six round trips while far below any site's
# concurrency limits.
WORKERS = 5


def submit(
    pool: ThreadPoolExecutor, fn: Callable[..., R], *args: Any, batch: bool = True
) -> Future[R]:
    """`pool.submit(fn, *args)` in a copy of the caller's context, so that the worker
    honours the caller's site budget (a worker thread starts with an empty context); its
    requests are a batch (`slots.py`) unless `batch` is false."""
    context = copy_context()
    if batch:
        context.run(as_batch)
    return pool.submit(context.run, fn, *args)


def in_order(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    done: Callable[[R], None] | None = None,
    workers: int | None = None,
) -> list[R]:
    """`[fn(t) for t in tasks]`, at most `workers` calls at a time.

    `done(result)` is called in the calling thread as each call finishes (in the order they
    finish), so that a progress count it keeps needs no lock and is exact. A single task runs
    in the calling thread: no thread for nothing. A failure cancels the calls not started,
    lets those in flight end, and raises the failure of the first task that failed in the
    order of `tasks`: the same error whichever answer came first.
    """
    workers = WORKERS if workers is None else workers
    if len(tasks) <= 1 or workers <= 1:
        results = []
        for task in tasks:
            results.append(fn(task))
            if done is not None:
                done(results[-1])
        return results
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
    try:
        futures = [submit(pool, fn, task) for task in tasks]
        failures = _gather(futures, done)
        if failures:
            raise failures[min(failures)]
        return [future.result() for future in futures]
    finally:
        # A failure (or Ctrl-C) must not wait for the requests still queued.
        pool.shutdown(wait=False, cancel_futures=True)


def _gather(futures: list[Future[R]], done: Callable[[R], None] | None) -> dict[int, BaseException]:
    """Wait for `futures`, calling `done` on each result; after a failure, cancel those not
    started. Returns the failures by position."""
    index = {future: n for n, future in enumerate(futures)}
    failures: dict[int, BaseException] = {}
    pending: set[Future[R]] = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            failure = None if future.cancelled() else future.exception()
            if failure is not None:
                failures[index[future]] = failure
                for other in pending:
                    other.cancel()
            elif not future.cancelled() and done is not None:
                done(future.result())
    return failures


def interleaved(
    sources: Sequence[Callable[[], Iterable[T]]], workers: int | None = None
) -> Iterator[tuple[int, T]]:
    """The items of several listings read at once, `workers` listings at a time, as they
    arrive: `(which listing, item)`, yielded in the calling thread (a progress count needs
    no lock). Each listing is read in its own order (its pages follow one another); a caller
    that wants the sequential order puts the items back by listing. A failure stops every
    listing at its next item (those not started do not start) and, once they stopped, the
    failure of the first listing that failed in the order of `sources` is raised: the same
    error whichever answer came first. One listing is read in the calling thread.
    """
    workers = WORKERS if workers is None else workers
    if len(sources) <= 1 or workers <= 1:
        for n, source in enumerate(sources):
            yield from ((n, item) for item in source())
        return
    arrived: queue.SimpleQueue[tuple[int, object]] = queue.SimpleQueue()
    stop = threading.Event()

    def drain(n: int) -> None:
        try:
            for item in [] if stop.is_set() else sources[n]():
                if stop.is_set():
                    break
                arrived.put((n, item))
        except BaseException as exc:  # handed to the caller, who raises it
            arrived.put((n, _Failed(exc)))
        finally:
            arrived.put((n, _END))

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="listing")
    try:
        for n in range(len(sources)):
            submit(pool, drain, n)
        failures: dict[int, BaseException] = {}
        left = len(sources)
        while left:
            n, item = arrived.get()
            if item is _END:
                left -= 1
            elif isinstance(item, _Failed):
                failures[n] = item.exc
                stop.set()
            elif not failures:
                yield n, item  # type: ignore[misc]
        if failures:
            raise failures[min(failures)]
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)


class _Failed:
    """A listing's failure, passed from its worker to the caller."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class Prefetch(Generic[K, R]):
    """Results of `fn(key)` asked for ahead of need: `get(key)` takes one, or asks now.

    The keys are a plan (the `startAt` offsets a total implies); at most `ahead` of them are
    in flight or waiting to be taken at once, so a server announcing an absurd total costs a
    few wasted requests, not thousands. A key outside the plan is fetched on the spot.
    """

    def __init__(
        self, pool: ThreadPoolExecutor, fn: Callable[[K], R], plan: Iterable[K], ahead: int
    ) -> None:
        self._pool, self._fn, self._ahead = pool, fn, ahead
        self._plan: Iterator[K] = iter(plan)
        self._futures: dict[K, Future[R]] = {}
        self._top_up()

    def _top_up(self) -> None:
        while len(self._futures) < self._ahead:
            key = next(self._plan, _END)
            if key is _END:
                return
            self._futures[key] = submit(self._pool, self._fn, key)  # type: ignore[index]

    def get(self, key: K) -> R:
        """The result for `key`: prefetched when planned, else fetched in this thread."""
        future = self._futures.pop(key, None)
        self._top_up()
        return future.result() if future is not None else self._fn(key)


@contextmanager
def prefetching(
    fn: Callable[[K], R], plan: Iterable[K], workers: int | None = None
) -> Iterator[Prefetch[K, R]]:
    """A `Prefetch` of `plan` on `workers` threads, cancelled when the block ends."""
    workers = WORKERS if workers is None else workers
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefetch")
    try:
        yield Prefetch(pool, fn, plan, ahead=2 * workers)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
