"""The commit protocol of "reports + history" (output.publish, issue 14 point 1).

A history that cannot commit the run (a full disk, a quota, a file-size limit) used to be
found out after the new reports were renamed into place: exit 2, the run unrecorded, and the
earlier reports lost. Now the earlier reports are put back byte for byte.
"""

from __future__ import annotations

import csv
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from backlog_audit.history import list_runs
from backlog_audit.history.store import HistoryStore
from tests.cli_runner import JIRA, OKRS, invoke
from tests.reliability.test_bad_input import one_error_line

ASANA = str(Path(JIRA).with_name("asana-export.csv"))


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (hidden ones too: no temporary or kept file may stay)."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def audit_into(out: Path, history: Path, export: str, *formats: str, code: int = 0) -> str:
    args = ["audit", "--okrs", OKRS, "--input", export, "-o", f"{out}/", "--history", str(history)]
    for fmt in formats:
        args += ["--format", fmt]
    return invoke(args, code).stderr


def test_a_history_commit_that_fails_puts_every_earlier_report_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, history = tmp_path / "reports", tmp_path / "h.sqlite3"
    audit_into(out, history, JIRA, "json", "csv", "xlsx")
    before = snapshot(out)

    def commit_fails(self: HistoryStore) -> None:
        # what SQLite raises when its write-ahead log cannot grow on COMMIT
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(HistoryStore, "_commit", commit_fails)
    # Another export, and one more format: every report would differ, and md is new.
    result = invoke(
        ["audit", "--okrs", OKRS, "--input", ASANA, "-o", f"{out}/", "--history", str(history)]
        + ["--format", "json", "--format", "csv", "--format", "xlsx", "--format", "md"],
        2,
    )

    assert one_error_line(result) == f"backlog-audit: error: history {history}: disk I/O error"
    assert snapshot(out) == before  # byte-identical, the new md gone, nothing left aside
    assert len(list_runs(history)) == 1


def _limited(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SQLite's WAL as on Linux")
def test_a_file_size_limit_hit_by_the_history_commit_leaves_the_reports_alone(
    tmp_path: Path,
) -> None:
    # The real failure, as `ulimit -f 48` makes it: 2000 items make the history's commit
    # (its write-ahead log) pass 48 KiB, while the Markdown report stays far under it.
    export = tmp_path / "big.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "title", "type", "status", "okr"])
        writer.writerows([f"APP-{n}", f"Item {n}", "Story", "To Do", "KR1.1"] for n in range(2000))
    report, history = tmp_path / "r.md", tmp_path / "h.sqlite3"
    command = [sys.executable, "-m", "backlog_audit", "audit", "-q", "--okrs", OKRS]
    command += ["--input", str(export), "--format", "md", "-o", str(report)]
    command += ["--history", str(history)]
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    before = report.read_bytes()

    second = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=lambda: _limited(48 * 1024),
    )

    assert second.returncode == 2
    assert second.stderr.splitlines() == [
        f"backlog-audit: error: history {history}: disk I/O error"
    ]
    assert report.read_bytes() == before
    assert len(list_runs(history)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
