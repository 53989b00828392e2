"""Benchmark: the pure core alone, `core.audit.audit()`, at both ends of its range (issues 12, 15).

- small: a portfolio team's backlog (300 stories as the Jira source delivers them, the shape
  of bench_portfolio.py's teams), audited `--repeat` times in one process: milliseconds of
  wall and CPU time an audit, and how many engine queries one audit runs (each has a fixed
  cost, and in a portfolio the teams' audits queue behind the interpreter lock).
- large: the 1M-item plain CSV of bench_scale.py read once, then audited once in a fresh
  process per round (as a run does): seconds, and the process's peak memory.

Run from the repository root:  .venv/bin/python benchmarks/bench_core.py [small|large]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OKRS = """\
objectives:
  - id: O1
    title: Teams ship what matters
    key_results:
      - {id: KR1.1, title: Activation from 50% to 70%}
      - {id: KR1.2, title: Time to first audit under 5 min}
exempt: [BAU]
"""


def small(repeat: int) -> None:
    """Audit a 300-item team backlog `repeat` times; print the time and the query count."""
    import polars.lazyframe.engine as engine

    from backlog_audit.core.audit import audit
    from backlog_audit.model import Backlog, Item, StatusCategory
    from backlog_audit.okrs import load_okrs

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "okrs.yaml"
        path.write_text(OKRS, encoding="utf-8")
        okrs = load_okrs(str(path))
    refs = ["KR1.1", "KR1.2", "BAU", None]
    items = tuple(
        Item(id=f"1{n:05d}", key=f"P1-{n}", title=f"Story {n}", type="Story", status="To Do",
             status_category=StatusCategory.TODO, points=float(n % 5 + 1),
             references=(ref,) if (ref := refs[n % 4]) else (), sprint="Sprint 1",
             sprints=("Sprint 1",), project="P1", url=f"https://jira.test/browse/P1-{n}", level=0)
        for n in range(1, 301)
    )  # fmt: skip
    backlog = Backlog("jira", "P1", items)
    for _ in range(5):  # imports, caches
        audit(backlog, okrs)
    # Every engine query goes through one of these two methods of the in-memory engine.
    queries = 0
    local = engine._LocalEngine
    plain, every = local.collect, local.collect_all

    def counted(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            nonlocal queries
            queries += 1
            return method(*args, **kwargs)

        return call

    setattr(local, "collect", counted(plain))  # noqa: B010 (a method replaced for one audit)
    setattr(local, "collect_all", counted(every))  # noqa: B010
    audit(backlog, okrs)
    setattr(local, "collect", plain)  # noqa: B010
    setattr(local, "collect_all", every)  # noqa: B010
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        audit(backlog, okrs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"300-item audit: {wall / repeat * 1000:.2f} ms wall, {cpu / repeat * 1000:.2f} ms CPU "
          f"(mean of {repeat}); {queries} engine queries an audit")  # fmt: skip


def large_once(export: Path) -> None:
    """Read the export, audit it once; print the audit's time and the peak memory."""
    from backlog_audit.adapters import SourceSettings
    from backlog_audit.adapters.csv import CsvConfig
    from backlog_audit.adapters.csv.source import CsvSource
    from backlog_audit.core.audit import audit
    from backlog_audit.okrs import load_okrs

    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    backlog = CsvSource(SourceSettings(), CsvConfig(input_path=str(export)), {}).fetch()
    start = time.perf_counter()
    audit(backlog, okrs)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"1M-item audit: {seconds:.2f} s; process peak {peak:.0f} MiB", flush=True)


def large(rounds: int) -> None:
    """`large_once` in a fresh process per round, on the bench_scale json case's export."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_scale import write_plain

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "plain.csv"
        write_plain(export, 1_000_000)
        for _ in range(rounds):
            me = [sys.executable, str(Path(__file__).resolve()), "large-once", str(export)]
            subprocess.run(me, check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("case", choices=("small", "large", "large-once"))
    parser.add_argument("export", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.case == "small":
        small(args.repeat)
    elif args.case == "large":
        large(args.rounds)
    else:
        large_once(Path(args.export))


if __name__ == "__main__":
    main()
