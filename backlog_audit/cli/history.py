"""`backlog-audit history`: past audits per scope, with coverage over time."""

from __future__ import annotations

import click

from backlog_audit.cli.audit import audit
from backlog_audit.cli.help import epilog
from backlog_audit.cli.options import history_file, history_option
from backlog_audit.cli.text.history import FORMATS
from backlog_audit.cli.text.terminal import one_line
from backlog_audit.config import config_option
from backlog_audit.history import default_path, list_runs

EXAMPLE = """
\b
Examples:
  backlog-audit history
  backlog-audit history --scope "board=7" --format csv > trend.csv
  backlog-audit history --history /var/lib/backlog-audit/history.sqlite3 --format json
"""


@click.command(epilog=epilog(EXAMPLE))
# The audits' config file: its `history` (or `history_path`) key names the database they
# record into; its other keys are `audit` options, checked as the audit command checks them.
@config_option(
    keys_of=audit,
    help_text="The audits' TOML config, whose `history` key names the database "
    "(default: found as `audit` finds it; see `backlog-audit config`).",
)
@click.option("--scope", help="Only scopes whose selector contains this text (any case).")
@history_option(
    "History database (default: the config's `history`, else history.sqlite3 in the "
    "user's data directory; `backlog-audit config` shows where)."
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
    path = history_file(history_path) or default_path()
    runs = list_runs(path, scope)
    if not runs and fmt == "text":
        click.echo(f"backlog-audit: no audits recorded in {one_line(str(path))}", err=True)
        return
    click.echo(FORMATS[fmt](runs), nl=False)
