"""Errors that carry their exit code.

The CLI catches only `BacklogAuditError`, prints its message as one line and exits with its
code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE, EXIT_SOURCE = 0, 1, 2, 3


class BacklogAuditError(Exception):
    """Base class of every error the user can act on."""

    exit_code = EXIT_USAGE


class UsageError(BacklogAuditError):
    """Bad flags, configuration or input file: exit 2."""

    exit_code = EXIT_USAGE


class OkrFileError(UsageError):
    """An OKR set file that cannot be used; the message names file, place and problem."""

    def __init__(self, path: str, where: str | None, problem: str) -> None:
        self.path, self.where, self.problem = path, where, problem
        place = f"{path}:{where}" if where else path
        super().__init__(f"{place}: {problem}")


class HistoryError(UsageError):
    """A history file that cannot be used (not SQLite, newer schema, locked too long)."""


class InputError(UsageError):
    """A backlog input (CSV export, ...) that cannot be read."""


class SourceError(BacklogAuditError):
    """A source failed: unreachable, auth refused, API error after retries: exit 3."""

    exit_code = EXIT_SOURCE
