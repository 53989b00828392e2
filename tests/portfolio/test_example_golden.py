"""The example portfolio's JSON, CSV, Markdown and HTML reports, byte for byte against
tests/golden/portfolio (as tests/test_example_reports.py does for the single examples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import invoke
from tests.test_example_reports import GOLDEN, ROOT, UPDATE, files_under


def test_example_portfolio_reports_match_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # as in the README
    out = tmp_path / "portfolio"
    formats = [arg for fmt in ("json", "csv", "md", "html") for arg in ("--format", fmt)]
    invoke(["audit", "--config", "examples/portfolio/backlog-audit.toml", *formats,
            "--no-history", "-q", "-o", f"{out}/"])  # fmt: skip
    produced = files_under(out)
    golden = GOLDEN / "portfolio"
    if UPDATE:
        for relative, data in produced.items():
            (golden / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden / relative).write_bytes(data)
    expected = files_under(golden)
    assert sorted(produced) == sorted(expected)
    for relative, data in produced.items():
        assert data == expected[relative], f"portfolio/{relative} differs from tests/golden"
