"""The TOML config file: option defaults for a command, command-line flags win (SPEC 8).

`config_option()` adds an eager `--config FILE` option. Its callback reads the file (or the
one `files.discover` finds) before any other option is parsed and hands its keys to
click as the command's `default_map`, so click converts and validates config values exactly
as it does flags. Tables that are not options (`[status_map]`, `[points_map]`, `[lint]`) are
kept in `ctx.meta["config_tables"]`. A relative file name in a config file is read from the
file's folder, wherever the command runs.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar

import click

from backlog_audit.adapters import kinds, plugin
from backlog_audit.adapters.points import parse_points_map
from backlog_audit.adapters.statuses import parse_status_map
from backlog_audit.config.files import DEFAULT_CONFIG, ConfigFile, discover, read_config
from backlog_audit.errors import UsageError
from backlog_audit.okrs.lint import LintSettings

__all__ = [
    "CONFIG_FILE",
    "CONFIG_PATH",
    "CONFIG_TEAMS",
    "DEFAULT_CONFIG",
    "TABLES",
    "check_tables",
    "merge_tables",
    "read_config",
]

TABLES = ("status_map", "points_map", "lint")
# ctx.meta keys of the config file in use: how messages about its values name it (the file,
# and the table in a pyproject.toml), and the file itself (no report may replace it).
CONFIG_PATH = "config_path"
CONFIG_FILE = "config_file"
# Options taking a file name that are plain text (`--okrs asana-goals:GID`, `-o -`); those of
# type click.Path are file names too.
_FILE_OPTIONS = frozenset({"okrs", "output"})
# ctx.meta key of the config file's `[[teams]]` (a portfolio audit, SPEC 11), when it has any.
CONFIG_TEAMS = "config_teams"
# TOML values a flag can take (dates are turned into their ISO text).
_SCALARS = (str, int, float, bool, date, time)
F = TypeVar("F", bound=Callable[..., Any])


def config_tables(ctx: click.Context) -> dict[str, Any]:
    """The non-option tables of the config file in use (empty without one)."""
    tables: dict[str, Any] = ctx.meta.get("config_tables", {})
    return tables


def defaults(ctx: click.Context, found: ConfigFile, command: click.Command) -> dict[str, Any]:
    """The config file's option values for `command`, by param name, checked and converted
    to what the flag takes (file names made relative to the working directory)."""
    params = _config_names(ctx, command)
    values: dict[str, Any] = {}
    for key, value in found.data.items():
        if key in TABLES:
            continue
        name = key.replace("-", "_")
        param = params.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(params) + list(TABLES), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"{found.label}: unknown key {key!r}{hint}")
        checked = _option_value(found.label, key, param, value)
        values[str(param.name)] = _located(found.path.parent, param, checked)
    return values


def _located(folder: Path, param: click.Parameter, value: Any) -> Any:
    """A relative file name from a config file in `folder`, as seen from the working folder.

    A file found further up (the repository root) names files beside it. A file in the
    working folder keeps its names as written: the history knows a CSV scope by its name.
    """
    if not (isinstance(param.type, click.Path) or param.name in _FILE_OPTIONS):
        return value
    if isinstance(value, list):
        return [_located(folder, param, each) for each in value]
    if not isinstance(value, str) or not value.strip() or value == "-":
        return value
    if _hosted_okrs(value) or os.path.isabs(value) or _same_folder(folder, Path.cwd()):
        return value
    return os.path.relpath(os.path.join(folder, value)) + (os.sep if value.endswith("/") else "")


def _hosted_okrs(value: str) -> bool:
    """An OKR set a source hosts (`asana-goals:GID`), not a file."""
    prefixes = (plugin(kind).okrs_prefix for kind in kinds())
    return any(prefix and value.startswith(prefix) for prefix in prefixes)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _option_value(path: str, key: str, param: click.Parameter, value: Any) -> Any:
    """A config value in the shape click takes for `param`, or exit 2 naming the key.

    TOML has tables, arrays and dates where a flag has text: a table or an array for a
    single-valued option would reach click's converters as a dict or list and crash them.
    """
    if param.multiple:
        values = value if isinstance(value, list) else [value]
        if all(isinstance(v, _SCALARS) for v in values):
            return [_text_if_date(v) for v in values]
        raise UsageError(f"{path}: {key} must be a value or a list of values")
    if isinstance(value, _SCALARS):
        return _checked_text(path, key, param, _text_if_date(value))
    kind = "a list" if isinstance(value, list) else "a table"
    raise UsageError(f"{path}: {key} must be a single value, not {kind}")


def _checked_text(path: str, key: str, param: click.Parameter, value: Any) -> Any:
    """Refuse a number or a boolean where the option takes a file name or a date.

    click converts those with `os.stat` and `strptime`, which take no number: `history = 3`
    would be a traceback (or the stat of file descriptor 3).
    """
    if isinstance(value, str):
        return value
    if isinstance(param.type, click.Path):
        raise UsageError(f"{path}: {key} must be a file name")
    if isinstance(param.type, click.DateTime):
        raise UsageError(f"{path}: {key} must be a date (YYYY-MM-DD)")
    return value


def _text_if_date(value: Any) -> Any:
    """A TOML date (`completed_since = 2026-10-01`) as the text the flag takes."""
    return value.isoformat() if isinstance(value, (date, time)) else value


def _config_names(ctx: click.Context, command: click.Command) -> dict[str, click.Parameter]:
    """Config keys: each option's long flag (`--input` -> `input`) and its parameter name.

    The command's parameters as `get_params` gives them: those of every registered source.
    """
    names: dict[str, click.Parameter] = {}
    for param in command.get_params(ctx):
        if not param.name or param.name in ("config", "help"):
            continue
        names[param.name] = param
        for opt in param.opts:
            if opt.startswith("--"):
                names[opt[2:].replace("-", "_")] = param
    return names


def _loader(keys_of: click.Command | None) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """The `--config` callback; the file's keys are options of `keys_of` (default: this command)."""

    def load(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        return _load(ctx, value, keys_of or ctx.command)

    return load


def _load(ctx: click.Context, value: str | None, keys_of: click.Command) -> str | None:
    found = discover(value).found
    if found is None:
        return None
    data = dict(found.data)
    teams = data.pop("teams", None)
    if teams is not None and (
        not isinstance(teams, list) or not all(isinstance(t, dict) for t in teams)
    ):
        raise UsageError(f"{found.label}: teams must be [[teams]] tables")
    tables = {name: data.pop(name) for name in TABLES if name in data}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise UsageError(f"{found.label}: [{name}] must be a table")
    try:
        check_tables(tables)
    except UsageError as exc:
        raise UsageError(f"{found.label}: {exc}") from None
    values = defaults(ctx, ConfigFile(found.path, data, found.how, found.in_pyproject), keys_of)
    # Another command's file (`history` reads the audits' config): only the options this
    # command shares with it (`history_path`) are its defaults; the rest was checked above.
    own = {str(param.name) for param in ctx.command.get_params(ctx)}
    values = {name: value for name, value in values.items() if name in own}
    ctx.default_map = {**(ctx.default_map or {}), **values}
    ctx.meta["config_tables"] = tables
    ctx.meta[CONFIG_PATH] = found.label
    ctx.meta[CONFIG_FILE] = str(found.path)
    if teams is not None:
        ctx.meta[CONFIG_TEAMS] = teams
    return str(found.path)


def check_tables(tables: Mapping[str, Any]) -> None:
    """Validate `[status_map]`, `[points_map]` and `[lint]` now, before any fetch, so that
    the caller can name the file (and the team) in the error."""
    parse_status_map(tables.get("status_map", {}))
    parse_points_map(tables.get("points_map", {}))
    LintSettings.from_mapping(tables.get("lint", {}))


def merge_tables(defaults: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """A team's tables over the top-level ones, key by key, as its other keys beat the
    top-level values: `[teams.status_map]` adds statuses to `[status_map]` or remaps them,
    a `[teams.lint]` key replaces the same `[lint]` key (a team's `disable` list replaces
    the top-level one)."""
    names = [name for name in TABLES if name in defaults or name in own]
    return {name: {**defaults.get(name, {}), **own.get(name, {})} for name in names}


def config_option(
    keys_of: click.Command | None = None, help_text: str | None = None
) -> Callable[[F], F]:
    """The `--config FILE` option, read before every other option.

    `keys_of` is the command whose options the file holds, when that is another command
    (`history` shares the `audit` config): its keys are checked as that command's, and only
    the options both commands have are taken.
    """
    return click.option(
        "--config",
        type=click.Path(dir_okay=False),
        is_eager=True,
        expose_value=False,
        callback=_loader(keys_of),
        help=help_text
        or f"TOML file of option defaults (default: the nearest {DEFAULT_CONFIG} or "
        "[tool.backlog-audit] in pyproject.toml up to the repository root, else the user's; "
        "`backlog-audit config` shows which).",
    )
