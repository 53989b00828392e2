"""The audit's result as records and pandas DataFrames, named as the JSON report names them.

`to_pandas` (behind `AuditResult.to_pandas()`) hands notebook users the items and every
table; `tally_dict` and `breakdown_dict` are the records the JSON report writes and whose
keys the CSV report's breakdown tables use as columns, so the three agree by construction.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from backlog_audit.model import (
    AuditResult,
    BadLink,
    BreakdownRow,
    InheritanceConflict,
    LintFinding,
    Tally,
    WorkRow,
)
from backlog_audit.table import ITEM_COLUMNS, ItemTable

if TYPE_CHECKING:
    import pandas as pd


def to_pandas(result: AuditResult) -> dict[str, pd.DataFrame]:
    """The result's items and tables as pandas DataFrames, by the JSON report's names.

    `items` has SPEC 9's item columns (lists stay Python lists); `summary` is one row of
    the headline figures; every other table one row per entry of the JSON list of its name.
    """
    import pandas as pd

    items = ItemTable.of(result.items).frame.select(ITEM_COLUMNS)
    tables: dict[str, tuple[list[dict[str, Any]], type]] = {
        "key_results": ([asdict(row) for row in result.key_results], WorkRow),
        "objectives": ([_objective(row) for row in result.objectives], WorkRow),
        "dangling_links": ([asdict(link) for link in result.dangling_links], BadLink),
        "stale_links": ([_stale(link) for link in result.stale_links], BadLink),
        "inheritance_conflicts": (
            [asdict(c) for c in result.inheritance_conflicts],
            InheritanceConflict,
        ),
        "lint": ([asdict(finding) for finding in result.lint], LintFinding),
    }
    frames = {"items": pd.DataFrame(items.to_dict(as_series=False), columns=list(ITEM_COLUMNS))}
    frames["summary"] = pd.DataFrame([_summary(result)])
    for name, rows in (("by_sprint", result.by_sprint), ("by_assignee", result.by_assignee),
                       ("by_project", result.by_project)):  # fmt: skip
        breakdown = [breakdown_dict(row) for row in rows]
        frames[name] = pd.DataFrame(breakdown, columns=list(BREAKDOWN_COLUMNS))
    for name, (records, kind) in tables.items():
        columns = [f.name for f in fields(kind) if f.name not in _LEFT_OUT.get(name, ())]
        frames[name] = pd.DataFrame(records, columns=columns)
    return frames


# What the JSON report leaves out of these tables, and so does pandas.
_LEFT_OUT = {
    "objectives": ("objective_id", "baseline", "target", "current", "unit"),
    "stale_links": ("suggestion",),
}
# A breakdown table's columns (the keys of `breakdown_dict`): pandas' and the CSV report's.
BREAKDOWN_COLUMNS = ("value", "items", "linked_items", "coverage", "points", "linked_points",
              "points_coverage")  # fmt: skip


def tally_dict(tally: Tally) -> dict[str, Any]:
    """A tally's six coverage figures by name, as the JSON report and `to_pandas` give them."""
    return {
        "items": tally.items,
        "linked_items": tally.linked_items,
        "coverage": tally.coverage,
        "points": tally.points,
        "linked_points": tally.linked_points,
        "points_coverage": tally.points_coverage,
    }


def breakdown_dict(row: BreakdownRow) -> dict[str, Any]:
    """One breakdown row (a sprint, assignee or project): its value, then its tally."""
    return {"value": row.value} | tally_dict(row.tally)


def _summary(result: AuditResult) -> dict[str, Any]:
    summary = result.summary
    figures = asdict(summary)
    del figures["all"], figures["open"]
    total = summary.all
    return (
        tally_dict(total)
        | {"exempt_items": total.exempt_items, "exempt_share": total.exempt_share,
           "exempt_points": total.exempt_points}
        | figures
        | {f"open_{name}": value for name, value in tally_dict(summary.open).items()}
    )  # fmt: skip


def _objective(row: WorkRow) -> dict[str, Any]:
    record = asdict(row)
    for name in _LEFT_OUT["objectives"]:
        del record[name]
    return record


def _stale(link: BadLink) -> dict[str, Any]:
    record = asdict(link)
    del record["suggestion"]
    return record
