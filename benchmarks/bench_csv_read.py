"""Benchmark: the CSV source's read of a plain CSV export, `CsvSource(...).fetch()` (issue 15).

Fresh processes, alternating, `--rounds` times, each timing inside itself from before polars'
import (so that import counts, once, on both sides) to the end of the read:

- tool: `fetch()` of the 1,000,000-item plain CSV of `bench_scale.py json`;
- engine: polars' import and `read_csv` of the same file alone (text columns): what no
  reader built on the engine can beat, the baseline of the ratio;
- base (with `--base DIR`): `fetch()` of another checkout's package, for a before/after in
  one sitting (`mkdir DIR && git archive REF backlog_audit | tar -x -C DIR`).

Each line gives the wall time, the CPU time (all threads: steadier than the wall time on a
shared machine) and the peak memory (ru_maxrss) of one process.

    .venv/bin/python benchmarks/bench_csv_read.py [--items 1000000] [--rounds 3] [--base DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_scale import write_plain

ROOT = Path(__file__).resolve().parent.parent


def child(side: str, export: str) -> None:
    """Read `export` once and print wall, CPU and peak as JSON (runs in a fresh process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    if side == "engine":
        import polars as pl

        pl.read_csv(export, has_header=False, infer_schema=False, truncate_ragged_lines=True)
    else:
        from backlog_audit.adapters import SourceSettings
        from backlog_audit.adapters.csv import CsvConfig
        from backlog_audit.adapters.csv.source import CsvSource

        CsvSource(SourceSettings(), CsvConfig(input_path=export), {}).fetch()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak}))


def _run(side: str, export: Path, base: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if side == "base" and base:
        # Ahead of the venv's editable install of this checkout.
        env["PYTHONPATH"] = os.pathsep.join([base, env.get("PYTHONPATH", "")])
    me = [sys.executable, str(Path(__file__).resolve()), "--child", side, str(export)]
    done = subprocess.run(me, check=True, cwd=ROOT, env=env, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def compare(items: int, rounds: int, base: str | None) -> None:
    """Alternate the sides in fresh processes; print each run and the ratios."""
    sides = ["tool", "engine", *(["base"] if base else [])]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        write_plain(export, items)
        print(f"{items:,} items, export {export.stat().st_size / 2**20:.0f} MiB", flush=True)
        for n in range(1, rounds + 1):
            runs = {side: _run(side, export, base) for side in sides}
            shown = "; ".join(
                f"{side} {r['wall']:.2f}s (cpu {r['cpu']:.2f}s, peak {r['peak']:.0f} MiB)"
                for side, r in runs.items()
            )
            tool = runs["tool"]["wall"]
            ratios = ", ".join(f"/{side} {tool / runs[side]['wall']:.2f}" for side in sides[1:])
            print(f"round {n}: {shown}; tool {ratios}", flush=True)


def main() -> None:
    """Parse the command line and run the benchmark (or one side of it, `--child`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", help="a folder holding another checkout's backlog_audit")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
    else:
        compare(args.items, args.rounds, args.base)


if __name__ == "__main__":
    main()
