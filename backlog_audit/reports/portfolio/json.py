"""The portfolio's JSON report: section 9 over the portfolio, plus `teams`, `matrix`,
`unaligned`, and each item's `teams` (SPEC 11)."""

from __future__ import annotations

from typing import Any

from backlog_audit.portfolio.model import PortfolioResult, TeamFigures
from backlog_audit.reports import json as single
from backlog_audit.reports.common import utf8


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


def to_dict(result: PortfolioResult) -> dict[str, Any]:
    """The whole portfolio report as plain data."""
    report = single.to_dict(result.result)
    for entry, teams in zip(report["items"], result.item_teams, strict=False):
        entry["teams"] = list(teams)
    changes = {
        r.scope_id: single.changes_dict(r.changes) for r in result.team_results if r.scope_id
    }
    report["teams"] = [
        team_dict(team, changes.get(_team_scope(result, team.name) or "")) for team in result.teams
    ]
    report["matrix"] = [
        {"team": c.team, "key_result": c.key_result, "items": c.items, "points": c.points}
        for c in result.matrix
    ]
    report["unaligned"] = [
        {"team": u.team, "id": u.id, "kind": u.kind, "aligns_to": None} for u in result.unaligned
    ]
    report["coverage_note"] = result.coverage_note
    report["warnings"] = list(result.result.warnings)
    return report


def _team_scope(result: PortfolioResult, name: str) -> str | None:
    prefix = f"team {name}: "
    found = [r.scope_id for r in result.team_results if (r.scope_id or "").startswith(prefix)]
    return found[0] if found else None


def render(result: PortfolioResult) -> bytes:
    """The JSON report as UTF-8 bytes, laid out (and made finite) as the single audit's."""
    report = to_dict(result)
    try:
        text = single.layout(report)
    except ValueError:  # a figure past float's range: null, as in the single audit's
        text = single.layout(single.finite(report))
    return utf8(text + "\n")
