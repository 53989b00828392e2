"""A site's slots: never more holders than slots, a free slot taken at once, and waiting
requests served by priority, then in the order they asked (adapters/slots.py)."""

from __future__ import annotations

import threading
import time

import pytest

from backlog_audit.adapters.slots import Priority, SiteSlots


def wait_until(condition: object, what: str) -> None:
    """Poll `condition()` (a state of the slots, not a duration) for up to 10 s."""
    deadline = time.monotonic() + 10
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def queue_in_order(
    slots: SiteSlots, priorities: list[Priority], served: list[Priority]
) -> list[threading.Thread]:
    """One thread per priority, each asking for a slot only once the one before waits, so
    that they ask in the order given; each notes its priority when served."""
    threads = []
    for n, priority in enumerate(priorities):

        def ask(priority: Priority = priority) -> None:
            with slots.hold(priority):
                served.append(priority)

        thread = threading.Thread(target=ask)
        thread.start()
        threads.append(thread)
        wait_until(lambda n=n: slots.waiting == n + 1, f"request {n} to wait")
    return threads


def test_waiting_requests_are_served_by_priority_then_in_the_order_they_asked() -> None:
    slots = SiteSlots(1)
    served: list[int] = []
    slots.acquire((0, 5))  # the only slot, held while the others line up
    threads = queue_in_order(slots, [(0, 2), (0, 1), (1, 0), (0, 3), (-1, 9), (0, 1)], served)
    slots.release()
    for thread in threads:
        thread.join(10)
    # By kind (shared reads, a team's own requests, batches), then team, then arrival.
    assert served == [(-1, 9), (0, 1), (0, 1), (0, 2), (0, 3), (1, 0)]


def test_a_free_slot_is_taken_at_once_whatever_the_priority() -> None:
    slots = SiteSlots(2)
    slots.acquire((1, 9))
    slots.acquire((1, 9))  # would block if a free slot waited for a more urgent request
    assert slots.waiting == 0


def test_a_released_slot_goes_to_a_waiting_request_not_to_a_newcomer() -> None:
    slots = SiteSlots(1)
    served: list[Priority] = []
    slots.acquire()
    threads = queue_in_order(slots, [(1, 7)], served)
    slots.release()  # handed over to the waiting request
    for thread in threads:
        thread.join(10)
    assert served == [(1, 7)]
    # Once that request ended, the slot is free again.
    slots.acquire()
    assert slots.waiting == 0


def test_never_more_holders_than_slots() -> None:
    slots = SiteSlots(3)
    lock = threading.Lock()
    counts = {"now": 0, "most": 0}

    def work(priority: Priority) -> None:
        for _ in range(20):
            with slots.hold(priority):
                with lock:
                    counts["now"] += 1
                    counts["most"] = max(counts["most"], counts["now"])
                time.sleep(0.0005)
                with lock:
                    counts["now"] -= 1

    threads = [threading.Thread(target=work, args=((n % 3 - 1, n),)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert 1 < counts["most"] <= 3


def test_a_site_has_at_least_one_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        SiteSlots(0)
