"""The portfolio's CSV tables: the single audit's, over all items with a `teams` column,
plus `teams.csv`, `matrix.csv` and `unaligned.csv` (SPEC 11)."""

from __future__ import annotations

from typing import Any

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports import csv as single
from backlog_audit.reports.portfolio.json import portfolio_dict

EXTRA_TABLES = ("teams.csv", "matrix.csv", "unaligned.csv")
TEAM_COLUMNS = (
    "name",
    "source",
    "scope",
    "okrs",
    "items",
    "linked_items",
    "coverage",
    "points",
    "linked_points",
    "points_coverage",
    "orphaned_items",
    "uncovered_key_results",
    "error",
)


def team_rows(result: PortfolioResult) -> list[dict[str, Any]]:
    """The team table's rows (also the workbook's and Markdown's)."""
    rows = []
    for team in portfolio_dict(result)["teams"]:
        summary = team["summary"] or {}
        rows.append(
            {
                **{k: team[k] for k in ("name", "source", "scope", "okrs", "error")},
                **{k: summary.get(k) for k in TEAM_COLUMNS[4:11]},
                "uncovered_key_results": ";".join(team["uncovered_key_results"]),
            }
        )
    return rows


def tables(result: PortfolioResult) -> dict[str, bytes]:
    """Every table by file name: the single audit's, then `EXTRA_TABLES`."""
    out = dict(single.tables(result.result))
    report = portfolio_dict(result)
    out[single.ITEMS_TABLE] = _items(result)
    out["teams.csv"] = single._table(team_rows(result), TEAM_COLUMNS)
    out["matrix.csv"] = single._table(report["matrix"], ["team", "key_result", "items", "points"])
    out["unaligned.csv"] = single._table(report["unaligned"], ["team", "id", "kind"])
    return out


def _items(result: PortfolioResult) -> bytes:
    rows = []
    for item, teams in zip(result.result.items, result.item_teams, strict=False):
        rows.append({"teams": ";".join(teams), **single.json_report.item_dict(item)})
    return single._table(rows, ("teams", *single._ITEM_COLUMNS))


def render(result: PortfolioResult) -> bytes:
    """The items table alone (`-o file.csv`, `-o -`), with its Team column."""
    return _items(result)
