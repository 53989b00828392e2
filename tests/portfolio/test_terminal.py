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


def on_a_terminal(tmp_path: Path, *args: str, config: str = CONFIG, code: int = 0) -> list[str]:
    """Run `backlog-audit audit` with stdout and stderr on a pseudo-terminal; its lines."""
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "backlog_audit", "audit", "--config", config,
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
        assert process.wait(timeout=60) == code, output
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


def test_a_failed_team_has_its_line_and_its_error_once(tmp_path: Path) -> None:
    # Platform's export is JSON but no board: a usage error found when it is read, so with
    # --keep-going the run reports the others and exits 3.
    (tmp_path / "board.json").write_text('{"not": "a board"}', encoding="utf-8")
    text = (
        Path(CONFIG)
        .read_text(encoding="utf-8")
        .replace('okrs = "okrs/', f'okrs = "{Path(CONFIG).parent}/okrs/')
    )
    text = text.replace('input = "exports/platform-trello.json"', 'input = "board.json"')
    text = text.replace('input = "exports/', f'input = "{Path(CONFIG).parent}/exports/')
    config = tmp_path / "backlog-audit.toml"
    config.write_text(text, encoding="utf-8")
    lines = [plain(line) for line in on_a_terminal(tmp_path, "--keep-going", config=str(config),
                                                   code=3)]  # fmt: skip
    progress = sorted(line for line in lines if line.endswith(("items fetched", ": failed")))
    assert progress == ["Growth: 7 items fetched", "Onboarding: 7 items fetched",
                        "Platform: failed"]  # fmt: skip
    said = [line for line in lines if "team Platform failed" in line]
    assert said == [
        "backlog-audit: team Platform failed: "
        f"{tmp_path}/board.json: JSON, but not a Trello board export: export the board with "
        "Board menu > Print and Export > JSON"
    ]
