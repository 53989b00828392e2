"""`backlog-audit audit`: run an audit and write reports."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from backlog_audit.cli.help import epilog
from backlog_audit.cli.options import (
    SourceCommand,
    config_prefix,
    configure_logging,
    credentials,
    history_file,
    history_option,
    okrs_kinds,
    option_name,
    source_options,
    source_params,
    source_settings,
    split_names,
    value_error,
)
from backlog_audit.cli.text.console import color_option, colour_wanted
from backlog_audit.cli.text.progress import phases
from backlog_audit.cli.text.terminal import one_line, summary_lines
from backlog_audit.config import CONFIG_FILE, CONFIG_TEAMS, config_option, config_tables
from backlog_audit.errors import UsageError
from backlog_audit.history import default_path
from backlog_audit.model import AuditOptions
from backlog_audit.okrs.lint import LintSettings
from backlog_audit.reports import ReportFormat
from backlog_audit.run import AuditRequest, Clock, Outcome, Thresholds, execute, utc_now

EXAMPLE = """
\b
Examples:
  backlog-audit audit --source csv --input examples/jira-export.csv --okrs examples/okrs.yaml
  backlog-audit audit --source jira --board 7 --sprint next --okrs okrs.yaml \\
      --format xlsx --format json -o reports/ --fail-under 80
  backlog-audit audit --okrs okrs.yaml --input export.csv -q \\
      --history /var/lib/backlog-audit/history.sqlite3 --fail-on-drop 5
"""


# `audit --help` by purpose; each source's own options follow "Sources" (SourceCommand).
HELP_GROUPS = (
    ("Sources", ("okrs", "source", "okr_field", "points_field", "label_prefix")),
    ("Scope", ("no_inherit", "include_types", "exclude_types")),
    ("Output", ("formats", "output", "quiet", "color")),
    ("Thresholds", ("fail_under", "max_orphans", "fail_on_drop", "fail_under_team")),
    ("Portfolio ([[teams]] in the config file)", ("team", "jobs", "keep_going")),
    ("History", ("history_path", "no_history", "scope_name")),
    ("General", ("config", "verbose", "help")),
)


@click.command(cls=SourceCommand, epilog=epilog(EXAMPLE), help_groups=HELP_GROUPS)
@config_option()
@click.option("--okrs", required=True, help="OKR set file (yaml/csv/xlsx) or asana-goals:GID.")
@source_options
@click.option(
    "--no-inherit/--inherit",
    "no_inherit",
    default=False,
    help="Do not inherit links from parents/epics (--inherit: do, over a config file's "
    "no-inherit).",
)
@click.option("--include-types", multiple=True, help="Also count these issue types (e.g. Epic).")
@click.option("--exclude-types", multiple=True, help="Do not count these issue types.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([f.value for f in ReportFormat]),
    metavar="FORMAT",
    help=f"Report format: {', '.join(f.value for f in ReportFormat)} (repeatable; default xlsx).",
)
@click.option("-o", "--output", help="File for one format, directory for several, - for stdout.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    callback=lambda _ctx, _param, value: _not_nan(value),
    help="Exit 1 under this coverage %.",
)
@click.option("--max-orphans", type=click.IntRange(0), help="Exit 1 above this many orphans.")
@click.option(
    "--fail-on-drop",
    type=click.FloatRange(0),
    callback=lambda _ctx, _param, value: _not_nan(value),
    metavar="POINTS",
    help="Exit 1 when coverage fell by more than POINTS percentage points since the last run.",
)
@history_option(
    "History database to compare with and record into (default: history.sqlite3 in the "
    "user's data directory; `backlog-audit config` shows where)."
)
@click.option("--no-history", is_flag=True, help="Neither compare with nor record the history.")
@click.option(
    "--scope-name",
    metavar="NAME",
    help="Name this audit's scope in the history (default: source and selector; for a CSV "
    "export its full path), so that a cron job's trend survives a changed command line.",
)
@click.option(
    "--team",
    multiple=True,
    metavar="NAME",
    help="Portfolio: audit only this team of the config's [[teams]] (repeatable).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Portfolio: teams fetched at once (each site also has its own bound).",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Portfolio: report and record the other teams when one fails (exit 3 all the same).",
)
@click.option(
    "--fail-under-team",
    type=click.FloatRange(0, 100),
    callback=lambda _ctx, _param, value: _not_nan(value),
    metavar="PCT",
    help="Portfolio: exit 1 when any team's coverage is under PCT.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@color_option
@click.pass_context
def audit(ctx: click.Context, **params: Any) -> None:
    """Audit a backlog (or a config's [[teams]]: a portfolio) against OKRs; write reports."""
    configure_logging(params["verbose"])
    teams = ctx.meta.get(CONFIG_TEAMS)
    if teams is not None:
        _portfolio(ctx, params, teams)
        return
    _refuse_portfolio_flags(params)
    request = _request(params, config_tables(ctx), ctx.meta.get(CONFIG_FILE))
    with phases(not params["quiet"]) as shown:
        progress, phase = (shown.progress, shown.phase) if shown else (None, None)
        outcome = execute(request, progress, _clock(ctx), phase=phase)
    _report(outcome, quiet=params["quiet"], to_stderr=request.output == "-")
    ctx.exit(outcome.exit_code)


def _portfolio(ctx: click.Context, params: dict[str, Any], teams: list[dict[str, Any]]) -> None:
    """A portfolio audit: the config's [[teams]] (SPEC 11)."""
    # Imported here: a one-team audit does not load the portfolio's modules (issue 15).
    from backlog_audit.cli import portfolio

    request = portfolio.request(ctx, params, config_tables(ctx), teams, _history(params))
    outcome = portfolio.run(request, _clock(ctx), params["quiet"])
    portfolio.report(outcome, quiet=params["quiet"], to_stderr=request.output == "-")
    ctx.exit(outcome.exit_code)


# Flags only a portfolio reads, by parameter name.
PORTFOLIO_ONLY = {
    "team": "--team",
    "keep_going": "--keep-going",
    "fail_under_team": "--fail-under-team",
}


def _refuse_portfolio_flags(params: dict[str, Any]) -> None:
    """--team, --keep-going and --fail-under-team need a config file with [[teams]]."""
    for name, flag in PORTFOLIO_ONLY.items():
        if params.get(name):
            raise UsageError(f"{flag} needs a config file with [[teams]] (--config FILE)")


def _not_nan(value: float | None) -> float | None:
    """A threshold, refusing `nan`: FloatRange lets it through, and no coverage is below it."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number")
    return value


def _request(
    params: dict[str, Any], tables: dict[str, Any], config_file: str | None
) -> AuditRequest:
    if params["output"] is not None and not params["output"].strip():
        # `-o "$UNSET"` must not fall back to ./backlog-audit.xlsx without a word.
        raise value_error(
            "output",
            "-o",
            "needs a file or directory name (or - for stdout), got an empty one",
            key="output",
        )
    kind = params["source"]
    settings = source_settings(params, tables, params["okrs"])
    own_params = source_params(params)
    history = _history(params)
    _check_drop_has_history(params["fail_on_drop"], history)
    lint_settings = tables.get("lint", {})
    LintSettings.from_mapping(lint_settings)  # a bad [lint] table fails before any fetch
    return AuditRequest(
        okrs=params["okrs"],
        source=kind,
        source_settings=settings,
        source_params=own_params,
        credentials=credentials([kind, *okrs_kinds(params["okrs"])]),
        options=AuditOptions(
            inherit=not params["no_inherit"],
            include_types=split_names(params["include_types"]),
            exclude_types=split_names(params["exclude_types"]),
            label_prefixes=settings.label_prefixes,
        ),
        formats=tuple(ReportFormat(f) for f in params["formats"] or ("xlsx",)),
        output=params["output"],
        thresholds=Thresholds(params["fail_under"], params["max_orphans"], params["fail_on_drop"]),
        lint_settings=lint_settings,
        history=history,
        config=config_file,
        scope_name=_scope_name(params["scope_name"]),
    )


def _scope_name(value: str | None) -> str | None:
    """The `--scope-name` (typed or from the config); an empty one is refused, not ignored."""
    if value is not None and not value.strip():
        raise value_error("scope_name", "--scope-name", "needs a name, got an empty one")
    return " ".join(value.split()) if value else None


def _history(params: dict[str, Any]) -> Path | None:
    path = history_file(params["history_path"])
    if params["no_history"]:
        if _typed("history_path") and _typed("no_history"):
            raise UsageError("--history and --no-history contradict each other: pick one")
        # Whichever of the two comes from the config file is a default the other flag beats.
        if not _typed("history_path"):
            return None
    return path or default_path()


def _check_drop_has_history(fail_on_drop: float | None, history: Path | None) -> None:
    """Refuse --fail-on-drop without a history, naming the config file if either is from it.

    `run.py` checks this too, for library callers; here the message can say where to look:
    each setting is named as it was given, by its config key or by its flag.
    """
    if fail_on_drop is not None and history is None:
        where = config_prefix("fail_on_drop", "no_history")
        drop = option_name("fail_on_drop", "--fail-on-drop")
        no_history = option_name("no_history", "--no-history")
        raise UsageError(f"{where}{drop} compares with the history: drop {no_history}")


def _typed(name: str) -> bool:
    """True when the option `name` was given on the command line (not config or default)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is ParameterSource.COMMANDLINE


def _clock(ctx: click.Context) -> Clock:
    # Tests simulate weeks of cron runs by passing obj={"now": clock} to the CLI runner.
    clock: Clock = ctx.obj.get("now", utc_now) if isinstance(ctx.obj, dict) else utc_now
    return clock


def _report(outcome: Outcome, *, quiet: bool, to_stderr: bool) -> None:
    for warning in outcome.result.warnings:
        click.echo(f"backlog-audit: warning: {one_line(warning)}", err=True)
    for breach in outcome.breaches:
        click.echo(f"backlog-audit: threshold: {one_line(breach)}", err=True)
    if quiet:
        return
    colour = colour_wanted(sys.stderr if to_stderr else sys.stdout)
    for line in summary_lines(outcome.result):
        click.echo(line, err=to_stderr, color=colour)
    for path in outcome.written:
        click.echo(f"  wrote {one_line(path)}", err=to_stderr)
