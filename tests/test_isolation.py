"""The suite writes nothing outside its temporary directories (issue 10).

A fixture of wider scope than a test (an audit run once for a module) used to escape the
per-test isolation and record into the real ~/.local/share/backlog-audit/history.sqlite3 of
whoever ran the suite. Here representative test files run in a child pytest whose home is an
empty folder, with no XDG variable set: the folder must stay empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import XDG_DIRS

ROOT = Path(__file__).resolve().parent.parent

# An audit in a module-scoped fixture; CLI audits and history; the history store; LibreOffice
# reading a workbook and Chromium opening the HTML report (child processes that write their
# settings under the home unless told otherwise, when installed).
REPRESENTATIVE = (
    "tests/test_examples.py",
    "tests/cli/test_history_cli.py",
    "tests/history/test_store.py",
    "tests/reports/xlsx/test_workbook.py::"
    "test_libreoffice_keeps_links_filters_formats_and_charts_on_a_round_trip",
    "tests/reports/html/test_browser.py::test_the_page_loads_with_no_request_to_any_other_host",
)


def test_the_suite_leaves_an_empty_home_empty(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in XDG_DIRS}
    env["HOME"] = str(home)

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *REPRESENTATIVE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
