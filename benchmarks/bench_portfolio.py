"""Benchmark: a portfolio of 10 teams against one slow Jira site (issue 12).

The fake Jira of the tests (tests/adapters/jira/fake_server.py, on 127.0.0.1) serves 10
boards, each with an active sprint of 300 stories, and waits `--delay` (80 ms) before every
answer. It runs in a process of its own, as a real site would: in the audit's process its
JSON encoding would compete with the audit for the interpreter. Each round audits every
team alone (`backlog-audit audit --source jira --board N --sprint active`), then the
portfolio of all ten (`--config` with [[teams]]), alternating rounds so that both see the
same machine load. The figure is the portfolio's time over the
slowest single team's in the same round; the budget is 1.5.

The fake listens with a backlog of 128 connections, as a real site's front end does: with
socketserver's default of 5, the portfolio's first burst of connections (10 teams, then up to
5 bulk fetches each) overflowed the listen queue, and every dropped SYN cost its team the
kernel's 1 s retransmission wait. The script prints how many SYNs were dropped (Linux): a
round with drops measures the harness, not the tool. The fake finds an issue by id or key
through an index (a scan of 3,000 issues per bulk-fetched issue cost its process about half a
second of CPU per portfolio run, taken from the two cores the audit runs on).

The fake answers a request it answered before (the same method, target, body and
credentials) with the answer it gave then, encoded once: the site does not change during a
run, and its work for an answer (evaluating a JQL search over its 3,000 issues, rendering and
encoding a bulk fetch of 100) is a real site's own, on its own machines, where the fake's
took 0.14 s of CPU a portfolio run and 0.017 s a single team's from the two cores the audit
runs on. Single teams and the portfolio send the same requests (a team's search, its bulk
fetches): an untimed round first (which also takes the interpreter's imports out of the
figures), then both are answered from memory alike.

With `--site-work-in-delay` (a diagnosis, not the figure of issue 12), the fake's own work
for an answer it has not given before (a search over its 3,000 issues: about 4 ms; rendering
a bulk fetch: about 2 ms) happens during the 80 ms instead of after them.

With `--site-limit N` (a diagnosis, not the figure of issue 12), the portfolio may have N
requests in flight on the site instead of `teams.fetch.SITE_LIMITS["jira"]` (10): ten teams
send 62 requests, which 10 slots take in at least 7 rounds of the site's latency, where a
team alone needs 4 (docs/benchmarks.md). With `--timeline` (a diagnosis), one more portfolio
run after the rounds prints, for each kind of request, when they were asked for (a site
slot may then still be waited for) and answered, and when the steps after the fetches (each
team's audit, the roll-up, the write) ran.

Run from the repository root:  .venv/bin/python benchmarks/bench_portfolio.py --rounds 5
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backlog_audit.cli import main  # noqa: E402
from backlog_audit.teams.fetch import SITE_LIMITS  # noqa: E402
from tests.adapters import faults  # noqa: E402
from tests.adapters.faults import Answer, RawRequest  # noqa: E402
from tests.adapters.jira import fake_server  # noqa: E402
from tests.adapters.jira.conftest import env_for  # noqa: E402
from tests.adapters.jira.fake_server import (  # noqa: E402
    FakeBoard,
    FakeIssue,
    FakeJira,
    FakeJiraServer,
    FakeSprint,
    custom_field,
)

OKR_FIELD, POINTS = "customfield_10100", "customfield_10016"
TEAMS, ISSUES = 10, 300
OKRS = """\
objectives:
  - id: O1
    title: Teams ship what matters
    key_results:
      - {id: KR1.1, title: Activation from 50% to 70%}
      - {id: KR1.2, title: Time to first audit under 5 min}
exempt: [BAU]
"""


def site() -> FakeJira:
    """10 boards (projects P0..P9), each with an active sprint of 300 linked stories."""
    issues, boards, sprints = [], [], []
    refs = ["KR1.1", "KR1.2", "BAU", None]
    for team in range(TEAMS):
        project, board, sprint = f"P{team}", 100 + team, 1000 + team
        boards.append(FakeBoard(board, f"Board {team}", [project]))
        sprints.append(
            FakeSprint(sprint, f"Sprint {team}", "active", board, "2026-11-09T09:00:00.000Z")
        )
        for n in range(1, ISSUES + 1):
            issue = FakeIssue(f"{team}{n:05d}", f"{project}-{n}", f"Story {n}", sprints=[sprint])
            ref = refs[n % len(refs)]
            if ref:
                issue.custom[OKR_FIELD] = {
                    "value": ref,
                    "id": str(20000 + n % 4),
                    "disabled": False,
                }
            issue.custom[POINTS] = float(n % 5 + 1)
            issues.append(issue)
    fields = [custom_field(OKR_FIELD, "OKR", "select"),
              custom_field(POINTS, "Story point estimate", "jsw-story-points")]  # fmt: skip
    return FakeJira("cloud", issues=issues, custom_fields=fields, sprints=sprints, boards=boards)


def remember_answers() -> None:
    """Answer a request the fake answered before with the same answer, encoded once (this
    process only; see the module docstring)."""
    answers: dict[tuple[str, str, bytes, str], Answer] = {}
    encoded: dict[int, Answer] = {}  # by the id of a remembered answer's body (kept alive)
    answer, encode = fake_server._Handler._answer, faults._encode

    def remembered(handler: Any, jira: FakeJira, method: str, request: RawRequest) -> Answer:
        key = (method, *request, handler.headers.get("Authorization", ""))
        found = answers.get(key)
        if found is None:
            found = answer(handler, jira, method, request)
            encoded[id(found[1])] = encode(*found)
            answers[key] = found
        return found

    def encoded_once(status: int, body: Any, headers: dict[str, str]) -> Answer:
        return encoded.get(id(body)) or encode(status, body, headers)

    fake_server._Handler._answer = remembered  # type: ignore[method-assign]
    faults._encode = encoded_once


def work_in_delay(delay: float) -> None:
    """Make the fake's answers due `delay` after their request arrived, its own work for them
    included (`--site-work-in-delay`; this process only)."""
    arrivals = threading.local()
    serve_request, answer = fake_server._Handler._serve, fake_server._Handler._answer

    def timed_serve(handler: Any, method: str) -> None:
        arrivals.at = time.monotonic()
        serve_request(handler, method)

    def answer_when_due(handler: Any, jira: FakeJira, method: str, request: Any) -> Any:
        found = answer(handler, jira, method, request)
        time.sleep(max(0.0, delay - (time.monotonic() - arrivals.at)))
        return found

    fake_server._Handler._serve = timed_serve  # type: ignore[method-assign]
    fake_server._Handler._answer = answer_when_due  # type: ignore[method-assign]


def serve(delay: float, conn: multiprocessing.connection.Connection, in_delay: bool) -> None:
    """The fake site in this (child) process: its URL and credentials out, then serve until
    told to stop, and report the most requests it answered at once."""
    fake_server._Server.request_queue_size = 128  # see the module docstring: no dropped SYNs
    remember_answers()  # first: with `in_delay`, a remembered answer still waits its delay
    if in_delay:
        work_in_delay(delay)
    with FakeJiraServer() as server:
        server.jira = jira = site()
        jira.delay = 0.0 if in_delay else delay
        conn.send(env_for(jira, server.url))
        conn.recv()  # stop
        conn.send(jira.most_in_flight)


def dropped_syns() -> int | None:
    """SYNs the kernel dropped because a listen queue was full, so far (None: not Linux)."""
    try:
        lines = Path("/proc/net/netstat").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            counters = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(counters.get("ListenDrops", 0))
    return None


def timeline(args: list[str], env: dict[str, str]) -> None:
    """One more portfolio run, each request and each step after the fetches timed from the
    start (`--timeline`, a diagnosis): when each kind of request was sent and answered."""
    import backlog_audit.teams.run as team_run
    from backlog_audit.adapters.jira.http import JiraHttp

    events: list[tuple[str, float, float]] = []
    start = [0.0]

    def timing(fn: Any, label: Any) -> Any:
        def call(*a: Any, **k: Any) -> Any:
            began = time.perf_counter() - start[0]
            try:
                return fn(*a, **k)
            finally:
                events.append((label(*a), began, time.perf_counter() - start[0]))

        return call

    request = JiraHttp._request
    kind = lambda _, __, path, *a: path.rsplit("/", 1)[-1]  # noqa: E731
    JiraHttp._request = timing(request, kind)  # type: ignore[method-assign]
    steps = {name: getattr(team_run, name) for name in ("audit", "portfolio", "publish")}
    for name, fn in steps.items():
        setattr(team_run, name, timing(fn, lambda *a, name=name: name))
    try:
        start[0], cpu = time.perf_counter(), time.process_time()
        total = timed(args, env)
        cpu = time.process_time() - cpu
    finally:
        JiraHttp._request = request  # type: ignore[method-assign]
        for name, fn in steps.items():
            setattr(team_run, name, fn)
    print(f"timeline: {total:.3f} s, {cpu:.3f} s of CPU in this process")
    for kind in dict.fromkeys(label for label, _, _ in sorted(events, key=lambda e: e[1])):
        sent = [b for label, b, _ in events if label == kind]
        done = sorted(e for label, _, e in events if label == kind)
        tens = ", ".join(f"{done[i]:.3f}" for i in range(9, len(done), 10))
        tens = f" (10th, 20th...: {tens})" if tens else ""
        print(f"  {kind:<14} x{len(sent):<3} from {min(sent):.3f}-{max(sent):.3f} s "
              f"to {done[0]:.3f}-{done[-1]:.3f} s{tens}")  # fmt: skip


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(main, args, env=env)
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"exit {result.exit_code}: {result.output}")
    return elapsed


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.08)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--site-work-in-delay", action="store_true")
    parser.add_argument("--site-limit", type=int, default=None)
    parser.add_argument("--timeline", action="store_true")
    options = parser.parse_args()
    if options.site_limit is not None:  # a diagnosis, not the figure of issue 12
        SITE_LIMITS["jira"] = options.site_limit
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(
        target=serve, args=(options.delay, theirs, options.site_work_in_delay), daemon=True
    )
    child.start()
    env = ours.recv()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "okrs.yaml").write_text(OKRS, encoding="utf-8")
        teams = "".join(
            f'\n[[teams]]\nname = "Team {t}"\nsource = "jira"\nboard = {100 + t}\n'
            'sprint = "active"\n'
            for t in range(TEAMS)
        )
        config = tmp / "portfolio.toml"
        config.write_text(f'okrs = "okrs.yaml"\nformat = ["json"]\n{teams}', encoding="utf-8")
        common = ["--no-history", "-q", "--format", "json"]
        ratios, slowest_all, portfolio_all = [], [], []
        drops_before = dropped_syns()

        def single(t: int) -> list[str]:
            board = ["--source", "jira", "--board", str(100 + t), "--sprint", "active"]
            out = ["--okrs", str(tmp / "okrs.yaml"), "-o", str(tmp / f"t{t}.json")]
            return ["audit", *board, *out, *common]

        whole_run = ["audit", "--config", str(config), "--jobs", str(options.jobs),
                     "-o", str(tmp / "portfolio.json"), *common]  # fmt: skip
        # An untimed round first: the interpreter's imports, and the fake's first answer to
        # each request (see the module docstring), are in no round's figures.
        for t in range(TEAMS):
            timed(single(t), env)
        timed(whole_run, env)
        for round_ in range(options.rounds):
            singles = [timed(single(t), env) for t in range(TEAMS)]
            whole = timed(whole_run, env)
            slowest = max(singles)
            ratios.append(whole / slowest)
            slowest_all.append(slowest)
            portfolio_all.append(whole)
            print(f"round {round_ + 1}: slowest team {slowest:.2f} s, "
                  f"portfolio {whole:.2f} s, ratio {whole / slowest:.2f}")  # fmt: skip
        if options.timeline:
            timeline(whole_run, env)
        ours.send("stop")
        in_flight = ours.recv()
        drops_after = dropped_syns()
        if drops_before is not None and drops_after is not None:
            print(
                f"SYNs dropped by full listen queues on this machine: {drops_after - drops_before}"
            )
        print(f"jobs {options.jobs}, delay {options.delay * 1000:.0f} ms, most requests in flight "
              f"{in_flight}: median ratio {statistics.median(ratios):.2f} "
              f"(slowest team {statistics.median(slowest_all):.2f} s, portfolio "
              f"{statistics.median(portfolio_all):.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main_()
