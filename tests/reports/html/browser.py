"""Headless Chromium driven over the DevTools protocol, through a pipe (no port, no library).

`--remote-debugging-pipe` makes Chromium read protocol messages from file descriptor 3 and
write its answers to descriptor 4, each a JSON text ended by a NUL byte. That is all a test
needs to open a page, watch every request it makes, run a line of script in it and click.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The path of a Chromium on this machine, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with one page; `events` holds every event it reported."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int):
        self.process = process
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: bool = True, timeout: float = 30.0) -> dict[str, Any]:  # fmt: skip
        """Call a protocol method and wait for its answer (events meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session is not None:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        """The first event `method` (already received or still to come)."""
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if "method" in reply:
                self.events.append(reply)
                if reply["method"] == method:
                    return reply

    def evaluate(self, expression: str) -> Any:
        """The value of a script expression in the page (JSON-serialisable)."""
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in answer:
            raise RuntimeError(f"script failed: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def open(self, url: str) -> None:
        """Open a tab on `url`, watching its requests and dialogs, and wait for it to load."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
            session=False,
        )  # fmt: skip
        self.session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for, in order."""
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
        ]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            # Wait for the pipe with the time left: a bare read would block for ever on a
            # Chromium that hangs, and the deadline would never be looked at again.
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._in, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(message)
        return decoded


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    """A headless Chromium that cannot reach any host: every name resolves to nowhere."""
    with tempfile.TemporaryDirectory(prefix="backlog-audit-chromium-") as profile:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        args = [
            executable,
            "--headless",
            "--no-sandbox",  # tests may run as root (CI does)
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=_pipes_as_3_and_4(to_child_r, from_child_w),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        browser = Browser(process, to_child_w, from_child_r)
        try:
            yield browser
        finally:
            _stop(browser)
            os.close(to_child_w)
            os.close(from_child_r)


def _pipes_as_3_and_4(read_end: int, write_end: int) -> Callable[[], None]:
    """In the child, before exec: its fd 3 reads our messages, its fd 4 carries its answers."""

    def arrange() -> None:
        # dup first to high numbers, so that 3 and 4 can be taken whatever the ends were.
        read_copy, write_copy = os.dup(read_end), os.dup(write_end)
        os.dup2(read_copy, 3)
        os.dup2(write_copy, 4)

    return arrange


def _stop(browser: Browser) -> None:
    with suppress(RuntimeError, TimeoutError, OSError):
        browser.send("Browser.close", session=False, timeout=5)
    try:
        browser.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        browser.process.kill()
        browser.process.wait()
