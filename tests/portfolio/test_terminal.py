"""What a portfolio run shows on a terminal (issue 12, "Concurrency"): one progress line per
team as its fetch ends, under a real pseudo-terminal; none with -q or off a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import EXAMPLES

CONFIG = str(EXAMPLES / "portfolio" / "backlog-audit.toml")
FETCHED = {"Growth: 7 items fetched", "Onboarding: 7 items fetched", "Platform: 6 items fetched"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def on_a_terminal(tmp_path: Path, *args: str) -> list[str]:
    """Run `backlog-audit audit` with stdout and stderr on a pseudo-terminal; its lines."""
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "backlog_audit", "audit", "--config", CONFIG,
               "--no-history", "-o", f"{tmp_path}/", *args]  # fmt: skip
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary, env=env
    ) as process:
        os.close(secondary)
        output = b""
        while True:
            ready, _, _ = select.select([primary], [], [], 60)
            if not ready:
                process.kill()
                break
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal (EIO on Linux)
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0, output
    os.close(primary)
    return output.decode("utf-8").replace("\r\n", "\n").splitlines()


def plain(line: str) -> str:
    """A line without its colour codes."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line).strip()


def test_each_team_prints_one_line_when_its_fetch_ends(tmp_path: Path) -> None:
    lines = [plain(line) for line in on_a_terminal(tmp_path)]
    fetched = [line for line in lines if line.endswith("items fetched")]
    assert sorted(fetched) == sorted(FETCHED)  # one line per team, each once
    # The fetch lines come first, before the teams' coverage and the portfolio's summary.
    first_summary = next(i for i, line in enumerate(lines) if "coverage" in line)
    assert max(lines.index(line) for line in fetched) < first_summary
    assert "Growth, Onboarding, Platform: 20 items, coverage 77.8%" in "\n".join(lines)


def test_quiet_prints_no_progress_line_on_a_terminal(tmp_path: Path) -> None:
    lines = [plain(line) for line in on_a_terminal(tmp_path, "-q")]
    assert not [line for line in lines if "fetched" in line]


def test_off_a_terminal_there_is_no_progress_line(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "backlog_audit", "audit", "--config", CONFIG,
               "--no-history", "-o", f"{tmp_path}/"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert "fetched" not in done.stderr + done.stdout
    assert "Growth, Onboarding, Platform: 20 items" in done.stdout + done.stderr
