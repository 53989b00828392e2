"""Recorded monday.com traffic: what each cassette holds, and how it is recorded and replayed.

Cassettes are recorded from the fake server (`python -m tests.adapters.monday.recordings`)
and replayed with `record_mode="none"`: a request the cassette does not hold fails the test.
Every request goes to the same URL, so they match on method, path and body (the query and its
variables), not host and port (the fake's port changes per run). The `Authorization` header
(the token itself, monday.com has no scheme word) never reaches the file; `API-Version` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult
from tests.adapters.monday.account import (
    GROWTH,
    PLATFORM,
    TOKEN,
    Sleeps,
    build_account,
    okrs,
    source_for,
)
from tests.adapters.monday.fake_server import FakeMonday

CASSETTES = Path(__file__).with_name("cassettes")
_SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "user-agent"]


def _stable_request(request: Any) -> Any:
    """Record the fake's ephemeral 127.0.0.1:PORT as monday.com's host, so files are stable."""
    parts = urlsplit(request.uri)
    request.uri = urlunsplit(("https", "api.monday.com", parts.path, parts.query, ""))
    return request


def _stable_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop the headers that change on every recording (Date, Server), so diffs show changes."""
    headers = response.get("headers", {})
    for name in [h for h in headers if h.lower() in ("date", "server")]:
        del headers[name]
    return response


def recorder(record_mode: str) -> vcr.VCR:
    """The one vcr configuration, for recording ("all") and replaying ("none")."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "body"],
        filter_headers=_SECRET_HEADERS,
        decode_compressed_response=True,
        before_record_request=_stable_request,
        before_record_response=_stable_response,
    )


def _boards_audit(url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(url, sleep=sleep).fetch(), okrs())


def _group_audit(url: str, sleep: Sleeps) -> AuditResult:
    source = source_for(url, boards=(GROWTH, PLATFORM), group="Sprint 12", sleep=sleep)
    return audit(source.fetch(), okrs())


def _subitems_audit(url: str, sleep: Sleeps) -> AuditResult:
    options = AuditOptions(include_types=frozenset({"subitem"}))
    source = source_for(url, sleep=sleep, include_types=options.include_types)
    return audit(source.fetch(), okrs(), options)


def _with_429(fake: FakeMonday) -> None:
    fake.inject(429, "ComplexityException", operation="Items", retry_in_seconds=7)


def _with_error_at_200(fake: FakeMonday) -> None:
    fake.inject(200, "InvalidColumnIdException", "This column ID doesn't exist for the board")


@dataclass(frozen=True)
class Scenario:
    """One cassette: the run it records, and faults injected into the fake before recording."""

    run: Callable[[str, Sleeps], Any]
    prepare: Callable[[FakeMonday], None] = lambda fake: None


SCENARIOS = {
    "monday_boards_audit": Scenario(_boards_audit),
    "monday_group_audit": Scenario(_group_audit),
    "monday_subitems_audit": Scenario(_subitems_audit),
    "monday_429_retried": Scenario(_boards_audit, _with_429),
    "monday_error_at_200": Scenario(_boards_audit, _with_error_at_200),
}


def record(name: str) -> None:
    """Record one scenario's cassette from a fresh fake server (failures are recorded too)."""
    scenario = SCENARIOS[name]
    fake = FakeMonday(build_account(), token=TOKEN)
    try:
        scenario.prepare(fake)
        path = CASSETTES / f"{name}.yaml"
        path.unlink(missing_ok=True)
        with recorder("all").use_cassette(path.name):
            try:
                scenario.run(fake.url, Sleeps())
            except Exception as exc:  # a scenario of failure records the failing answer
                print(f"{name}: {type(exc).__name__}: {exc}")
        assert not fake.schema_errors, fake.schema_errors
    finally:
        fake.close()


if __name__ == "__main__":
    CASSETTES.mkdir(exist_ok=True)
    for scenario_name in SCENARIOS:
        record(scenario_name)
        print(f"recorded {scenario_name}")
