"""Writing reports: every file atomically, stdout for `-`, nothing written on failure.

All reports are rendered to bytes before the first file is touched, and each file is written
to a temporary file beside it and then renamed over the old one, so a failed or interrupted
run never leaves a half-written report in place of a good one.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backlog_audit.errors import UsageError
from backlog_audit.model import AuditResult
from backlog_audit.reports import ReportFormat, render
from backlog_audit.reports import csv as csv_report

DEFAULT_STEM = "backlog-audit"
STDOUT = "-"


@dataclass(frozen=True)
class Planned:
    """One file (or stdout) and its bytes."""

    path: str  # "-" for stdout
    data: bytes


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan(
    result: AuditResult, formats: tuple[ReportFormat, ...], output: str | None
) -> list[Planned]:
    """Render every report and decide where each goes (SPEC 8 `-o`)."""
    formats = tuple(dict.fromkeys(formats))
    if output == STDOUT:
        if len(formats) != 1 or not formats[0].streamable:
            raise UsageError("-o - writes one json, md or csv report to stdout")
        return [Planned(STDOUT, render(formats[0], result))]
    if output is not None and len(formats) == 1:
        return _single(result, formats[0], Path(output))
    directory = Path(output) if output is not None else Path.cwd()
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"-o {output}: several formats need a directory, not a file")
    planned: list[Planned] = []
    for fmt in formats:
        planned += _in_directory(result, fmt, directory)
    return planned


def _single(result: AuditResult, fmt: ReportFormat, path: Path) -> list[Planned]:
    if fmt is ReportFormat.CSV and (path.is_dir() or path.suffix.lower() != ".csv"):
        return _csv_tables(result, path)
    if path.is_dir():
        return _in_directory(result, fmt, path)
    return [Planned(str(path), render(fmt, result))]


def _in_directory(result: AuditResult, fmt: ReportFormat, directory: Path) -> list[Planned]:
    if fmt is ReportFormat.CSV:
        return _csv_tables(result, directory / f"{DEFAULT_STEM}-csv")
    return [Planned(str(directory / f"{DEFAULT_STEM}.{fmt.value}"), render(fmt, result))]


def _csv_tables(result: AuditResult, directory: Path) -> list[Planned]:
    return [
        Planned(str(directory / name), data) for name, data in csv_report.tables(result).items()
    ]


def write(planned: list[Planned]) -> list[str]:
    """Write planned reports; returns the paths written (stdout excluded)."""
    written = []
    for report in planned:
        if report.path == STDOUT:
            sys.stdout.buffer.write(report.data)
            sys.stdout.flush()
            continue
        atomic_write(Path(report.path), report.data)
        written.append(report.path)
    return written
