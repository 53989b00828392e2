"""Benchmark: a 3,000-issue Jira Cloud sprint, backlog-audit against the jira library (issue 15).

The fake Jira Cloud of the tests (tests/adapters/jira/fake_server.py, on 127.0.0.1) serves
one board whose active sprint holds `--issues` stories (3,000) under 30 epics outside the
sprint, and waits `--delay` (80 ms) before every answer. It runs in a process of its own, as a
real site would, and counts the requests and the bytes it sends.

Each round runs both, in alternating order so that both see the same machine load:

- ours: `backlog-audit audit --source jira --board 100 --sprint active --okrs okrs.yaml
  --format json` (in this process, through click's runner, as bench_portfolio.py does): the
  ids of the sprint, its issues in bulk fetches, the epics, the audit and the JSON report;
- theirs: the `jira` library's defaults, `JIRA(url, basic_auth=...).search_issues(jql,
  maxResults=False)` (every field, 100 issues a page, one page after another), then a pandas
  join of the issues (key, OKR, points) with the OKR set's key results.

Goals (issue 15): wall time <= 0.35x theirs; our requests <= ceil(N/100) + 5 plus the parent
fetches; our bytes <= 0.3x theirs.

Run from the repository root:  .venv/bin/python benchmarks/bench_jira_cloud.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import multiprocessing.connection
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from click.testing import CliRunner
from jira import JIRA

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backlog_audit.cli import main  # noqa: E402
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
BOARD, SPRINT, EPICS = 100, 1000, 30
KRS = ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
OKRS = """\
objectives:
  - id: O1
    title: Teams ship what matters
    key_results:
      - {id: KR1.1, title: Activation from 50% to 70%}
      - {id: KR1.2, title: Time to first audit under 5 min}
  - id: O2
    title: Customers stay
    key_results:
      - {id: KR2.1, title: Churn from 5% to 3%}
      - {id: KR2.2, title: NPS from 30 to 45}
exempt: [BAU]
"""


def site(issues: int) -> FakeJira:
    """Board 100 (project P) with an active sprint of `issues` stories, a quarter of them
    linked, a quarter BAU, half unlinked; each under one of 30 epics of project E (outside
    the sprint), two thirds of which carry a KR link."""
    epics = [
        FakeIssue(str(500000 + e), f"E-{e + 1}", f"Epic {e}", type="Epic") for e in range(EPICS)
    ]
    for e, epic in enumerate(epics):
        if e % 3:
            epic.custom[OKR_FIELD] = {"value": KRS[e % len(KRS)], "id": str(20000 + e % 4)}
    stories = []
    refs = [*KRS[:1], "BAU", None, None]
    for n in range(1, issues + 1):
        story = FakeIssue(
            str(600000 + n),
            f"P-{n}",
            f"Story {n}",
            sprints=[SPRINT],
            parent=epics[n % EPICS].id,
            labels=["team-a"] if n % 2 else [],
        )
        ref = refs[n % len(refs)] if n % 7 else KRS[n % len(KRS)]
        if ref:
            story.custom[OKR_FIELD] = {"value": ref, "id": str(20000 + n % 4), "disabled": False}
        story.custom[POINTS] = float(n % 5 + 1)
        stories.append(story)
    fields = [custom_field(OKR_FIELD, "OKR", "select"),
              custom_field(POINTS, "Story point estimate", "jsw-story-points")]  # fmt: skip
    sprint = FakeSprint(SPRINT, "Sprint 1", "active", BOARD, "2026-11-09T09:00:00.000Z")
    board = FakeBoard(BOARD, "Board", ["P"], estimation_field=POINTS)
    return FakeJira(
        "cloud", issues=epics + stories, custom_fields=fields, sprints=[sprint], boards=[board]
    )


class _Counted:
    """A handler's output stream that counts the bytes written to it."""

    sent = 0
    lock = threading.Lock()

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        with _Counted.lock:
            _Counted.sent += len(data)
        return int(self._stream.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def serve(issues: int, delay: float, conn: multiprocessing.connection.Connection) -> None:
    """The fake site in this (child) process: its URL and credentials out, then answer
    "count" with (requests, bytes sent) since the last count, until "stop"."""
    handler = fake_server._Handler
    plain_setup = handler.setup

    def setup(self: Any) -> None:
        plain_setup(self)
        self.wfile = _Counted(self.wfile)

    handler.setup = setup  # type: ignore[method-assign]
    with FakeJiraServer() as server:
        server.jira = jira = site(issues)
        jira.delay = delay
        conn.send(env_for(jira, server.url))
        while conn.recv() == "count":
            with _Counted.lock:
                conn.send((len(jira.requests), _Counted.sent, jira.most_in_flight))
                jira.requests.clear()
                _Counted.sent = 0
                jira.most_in_flight = 0


def ours(env: dict[str, str], okrs: Path, out: Path) -> None:
    args = ["audit", "--source", "jira", "--board", str(BOARD), "--sprint", "active", "--okrs",
            str(okrs), "--format", "json", "-o", str(out), "--no-history", "-q"]  # fmt: skip
    result = CliRunner().invoke(main, args, env=env)
    if result.exit_code != 0:
        raise SystemExit(f"backlog-audit: exit {result.exit_code}: {result.output}")


def theirs(env: dict[str, str], okrs: Path) -> pd.DataFrame:
    client = JIRA(env["JIRA_URL"], basic_auth=(env["JIRA_EMAIL"], env["JIRA_API_TOKEN"]))
    found = client.search_issues(f"sprint = {SPRINT}", maxResults=False)
    rows = []
    for issue in found:
        fields = issue.raw["fields"]
        okr = fields.get(OKR_FIELD) or {}
        rows.append({"key": issue.key, "okr": okr.get("value"), "points": fields.get(POINTS)})
    issues = pd.DataFrame(rows)
    data = yaml.safe_load(okrs.read_text(encoding="utf-8"))
    krs = pd.DataFrame(
        [{"kr": kr["id"], "objective": o["id"], "title": kr["title"]}
         for o in data["objectives"] for kr in o["key_results"]]
    )  # fmt: skip
    joined = issues.merge(krs, how="left", left_on="okr", right_on="kr")
    client.close()
    return joined


def timed(fn: Any, conn: multiprocessing.connection.Connection) -> tuple[float, int, int, int]:
    """Seconds, requests, bytes and most requests in flight of one run."""
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    conn.send("count")
    requests, sent, most = conn.recv()
    return elapsed, requests, sent, most


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=3000)
    parser.add_argument("--delay", type=float, default=0.08)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    conn, theirs_end = multiprocessing.Pipe()
    child = multiprocessing.Process(
        target=serve, args=(options.issues, options.delay, theirs_end), daemon=True
    )
    child.start()
    env = conn.recv()
    ratios, bytes_ratios, our_requests = [], [], []
    try:
        with tempfile.TemporaryDirectory() as folder:
            okrs = Path(folder) / "okrs.yaml"
            okrs.write_text(OKRS, encoding="utf-8")
            runs = {
                "ours": lambda: ours(env, okrs, Path(folder) / "report.json"),
                "theirs": lambda: theirs(env, okrs),
            }
            timed(runs["theirs"], conn)  # warm-up: imports, connections (not counted)
            timed(runs["ours"], conn)
            for round_ in range(options.rounds):
                order = ["ours", "theirs"] if round_ % 2 == 0 else ["theirs", "ours"]
                got = {name: timed(runs[name], conn) for name in order}
                (t_ours, r_ours, b_ours, m_ours), (t_theirs, r_theirs, b_theirs, _) = (
                    got["ours"],
                    got["theirs"],
                )
                ratios.append(t_ours / t_theirs)
                bytes_ratios.append(b_ours / b_theirs)
                our_requests.append(r_ours)
                print(f"round {round_ + 1} ({' then '.join(order)}): ours {t_ours:.2f} s, "
                      f"{r_ours} requests, {b_ours / 1e6:.2f} MB, at most {m_ours} in flight; "
                      f"theirs {t_theirs:.2f} s, {r_theirs} requests, {b_theirs / 1e6:.2f} MB; "
                      f"time {t_ours / t_theirs:.2f}x, bytes {b_ours / b_theirs:.2f}x")  # fmt: skip
    finally:
        conn.send("stop")
        child.join(5)
    budget = math.ceil(options.issues / 100) + 5
    print(f"{options.issues} issues, {options.delay * 1000:.0f} ms a request, {options.rounds} "
          f"rounds: median time {statistics.median(ratios):.2f}x (goal <= 0.35), bytes "
          f"{statistics.median(bytes_ratios):.2f}x (goal <= 0.3), requests "
          f"{statistics.median(our_requests):.0f} (budget {budget} + parent batches)")  # fmt: skip


if __name__ == "__main__":
    main_()
