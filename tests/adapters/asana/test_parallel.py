"""Asana read in parallel (issue 15, point 5): the projects' fields, section lists and task
listings several at once, the items and progress as a sequential read gives them, and every
listing backing off together on a 429. The fake counts requests in flight, and `meet`
makes requests overlap without counting on timing."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest

from backlog_audit.adapters import parallel
from backlog_audit.adapters.asana.source import AsanaSource
from backlog_audit.model import Backlog
from tests.adapters.asana.fake_server import AsanaData, FakeAsana, Request
from tests.adapters.asana.workspace import GROWTH, MOBILE, PLATFORM, TOKEN, config_for, source_for

THREE = (GROWTH, PLATFORM, MOBILE)


def listing(gid: str) -> Callable[[Request], bool]:
    """A project's task listing, its first page."""
    return lambda r: r.path == f"/projects/{gid}/tasks" and "offset" not in r.query


def first_pages(r: Request) -> bool:
    return any(listing(gid)(r) for gid in THREE)


def sequential(fake: FakeAsana, monkeypatch: pytest.MonkeyPatch, **overrides: object) -> Backlog:
    """The backlog as a read of one request at a time gives it; the fake's counts reset."""
    with monkeypatch.context() as one_at_a_time:
        one_at_a_time.setattr(parallel, "WORKERS", 1)
        backlog = source_for(fake.base_url, **overrides).fetch()
    fake.requests.clear()
    fake.most_in_flight = 0
    return backlog


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(first_pages, id="task listings"),
        pytest.param(lambda r: re.fullmatch(r"/projects/\d+", r.path), id="projects"),
        pytest.param(lambda r: r.path.endswith("/custom_field_settings"), id="fields"),
    ],
)
def test_the_projects_are_read_together_and_the_items_come_in_the_sequential_order(
    fake: FakeAsana, monkeypatch: pytest.MonkeyPatch, where: Callable[[Request], bool]
) -> None:
    expected = sequential(fake, monkeypatch, asana_project=THREE)
    fake.meet(3, where)  # the three projects' requests in flight at once, or this times out
    backlog = source_for(fake.base_url, asana_project=THREE).fetch()
    assert backlog.items == expected.items  # 4023, in Growth and Platform, seen from Growth
    assert backlog.warnings == expected.warnings
    assert 3 <= fake.most_in_flight <= parallel.WORKERS


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda r: r.path.endswith("/sections"), id="section lists"),
        pytest.param(lambda r: re.fullmatch(r"/sections/\d+/tasks", r.path), id="sections"),
    ],
)
def test_the_sections_of_several_projects_are_read_together(
    fake: FakeAsana, monkeypatch: pytest.MonkeyPatch, where: Callable[[Request], bool]
) -> None:
    expected = sequential(fake, monkeypatch, asana_section="Sprint 12")
    fake.meet(2, where)  # Growth's and Platform's
    backlog = source_for(fake.base_url, asana_section="Sprint 12").fetch()
    assert backlog.items == expected.items
    assert 2 <= fake.most_in_flight <= parallel.WORKERS


def test_progress_counts_the_distinct_tasks_received_page_by_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two projects of 150 tasks, 50 of them in both: 250 tasks, 2 pages a listing.
    data = AsanaData()
    data.add_field("1", "OKR", "text")
    for project, section in (("2", "3"), ("5", "6")):
        data.add_project(project, f"P{project}", ["1"])
        data.add_section(project, section, "Untitled section")
    for n in range(250):
        where = [("2", "3")] if n < 100 else [("5", "6")] if n >= 150 else [("2", "3"), ("5", "6")]
        data.add_task(str(10_000 + n), f"Task {n}", where, values={"1": "KR1.1"})
    fake = FakeAsana(data, token=TOKEN)
    try:
        expected = sequential(fake, monkeypatch, asana_project=("2", "5"))
        fake.meet(2, lambda r: r.path.endswith("/tasks"))
        seen: list[int] = []
        backlog = AsanaSource(*config_for(fake.base_url, asana_project=("2", "5"))).fetch(
            lambda received, total: seen.append(received)
        )
    finally:
        fake.close()
    assert backlog.items == expected.items
    assert len(seen) == 4  # one report a page
    assert seen == sorted(seen) and seen[-1] == 250 == len(backlog.items)
    assert fake.most_in_flight >= 2


def test_a_429_to_one_listing_holds_back_every_other_listing_until_its_wait_is_over(
    fake: FakeAsana,
) -> None:
    fake.task_page_cap = 1  # a page a task: every listing has a next request to hold back
    fake.meet(3, first_pages)  # the three listings' first requests are on their way at once
    fake.inject(429, retry_after="5", path=f"/projects/{GROWTH}/tasks")  # Growth's: a 429
    closed = threading.Event()
    # Platform's and Mobile's first pages are answered only once Growth's wait has begun, so
    # their next requests come while the gate is shut.
    fake.hold(lambda r: listing(PLATFORM)(r) or listing(MOBILE)(r), closed)
    waits: list[tuple[str, float]] = []  # (thread, seconds)
    lock, both_waited = threading.Lock(), threading.Event()

    def sleep(seconds: float) -> None:
        with lock:
            first = not waits
            waits.append((threading.current_thread().name, seconds))
            waiters = {name for name, _ in waits}
        if first:  # Growth's retry: its wait is held until the others waited at the gate
            closed.set()
            both_waited.wait(10)
        elif len(waiters) == 3:
            both_waited.set()

    backlog = source_for(fake.base_url, sleep, asana_project=THREE).fetch()
    assert waits[0][1] == 5.0
    # Without the shared gate the others would not wait, and Growth's wait would time out.
    # (A listing may wait twice: its next page can come back before Growth's wait ends.)
    assert len({name for name, _ in waits}) == 3
    assert all(4.0 < seconds <= 5.0 for _, seconds in waits[1:])
    # Growth 10 tasks in the window, Platform 3 more (4023 is in both), Mobile 2
    assert len([i for i in backlog.items if not i.carrier_only]) == 15
