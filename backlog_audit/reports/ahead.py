"""Pieces of a streamed report made ahead of their writer, in worker threads.

The engine encodes a slice of a million items without holding the interpreter's lock, and
a file's `write` does not hold it either: on two cores, two slices are encoded at once while
the one before them is written. A few pieces are made ahead at most, so that memory holds
`workers + 1` pieces at a time, never the report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

A = TypeVar("A")
T = TypeVar("T")


def ahead(make: Callable[[A], T], args: Sequence[A], workers: int = 2) -> Iterator[T]:
    """`make(arg)` for each of `args`, in their order, made by `workers` threads ahead of the
    caller (a single piece: made in the caller's thread, no thread for nothing).

    A piece that fails raises here, when it is asked for. A caller that stops asking (its
    write failed) waits for the pieces under way; none is started after that.
    """
    if len(args) <= 1 or workers <= 1:
        yield from map(make, args)
        return
    # Imported here: a small report (the README's first command) makes one piece, no thread.
    from concurrent.futures import ThreadPoolExecutor

    pending: deque[Future[T]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-ahead")
    try:
        for arg in args:
            pending.append(pool.submit(make, arg))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def later(make: Callable[[], T], *, background: bool) -> Callable[[], T]:
    """A function that gives `make()`: made when it is called, or (`background`) begun now
    in a thread of its own, the call then waiting for it (and raising its failure)."""
    if not background:
        return make
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-later")
    try:
        return pool.submit(make).result
    finally:
        pool.shutdown(wait=False)  # the thread ends once its one piece is made
