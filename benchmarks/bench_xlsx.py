"""Benchmark: write the workbook of a synthetic 100,000-item audit.

Builds a deterministic backlog (every link state, epics to inherit from, 20 KRs), runs the
real audit on it, then renders the workbook and, for comparison, a baseline: a plain
write-only workbook holding the same table cells with no styles, links, formats or charts.

    /usr/bin/time -v .venv/bin/python benchmarks/bench_xlsx.py --mode render
    .venv/bin/python benchmarks/bench_xlsx.py --mode both

`--mode render` alone is what `/usr/bin/time -v` should measure (peak memory of the writer);
`--mode both` prints the time ratio against the baseline. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from openpyxl import Workbook

from backlog_audit.core.audit import audit
from backlog_audit.model import (
    AuditResult,
    Backlog,
    Item,
    KeyResult,
    Objective,
    OkrSet,
    StatusCategory,
    TrendPoint,
)
from backlog_audit.reports import xlsx
from backlog_audit.reports.xlsx import TABLE_SHEETS
from backlog_audit.reports.xlsx.tables import LINK

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
EPICS = 2_000
WORDS = ("invoice", "setup", "wizard", "billing", "export", "report", "onboarding", "search",
         "refund", "alert", "dashboard", "api", "latency", "mobile", "sso", "audit")  # fmt: skip


def okr_set() -> OkrSet:
    """5 objectives with 4 KRs each, a retired KR and two exempt markers."""
    objectives = tuple(
        Objective(
            id=f"O{o}",
            title=f"Objective {o}: grow {WORDS[o]} adoption",
            key_results=tuple(
                KeyResult(
                    id=f"KR{o}.{k}",
                    objective_id=f"O{o}",
                    title=f"{WORDS[k].title()} metric {o}.{k} from 10 to 20",
                    baseline=10,
                    target=20,
                    current=12,
                )  # fmt: skip
                for k in range(1, 5)
            ),
        )
        for o in range(1, 6)
    )
    return OkrSet(objectives, retired=("KR0.3",), exempt=("BAU", "KTLO"), cycle="2026-Q4")


def _references(rng: random.Random) -> tuple[str, ...]:
    """An item's own link: mostly a KR, sometimes an objective, exempt, bad, or nothing."""
    roll = rng.random()
    if roll < 0.55:
        return (f"KR{rng.randint(1, 5)}.{rng.randint(1, 4)}",)
    if roll < 0.60:
        return (f"O{rng.randint(1, 5)} - objective",)
    if roll < 0.65:
        return (rng.choice(("BAU", "KTLO")),)
    if roll < 0.68:
        return (rng.choice(("KR13", "KR9.9", "RK1.2")),)
    if roll < 0.70:
        return ("KR0.3",)
    return ()  # inherits from its epic (when the epic links) or is orphaned


def backlog(items: int, seed: int = 42) -> Backlog:
    """`items` stories under 2,000 epics; half the epics link a KR."""
    rng = random.Random(seed)
    epics = [
        Item(
            id=f"E{e}",
            key=f"EPIC-{e}",
            title=f"Epic {e}",
            type="Epic",
            level=1,
            references=(f"KR{rng.randint(1, 5)}.{rng.randint(1, 4)}",) if e % 2 else (),
            carrier_only=True,
        )  # fmt: skip
        for e in range(1, EPICS + 1)
    ]
    statuses = [
        ("To Do", StatusCategory.TODO),
        ("In Progress", StatusCategory.IN_PROGRESS),
        ("Done", StatusCategory.DONE),
    ]
    stories = []
    for n in range(1, items + 1):
        status, category = rng.choice(statuses)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        stories.append(
            Item(
                id=str(n),
                key=f"APP-{n}",
                title=title,
                type="Story",
                status=status,
                status_category=category,
                level=0,
                points=rng.choice((None, 1.0, 2.0, 3.0, 5.0, 8.0)),
                references=_references(rng),
                parent=f"E{rng.randint(1, EPICS)}",
                sprint=f"Sprint {rng.randint(40, 44)}",
                assignee=f"Person {rng.randint(1, 60)}",
                project="APP",
                url=f"https://example.atlassian.net/browse/APP-{n}",
            )  # fmt: skip
        )
    return Backlog("jira", "project = APP", tuple(epics + stories), supports_jql=True)


def synthetic_result(items: int) -> AuditResult:
    """The real audit of the synthetic backlog, with a 6-run history for the Trend sheet."""
    result = audit(backlog(items), okr_set(), now=NOW)
    trend = tuple(
        TrendPoint(NOW - timedelta(weeks=w), items, 0.5 + w / 100, 0.55 + w / 100, 1000 * w)
        for w in range(6, 0, -1)
    )
    return replace(result, trend=trend)


def baseline(result: AuditResult) -> bytes:
    """The same table cells in a plain write-only workbook: no styles, links or charts."""
    wb = Workbook(write_only=True)
    for build in TABLE_SHEETS:
        table = build(result)
        ws = wb.create_sheet(table.title)
        ws.append([c.header for c in table.columns])
        # A big table holds its rows as columns (issue 15): the same cells, as rows.
        rows = table.rows if table.frame is None else table.frame.drop(LINK, strict=False).rows()
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def timed(label: str, work: Callable[[], bytes]) -> tuple[float, bytes]:
    """Run `work`, print its time and output size, return both."""
    start = time.perf_counter()
    data = work()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s, {len(data) / 1e6:.1f} MB")
    return seconds, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--mode", choices=("render", "baseline", "both"), default="both")
    parser.add_argument("--out", type=Path, help="also save the rendered workbook here")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    result = synthetic_result(args.items)
    summary = result.summary
    print(f"audit of {summary.all.items:,} items: {time.perf_counter() - start:.1f} s "
          f"(coverage {summary.all.coverage:.1%}, {summary.orphaned_items:,} orphaned, "
          f"{len(result.dangling_links):,} dangling links)")  # fmt: skip
    rendered = plain = 0.0
    if args.mode in ("render", "both"):
        rendered, workbook = timed("workbook (render)", lambda: xlsx.render(result))
        if args.out:
            args.out.write_bytes(workbook)
    if args.mode in ("baseline", "both"):
        plain, _ = timed("baseline (plain write-only, same cells)", lambda: baseline(result))
    if rendered and plain:
        print(f"ratio render / baseline: {rendered / plain:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
