"""The example portfolio's HTML report in headless Chromium: the team table's and the
matrix's figures are right-aligned, and so are their column headers (a header sits over
its numbers). Skipped, saying why, where Chromium is not installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli_runner import EXAMPLES, invoke
from tests.reports.html.browser import Browser, chromium, find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed: apt-get install chromium (.ci/run installs it)",
)
CONFIG = str(EXAMPLES / "portfolio" / "backlog-audit.toml")
# Each column's alignment, header first, then every cell: "header|cell|cell..."
ALIGNMENTS = """Array.from(document.querySelectorAll("#%s-table")[0].rows[0].cells).map(
    (th, n) => Array.from(th.closest("table").rows)
        .map(row => getComputedStyle(row.cells[n]).textAlign.replace("start", "left"))
        .join("|"))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    page = tmp_path_factory.mktemp("html") / "portfolio.html"
    invoke(["audit", "--config", CONFIG, "--format", "html", "-o", str(page), "--no-history"])
    assert CHROMIUM is not None
    with chromium(CHROMIUM) as started:
        started.open(page.as_uri())
        yield started


def test_the_matrix_headers_sit_over_their_numbers(browser: Browser) -> None:
    columns = browser.evaluate(ALIGNMENTS % "matrix")
    assert columns[0] == "left|left|left|left"  # Team
    assert columns[1:] == ["right|right|right|right"] * 5  # CKR-1.1 ... CKR-3.2


def test_the_team_tables_figures_are_right_aligned_under_their_headers(
    browser: Browser,
) -> None:
    columns = browser.evaluate(ALIGNMENTS % "teams")
    # Team, Source | Items, Coverage, Points coverage, Orphans | Uncovered KRs
    assert columns == ["left|left|left|left"] * 2 + ["right|right|right|right"] * 4 + [
        "left|left|left|left"
    ]
