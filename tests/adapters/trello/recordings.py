"""Recorded Trello traffic: what each cassette holds, and how it is recorded and replayed.

Cassettes are recorded from the fake server (`python -m tests.adapters.trello.recordings`)
and replayed with `record_mode="none"`: a request the cassette does not hold fails the test.
They match on method, path and query, not host and port (the fake's port changes per run).
The `Authorization` header (which carries the key and token), cookies and the user agent never
reach the file, nor would `key` and `token` query parameters (the source sends none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr

from backlog_audit.adapters.interface import FieldInfo
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditResult
from tests.adapters.trello.boards import (
    KEY,
    MOBILE,
    PLATFORM,
    TOKEN,
    Sleeps,
    all_boards,
    okr_set,
    source_for,
)
from tests.adapters.trello.fake_server import FakeTrello

CASSETTES = Path(__file__).with_name("cassettes")
_SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "user-agent"]


def _stable_request(request: Any) -> Any:
    """Record the fake's ephemeral 127.0.0.1:PORT as Trello's host, so recordings are stable."""
    parts = urlsplit(request.uri)
    request.uri = urlunsplit(("https", "api.trello.com", parts.path, parts.query, ""))
    return request


def _stable_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop the headers that change on every recording (Date, Server)."""
    headers = response.get("headers", {})
    for name in [h for h in headers if h.lower() in ("date", "server")]:
        del headers[name]
    return response


def recorder(record_mode: str) -> vcr.VCR:
    """The one vcr configuration, for recording ("all") and replaying ("none")."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query"],
        filter_headers=_SECRET_HEADERS,
        filter_query_parameters=["key", "token"],
        decode_compressed_response=True,
        before_record_request=_stable_request,
        before_record_response=_stable_response,
    )


def _growth(base_url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(base_url, sleep=sleep).fetch(), okr_set())


def _platform(base_url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(base_url, PLATFORM, sleep=sleep).fetch(), okr_set())


def _mobile(base_url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(base_url, MOBILE, sleep=sleep).fetch(), okr_set())


def _fields(base_url: str, sleep: Sleeps) -> list[FieldInfo]:
    return source_for(base_url, sleep=sleep).fields()


def _with_429(fake: FakeTrello) -> None:
    fake.inject(429, times=1, path="/cards")


def _with_401(fake: FakeTrello) -> None:
    fake.token = "a-token-trello-does-not-know"


@dataclass(frozen=True)
class Scenario:
    """One cassette: the run it records, and what is done to the fake before recording."""

    run: Callable[[str, Sleeps], Any]
    prepare: Callable[[FakeTrello], None] = lambda fake: None


SCENARIOS = {
    "trello_growth_audit": Scenario(_growth),
    "trello_platform_audit": Scenario(_platform),
    "trello_mobile_audit": Scenario(_mobile),
    "trello_fields": Scenario(_fields),
    "trello_429_retried": Scenario(_growth, _with_429),
    "trello_401": Scenario(_growth, _with_401),
}


def record(name: str) -> None:
    """Record one scenario's cassette from a fresh fake server (failures are recorded too)."""
    scenario = SCENARIOS[name]
    fake = FakeTrello(all_boards(), key=KEY, token=TOKEN)
    try:
        scenario.prepare(fake)
        path = CASSETTES / f"{name}.yaml"
        path.unlink(missing_ok=True)
        with recorder("all").use_cassette(path.name):
            try:
                scenario.run(fake.base_url, Sleeps())
            except Exception as exc:  # a scenario of failure records the failing answer
                print(f"{name}: {type(exc).__name__}: {exc}")
    finally:
        fake.close()


if __name__ == "__main__":
    CASSETTES.mkdir(exist_ok=True)
    for scenario_name in SCENARIOS:
        record(scenario_name)
        print(f"recorded {scenario_name}")
