"""`backlog-audit audit` with a config file of `[[teams]]`: a portfolio audit (SPEC 11)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from backlog_audit.cli.options import credentials, okrs_kinds
from backlog_audit.cli.teams import TeamParser, chosen, refuse_source_flags
from backlog_audit.cli.text.terminal import one_line, summary_lines
from backlog_audit.config import CONFIG_FILE, CONFIG_PATH
from backlog_audit.errors import BacklogAuditError
from backlog_audit.model import Backlog
from backlog_audit.reports import ReportFormat
from backlog_audit.reports.figures import percent
from backlog_audit.run import Clock, Thresholds
from backlog_audit.teams.request import PortfolioRequest
from backlog_audit.teams.run import PortfolioOutcome, execute, failure_warning


def request(
    ctx: click.Context,
    params: dict[str, Any],
    tables: dict[str, Any],
    teams: list[dict[str, Any]],
    history: Path | None,
) -> PortfolioRequest:
    """The portfolio request from the parsed options and the config's [[teams]]."""
    # Messages name the config as the user knows it; files are read beside the file itself.
    path, config_file = ctx.meta[CONFIG_PATH], ctx.meta[CONFIG_FILE]
    refuse_source_flags(ctx, path)
    parser = TeamParser(ctx, path, config_file, params)
    okrs = params["okrs"]  # a relative name in the file is already read from its folder
    parsed = parser.parse(teams, tables)
    return PortfolioRequest(
        okrs=okrs,
        teams=chosen(parsed, tuple(params["team"] or ()), path),
        config=config_file,
        formats=tuple(ReportFormat(f) for f in params["formats"] or ("xlsx",)),
        output=params["output"],
        thresholds=Thresholds(params["fail_under"], params["max_orphans"], params["fail_on_drop"]),
        fail_under_team=params["fail_under_team"],
        lint_settings=tables.get("lint", {}),
        history=history,
        jobs=params["jobs"],
        keep_going=params["keep_going"],
        credentials=credentials(okrs_kinds(okrs)),
    )


def run(portfolio: PortfolioRequest, clock: Clock, quiet: bool) -> PortfolioOutcome:
    """Execute, with one line per team on a terminal as each finishes fetching."""
    show = not quiet and sys.stderr.isatty()

    def done(team: str, outcome: Backlog | BacklogAuditError) -> None:
        # A failure's error is said once, at the end: by the run's error, or by `report`.
        if show and isinstance(outcome, Backlog):
            click.echo(f"  {team}: {len(outcome.items)} items fetched", err=True)
        elif show and portfolio.keep_going:  # without it, the run stops with the error
            click.echo(f"  {team}: failed", err=True)

    return execute(portfolio, done, clock)


def report(outcome: PortfolioOutcome, *, quiet: bool, to_stderr: bool) -> None:
    """Warnings, breaches, the failed teams, then the summary and the files written."""
    result = outcome.portfolio
    # A failed team is a warning in the reports; here it has its own line, once.
    failures = {failure_warning(team.name, team.error or "") for team in result.failed}
    for warning in result.result.warnings:
        if warning not in failures:
            click.echo(f"backlog-audit: warning: {one_line(warning)}", err=True)
    for breach in outcome.breaches:
        click.echo(f"backlog-audit: threshold: {one_line(breach)}", err=True)
    for team in result.failed:
        click.echo(
            f"backlog-audit: team {team.name} failed: {one_line(team.error or '')}", err=True
        )
    if quiet:
        return
    for team in result.teams:
        if team.summary is not None and team.summary.all.coverage is not None:
            tally = team.summary.all
            line = f"  {team.name}: {tally.items} items, coverage {percent(tally.coverage)}"
            click.echo(line, err=to_stderr)
    for line in summary_lines(result.result):
        click.echo(line, err=to_stderr)
    for path in outcome.written:
        click.echo(f"  wrote {one_line(path)}", err=to_stderr)
