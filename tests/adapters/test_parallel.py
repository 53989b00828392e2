"""Requests in flight together: bounded, in the order asked, the first failure ends them."""

from __future__ import annotations

import threading
import time

import pytest

from backlog_audit.adapters.parallel import WORKERS, in_order, prefetching


class Counting:
    """A task that takes a little while and counts how many run at once."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.started: list[int] = []
        self.fail_on = fail_on

    def __call__(self, n: int) -> int:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.started.append(n)
        try:
            time.sleep(0.02 if n % 3 else 0.05)  # uneven: answers come back out of order
            if n == self.fail_on:
                raise RuntimeError(f"task {n} failed")
            return n * n
        finally:
            with self.lock:
                self.running -= 1


def test_results_come_in_the_order_asked_whatever_order_they_finish_in() -> None:
    task = Counting()
    finished: list[int] = []
    assert in_order(task, list(range(20)), finished.append) == [n * n for n in range(20)]
    assert sorted(finished) == [n * n for n in range(20)]  # each reported once, as it finished


def test_no_more_than_the_bound_run_at_once() -> None:
    task = Counting()
    in_order(task, list(range(30)), workers=4)
    assert task.most == 4
    task = Counting()
    in_order(task, list(range(30)))
    assert 1 < task.most <= WORKERS


def test_the_first_failure_ends_the_read_and_cancels_what_has_not_started() -> None:
    task = Counting(fail_on=1)
    with pytest.raises(RuntimeError, match="task 1 failed"):
        in_order(task, list(range(200)), workers=2)
    time.sleep(0.2)  # anything still queued would have started by now
    assert len(task.started) < 20


def test_one_task_runs_in_the_calling_thread() -> None:
    threads: list[str] = []
    in_order(lambda n: threads.append(threading.current_thread().name), [1])
    assert threads == [threading.current_thread().name]


def test_a_prefetch_asks_a_bounded_number_ahead_and_fetches_others_on_the_spot() -> None:
    task = Counting()
    with prefetching(task, range(0, 10_000), workers=2) as ahead:
        assert ahead.get(0) == 0
        assert ahead.get(1) == 1
        assert ahead.get(-5) == 25  # not in the plan: fetched now
        time.sleep(0.1)
    # an absurd plan (a server announcing a huge total) costs a few requests, not thousands
    assert len(task.started) == 2 * 2 + 2 + 1  # 4 ahead, topped up twice, one on the spot
