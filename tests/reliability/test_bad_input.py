"""Bad input the fault matrix found accepted or crashing (issue 14): one line, exit 2.

Each test runs the CLI as a user would and checks what a user sees: the exit code, one
message line and no traceback, and that no report was written.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from tests.cli_runner import JIRA, invoke


def one_error_line(result: Result) -> str:
    """The run's single stderr line (asserted single, and no traceback anywhere)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_an_okr_set_without_any_key_result_stops_the_audit(tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yaml"
    okrs.write_text("objectives: []\n", encoding="utf-8")
    out = tmp_path / "report.json"

    result = invoke(
        ["audit", "--okrs", str(okrs), "--input", JIRA, "--format", "json", "-o", str(out)], 2
    )

    assert one_error_line(result) == (
        f"backlog-audit: error: {okrs}: no key results: an OKR set needs at least one "
        "(every link would be dangling)"
    )
    assert not out.exists()
