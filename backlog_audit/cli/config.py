"""`backlog-audit config`: which config file the commands read, and the settings in effect."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from backlog_audit.adapters import kinds, plugin
from backlog_audit.cli.audit import audit
from backlog_audit.cli.help import epilog
from backlog_audit.cli.text.config import Setting, config_text
from backlog_audit.cli.text.console import console
from backlog_audit.config import TABLES, defaults
from backlog_audit.config.files import ConfigFile, discover
from backlog_audit.history import default_path

EXAMPLE = """
\b
Examples:
  backlog-audit config
  backlog-audit config --config ci/backlog-audit.toml
"""


@click.command("config", epilog=epilog(EXAMPLE))
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Show this file's settings instead of the one found.",
)
@click.pass_context
def config_command(ctx: click.Context, config_path: str | None) -> None:
    """Show which config files were read and the `audit` settings in effect.

    Settings come from the file in use, else their defaults; flags typed on a command line
    win over both. Credentials are never shown: only whether their variables are set.
    """
    found = discover(config_path)
    settings, tables = _settings(ctx, found.found)
    environment = sorted({name for kind in kinds() for name in plugin(kind).environment})
    text = config_text(found, settings, tables, environment, _history(settings))
    console(sys.stdout).print(text)


def _history(settings: list[Setting]) -> Path:
    """The history file an audit with these settings records into."""
    named = next((s.value for s in settings if s.key == "history" and s.value), None)
    return Path(named) if named else default_path()


def _settings(ctx: click.Context, found: ConfigFile | None) -> tuple[list[Setting], dict[str, Any]]:
    """Every `audit` option with its value and where it comes from; the file's tables."""
    sub = click.Context(audit, info_name="audit", parent=ctx)
    data = dict(found.data) if found else {}
    tables = {name: data.pop(name) for name in TABLES if name in data}
    teams = data.pop("teams", None)  # a portfolio (SPEC 11): its teams by name
    values = defaults(sub, ConfigFile(found.path, data, found.how), audit) if found else {}
    settings = []
    if isinstance(teams, list):
        names = ", ".join(str(t.get("name")) for t in teams if isinstance(t, dict))
        settings.append(Setting("teams", names, "config file"))
    help_option = audit.get_help_option(sub)
    for param in audit.get_params(sub):
        if not isinstance(param, click.Option) or param in (help_option,) or not param.name:
            continue
        if param.name == "config":
            continue
        key = max(param.opts, key=len).lstrip("-").replace("-", "_")
        if param.name in values:
            settings.append(Setting(key, values[param.name], "config file"))
        else:
            settings.append(Setting(key, _default(param, sub), "default"))
    return settings, tables


def _default(param: click.Option, ctx: click.Context) -> Any:
    """The option's default; None when it has none (click 8.3 says so with a sentinel)."""
    value = param.get_default(ctx, call=True)
    return None if value is _UNSET or value == () else value


# click >= 8.3 marks "no default" with this sentinel; older versions use None.
_UNSET = getattr(click.core, "UNSET", None)
