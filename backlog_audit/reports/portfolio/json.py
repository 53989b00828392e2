"""The portfolio's JSON report: section 9 over the portfolio, plus `teams`, `matrix`,
`unaligned`, and each item's `teams` (SPEC 11).

The items are encoded by the engine as the single audit's are (`reports.json_rows`), each
with its `teams` as the last key: the same text as `json` writes for `to_dict`'s items.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from backlog_audit.portfolio.model import PortfolioResult, TeamFigures
from backlog_audit.reports import json as single
from backlog_audit.reports.common import utf8
from backlog_audit.reports.json_rows import item_lines

# The single report's separators, for the `teams` lists spliced into the items' lines.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
# `items` as `single.layout` writes an empty list one level down: replaced by the items.
_NO_ITEMS = '\n  "items": [],'


def team_dict(team: TeamFigures, changes: Any = None) -> dict[str, Any]:
    """One entry of `teams`."""
    return {
        "name": team.name,
        "source": team.source,
        "scope": team.scope,
        "okrs": team.okrs,
        "summary": single.summary_dict(team.summary) if team.summary else None,
        "uncovered_key_results": list(team.uncovered_key_results),
        "orphans": list(team.orphans),
        "error": team.error,
        "changes": changes,
    }


def portfolio_dict(result: PortfolioResult) -> dict[str, Any]:
    """The keys SPEC 11 adds to section 9: `teams`, `matrix`, `unaligned`, `coverage_note`
    and the run's `warnings`."""
    changes = {
        r.scope_id: single.changes_dict(r.changes) for r in result.team_results if r.scope_id
    }
    return {
        "teams": [
            team_dict(team, changes.get(_team_scope(result, team.name) or ""))
            for team in result.teams
        ],
        "matrix": [
            {"team": c.team, "key_result": c.key_result, "items": c.items, "points": c.points}
            for c in result.matrix
        ],
        "unaligned": [
            {"team": u.team, "id": u.id, "kind": u.kind, "aligns_to": None}
            for u in result.unaligned
        ],
        "coverage_note": result.coverage_note,
        "warnings": list(result.result.warnings),
    }


def to_dict(result: PortfolioResult) -> dict[str, Any]:
    """The whole portfolio report as plain data."""
    report = single.to_dict(result.result)
    for entry, teams in zip(report["items"], result.item_teams, strict=False):
        entry["teams"] = list(teams)
    return report | portfolio_dict(result)


def _team_scope(result: PortfolioResult, name: str) -> str | None:
    prefix = f"team {name}: "
    found = [r.scope_id for r in result.team_results if (r.scope_id or "").startswith(prefix)]
    return found[0] if found else None


def _items(result: PortfolioResult) -> str:
    """The `items` list as `single.layout` lays out `to_dict`'s, from the engine's lines."""
    import polars as pl

    lines = item_lines(result.result.items)
    if not len(lines):
        return "[]"
    texts = {teams: _compact(list(teams)) for teams in set(result.item_teams)}
    teams = pl.Series([texts[t] for t in result.item_teams], dtype=pl.String)
    entries = pl.concat_str(
        lines.str.strip_suffix("}"), pl.lit(', "teams": '), teams, pl.lit("}")
    ).alias("entry")
    joined = pl.select(entries).to_series().str.join(",\n    ").item()
    return "[\n    " + str(joined) + "\n  ]"


def render(result: PortfolioResult) -> bytes:
    """The JSON report as UTF-8 bytes, laid out (and made finite) as the single audit's."""
    report = single.to_dict(replace(result.result, items=())) | portfolio_dict(result)
    try:
        text = single.layout(report)
    except ValueError:  # a figure past float's range: null, as in the single audit's
        text = single.layout(single.finite(report))
    head, found, tail = text.partition(_NO_ITEMS)
    assert found, "the report has an items list"
    return utf8(head + '\n  "items": ' + _items(result) + "," + tail + "\n")
