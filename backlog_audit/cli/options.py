"""Options shared by the commands that read a source (`audit`, `fields`)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from click.core import ParameterSource

from backlog_audit.adapters import SourcePlugin, SourceSettings, kinds, plugin
from backlog_audit.adapters.credentials import checked
from backlog_audit.adapters.points import parse_points_map
from backlog_audit.adapters.statuses import parse_status_map
from backlog_audit.config import CONFIG_PATH
from backlog_audit.errors import UsageError
from backlog_audit.model import DEFAULT_LABEL_PREFIXES
from backlog_audit.output import check_name

F = TypeVar("F", bound=Callable[..., Any])

# The settings every source honours (SourceSettings); `audit` only: `fields` lists fields.
_SETTINGS_OPTIONS = (
    click.option("--okr-field", default="OKR", show_default=True, help="Field with the OKR link."),
    click.option("--points-field", help="Story point field (default: detected)."),
    click.option(
        "--label-prefix",
        multiple=True,
        help="Labels with this prefix are references (repeatable; default okr: and kr:).",
    ),
)
_VERBOSE = click.option("-v", "--verbose", count=True, help="Log to stderr (-vv for debug).")


def plugin_params(found: SourcePlugin) -> list[click.Parameter]:
    """Fresh click parameters of a plugin's options, in the order it lists them."""

    def holder() -> None:
        """Only carries the parameters the decorators attach."""

    for option in found.options:
        option(holder)
    params: list[click.Parameter] = getattr(holder, "__click_params__", [])
    return params


def _source_params(
    for_fields: bool,
) -> tuple[list[click.Parameter], list[tuple[str, list[str]]]]:
    """Every source's parameters (one per name) and each source's section of the help.

    With `for_fields` only those `backlog-audit fields` reads (the plugins' `fields_params`).
    """
    by_name: dict[str, click.Parameter] = {}
    sections: dict[str, list[str]] = {}
    for kind in kinds():
        found = plugin(kind)
        names = sections.setdefault(found.title, [])
        for param in plugin_params(found):
            name = str(param.name)
            if for_fields and name not in found.fields_params:
                continue
            known = by_name.setdefault(name, param)
            if known.opts != param.opts:  # two sources sharing a name must share the flag
                raise TypeError(f"sources disagree on the flags of {name!r}: {known.opts}")
            names.append(name)
    return list(by_name.values()), [(title, names) for title, names in sections.items() if names]


class _Kinds(click.Choice):
    """The --source choices, read from the registry whenever they are needed."""

    def __init__(self) -> None:
        super().__init__(kinds())

    @property
    def choices(self) -> tuple[str, ...]:
        """The registered kinds, at the time of asking."""
        return kinds()

    @choices.setter
    def choices(self, _value: object) -> None:
        """Ignored: the registry says."""


def source_options(fn: F) -> F:
    """Decorate `audit` with --source and the settings every source honours.

    Each source's own options are added by `SourceCommand` from the registry.
    """
    for option in reversed((*_SETTINGS_OPTIONS, _VERBOSE)):
        fn = option(fn)
    return _SOURCE(fn)


def fields_options(fn: F) -> F:
    """Decorate `fields` with --source (the sources' options come with `FieldsCommand`)."""
    return _SOURCE(_VERBOSE(fn))


_SOURCE = click.option(
    "--source",
    type=_Kinds(),
    default=kinds()[0],
    show_default=True,
    help="Where the backlog comes from.",
)


class SourceCommand(click.Command):
    """A command that takes every registered source's own options, read from the registry
    each time it runs, and lists them in --help under each source's heading.

    `help_groups` sorts the other options by purpose: (heading, param names) pairs, shown in
    that order, the sources' own sections right after the first group. Options in no group
    are listed last, under "Other options" ("Options" when there are no groups).
    """

    for_fields = False  # `fields` takes only the options that say where a source is

    def __init__(
        self, *args: Any, help_groups: Sequence[tuple[str, Sequence[str]]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.help_groups = tuple(help_groups)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The command's own parameters, then the sources' (then --help)."""
        params = [*self.params, *_source_params(self.for_fields)[0]]
        help_option = self.get_help_option(ctx)
        return [*params, help_option] if help_option is not None else params

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The option groups, each source's section after the first (an option two sources
        read: in both), then the options in no group; one column width for all of them."""
        help_option = self.get_help_option(ctx)
        records = {
            "help" if p is help_option else p.name: p.get_help_record(ctx)
            for p in self.get_params(ctx)
        }
        sections = [
            (f"{title} options", names) for title, names in _source_params(self.for_fields)[1]
        ]
        groups = [(title, tuple(names)) for title, names in self.help_groups]
        placed = {name for _, names in (*groups, *sections) for name in names}
        rest = ("Other options" if groups else "Options", [n for n in records if n not in placed])
        ordered = [*groups[:1], *sections, *groups[1:], rest] if groups else [rest, *sections]
        shown = [
            (title, rows)
            for title, names in ordered
            if (rows := [row for name in names if (row := records.get(name))])
        ]
        width = _first_column([row for _, rows in shown for row in rows])
        for title, rows in shown:
            with formatter.section(title):
                # click sizes each list to its own longest flag: pad to the widest of all.
                formatter.write_dl(rows, col_spacing=2 + width - _first_column(rows))


def _first_column(rows: list[tuple[str, str]]) -> int:
    """The width click's `write_dl` gives the flags of `rows` (at most its `col_max`, 30)."""
    return min(max((len(flag) for flag, _ in rows), default=0), 30)


class FieldsCommand(SourceCommand):
    """`SourceCommand` for `fields`: only the options the plugins list in `fields_params`."""

    for_fields = True


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
    check_name("--history", value)  # a name too long for the file system: exit 2, one line
    return Path(value)


def history_option(help_text: str) -> Callable[[Any], Any]:
    """The `--history FILE` option (`history_path`) of `audit` and `history`."""
    return click.option(
        "--history", "history_path", type=click.Path(dir_okay=False), help=help_text
    )


def _own_names(kind: str, for_fields: bool) -> list[str]:
    """The param names of the options source `kind` reads (in `fields`: its `fields_params`)."""
    found = plugin(kind)
    names = [str(param.name) for param in plugin_params(found)]
    return [n for n in names if n in found.fields_params] if for_fields else names


def check_selectors(params: dict[str, Any], for_fields: bool = False) -> None:
    """Refuse a source's option typed on the command line for a source that does not read it.

    Typed for another source it would be ignored without a word: `--input export.csv
    --board 7` audits the export, not the board. Only typed flags: a shared config file may
    hold defaults for several sources.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    kind = params["source"]
    readers: dict[str, list[str]] = {}
    for other in kinds():
        for name in _own_names(other, for_fields):
            readers.setdefault(name, []).append(other)
    by_name = {param.name: param for param in ctx.command.get_params(ctx)}
    for name, owners in readers.items():
        if kind in owners or name not in by_name:
            continue
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            flag = max(by_name[name].opts, key=len)
            raise UsageError(
                f"{flag} is read by --source {', '.join(owners)} only, not --source {kind}"
            )


def source_settings(
    params: dict[str, Any], tables: dict[str, Any], okrs: str | None
) -> SourceSettings:
    """The settings every source honours, from parsed options and config tables."""
    return SourceSettings(
        okr_field=params.get("okr_field") or "OKR",
        points_field=params.get("points_field"),
        label_prefixes=label_prefixes(params.get("label_prefix") or ()),
        okrs=okrs,
        status_map=parse_status_map(tables.get("status_map", {})),
        points_map=parse_points_map(tables.get("points_map", {})),
        # `audit` has these flags (or their config values), `fields` does not: defaults there.
        inherit=not params.get("no_inherit", False),
        include_types=split_names(params.get("include_types") or ()),
        exclude_types=split_names(params.get("exclude_types") or ()),
    )


def source_params(params: dict[str, Any], for_fields: bool = False) -> dict[str, Any]:
    """The chosen source's own option values, by param name, after `check_selectors`."""
    check_selectors(params, for_fields)
    own = _own_names(params["source"], for_fields)
    return {name: params[name] for name in own if name in params}


def credentials(
    kinds_used: Iterable[str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The environment variables the sources `kinds_used` list (and only those), checked
    before any request: one holding a line break or another control character is exit 2,
    named, its value never shown (`adapters/credentials.py`)."""
    wanted = {name for kind in kinds_used for name in plugin(kind).environment}
    return checked({name: value for name, value in environ.items() if name in wanted})


def okrs_kinds(okrs: str | None) -> list[str]:
    """The sources an `--okrs` value is read from (`asana-goals:...`: asana), if any."""
    return [
        kind
        for kind in kinds()
        if okrs and (prefix := plugin(kind).okrs_prefix) and okrs.startswith(prefix)
    ]


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
