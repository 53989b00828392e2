"""Pieces made ahead in worker threads reach the writer in their order, failures when asked."""

from __future__ import annotations

import threading
import time

import pytest

from backlog_audit.reports.ahead import ahead, later


def test_pieces_come_in_their_order_whichever_finishes_first() -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.02 if n % 3 == 0 else 0)
        return n * n

    assert list(ahead(slow_first, range(10))) == [n * n for n in range(10)]
    assert list(ahead(slow_first, [])) == []


def test_a_failing_piece_raises_when_asked_for_after_the_ones_before() -> None:
    def fails_at_three(n: int) -> int:
        if n == 3:
            raise RuntimeError("the engine fell over")
        return n

    pieces = ahead(fails_at_three, range(10))
    assert [next(pieces) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(RuntimeError, match="fell over"):
        next(pieces)


def test_a_writer_that_stops_asking_starts_no_more_pieces() -> None:
    """At most `workers + 1` pieces are made ahead; closing waits for those under way."""
    started: list[int] = []
    lock = threading.Lock()

    def make(n: int) -> int:
        with lock:
            started.append(n)
        time.sleep(0.01)
        return n

    pieces = ahead(make, range(100), workers=2)
    assert next(pieces) == 0
    pieces.close()
    assert len(started) <= 3
    count = len(started)
    time.sleep(0.05)
    assert len(started) == count


def test_a_single_piece_is_made_in_the_callers_thread() -> None:
    assert list(ahead(lambda _: threading.current_thread(), ["only"])) == [
        threading.current_thread()
    ]


def test_later_in_the_background_begins_at_once_in_another_thread() -> None:
    began = threading.Event()

    def make() -> threading.Thread:
        began.set()
        return threading.current_thread()

    result = later(make, background=True)
    assert began.wait(timeout=5)  # begun before anyone asked for it
    assert result() is not threading.current_thread()
    assert later(make, background=False)() is threading.current_thread()


def test_later_raises_its_failure_when_asked_for() -> None:
    def fails() -> None:
        raise RuntimeError("the bad links fell over")

    result = later(fails, background=True)
    with pytest.raises(RuntimeError, match="fell over"):
        result()
