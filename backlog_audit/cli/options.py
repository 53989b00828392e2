"""Options shared by the commands that read a source (`audit`, `fields`)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from click.core import ParameterSource

from backlog_audit.adapters import SourceConfig, SourceKind
from backlog_audit.config import CONFIG_PATH
from backlog_audit.errors import UsageError
from backlog_audit.model import DEFAULT_LABEL_PREFIXES
from backlog_audit.statuses import parse_status_map

F = TypeVar("F", bound=Callable[..., Any])

_SOURCE_OPTIONS = (
    click.option(
        "--source",
        type=click.Choice([k.value for k in SourceKind]),
        default=SourceKind.CSV.value,
        show_default=True,
        help="Where the backlog comes from.",
    ),
    click.option("--input", "input_path", type=click.Path(dir_okay=False), help="CSV export."),
    click.option("--jira-url", help="Jira base URL (default: $JIRA_URL)."),
    click.option("--jql", help="Jira: audit the issues of this JQL query."),
    click.option("--board", type=int, help="Jira: the board whose sprint or backlog to audit."),
    click.option("--sprint", help="Jira: active | next | backlog | a sprint id or name."),
    click.option("--asana-project", multiple=True, help="Asana: project gid (repeatable)."),
    click.option("--asana-section", help="Asana: only this section (e.g. a sprint)."),
    click.option(
        "--completed-since",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        metavar="YYYY-MM-DD",
        help="Asana: also audit tasks completed since this date (default: cycle start).",
    ),
    click.option("--okr-field", default="OKR", show_default=True, help="Field with the OKR link."),
    click.option("--points-field", help="Story point field (default: detected)."),
    click.option(
        "--label-prefix",
        multiple=True,
        help="Labels with this prefix are references (repeatable; default okr: and kr:).",
    ),
    click.option("-v", "--verbose", count=True, help="Log to stderr (-vv for debug)."),
)


def source_options(fn: F) -> F:
    """Decorate a command with the source options."""
    for option in reversed(_SOURCE_OPTIONS):
        fn = option(fn)
    return fn


class _StderrHandler(logging.StreamHandler):
    """Log lines to whatever `sys.stderr` is at the time of each record.

    A plain StreamHandler keeps the stream it was made with: a later command run in the same
    process (an embedding app, click's test runner) would log into an earlier run's stderr.
    """

    # The logger's level before our `-v` set it, restored when a run without `-v` removes us.
    level_before: int = logging.NOTSET

    @property
    def stream(self) -> TextIO:
        """The current `sys.stderr`, looked up for every record."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        """Ignored: the stream is always the current stderr."""


def configure_logging(verbose: int) -> None:
    """Send backlog-audit's log to stderr at the asked level (credentials are never logged).

    Without `-v` an earlier `-v` run's handler and level are undone, so that one process may
    run several commands, verbose or not. Only what our own `-v` set is undone: the level an
    embedding app gave the logger is kept, and restored after a verbose run.
    """
    logger = logging.getLogger("backlog_audit")
    ours = [h for h in logger.handlers if isinstance(h, _StderrHandler)]
    if not verbose:
        for handler in ours:
            logger.removeHandler(handler)
            logger.setLevel(handler.level_before)
        return
    if not ours:
        handler = _StderrHandler()
        handler.level_before = logger.level
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


def config_prefix(*names: str) -> str:
    """`FILE: ` when any of the options `names` took its value from the config file, else ``.

    Every error about a config value starts with the file's name (as click's do, see
    `cli._config_file_of`), so that a cron mail says where to look.
    """
    ctx = click.get_current_context(silent=True)
    config = ctx.meta.get(CONFIG_PATH) if ctx is not None else None
    if not config or ctx is None:
        return ""
    from_file = (ctx.get_parameter_source(name) is ParameterSource.DEFAULT_MAP for name in names)
    return f"{config}: " if any(from_file) else ""


def value_error(name: str, flag: str, problem: str, key: str | None = None) -> UsageError:
    """An error about option `name`'s value, naming where the value came from.

    A value from the config file is named by the file and its key (`FILE: output ...`), as
    every config error is; a typed one by its flag (`-o ...`). The key is the flag's name
    (`--label-prefix` -> `label_prefix`) unless given.
    """
    prefix = config_prefix(name)
    return UsageError(f"{prefix}{option_name(name, flag, key)} {problem}")


def option_name(name: str, flag: str, key: str | None = None) -> str:
    """How an error names option `name`: its config key if the value came from the config
    file, else its flag (a typed value or a default). The key is derived from the flag
    (`--label-prefix` -> `label_prefix`) unless given.
    """
    if config_prefix(name):
        return key or flag.lstrip("-").replace("-", "_")
    return flag


def history_file(value: str | None) -> Path | None:
    """The `--history` file (typed or from the config); None when neither names one.

    An empty name (`--history "$UNSET"`) must not fall back to the default file without a
    word: it is exit 2.
    """
    if value is None:
        return None
    if not value.strip():
        raise value_error("history_path", "--history", "needs a file name, got an empty one")
    return Path(value)


# Selector flags that one source alone reads. Typed for another source they would be ignored
# without a word: `--input export.csv --board 7` audits the export, not the board.
_SELECTORS = {
    "input_path": ("--input", SourceKind.CSV),
    "jql": ("--jql", SourceKind.JIRA),
    "board": ("--board", SourceKind.JIRA),
    "sprint": ("--sprint", SourceKind.JIRA),
    "asana_project": ("--asana-project", SourceKind.ASANA),
    "asana_section": ("--asana-section", SourceKind.ASANA),
    "completed_since": ("--completed-since", SourceKind.ASANA),
}


def check_selectors(params: dict[str, Any]) -> None:
    """Refuse a selector typed on the command line for a source that does not read it.

    Only typed flags: a shared config file may hold defaults for several sources.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    kind = SourceKind(params["source"])
    for name, (flag, owner) in _SELECTORS.items():
        if owner is not kind and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            raise UsageError(
                f"{flag} is read by --source {owner.value} only, not --source {kind.value}"
            )


def source_config(params: dict[str, Any], tables: dict[str, Any], okrs: str | None) -> SourceConfig:
    """Build the `SourceConfig` from parsed options and config tables."""
    check_selectors(params)
    since = params.get("completed_since")
    return SourceConfig(
        okr_field=params["okr_field"],
        points_field=params.get("points_field"),
        label_prefixes=label_prefixes(params.get("label_prefix") or ()),
        okrs=okrs,
        status_map=parse_status_map(tables.get("status_map", {})),
        # `audit` has these flags (or their config values), `fields` does not: defaults there.
        inherit=not params.get("no_inherit", False),
        include_types=split_names(params.get("include_types") or ()),
        exclude_types=split_names(params.get("exclude_types") or ()),
        input=params.get("input_path"),
        jira_url=params.get("jira_url"),
        jql=params.get("jql"),
        board=params.get("board"),
        sprint=params.get("sprint"),
        asana_projects=tuple(params.get("asana_project") or ()),
        asana_section=params.get("asana_section"),
        completed_since=since.date() if since else None,
        env=dict(os.environ),
    )


def label_prefixes(values: tuple[str, ...]) -> tuple[str, ...]:
    """The `--label-prefix` values (default okr: and kr:); an empty one is a usage error.

    An empty prefix would make every label (`frontend`, `ux`) a reference, each of them a
    dangling link; `--okr-field labels` is the way to read every label.
    """
    for value in values:
        if not value.strip():
            raise value_error(
                "label_prefix",
                "--label-prefix",
                "must not be empty (to read every label, use --okr-field labels)",
            )
    return tuple(values) or DEFAULT_LABEL_PREFIXES


def split_names(values: tuple[str, ...]) -> frozenset[str]:
    """`--include-types Epic,Bug --include-types Spike` -> {"epic", "bug", "spike"}."""
    return frozenset(
        name.strip().casefold() for value in values for name in value.split(",") if name.strip()
    )
