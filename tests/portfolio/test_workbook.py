"""The example portfolio's workbook (SPEC 11, "Reports"): the Portfolio sheet's matrix shows
each team's items and points per company KR, zeros included, as the other reports do."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.cli_runner import EXAMPLES, invoke

CONFIG = str(EXAMPLES / "portfolio" / "backlog-audit.toml")


def test_the_portfolio_sheet_shows_items_and_points_per_company_kr(tmp_path: Path) -> None:
    out = tmp_path / "portfolio.xlsx"
    invoke(["audit", "--config", CONFIG, "--format", "xlsx", "-o", str(out), "--no-history"])
    sheet = load_workbook(out)["Portfolio"]
    rows = [list(row) for row in sheet.iter_rows(min_row=1, max_row=4, values_only=True)]
    header = rows[0]
    matrix = {
        row[0]: {kr: (row[header.index(f"{kr} items")], row[header.index(f"{kr} points")])
                 for kr in ("CKR-1.1", "CKR-1.2", "CKR-2.1", "CKR-3.1", "CKR-3.2")}
        for row in rows[1:]
    }  # fmt: skip
    # The hand-worked matrix of test_example_portfolio.py
    assert matrix["Growth"]["CKR-1.1"] == (2, 7) and matrix["Growth"]["CKR-1.2"] == (2, 5)
    assert matrix["Onboarding"]["CKR-2.1"] == (4, 11) and matrix["Platform"]["CKR-3.1"] == (2, 8)
    assert matrix["Platform"]["CKR-3.2"] == (0, 0)  # zeros included
    # The items matrix, then the points matrix, each a heat map of its own.
    krs = ("CKR-1.1", "CKR-1.2", "CKR-2.1", "CKR-3.1", "CKR-3.2")
    assert header[-10:] == [f"{kr} items" for kr in krs] + [f"{kr} points" for kr in krs]
    heat = {str(rule.sqref) for rule in sheet.conditional_formatting}
    assert {"H2:L4", "M2:Q4"} <= heat  # H..L: the five items columns; M..Q: the points


def test_the_item_sheets_hold_every_teams_rows(tmp_path: Path) -> None:
    """Items, Orphaned Work and Dangling Links are written from columns (issue 15): the
    portfolio's workbook writes their rows too, the Items sheet with each item's team."""
    out = tmp_path / "portfolio.xlsx"
    invoke(["audit", "--config", CONFIG, "--format", "xlsx", "-o", str(out), "--no-history"])
    book = load_workbook(out)
    items = [list(row) for row in book["Items"].iter_rows(values_only=True)]
    assert items[0][:3] == ["Team", "Key", "Title"]
    assert len(items) > 10 and {row[0] for row in items[1:]} >= {"Growth", "Onboarding"}
    assert book["Orphaned Work"].max_row > 1 and book["Dangling Links"].max_row > 1
