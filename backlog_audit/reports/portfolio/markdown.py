"""The portfolio's Markdown report: the team table and the matrix first, then the single
audit's report over the portfolio (company KRs with rolled-up work)."""

from __future__ import annotations

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports import markdown as single
from backlog_audit.reports.common import utf8
from backlog_audit.reports.figures import count, percent, points


def render(result: PortfolioResult) -> bytes:
    """The Markdown report as UTF-8 bytes."""
    sections = [_heading(result), team_table(result), matrix(result), _unaligned(result)]
    text = "\n\n".join(s for s in sections if s)
    return utf8(text + "\n\n" + single.render(result.result).decode("utf-8"))


def _heading(result: PortfolioResult) -> str:
    audited = len(result.teams) - len(result.failed)
    lines = ["# Portfolio audit", "", f"- **Teams:** {audited} audited of {len(result.teams)}"]
    if result.coverage_note:
        lines.append(f"- **Note:** {single.escape(result.coverage_note)}")
    return "\n".join(lines)


def team_table(result: PortfolioResult) -> str:
    """One row per team: coverage by items and points, orphans, uncovered KRs, error."""
    header = ["Team", "Source", "Items", "Coverage", "Points coverage", "Orphans", "Uncovered KRs"]
    rows = []
    for team in result.teams:
        s = team.summary
        if s is None:
            failed = f"failed: {single.escape(team.error)}"
            rows.append([single.escape(team.name), team.source, "", failed, "", "", ""])
            continue
        rows.append(
            [
                single.escape(team.name),
                team.source,
                count(s.all.items),
                percent(s.all.coverage),
                percent(s.all.points_coverage),
                count(s.orphaned_items),
                single.escape(", ".join(team.uncovered_key_results)) or "none",
            ]
        )
    return "## Teams\n\n" + single.table(header, rows, right=(2, 3, 4, 5))


def matrix(result: PortfolioResult) -> str:
    """Teams x company KRs: items / points rolled up from each team (zeros included)."""
    krs = [kr.id for kr in result.result.okrs.key_results]
    cells = {(c.team, c.key_result): c for c in result.matrix}
    teams = [t.name for t in result.teams if t.summary is not None]
    rows = [
        [single.escape(team)]
        + [f"{cells[(team, kr)].items} / {points(cells[(team, kr)].points)}" for kr in krs]
        for team in teams
    ]
    header = ["Team", *(single.escape(kr) for kr in krs)]
    note = "Items / points of each team that roll up to each company key result.\n\n"
    body = single.table(header, rows, right=tuple(range(1, len(krs) + 1)))
    return "## Team x company KR matrix\n\n" + note + body


def _unaligned(result: PortfolioResult) -> str:
    if not result.unaligned:
        return ""
    lines = [
        f"- {single.escape(u.team)}: {u.kind.replace('_', ' ')} {single.escape(u.id)}"
        for u in result.unaligned
    ]
    intro = "Team objectives and KRs with no `aligns_to`: their work rolls up to nothing.\n\n"
    return "## Unaligned team OKRs\n\n" + intro + "\n".join(lines)
