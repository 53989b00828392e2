"""The portfolio's HTML tables are the page's data tables (reports/html/table.py): their
figures sort as numbers, not as text ("100.0%" after "60.0%")."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_runner import EXAMPLES, invoke

CONFIG = str(EXAMPLES / "portfolio" / "backlog-audit.toml")


def test_the_team_table_and_the_matrix_sort_their_figures_as_numbers(tmp_path: Path) -> None:
    page = tmp_path / "portfolio.html"
    invoke(["audit", "--config", CONFIG, "--format", "html", "-o", str(page), "--no-history"])
    html = page.read_text(encoding="utf-8")
    teams = re.search(r'<table id="teams-table".*?</table>', html, re.S)
    matrix = re.search(r'<table id="matrix-table".*?</table>', html, re.S)
    assert teams and matrix
    # The sort script reads data-kind on the header and data-v on the cell.
    assert '<th scope="col" class="num" data-kind="num">Coverage</th>' in teams.group()
    assert '<td class="num" data-v="85.71428571428571">85.7%</td>' in teams.group()
    # A matrix cell shows items / points and sorts by its items.
    assert '<th scope="col" class="num" data-kind="num">CKR-2.1</th>' in matrix.group()
    assert '<td class="num" data-v="4.0">4 / 11</td>' in matrix.group()
