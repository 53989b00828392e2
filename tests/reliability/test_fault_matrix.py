"""The fault matrix (issue 14): every source through the same faults, through the CLI.

Each case starts the source's fake, runs a clean audit (JSON, Markdown and CSV reports, and
a history), injects the case's faults into the fake's paged item listing, and audits again.
Whatever the fault, the second run either recovers (retries, exit 0) or fails cleanly:

- the exit code of SPEC 8 (2 bad input, 3 a failing source) and one message line, saying
  why; no traceback;
- the earlier reports byte-identical and nothing recorded in the history;
- no secret in any output or file (reports, history).

Retry waits are recorded instead of waited, and the two hang cases shorten the one limit they
test (`adapters/settings.py`: 2 s a read, 4 s an answer) for their faulted run only, so the
whole matrix runs in seconds. Every other run keeps the real limits: with 2 s for every read, a
loaded CI machine's slow fake once failed a clean run ("did not answer within 2 s").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from backlog_audit.adapters import settings
from backlog_audit.cli import main
from backlog_audit.history import list_runs
from tests.adapters.faults import Rule, Wire
from tests.cli_runner import OKRS
from tests.reliability.sources import SOURCES, Expect, MatrixSource, Served

READ_TIMEOUT = 2.0  # the stalled request's; the other requests of that run are answered sooner
DEADLINE = 4.0  # the trickled answer's; reads keep their real timeout, a byte comes every 50 ms

NGINX_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>"
)
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Log in</title></head><body>...</body></html>"


def _in(seconds: int) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


@dataclass(frozen=True)
class Case:
    """One fault: the rules on the listing, what the tool must do, the waits it makes."""

    rules: Callable[[Mapping[str, Any]], list[Rule]]  # the listing's match -> rules
    expect: Expect
    # the waits the retries made, given the source's backoff: none, the first, all of them
    waits: Callable[[list[float], tuple[float, ...]], bool] = lambda waits, backoff: True
    # `settings` limits shortened for the faulted run (the clean run keeps the real ones)
    limits: Mapping[str, float] = field(default_factory=dict)


def _about(seconds: float) -> Callable[[list[float], tuple[float, ...]], bool]:
    return lambda waits, _: len(waits) == 1 and seconds - 2 <= waits[0] <= seconds + 1


def _exactly(expected: list[float]) -> Callable[[list[float], tuple[float, ...]], bool]:
    return lambda waits, _: waits == expected


def _first(waits: list[float], backoff: tuple[float, ...]) -> bool:
    return waits == [backoff[0]]


def _all(waits: list[float], backoff: tuple[float, ...]) -> bool:
    return waits == list(backoff)


_NONE = _exactly([])


RECOVERS = Expect(0, "")
CASES: dict[str, Case] = {
    # brief outages and rate limits: retried, the audit completes
    "500 once": Case(lambda m: [Rule(**m, status=500, body={})], RECOVERS, _first),
    "502 proxy page once": Case(
        lambda m: [Rule(**m, status=502, body=NGINX_502)], RECOVERS, _first
    ),
    "504 once": Case(lambda m: [Rule(**m, status=504, body=b"")], RECOVERS, _first),
    "503 Retry-After 7": Case(
        lambda m: [Rule(**m, status=503, body={}, headers={"Retry-After": "7"})],
        RECOVERS,
        _exactly([7.0]),
    ),
    "429 Retry-After as a date": Case(
        lambda m: [
            Rule(**m, status=429, body={}, headers={"Retry-After": format_datetime(_in(30), True)})
        ],
        RECOVERS,
        _about(30),
    ),
    "429 X-RateLimit-Reset only": Case(
        lambda m: [
            Rule(
                **m,
                status=429,
                body={},
                headers={"X-RateLimit-Reset": _in(20).isoformat(timespec="seconds")},
            )
        ],
        RECOVERS,
        _about(20),
    ),
    "connection reset once": Case(lambda m: [Rule(**m, wire=Wire.RESET)], RECOVERS, _first),
    "answer cut off once": Case(lambda m: [Rule(**m, wire=Wire.CUT)], RECOVERS, _first),
    # failures that last: exit 3 after bounded retries, or at once
    "500 for ever": Case(
        lambda m: [Rule(**m, status=500, body={}, times=None)],
        Expect(3, r"HTTP 500"),
        _all,
    ),
    "429 asking for an hour": Case(
        lambda m: [Rule(**m, status=429, body={}, headers={"Retry-After": "3600"})],
        Expect(3, r"it asks to wait 3600 s, longer than the 60 s waited"),
        _NONE,
    ),
    "connection reset for ever": Case(
        lambda m: [Rule(**m, wire=Wire.RESET, times=None)],
        Expect(3, r"broke off the connection"),
        _all,
    ),
    "401": Case(lambda m: [Rule(**m, status=401, body={})], Expect(3, r"401"), _NONE),
    "a login page with 200": Case(
        lambda m: [Rule(**m, status=200, body=LOGIN_PAGE)],
        Expect(3, r"HTML page \(Log in\)|did not answer .* with (JSON|GraphQL data)"),
        _NONE,
    ),
    "JSON cut short with 200": Case(
        lambda m: [
            Rule(
                **m,
                status=200,
                body=b'{"issues": [{"id": "1"',
                headers={"Content-Type": "application/json"},
            )
        ],
        Expect(3, r"invalid JSON|did not answer .* with (JSON|GraphQL data)"),
        _NONE,
    ),
    # hangs: the per-read timeout and the whole-answer deadline end them, without retries
    "a stalled server": Case(
        lambda m: [Rule(**m, wire=Wire.STALL, pause=8.0)],
        Expect(3, rf"did not answer .*within {READ_TIMEOUT:g} ?s"),
        _NONE,
        {"TIMEOUT": READ_TIMEOUT},
    ),
    "a body trickled byte by byte": Case(
        lambda m: [Rule(**m, wire=Wire.TRICKLE, pause=0.05)],
        Expect(3, rf"did not finish answering .*within {DEADLINE:g} s"),
        _NONE,
        {"DEADLINE": DEADLINE},
    ),
}


@pytest.fixture(autouse=True)
def _short_limits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(settings, "SLEEP", waits.append)
    return waits


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory`, hidden ones too (no temporary file may stay)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def audit(served: Served, out: Path, history: Path, env: dict[str, str] | None = None) -> Result:
    args = ["audit", "--okrs", OKRS, *served.args, "-o", f"{out}/", "--history", str(history)]
    args += ["--format", "json", "--format", "md", "--format", "csv"]
    result = CliRunner().invoke(main, args, env=env or served.env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash is never taken for an exit code
    return result


def check(
    source: MatrixSource,
    rules: Callable[[Mapping[str, Any]], list[Rule]],
    expect: Expect,
    tmp_path: Path,
    env: Callable[[Served], dict[str, str]] | None = None,
    limits: Mapping[str, float] | None = None,
) -> tuple[Result, Served]:
    """Run one case of the matrix and assert what every case must hold; returns the run.

    `limits` are `settings` shortened for the faulted run only."""
    out, history = tmp_path / "out", tmp_path / "history.sqlite3"
    with source.serve() as served:
        first = audit(served, out, history)
        assert first.exit_code == 0, first.output
        before = snapshot(out)
        for rule in rules(source.listing):
            served.rules.add(rule)
        with pytest.MonkeyPatch.context() as patch:
            for name, value in (limits or {}).items():
                patch.setattr(settings, name, value)
            result = audit(served, out, history, env(served) if env else None)
    assert result.exit_code == expect.code, result.output
    assert "Traceback" not in result.output
    if expect.code == 0:
        assert len(list_runs(history)) == 2
        if expect.fragment:
            warnings = [ln for ln in result.stderr.splitlines() if "warning:" in ln]
            assert any(expect.fragment in ln for ln in warnings), result.stderr
            # and in every report, JSON consumers' included (issue 14 point 9)
            report = json.loads((out / "backlog-audit.json").read_text(encoding="utf-8"))
            assert any(expect.fragment in w for w in report["warnings"]), report["warnings"]
            assert expect.fragment in (out / "backlog-audit.md").read_text(encoding="utf-8")
            table = (out / "backlog-audit-csv" / "warnings.csv").read_text(encoding="utf-8")
            assert expect.fragment in table
    else:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("backlog-audit: error: "), result.stderr
        assert re.search(expect.fragment, lines[0]), lines[0]
        assert snapshot(out) == before  # byte-identical, nothing added
        assert len(list_runs(history)) == 1
    files = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in served.secrets:
        assert secret not in result.output
        assert secret.encode() not in files
    return result, served


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_transport_faults(
    source: MatrixSource, case: str, tmp_path: Path, _short_limits: list[float]
) -> None:
    fault = CASES[case]
    check(source, fault.rules, fault.expect, tmp_path, limits=fault.limits)
    assert fault.waits(_short_limits, source.backoff), _short_limits


LIES = [(source, lie) for source in SOURCES for lie in source.lies]


@pytest.mark.parametrize(
    ("source", "lie"), LIES, ids=[f"{source.name}-{lie}" for source, lie in LIES]
)
def test_paging_lies(source: MatrixSource, lie: str, tmp_path: Path) -> None:
    check(source, source.lies[lie].rules, source.lies[lie].expect, tmp_path)


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_a_credential_with_a_line_break_is_named_and_nothing_is_asked(
    source: MatrixSource, tmp_path: Path
) -> None:
    # TOKEN=$(cat file) from a two-line file
    def broken(served: Served) -> dict[str, str]:
        value = served.env[source.secret_variable]
        return {**served.env, source.secret_variable: f"{value}\nsecond line"}

    result, served = check(
        source,
        lambda m: [Rule(path="/", times=None, status=500, body={})],  # nothing must be asked
        Expect(2, rf"{source.secret_variable} holds a line break \(U\+000A\) at character \d+"),
        tmp_path,
        env=broken,
    )
    assert served.rules.rules[0].applied == 0
