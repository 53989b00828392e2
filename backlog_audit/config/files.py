"""Which config file a command reads (SPEC 8), and reading one.

In order, the first found is the one read:

1. `--config FILE`;
2. the nearest `backlog-audit.toml` from the working directory up to the repository root
   (the nearest folder holding `.git`; outside a repository, the working directory only);
3. the nearest `pyproject.toml` within the same folders that has a `[tool.backlog-audit]`
   table (a `pyproject.toml` without one is passed over, as ruff and black do);
4. `config.toml` in the user's config directory (`platformdirs`: `~/.config/backlog-audit/`
   on Linux, `~/Library/Application Support/backlog-audit/` on macOS, `%LOCALAPPDATA%` on
   Windows).

One file, never a merge: what a run reads is what `backlog-audit config` shows.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlog_audit.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

APP_NAME = "backlog-audit"
DEFAULT_CONFIG = "backlog-audit.toml"
PYPROJECT = "pyproject.toml"
USER_CONFIG = "config.toml"
PYPROJECT_TABLE = ("tool", "backlog-audit")


@dataclass(frozen=True)
class ConfigFile:
    """A config file in use: where it is, its settings, and why it was chosen."""

    path: Path
    data: dict[str, Any]
    how: str  # "--config", "nearest backlog-audit.toml", ...
    in_pyproject: bool = False

    @property
    def label(self) -> str:
        """How messages name it: the file, and the table for a `pyproject.toml`."""
        return f"{self.path} [tool.backlog-audit]" if self.in_pyproject else str(self.path)


@dataclass(frozen=True)
class Discovery:
    """The outcome of looking for a config file: the one in use (if any) and every file
    parsed on the way (a `pyproject.toml` without the table is parsed, then passed over)."""

    found: ConfigFile | None
    read: tuple[Path, ...]
    folders: tuple[Path, ...]  # searched for project files, nearest first
    user_file: Path | None  # the user-level file's place (None when --config names one)


def read_config(path: str | Path) -> dict[str, Any]:
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


def project_folders(start: Path) -> tuple[Path, ...]:
    """`start` and its parents up to the repository root; only `start` outside a repository.

    A home directory or `/` is not the project: a stray file there must not configure every
    audit run below it (the user-level file is the place for that).
    """
    chain = (start, *start.parents)
    for depth, folder in enumerate(chain):
        if (folder / ".git").exists():  # a folder, or a file in a worktree or submodule
            return chain[: depth + 1]
    return (start,)


def user_config_file() -> Path:
    """The user-level config file in the platform's config directory."""
    from platformdirs import user_config_path  # only when no project file is found

    return user_config_path(APP_NAME, appauthor=False) / USER_CONFIG


def discover(explicit: str | None, start: Path | None = None) -> Discovery:
    """The config file a command reads (see the module docstring)."""
    if explicit is not None:
        found = ConfigFile(Path(explicit), read_config(explicit), "--config")
        return Discovery(found, (found.path,), (), None)
    folders = project_folders(start or Path.cwd())
    for folder in folders:
        path = folder / DEFAULT_CONFIG
        if path.is_file():
            found = ConfigFile(path, read_config(path), f"nearest {DEFAULT_CONFIG}")
            return Discovery(found, (path,), folders, None)
    read: list[Path] = []
    for folder in folders:
        path = folder / PYPROJECT
        if path.is_file():
            read.append(path)
            if (table := _tool_table(path)) is not None:
                found = ConfigFile(path, table, f"nearest {PYPROJECT} with the table", True)
                return Discovery(found, tuple(read), folders, None)
    user = user_config_file()
    if user.is_file():
        found = ConfigFile(user, read_config(user), "user-level file")
        return Discovery(found, (*read, user), folders, user)
    return Discovery(None, tuple(read), folders, user)


def _tool_table(path: Path) -> dict[str, Any] | None:
    """The `[tool.backlog-audit]` table of a `pyproject.toml`, None when it has none."""
    data: Any = read_config(path)
    for key in PYPROJECT_TABLE:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    if not isinstance(data, dict):
        raise UsageError(f"{path}: [tool.backlog-audit] must be a table")
    return data
