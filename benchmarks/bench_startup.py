"""Benchmark: start-up of the command line (issue 15: the README's first command <= 0.6 s).

Alternating rounds, in one script, of a baseline (`python -c "import click"`: the least a
click command costs) and `backlog-audit --help`, `audit --help` and the README's first
command (the bundled example to xlsx, md and json). Each is a fresh process with bytecode
cached as an installed package has it. Reported: the median CPU time (user + system, less
sensitive to a shared machine's load than wall time) and its ratio to the baseline, and
the wall time (min and median). Run:  .venv/bin/python benchmarks/bench_startup.py [ROUNDS]

`--before DIR` (a venv's bin directory holding an earlier backlog-audit) adds that
version's commands to the same alternating rounds, for a before/after figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
COMMAND = str(Path(sys.executable).parent / "backlog-audit")


def commands(out: str, before: str | None) -> dict[str, list[str]]:
    named = {"baseline: import click": [sys.executable, "-c", "import click"]}
    for label, command in [("", COMMAND)] + ([("before: ", before)] if before else []):
        named.update(
            {
                f"{label}backlog-audit --help": [command, "--help"],
                f"{label}backlog-audit audit --help": [command, "audit", "--help"],
                f"{label}README's first command": [
                    command,
                    "audit",
                    "--source",
                    "csv",
                    "--input",
                    str(EXAMPLES / "jira-export.csv"),
                    "--okrs",
                    str(EXAMPLES / "okrs.yaml"),
                    "--format",
                    "xlsx",
                    "--format",
                    "md",
                    "--format",
                    "json",
                    "-o",
                    f"{out}/",
                ],
            }
        )
    return named  # fmt: skip


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(rounds: int, before: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=f"{tmp}/pycache", XDG_DATA_HOME=f"{tmp}/data")
        env.update(XDG_CONFIG_HOME=f"{tmp}/config")
        walls: dict[str, list[float]] = {}
        cpus: dict[str, list[float]] = {}
        for number in range(rounds + 1):
            order = list(commands(tmp, before).items())
            for name, command in order if number % 2 else reversed(order):
                wall, cpu = run(command, env)
                if number:  # the first round only fills the bytecode cache
                    walls.setdefault(name, []).append(wall)
                    cpus.setdefault(name, []).append(cpu)
    base = statistics.median(cpus["baseline: import click"])
    print(f"{'command':36} {'CPU median':>10} {'x baseline':>10} {'wall min':>9} {'median':>7}")
    for name in walls:
        cpu = statistics.median(cpus[name])
        print(
            f"{name:36} {cpu * 1000:8.0f} ms {cpu / base:10.1f} "
            f"{min(walls[name]) * 1000:6.0f} ms {statistics.median(walls[name]) * 1000:4.0f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=10)
    parser.add_argument("--before", metavar="DIR", help="bin directory of an earlier version")
    args = parser.parse_args()
    main(args.rounds, str(Path(args.before) / "backlog-audit") if args.before else None)
