"""The whole-answer deadline (`adapters/deadline.py`), for both HTTP stacks the sources use."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import urllib3

from backlog_audit.adapters import deadline

BODY = 200  # bytes, one every 20 ms: 4 s in all, where every read gets a byte in time


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Length", str(BODY))
        self.end_headers()
        try:
            for _ in range(BODY):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_trickled_answer_is_abandoned_at_the_deadline_with_requests(url: str) -> None:
    session = requests.Session()
    deadline.install(session)
    started = time.monotonic()
    with pytest.raises(deadline.ResponseDeadline, match="no complete answer within 0.5 s"):
        deadline.within(0.5, lambda: session.get(url, timeout=2).content)
    # Not the 4 s the body takes; 2.5 s past the deadline for a loaded machine's scheduling.
    assert time.monotonic() - started < 3.0


def test_a_trickled_answer_is_abandoned_at_the_deadline_with_urllib3(url: str) -> None:
    pool = urllib3.PoolManager()
    deadline.install(pool)
    started = time.monotonic()
    with pytest.raises(deadline.ResponseDeadline):
        deadline.within(0.5, lambda: pool.request("GET", url, timeout=2).data)
    assert time.monotonic() - started < 3.0


def test_an_answer_in_time_is_untouched(url: str) -> None:
    session = requests.Session()
    deadline.install(session)
    assert deadline.within(10.0, lambda: session.get(url, timeout=2).content) == b"x" * BODY


def test_a_request_starts_no_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # One thread keeps every deadline: a thread started per request cost each request up to
    # tens of milliseconds before it was sent, when many threads share the interpreter.
    deadline.within(10.0, lambda: None)  # the deadlines' thread, started once
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(20):
        assert deadline.within(10.0, lambda: 42) == 42
    assert started == []


def test_deadlines_are_kept_whatever_order_they_come_in(url: str) -> None:
    # A long deadline first, then a short one: the short one is kept at its time.
    session = requests.Session()
    deadline.install(session)
    ended = threading.Event()
    long_wait = threading.Thread(
        target=lambda: (deadline.within(30.0, lambda: ended.wait(10)), None), daemon=True
    )
    long_wait.start()
    time.sleep(0.05)
    started = time.monotonic()
    try:
        with pytest.raises(deadline.ResponseDeadline):
            deadline.within(0.5, lambda: session.get(url, timeout=2).content)
        assert time.monotonic() - started < 3.0
    finally:
        ended.set()
        long_wait.join(10)
