"""`backlog-audit history`: past audits per scope, with coverage over time."""

from __future__ import annotations

from pathlib import Path

import click

from backlog_audit.config import DEFAULT_CONFIG, read_config
from backlog_audit.errors import UsageError
from backlog_audit.history import default_path, list_runs
from backlog_audit.reports.history import FORMATS
from backlog_audit.terminal import one_line

EXAMPLE = """
\b
Examples:
  backlog-audit history
  backlog-audit history --scope "board=7" --format csv > trend.csv
  backlog-audit history --history /var/lib/backlog-audit/history.sqlite3 --format json
"""


@click.command(epilog=EXAMPLE)
@click.option("--scope", help="Only scopes whose selector contains this text (any case).")
@click.option(
    "--history",
    "history_path",
    type=click.Path(dir_okay=False),
    help="History database (default: the config's `history`, else "
    "$XDG_DATA_HOME/backlog-audit/history.sqlite3).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help=f"TOML file whose `history` key names the database (default: ./{DEFAULT_CONFIG}).",
)
def history(scope: str | None, history_path: str | None, fmt: str, config_path: str | None) -> None:
    """Show past audits per scope (source, selector, OKR cycle) and the coverage trend."""
    path = _history_path(history_path, config_path)
    runs = list_runs(path, scope)
    if not runs and fmt == "text":
        click.echo(f"backlog-audit: no audits recorded in {one_line(str(path))}", err=True)
        return
    click.echo(FORMATS[fmt](runs), nl=False)


def _history_path(typed: str | None, config_path: str | None) -> Path:
    """--history, else the `history` key of the config the audits use, else the default.

    Only that key is read: the other keys of a shared config are `audit` options.
    """
    if typed is not None:
        if not typed.strip():
            raise UsageError("--history needs a file name, got an empty one")
        return Path(typed)
    config = config_path or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    configured = read_config(config).get("history") if config else None
    if configured is None:
        return default_path()
    if not isinstance(configured, str) or not configured.strip():
        raise UsageError(f"{config}: history must be a file name")
    return Path(configured)
