"""`backlog-audit config` as text: the files read, the settings, the variables (never values)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backlog_audit.adapters.urls import redact_url
from backlog_audit.config.files import Discovery

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

# Setting names that would hold a secret: shown as set, never with their value.
_SECRET = re.compile(r"token|secret|password|passwd|api_key|apikey|credential", re.IGNORECASE)


@dataclass(frozen=True)
class Setting:
    """One `audit` option as the config key names it, its value and where it came from."""

    key: str
    value: Any
    origin: str  # "config file" | "default"


def shown(key: str, value: Any) -> str:
    """A value as TOML would write it, with secrets hidden and URL passwords redacted."""
    if value is None:
        return "(not set)"
    if _SECRET.search(key):
        return "(set, hidden)"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown(key, each) for each in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(redact_url(value) if "://" in value else value, ensure_ascii=False)
    return str(value)


def config_text(
    found: Discovery,
    settings: Sequence[Setting],
    tables: dict[str, Any],
    environment: Sequence[str],
    history: Path,
    environ: dict[str, str] | None = None,
) -> Group:
    """The whole output: files, where it looked, settings, tables, environment."""
    import os

    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    env = os.environ if environ is None else environ
    parts: list[Any] = [Text("Config files read:", style="bold")]
    parts += [Text(f"  {line}") for line in _files(found)]
    settings_table = _table()
    for setting in settings:
        origin = "" if setting.origin == "default" else setting.origin
        settings_table.add_row(setting.key, f"= {shown(setting.key, setting.value)}", origin)
    parts += [Text(""), Text("Settings of `audit` (flags on the command line win):", "bold")]
    parts.append(Padding(settings_table, (0, 0, 0, 2), expand=False))
    there = "present" if history.exists() else "not yet created"
    parts.append(Text(f"\nHistory file: {history} ({there})"))
    for name, entries in tables.items():
        parts.append(Text(f"\n[{name}]", style="bold"))
        parts += [Text(f"  {json.dumps(k)} = {shown(k, v)}") for k, v in _items(entries)]
    parts.append(Text("\nEnvironment variables the sources read (values never shown):", "bold"))
    variables = _table()
    for name in environment:
        variables.add_row(name, "set" if env.get(name) else "not set")
    parts.append(Padding(variables, (0, 0, 0, 2), expand=False))
    return Group(*parts)


def _table() -> Table:
    """Columns without borders or a header, two spaces apart."""
    from rich.table import Table

    return Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))


def _items(entries: Any) -> list[tuple[str, Any]]:
    return list(entries.items()) if isinstance(entries, dict) else []


def _files(found: Discovery) -> list[str]:
    """The files parsed, the one in use marked; where the search looked."""
    if found.found is None and not found.read:
        lines = ["(none: every setting is its default)"]
    else:
        lines = []
        for path in found.read:
            in_use = found.found is not None and found.found.path == path
            mark = f"in use ({found.found.how})" if in_use and found.found else "no table"
            lines.append(f"{path}  {mark}")
    if found.folders:
        root = "repository root" if (found.folders[-1] / ".git").exists() else "not a repository"
        lines.append(
            f"searched: {', '.join(map(str, found.folders))} ({root}); "
            "backlog-audit.toml, then pyproject.toml [tool.backlog-audit]"
        )
    if found.user_file is not None:
        there = "present" if found.user_file.is_file() else "not present"
        lines.append(f"user-level file: {found.user_file} ({there})")
    return lines
