"""`[[teams]]` of a config file as a `PortfolioRequest` (SPEC 11, issue 12 step 1).

Top-level keys are every team's defaults; a team table has a `name`, a `source`, that
source's selectors and settings, and optionally its own `okrs`. Every error names the file,
the team and the key (exit 2). Files a team names (its `okrs`, a CSV `input`), like the
top-level `okrs`, are relative to the config file, so that a portfolio's config runs from
any directory.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from backlog_audit.adapters import kinds, plugin
from backlog_audit.cli.options import (
    credentials,
    okrs_kinds,
    plugin_params,
    source_settings,
    split_names,
)
from backlog_audit.config import (
    TABLES,
    _option_value,  # one conversion of config values
    check_tables,
    merge_tables,
)
from backlog_audit.errors import UsageError
from backlog_audit.model import AuditOptions
from backlog_audit.teams.request import TeamRequest

# The settings a team may set for itself (besides its source's own options).
SETTING_KEYS = ("okr_field", "points_field", "label_prefix", "no_inherit", "include_types",
                "exclude_types")  # fmt: skip
# The keys that say which items a source reads: a team needs one of them.
SELECTORS: Mapping[str, tuple[str, ...]] = {
    "csv": ("input_path",),
    "jira": ("jql", "board"),
    "asana": ("asana_project",),
    "trello": ("trello_board", "input_path"),
    "monday": ("monday_board",),
}


def _source_params() -> dict[str, tuple[click.Parameter, tuple[str, ...]]]:
    """Every source option by param name: the parameter and the kinds that read it."""
    found: dict[str, tuple[click.Parameter, tuple[str, ...]]] = {}
    for kind in kinds():
        for param in plugin_params(plugin(kind)):
            name = str(param.name)
            known = found.get(name)
            found[name] = (param, (*known[1], kind) if known else (kind,))
    return found


def _key_name(param: click.Parameter) -> str:
    """A parameter's config key: its long flag (`--input` -> `input`)."""
    longest = max(param.opts, key=len)
    return longest.lstrip("-").replace("-", "_") if longest.startswith("--") else str(param.name)


def refuse_source_flags(ctx: click.Context, path: str) -> None:
    """Source selectors typed on the command line do not mix with `[[teams]]` (exit 2)."""
    names = ["source", *_source_params()]
    for param in ctx.command.get_params(ctx):
        if (
            param.name in names
            and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE
        ):
            flag = max(param.opts, key=len)
            raise UsageError(
                f"{flag} cannot be combined with the [[teams]] of {path}: each team names its "
                "source and selectors there (use --team NAME to audit some of them)"
            )


class TeamParser:
    """Reads the `[[teams]]` of one config file against the `audit` command's options."""

    def __init__(
        self, ctx: click.Context, path: str, config_file: str, params: dict[str, Any]
    ) -> None:
        self.ctx, self.path, self.params = ctx, path, params
        self.base = Path(config_file).resolve().parent
        self.sources = _source_params()
        by_name = {str(p.name): p for p in ctx.command.get_params(ctx) if p.name}
        self.keys: dict[str, click.Parameter] = {}
        for name in (*SETTING_KEYS, *self.sources):
            param = by_name.get(name) or self.sources[name][0]
            self.keys[_key_name(param)] = self.keys[name] = param

    def relative(self, value: str) -> str:
        """A file named in the config, relative to the config file's folder."""
        if Path(value).is_absolute():
            return value
        # Shown in messages and reports: as short as the working directory allows.
        full = str(self.base / value)
        near = os.path.relpath(full)
        return full if near.startswith("..") else near

    def error(self, team: str, key: str | None, problem: str) -> UsageError:
        """A message naming the file, the team and the key."""
        where = f"{self.path}: team {team!r}" + (f": key {key!r}" if key else "")
        return UsageError(f"{where}: {problem}")

    def parse(
        self, tables: list[dict[str, Any]], config_tables: dict[str, Any]
    ) -> list[TeamRequest]:
        """Every team, in file order; duplicate names refused."""
        teams: list[TeamRequest] = []
        for index, table in enumerate(tables):
            name = table.get("name")
            if not isinstance(name, str) or not name.strip():
                raise UsageError(f'{self.path}: teams[{index}] needs a name (name = "...")')
            if any(team.name.casefold() == name.strip().casefold() for team in teams):
                raise self.error(name, "name", "duplicate team name: every team needs its own")
            teams.append(self.team(name.strip(), table, config_tables))
        if not teams:
            raise UsageError(f"{self.path}: [[teams]] holds no team")
        return teams

    def team(self, name: str, table: dict[str, Any], config_tables: dict[str, Any]) -> TeamRequest:
        """One team's request: the top-level values, then the team's own."""
        kind = table.get("source")
        if kind not in kinds():
            close = difflib.get_close_matches(str(kind), kinds(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problem = f"needs one of {', '.join(kinds())}{hint}"
            raise self.error(name, "source", problem if kind else "missing: " + problem)
        own = self._values(name, kind, table)
        merged = {**self.params, **own, "source": kind}
        self._check_selector(name, kind, merged)
        okrs = table.get("okrs")
        if okrs is not None and (not isinstance(okrs, str) or not okrs.strip()):
            raise self.error(name, "okrs", "must be an OKR set file name")
        tables = self._tables(name, table, config_tables, has_set=okrs is not None)
        settings = source_settings(merged, tables, self.params["okrs"])
        return TeamRequest(
            name=name,
            source=kind,
            settings=settings,
            params={
                n: merged.get(n) for n, (_p, readers) in self.sources.items() if kind in readers
            },
            options=AuditOptions(
                inherit=not merged.get("no_inherit"),
                include_types=split_names(merged.get("include_types") or ()),
                exclude_types=split_names(merged.get("exclude_types") or ()),
                label_prefixes=settings.label_prefixes,
            ),
            okrs=self.relative(okrs) if okrs else None,
            credentials=credentials([kind, *okrs_kinds(okrs)]),
            lint_settings=tables.get("lint", {}),
        )

    def _tables(
        self, team: str, table: dict[str, Any], config_tables: dict[str, Any], has_set: bool
    ) -> dict[str, Any]:
        """The team's `[status_map]`, `[points_map]` and `[lint]`: its own over the top-level
        ones (`config.merge_tables`), checked now so that an error names the team."""
        own = {key: table[key] for key in TABLES if key in table}
        for key, value in own.items():
            if not isinstance(value, dict):
                raise self.error(team, key, f"must be a table ([teams.{key}] after [[teams]])")
        if "lint" in own and not has_set:
            raise self.error(
                team, "lint", "the team has no OKR set of its own (okrs = ...) to lint; the "
                "company set is linted with the top-level [lint]"
            )  # fmt: skip
        merged = merge_tables(config_tables, own)
        try:
            check_tables(merged)
        except UsageError as exc:
            raise self.error(team, None, str(exc)) from None
        return merged

    def _values(self, team: str, kind: str, table: dict[str, Any]) -> dict[str, Any]:
        """The team's own option values by param name, converted as click converts flags."""
        values: dict[str, Any] = {}
        for key, raw in table.items():
            if key in ("name", "source", "okrs", *TABLES):
                continue
            param = self.keys.get(key.replace("-", "_"))
            if param is None:
                raise self.error(team, key, self._unknown(key))
            name = str(param.name)
            readers = self.sources.get(name, (param, tuple(kinds())))[1]
            if kind not in readers:
                raise self.error(team, key, f"is read by source {', '.join(readers)}, not {kind}")
            value = _option_value(f"{self.path}: team {team!r}", key, param, raw)
            try:
                value = param.type_cast_value(self.ctx, value)
            except click.BadParameter as exc:
                raise self.error(team, key, exc.format_message()) from None
            if name in plugin(kind).input_files and value:
                value = self.relative(str(value))
            values[name] = value
        return values

    def _unknown(self, key: str) -> str:
        top = {_key_name(p) for p in self.ctx.command.get_params(self.ctx) if p.name} - set(
            self.keys
        )
        if key in top:
            return "applies to the whole portfolio: set it at the top level of the file"
        close = difflib.get_close_matches(key, ["name", "source", "okrs", *TABLES, *self.keys], n=1)
        return "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")

    def _check_selector(self, team: str, kind: str, merged: dict[str, Any]) -> None:
        wanted = SELECTORS.get(kind, ())
        if wanted and not any(merged.get(name) for name in wanted):
            keys = " or ".join(_key_name(self.sources[name][0]) for name in wanted)
            raise self.error(team, None, f"source {kind} needs {keys}")


def chosen(teams: list[TeamRequest], names: tuple[str, ...], path: str) -> tuple[TeamRequest, ...]:
    """`--team NAME` (repeatable): only those teams, in config order; an unknown name exit 2."""
    if not names:
        return tuple(teams)
    known = {team.name.casefold(): team for team in teams}
    for name in names:
        if name.casefold() not in known:
            close = difflib.get_close_matches(name, [t.name for t in teams], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"--team {name}: no such team in {path}{hint}")
    wanted = {name.casefold() for name in names}
    return tuple(team for team in teams if team.name.casefold() in wanted)
