"""Recorded Asana traffic: what each cassette holds, and how it is recorded and replayed.

Cassettes are recorded from the fake server (`python -m tests.adapters.asana.recordings`)
and replayed with `record_mode="none"`: a request the cassette does not hold fails the test.
They match on method, path, query and body (a batch names its tasks in the body), not host
and port (the fake's port changes per run).
The auth header, cookies and the SDK's client-description header never reach the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr

from backlog_audit.adapters import parallel
from backlog_audit.adapters.asana.goals import load_goal_okrs
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult
from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import (
    POINTS,
    TOKEN,
    Sleeps,
    build_workspace,
    file_okrs,
    source_for,
)

CASSETTES = Path(__file__).with_name("cassettes")
GOALS = "asana-goals:1000:6001"
_SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "x-asana-client-lib", "user-agent"]


def _stable_request(request: Any) -> Any:
    """Record the fake's ephemeral 127.0.0.1:PORT as Asana's host, so recordings are stable."""
    parts = urlsplit(request.uri)
    request.uri = urlunsplit(("https", "app.asana.com", parts.path, parts.query, ""))
    return request


def _stable_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop the headers that change on every recording (Date, Server), so diffs show changes."""
    headers = response.get("headers", {})
    for name in [h for h in headers if h.lower() in ("date", "server")]:
        del headers[name]
    return response


@contextmanager
def cassette(record_mode: str, name: str) -> Iterator[Any]:
    """Record or replay `name`, one request at a time: vcrpy's patched connection pool is not
    safe for requests from several threads (a replay of the source's parallel reads hung in
    its `_get_conn`), and a recording is of the requests, not of their overlap."""
    workers = parallel.WORKERS
    parallel.WORKERS = 1
    try:
        with recorder(record_mode).use_cassette(name) as played:
            yield played
    finally:
        parallel.WORKERS = workers


def recorder(record_mode: str) -> vcr.VCR:
    """The one vcr configuration, for recording ("all") and replaying ("none")."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query", "body"],  # body: which tasks a batch reads
        filter_headers=_SECRET_HEADERS,
        filter_query_parameters=["access_token", "token"],
        decode_compressed_response=True,
        before_record_request=_stable_request,
        before_record_response=_stable_response,
    )


def _project_audit(base_url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(base_url, sleep).fetch(), file_okrs())


def _section_audit(base_url: str, sleep: Sleeps) -> AuditResult:
    return audit(source_for(base_url, sleep, asana_section="Sprint 12").fetch(), file_okrs())


def _goals_audit(base_url: str, sleep: Sleeps) -> AuditResult:
    env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": base_url}
    okrs = load_goal_okrs(GOALS, env, sleep=sleep)
    return audit(source_for(base_url, sleep, okr_field="Goal", okrs=GOALS).fetch(), okrs)


def _no_inherit_audit(base_url: str, sleep: Sleeps) -> AuditResult:
    options = AuditOptions(inherit=False)
    return audit(source_for(base_url, sleep, inherit=False).fetch(), file_okrs(), options)


def _subtasks_audit(base_url: str, sleep: Sleeps) -> AuditResult:
    options = AuditOptions(include_types=frozenset({"subtask"}))
    source = source_for(base_url, sleep, include_types=options.include_types)
    return audit(source.fetch(), file_okrs(), options)


def _with_subtask(fake: FakeAsana) -> None:
    """A subtask of 4001 that is in no project: only its parent's subtask listing has it."""
    fake.data.add_task("4101", "Draft checklist", parent="4001", values={POINTS: 1})


def _with_429(fake: FakeAsana) -> None:
    fake.inject(429, times=1, retry_after="2", path="/projects/2002/tasks")


def _with_401(fake: FakeAsana) -> None:
    fake.inject(401, times=1)


@dataclass(frozen=True)
class Scenario:
    """One cassette: the run it records, and faults injected into the fake before recording."""

    run: Callable[[str, Sleeps], Any]
    prepare: Callable[[FakeAsana], None] = lambda fake: None


SCENARIOS = {
    "asana_project_audit": Scenario(_project_audit),
    "asana_section_audit": Scenario(_section_audit),
    "asana_goals_audit": Scenario(_goals_audit),
    "asana_no_inherit_audit": Scenario(_no_inherit_audit),
    "asana_subtasks_audit": Scenario(_subtasks_audit, _with_subtask),
    "asana_429_retried": Scenario(_project_audit, _with_429),
    "asana_401": Scenario(_project_audit, _with_401),
}


def record(name: str) -> None:
    """Record one scenario's cassette from a fresh fake server (failures are recorded too)."""
    scenario = SCENARIOS[name]
    fake = FakeAsana(build_workspace(), token=TOKEN)
    try:
        scenario.prepare(fake)
        path = CASSETTES / f"{name}.yaml"
        path.unlink(missing_ok=True)
        with cassette("all", path.name):
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
