"""Benchmark: issue 15's goals, each as a ratio to its baseline, in alternating rounds.

Every case runs in a fresh process (interpreter start and imports included, on both sides),
alternating with its baseline, `--rounds` times; the script prints each round's wall times,
the ratio, and each process's peak memory (ru_maxrss).

    .venv/bin/python benchmarks/bench_scale.py json  [--items 1000000] [--rounds 3]
    .venv/bin/python benchmarks/bench_scale.py stages [--items 1000000] [--rounds 3]
    .venv/bin/python benchmarks/bench_scale.py xlsx  [--items 100000]  [--rounds 3]
    .venv/bin/python benchmarks/bench_scale.py startup [--rounds 3]
    .venv/bin/python benchmarks/bench_scale.py formats [--items 100000] [--rounds 3]
    .venv/bin/python benchmarks/bench_scale.py csvtables [--items N] [--rounds 3] [--before DIR]

- json: a plain CSV export (1 epic per 50 stories, 60 distinct link values) read by the CSV
  source, audited, the JSON report written; baseline: pandas `read_csv` + `to_csv` of the
  same file (goal <= 1.0x, <= 1 GiB peak).
- stages: the json case's tool alone, each step's own peak memory (`VmHWM`, started again
  from the memory in use before each step: Linux only), and the memory in use after it.
- xlsx: a Jira export read, audited, the full workbook written; baseline: openpyxl's
  write-only mode writing the export's rows (the Items rows) alone (goal <= 0.5x). Each round
  also prints the writing alone: `render` of the prepared result against openpyxl's reading
  and writing of the rows, both timed inside their processes (imports excluded).
- formats: each report of one prepared 100,000-item result (the xlsx case's export, read
  and audited once), rendered in turn in one process, `--rounds` times: wall and CPU time.
- csvtables: the json case's export read and audited, then the CSV report's tables but
  `items.csv` (`reports.csv.tables(result, items=False)`: the fix list, the link tables...)
  timed alone, in fresh processes; with `--before DIR` (a checkout of another commit) the
  same with DIR's package, alternating, and the two reports' files compared byte for byte.
- startup: the README's first command (52 items; xlsx, md and json) end to end (goal
  <= 0.6 s), beside a bare `python -c pass` for the machine's own start-up.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKS = [f"KR{o}.{k}" for o in range(1, 4) for k in range(1, 4)]
LINKS += [f"{kr} - the title" for kr in LINKS] + ["O1", "O2 - Retention", "BAU", "KTLO", "KR0.3"]
LINKS += [f"KR{n}.9" for n in range(1, 20)] + ["RK1.2", "kr 1.2", "N/A", "TBD"]
LINKS += [f"okr:{kr}" for kr in LINKS[:12]]
LINKS = LINKS[:59] + [""]  # 60 distinct values, one of them blank
PLAIN = ["key", "title", "type", "status", "status_category", "points", "okr", "parent",
         "sprint", "assignee", "project"]  # fmt: skip
JIRA = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Status Category",
        "Project key", "Assignee", "Sprint", "Labels", "Parent", "Custom field (OKR)",
        "Custom field (Story point estimate)"]  # fmt: skip
README_COMMAND = ["audit", "--source", "csv", "--input", "examples/jira-export.csv", "--okrs",
                  "examples/okrs.yaml", "--format", "xlsx", "--format", "md", "--format",
                  "json"]  # fmt: skip


def write_plain(path: Path, n: int, seed: int = 15) -> None:
    """A plain CSV export: n items, one epic (linked or not) per 50, then its stories."""
    rng = random.Random(seed)
    categories = [("To Do", "todo"), ("In Progress", "in_progress"), ("Done", "done")]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(PLAIN)
        epic = ""
        for i in range(1, n + 1):
            status, category = rng.choice(categories)
            if i % 50 == 1:
                epic = f"APP-{i}"
                link = rng.choice(LINKS) if rng.random() < 0.7 else ""
                out.writerow([epic, f"Epic {i}", "Epic", status, category, "", link, "",
                              "", "", "APP"])  # fmt: skip
                continue
            link = rng.choice(LINKS) if rng.random() < 0.6 else ""
            out.writerow([
                f"APP-{i}", f"Story {i} of the backlog", "Story", status, category,
                rng.choice(["", "1", "2", "3", "5", "8", "0.5"]), link, epic,
                f"Sprint {i % 9}", f"Dev {i % 37}", "APP",
            ])  # fmt: skip


def write_jira(path: Path, n: int, seed: int = 15) -> None:
    """A Jira export: n issues, one epic per 50 (its stories' Parent is its id)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(JIRA)
        epic = ""
        for i in range(1, n + 1):
            first = i % 50 == 1
            epic = str(100000 + i) if first else epic
            status = rng.choice(["To Do", "In Progress", "Done"])
            out.writerow([
                f"Item {i} " + "word " * rng.randint(2, 8), f"APP-{i}", str(100000 + i),
                "Epic" if first else "Story", status, status, "APP", f"Dev {i % 37}",
                f"Sprint {i % 7}", rng.choice(["", "okr:KR3.1", "ux"]), "" if first else epic,
                rng.choice(LINKS) if first or rng.random() < 0.6 else "",
                rng.choice(["", "1", "2", "3", "5", "8"]),
            ])  # fmt: skip


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_tool(export: Path, out: Path, fmt: str) -> None:
    """Read, audit and write one report, as `backlog-audit audit` does (without the CLI)."""
    from backlog_audit.adapters import SourceSettings
    from backlog_audit.adapters.csv import CsvConfig
    from backlog_audit.adapters.csv.source import CsvSource
    from backlog_audit.core.audit import audit
    from backlog_audit.okrs import load_okrs
    from backlog_audit.reports import ReportFormat, chunks

    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    marks = [time.perf_counter()]
    backlog = CsvSource(SourceSettings(), CsvConfig(input_path=str(export)), {}).fetch()
    marks.append(time.perf_counter())
    result = audit(backlog, okrs)
    marks.append(time.perf_counter())
    with out.open("wb") as handle:  # piece by piece, as the CLI writes a streamed format
        for piece in chunks(ReportFormat(fmt), result):
            handle.write(piece)
    marks.append(time.perf_counter())
    _record(out, marks[-1] - marks[-2])
    names = ("read", "audit", fmt)
    steps = [f"{n} {b - a:.2f}s" for n, a, b in zip(names, marks[:-1], marks[1:], strict=True)]
    print(f"  tool: {', '.join(steps)}; peak {_peak_mib():.0f} MiB", flush=True)


def _memory() -> tuple[int, int]:
    """The process's memory now and at its peak since the last `_reset`, in MiB."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) // 1024
    return found["VmRSS"], found["VmHWM"]


def _reset() -> None:
    """Start the peak (`VmHWM`) again from the memory in use (Linux: `clear_refs`)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def run_stages(export: Path, out: Path) -> None:
    """`run_tool`'s json case, with each step's own peak: read, audit, JSON report."""
    from backlog_audit.adapters import SourceSettings
    from backlog_audit.adapters.csv import CsvConfig
    from backlog_audit.adapters.csv.source import CsvSource
    from backlog_audit.core.audit import audit
    from backlog_audit.okrs import load_okrs
    from backlog_audit.reports import ReportFormat, chunks

    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    shown = []
    _reset()
    start = time.perf_counter()
    backlog = CsvSource(SourceSettings(), CsvConfig(input_path=str(export)), {}).fetch()
    shown.append(("read", time.perf_counter() - start, *_memory()))
    _reset()
    start = time.perf_counter()
    result = audit(backlog, okrs)
    shown.append(("audit", time.perf_counter() - start, *_memory()))
    _reset()
    start = time.perf_counter()
    with out.open("wb") as handle:
        for piece in chunks(ReportFormat.JSON, result):
            handle.write(piece)
    shown.append(("json", time.perf_counter() - start, *_memory()))
    steps = [f"{name} {sec:.2f}s peak {peak} MiB (then {now})" for name, sec, now, peak in shown]
    peak = max(peak for _name, _sec, _now, peak in shown)
    print(f"  {'; '.join(steps)}; process peak {peak} MiB", flush=True)


def stages(items: int, rounds: int) -> None:
    """The json case's steps in fresh processes, each step's own peak memory."""
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        export, out = Path(tmp) / "export.csv", Path(tmp) / "out.json"
        write_plain(export, items)
        print(f"stages: {items:,} items, export {export.stat().st_size / 2**20:.0f} MiB")
        for n in range(1, rounds + 1):
            print(f"round {n}:", flush=True)
            subprocess.run([*me, "run", "stages", str(export), str(out)], check=True, cwd=ROOT)


def run_pandas(export: Path, out: Path) -> None:
    """The baseline of `json`: pandas reads the export and writes it back as CSV."""
    import pandas as pd

    start = time.perf_counter()
    pd.read_csv(export).to_csv(out)
    _record(out, time.perf_counter() - start)
    print(f"  pandas: peak {_peak_mib():.0f} MiB", flush=True)


def run_openpyxl(export: Path, out: Path) -> None:
    """The baseline of `xlsx`: openpyxl write-only, the export's rows alone."""
    from openpyxl import Workbook

    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Items")
    with export.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(out)
    _record(out, time.perf_counter() - start)
    print(f"  openpyxl: peak {_peak_mib():.0f} MiB", flush=True)


def _record(out: Path, seconds: float) -> None:
    """The time of the writing alone, for `compare` to read (`out` with `.seconds`)."""
    out.with_suffix(".seconds").write_text(f"{seconds}")


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT)
    return time.perf_counter() - start


def compare(case: str, items: int, rounds: int) -> None:
    """Alternate the case and its baseline in fresh processes; print times and ratios."""
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        export, out = Path(tmp) / "export.csv", Path(tmp) / "out"
        (write_plain if case == "json" else write_jira)(export, items)
        size = export.stat().st_size / 2**20
        print(f"{case}: {items:,} items, export {size:.0f} MiB", flush=True)
        baseline = "pandas" if case == "json" else "openpyxl"
        ratios, writing = [], []
        seconds = out.with_suffix(".seconds")
        for n in range(1, rounds + 1):
            tool = _timed([*me, "run", case, str(export), str(out)])
            tool_writes = float(seconds.read_text())
            base = _timed([*me, "run", baseline, str(export), str(out)])
            base_writes = float(seconds.read_text())
            ratios.append(tool / base)
            writing.append(tool_writes / base_writes)
            print(
                f"round {n}: tool {tool:.2f}s, {baseline} {base:.2f}s, ratio {tool / base:.2f}; "
                f"writing alone {tool_writes:.2f}s / {base_writes:.2f}s = {writing[-1]:.2f}"
            )
        print(f"ratios: {', '.join(f'{r:.2f}' for r in ratios)}; worst {max(ratios):.2f}")
        print(f"writing alone: {', '.join(f'{r:.2f}' for r in writing)}; worst {max(writing):.2f}")


def formats(items: int, rounds: int) -> None:
    """Every report format of one prepared result, in turn, `rounds` times (in-process)."""
    from backlog_audit.adapters import SourceSettings
    from backlog_audit.adapters.csv import CsvConfig
    from backlog_audit.adapters.csv.source import CsvSource
    from backlog_audit.core.audit import audit
    from backlog_audit.okrs import load_okrs
    from backlog_audit.reports import ReportFormat, render

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        write_jira(export, items)
        okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
        backlog = CsvSource(SourceSettings(), CsvConfig(input_path=str(export)), {}).fetch()
        result = audit(backlog, okrs)
    render(ReportFormat.XLSX, result)  # imports every writer's modules once
    for n in range(1, rounds + 1):
        shown = []
        for fmt in ReportFormat:
            wall, cpu = time.perf_counter(), time.process_time()
            size = len(render(fmt, result))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            shown.append(f"{fmt.value} {wall:.2f}s (cpu {cpu:.2f}s, {size / 2**20:.1f} MiB)")
        print(f"round {n}: " + "; ".join(shown), flush=True)
    print(f"peak {_peak_mib():.0f} MiB")


def run_csv_tables(export: Path, out: Path) -> None:
    """Read and audit, then write the CSV report's tables but `items.csv` into `out` (a
    directory), timing the tables alone."""
    import backlog_audit
    from backlog_audit.adapters import SourceSettings
    from backlog_audit.adapters.csv import CsvConfig
    from backlog_audit.adapters.csv.source import CsvSource
    from backlog_audit.core.audit import audit
    from backlog_audit.okrs import load_okrs
    from backlog_audit.reports import csv as csv_report

    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    result = audit(CsvSource(SourceSettings(), CsvConfig(input_path=str(export)), {}).fetch(), okrs)
    start = time.perf_counter()
    tables = csv_report.tables(result, items=False)
    seconds = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    for name, body in tables.items():
        (out / name).write_bytes(body)
    size = sum(len(body) for body in tables.values())
    where = Path(backlog_audit.__file__).parent.parent
    print(f"  {where}: tables {seconds:.2f}s ({size:,} bytes); peak {_peak_mib():.0f} MiB")


def csv_tables(items: int, rounds: int, before: str | None) -> None:
    """`run_csv_tables` in fresh processes, alternating with DIR's package (`before`)."""
    import filecmp
    import os

    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        write_plain(export, items)
        print(f"csvtables: {items:,} items, export {export.stat().st_size / 2**20:.0f} MiB")
        sides = [("this", None)] + ([("before", before)] if before else [])
        for n in range(1, rounds + 1):
            print(f"round {n}:", flush=True)
            for name, path in sides:
                env = os.environ | ({"PYTHONPATH": path} if path else {})
                argv = [*me, "run", "csvtables", str(export), str(Path(tmp) / name)]
                subprocess.run(argv, check=True, cwd=ROOT, env=env)
        if before:
            names = sorted(p.name for p in (Path(tmp) / "this").iterdir())
            _same, differ, _odd = filecmp.cmpfiles(Path(tmp) / "this", Path(tmp) / "before",
                                                   names, shallow=False)  # fmt: skip
            print(f"byte for byte: {len(names) - len(differ)} of {len(names)} files equal"
                  + (f"; differ: {', '.join(differ)}" if differ else ""))  # fmt: skip


def startup(rounds: int) -> None:
    """The README's first command end to end, and a bare interpreter, alternately."""
    tool = str(Path(sys.executable).with_name("backlog-audit"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, rounds + 1):
            argv = [tool, *README_COMMAND, "-o", f"{tmp}/", "--no-history", "-q"]
            seconds = _timed(argv)
            bare = _timed([sys.executable, "-c", "pass"])
            print(f"round {n}: README command {seconds:.2f}s (python -c pass {bare:.2f}s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    cases = ("json", "stages", "xlsx", "formats", "csvtables", "startup", "run")
    parser.add_argument("case", choices=cases)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="csvtables: a checkout of the commit to compare with")
    args = parser.parse_args()
    if args.case == "run":
        what, export, out = args.args
        if what == "pandas":
            run_pandas(Path(export), Path(out))
        elif what == "openpyxl":
            run_openpyxl(Path(export), Path(out))
        elif what == "stages":
            run_stages(Path(export), Path(out))
        elif what == "csvtables":
            run_csv_tables(Path(export), Path(out))
        else:
            run_tool(Path(export), Path(out), what)
    elif args.case == "stages":
        stages(args.items or 1_000_000, args.rounds)
    elif args.case == "startup":
        startup(args.rounds)
    elif args.case == "csvtables":
        csv_tables(args.items or 1_000_000, args.rounds, args.before)
    elif args.case == "formats":
        formats(args.items or 100_000, args.rounds)
    else:
        default = 1_000_000 if args.case == "json" else 100_000
        compare(args.case, args.items or default, args.rounds)


if __name__ == "__main__":
    main()
