"""Fault injection for the fake servers: one rule list, the same faults for every source.

A fake keeps a `Faults` and answers each request through `serve`. The first rule that matches
the request (its path contains `Rule.path`, its body `Rule.body_contains`, its method is
`Rule.method`, after `skip` matches let through, at most `times` times) changes the answer:

- `request`: rewrites the request before the fake sees it (`drop_param("startAt")`: a server
  that ignores paging and sends the first page again);
- `status`, `body`, `headers`: the answer instead of the fake's own (a 503, a proxy's HTML
  page, a 429 with `Retry-After`); `headers` alone are added to the fake's own answer;
- `transform`: rewrites the JSON of the fake's own answer (an empty page that says more
  follow, a fresh page token forever, a total that does not match);
- `wire`: how the answer travels. `RESET` closes the connection with a TCP reset instead of
  answering; `CUT` sends the headers and half the body, then closes; `STALL` holds the request
  for `pause` seconds and closes without a byte; `TRICKLE` sends the body a byte every `pause`
  seconds.

Waits end early when `Faults.release()` is called (a fixture does it at teardown), so a
stalled server thread never outlives its test by long.
"""

from __future__ import annotations

import enum
import itertools
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

Json = Any
# What a fake answers a request with: (status, JSON value or raw bytes, headers).
Answer = tuple[int, Json | bytes, dict[str, str]]
# A request as it reaches the fake: (target: path and query, body bytes).
RawRequest = tuple[str, bytes]


class Wire(enum.Enum):
    """How an answer travels back (see the module docstring)."""

    ANSWER = "answer"
    RESET = "reset"
    CUT = "cut"
    STALL = "stall"
    TRICKLE = "trickle"


@dataclass
class Rule:
    """One fault; see the module docstring. `times=None`: every matching request."""

    path: str = ""
    method: str | None = None
    body_contains: bytes = b""  # a fragment of the request body (one GraphQL endpoint)
    skip: int = 0
    times: int | None = 1
    status: int | None = None
    body: Json | bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    request: Callable[[RawRequest], RawRequest] | None = None
    transform: Callable[[Json], Json] | None = None
    wire: Wire = Wire.ANSWER
    pause: float = 0.0
    applied: int = 0  # requests this rule changed so far

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        """Whether the rule is for this request (ignoring skip and times)."""
        if self.body_contains not in body:
            return False
        return self.path in path and (self.method is None or self.method == method)


@dataclass
class Faults:
    """The rules of one fake, in the order they are tried; thread-safe."""

    rules: list[Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _released: threading.Event = field(default_factory=threading.Event, repr=False)
    _seen: dict[int, int] = field(default_factory=dict, repr=False)

    def add(self, rule: Rule | None = None, **fields: Any) -> Rule:
        """Add a rule (built from `fields` when none is given); returns it."""
        made = rule if rule is not None else Rule(**fields)
        with self._lock:
            self.rules.append(made)
        return made

    def pick(self, method: str, path: str, body: bytes = b"") -> Rule | None:
        """The rule that applies to this request, counted as applied; None: answer normally."""
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path, body):
                    continue
                seen = self._seen.get(id(rule), 0)
                self._seen[id(rule)] = seen + 1
                if seen < rule.skip:
                    continue
                if rule.times is not None and rule.applied >= rule.times:
                    continue
                rule.applied += 1
                return rule
        return None

    def release(self) -> None:
        """End every stall and trickle now (test teardown)."""
        self._released.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when released meanwhile."""
        return self._released.wait(seconds)


def serve(
    handler: BaseHTTPRequestHandler,
    faults: Faults,
    method: str,
    raw: RawRequest,
    answer: Callable[[RawRequest], Answer],
) -> None:
    """Answer one request through `faults`: `answer(raw)` is the fake's own answer."""
    path = urlsplit(raw[0]).path
    rule = faults.pick(method, path, raw[1])
    if rule is None:
        _send(handler, faults, None, *_encode(*answer(raw)))
        return
    if rule.wire is Wire.RESET:
        _reset(handler)
        return
    if rule.wire is Wire.STALL:
        faults.wait(rule.pause)
        handler.close_connection = True
        return
    if rule.request is not None:
        raw = rule.request(raw)
    if rule.status is not None:
        status, body, headers = rule.status, rule.body, dict(rule.headers)
    else:
        status, body, headers = answer(raw)
        if rule.transform is not None and status == 200 and not isinstance(body, bytes):
            body = rule.transform(body)
        headers = {**headers, **rule.headers}
    _send(handler, faults, rule, *_encode(status, body, headers))


def _encode(status: int, body: Json | bytes | None, headers: dict[str, str]) -> Answer:
    if body is None:
        return status, b"", headers
    if isinstance(body, bytes):
        kind = "text/html; charset=UTF-8"
        data = body
    else:
        kind = "application/json; charset=UTF-8"
        data = json.dumps(body).encode()
    if not any(name.casefold() == "content-type" for name in headers):
        headers = {"Content-Type": kind, **headers}
    return status, data, headers


def _send(
    handler: BaseHTTPRequestHandler,
    faults: Faults,
    rule: Rule | None,
    status: int,
    data: Json | bytes,
    headers: dict[str, str],
) -> None:
    assert isinstance(data, bytes)
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    wire = rule.wire if rule is not None else Wire.ANSWER
    try:
        if wire is Wire.CUT:
            handler.wfile.write(data[: len(data) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
        elif wire is Wire.TRICKLE:
            assert rule is not None
            handler.wfile.flush()
            for index in range(len(data)):
                handler.wfile.write(data[index : index + 1])
                handler.wfile.flush()
                if faults.wait(rule.pause):
                    break
            handler.close_connection = True
        else:
            handler.wfile.write(data)
    except OSError:  # the client gave up (a deadline, a reset): nobody is listening
        handler.close_connection = True


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0), before a byte of answer."""
    handler.close_connection = True
    conn = handler.connection
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


# --- request rewrites and answer transforms used by the matrix --------------------------------


def drop_param(*names: str) -> Callable[[RawRequest], RawRequest]:
    """A server that ignores these paging parameters: removed from the query and JSON body."""

    def rewrite(raw: RawRequest) -> RawRequest:
        target, body = raw
        parts = urlsplit(target)
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names
        ]
        target = urlunsplit(parts._replace(query=urlencode(query)))
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                return target, body
            if isinstance(decoded, dict):
                body = json.dumps({k: v for k, v in decoded.items() if k not in names}).encode()
        return target, body

    return rewrite


def fresh_tokens(prefix: str = "fresh") -> Iterator[str]:
    """Page tokens never seen before: `fresh-1`, `fresh-2`, ..."""
    return (f"{prefix}-{n}" for n in itertools.count(1))
