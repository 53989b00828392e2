"""Ctrl-C or SIGTERM while the workbook renders (issue 14 point 6): exit 130 or 143, nothing
written, and one line at most, not the 55 lines of "Exception ignored in: <generator
WriteOnlyWorksheet._write_rows>" that openpyxl's abandoned sheets printed at exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import JIRA, OKRS

# The signal arrives as the workbook is being saved: every sheet written, none closed.
# Ctrl-C reaches a foreground job; a job started with `&` by a shell without job control (a
# CI runner or a wrapper script) inherits SIGINT ignored, and Python then installs
# no KeyboardInterrupt handler. The run is put back in the foreground's state first.
_INTERRUPTED_RENDER = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from openpyxl.workbook import workbook
SIGNAL = int(sys.argv[1])
real = workbook.Workbook.save
def save(self, target):
    os.kill(os.getpid(), SIGNAL)
    time.sleep(5)  # the signal ends the run long before
    return real(self, target)
workbook.Workbook.save = save
from backlog_audit.cli import main
sys.argv = ["backlog-audit", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_workbook_renders_exits_quietly_writing_nothing(
    tmp_path: Path, signum: int, code: int
) -> None:
    report = tmp_path / "report.xlsx"
    args = ["audit", "--okrs", OKRS, "--input", JIRA, "--format", "xlsx", "-o", str(report)]
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_RENDER, str(int(signum)), *args, "--no-history"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == code
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) <= 1, done.stderr  # "backlog-audit: interrupted"
    assert list(tmp_path.glob("*.xlsx")) == [] and not report.exists()
