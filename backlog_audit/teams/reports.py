"""Where a portfolio's reports go, rendering them, and the per-team threshold."""

from __future__ import annotations

import os
from pathlib import Path

from backlog_audit.adapters import plugin
from backlog_audit.errors import UsageError
from backlog_audit.output import Planned, Target, plan_paths
from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports import ReportFormat
from backlog_audit.reports import portfolio as portfolio_reports
from backlog_audit.reports.figures import percent, under
from backlog_audit.teams.request import PortfolioRequest


def plan_targets(request: PortfolioRequest) -> list[Target]:
    """The single-audit paths (SPEC 8 `-o`) plus the portfolio's CSV tables beside the
    others; exit 2 when a report would replace a file the run reads."""
    targets = plan_paths(request.formats, request.output)
    folders = {Path(t.path).parent for t in targets if t.table is not None}
    for folder in sorted(folders):
        targets += [
            Target(str(folder / name), ReportFormat.CSV, name)
            for name in portfolio_reports.EXTRA_TABLES
        ]
    for target in targets:
        for what, path in input_files(request).items():
            if target.path != "-" and _same_file(target.path, path):
                raise UsageError(f"-o {target.path}: the report would overwrite {what}")
    return targets


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)


def render_planned(result: PortfolioResult, targets: list[Target]) -> list[Planned]:
    """Every target's bytes (the CSV tables built once)."""
    tables: dict[str, bytes] | None = None
    planned = []
    for target in targets:
        if target.table is None:
            planned.append(Planned(target.path, portfolio_reports.render(target.fmt, result)))
            continue
        if tables is None:
            tables = portfolio_reports.tables(result)
        planned.append(Planned(target.path, tables[target.table]))
    return planned


def team_breaches(result: PortfolioResult, fail_under_team: float | None) -> tuple[str, ...]:
    """`--fail-under-team PCT`: one sentence naming every audited team under PCT."""
    if fail_under_team is None:
        return ()
    low = [
        f"{team.name} {percent(team.summary.all.coverage)}"
        for team in result.teams
        if team.summary is not None
        and (team.summary.all.coverage is None or under(team.summary.all.coverage, fail_under_team))
    ]
    if not low:
        return ()
    return (f"team coverage under --fail-under-team {fail_under_team:g}%: {', '.join(low)}",)


def input_files(request: PortfolioRequest) -> dict[str, str]:
    """Every file the run reads, by what it is (no report may replace one)."""
    files = {"the company OKR set": request.okrs, "the config file": request.config}
    if request.history is not None:
        files["the history file"] = str(request.history)
    for team in request.teams:
        if team.okrs:
            files[f"team {team.name}'s OKR set"] = team.okrs
        for name, what in plugin(team.source).input_files.items():
            if team.params.get(name):
                files[f"team {team.name}'s {what}"] = str(team.params[name])
    return files
