"""The TOML config file: option defaults for a command, command-line flags win (SPEC 8).

`config_option()` adds an eager `--config FILE` option. Its callback reads the file (or
`./backlog-audit.toml` when present) before any other option is parsed and hands its keys
to click as the command's `default_map`, so click converts and validates config values
exactly as it does flags. Tables that are not options (`[status_map]`, `[points_map]`,
`[lint]`) are kept in `ctx.meta["config_tables"]`.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar

import click

from backlog_audit.adapters.points import parse_points_map
from backlog_audit.adapters.statuses import parse_status_map
from backlog_audit.errors import UsageError
from backlog_audit.okrs.lint import LintSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_CONFIG = "backlog-audit.toml"
TABLES = ("status_map", "points_map", "lint")
# ctx.meta key of the config file in use, for messages about values read from it.
CONFIG_PATH = "config_path"
# TOML values a flag can take (dates are turned into their ISO text).
_SCALARS = (str, int, float, bool, date, time)
F = TypeVar("F", bound=Callable[..., Any])


def read_config(path: str) -> dict[str, Any]:
    """Parse a TOML config file, or exit 2 with the file and the parser's line."""
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such config file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: not UTF-8 text ({exc.reason})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        # tomllib recurses once per level of nested arrays or inline tables.
        raise UsageError(f"{path}: invalid TOML: nested too deeply") from None


def config_tables(ctx: click.Context) -> dict[str, Any]:
    """The non-option tables of the config file in use (empty without one)."""
    tables: dict[str, Any] = ctx.meta.get("config_tables", {})
    return tables


def _defaults(
    ctx: click.Context, path: str, data: dict[str, Any], command: click.Command
) -> dict[str, Any]:
    params = _config_names(ctx, command)
    defaults: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        param = params.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(params) + list(TABLES), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"{path}: unknown key {key!r}{hint}")
        defaults[str(param.name)] = _option_value(path, key, param, value)
    return defaults


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
    path = value or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    if path is None:
        return None
    data = read_config(path)
    tables = {name: data.pop(name) for name in TABLES if name in data}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [{name}] must be a table")
    _check_tables(path, tables)
    defaults = _defaults(ctx, path, data, keys_of)
    # Another command's file (`history` reads the audits' config): only the options this
    # command shares with it (`history_path`) are its defaults; the rest was checked above.
    own = {str(param.name) for param in ctx.command.get_params(ctx)}
    defaults = {name: value for name, value in defaults.items() if name in own}
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    ctx.meta["config_tables"] = tables
    ctx.meta[CONFIG_PATH] = path
    return path


def _check_tables(path: str, tables: dict[str, Any]) -> None:
    """Validate `[status_map]`, `[points_map]` and `[lint]` now, so that errors name the file."""
    try:
        parse_status_map(tables.get("status_map", {}))
        parse_points_map(tables.get("points_map", {}))
        LintSettings.from_mapping(tables.get("lint", {}))
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None


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
        or f"TOML file of option defaults (default: ./{DEFAULT_CONFIG} when present).",
    )
