"""`backlog-audit history`: past audits per scope, with coverage over time."""

from __future__ import annotations

from pathlib import Path

import click

from backlog_audit.history import default_path, list_runs
from backlog_audit.reports.history import FORMATS

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
    help="History database (default: $XDG_DATA_HOME/backlog-audit/history.sqlite3).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
def history(scope: str | None, history_path: str | None, fmt: str) -> None:
    """Show past audits per scope (source, selector, OKR cycle) and the coverage trend."""
    path = Path(history_path) if history_path else default_path()
    runs = list_runs(path, scope)
    if not runs and fmt == "text":
        click.echo(f"backlog-audit: no audits recorded in {path}", err=True)
        return
    click.echo(FORMATS[fmt](runs), nl=False)
