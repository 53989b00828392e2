"""Benchmark: reading, auditing and rendering a large backlog.

Times are reported as ratios to a baseline measured in the same process, a plain
`csv.reader` pass over the same export, so the figures stay comparable on a shared, noisy
machine. Run:  .venv/bin/python benchmarks/bench_audit.py [N_ITEMS]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from backlog_audit.adapters import SourceSettings
from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.source import CsvSource
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions
from backlog_audit.okrs import load_okrs
from backlog_audit.reports import csv as csv_report
from backlog_audit.reports import json as json_report

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
REFS = ["KR1.1", "KR 1.2 - Time to first green pipeline", "kr2.1", "KR2.2", "KR3.1", "O2",
        "BAU", "KR0.3", "KR9.9", "RK1.2", "Activation of tech leads", ""]  # fmt: skip
HEADER = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Status Category",
          "Project key", "Assignee", "Sprint", "Sprint", "Labels", "Parent",
          "Custom field (OKR)", "Custom field (OKR)",
          "Custom field (Story point estimate)"]  # fmt: skip


def write_export(path: Path, n: int, seed: int = 7) -> None:
    """A Jira-style export: 1 epic per 20 stories, random links, 2 sprints."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(1, n + 1):
            epic = i % 20 == 1
            parent = "" if epic else str(100000 + i - (i - 1) % 20)
            okr = rng.choice(REFS) if epic or rng.random() < 0.6 else ""
            status = rng.choice(["To Do", "In Progress", "Done"])
            out.writerow([
                f"Item {i}", f"APP-{i}", str(100000 + i), "Epic" if epic else "Story", status,
                status, "APP", f"Dev {i % 13}", f"Sprint {i % 7}", f"Sprint {i % 7 + 1}",
                rng.choice(["", "okr:KR3.1", "ux"]), parent, okr,
                rng.choice(["", "KR2.2"]), rng.choice(["", "1", "2", "3", "5", "8"]),
            ])  # fmt: skip


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """Best of `repeat` wall-clock runs."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value  # type: ignore[return-value]


def main(n: int) -> None:
    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        write_export(path, n)

        def baseline() -> int:
            with path.open(encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.reader(handle))

        base, _ = timed(baseline)
        source = CsvSource(SourceSettings(), CsvConfig(input_path=str(path)), {})
        read, backlog = timed(source.fetch)
        audited, result = timed(lambda: audit(backlog, okrs, AuditOptions()))
        as_json, _ = timed(lambda: json_report.render(result))
        as_csv, _ = timed(lambda: csv_report.tables(result))
    print(f"{n} rows, {result.summary.all.items} items audited, baseline csv.reader {base:.3f}s")
    for name, seconds in [("read export (CsvSource)", read), ("audit()", audited),
                          ("render JSON", as_json), ("render CSV tables", as_csv)]:  # fmt: skip
        print(f"  {name:26s} {seconds:7.3f}s  {seconds / base:6.1f}x baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
