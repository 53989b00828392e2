"""The report formats and what every writer provides."""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from backlog_audit.model import AuditResult


class ReportFormat(str, Enum):
    """The formats `--format` accepts, with their file extensions."""

    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    MD = "md"
    HTML = "html"

    @property
    def streamable(self) -> bool:
        """Whether the format can go to stdout (`-o -`)."""
        return self is not ReportFormat.XLSX


class Renderer(Protocol):
    """A writer: the whole report as bytes, so a failed render never touches a file."""

    def __call__(self, result: AuditResult) -> bytes: ...


# Characters that make a spreadsheet read a cell as a formula (SPEC 10).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def engine_class(marks: tuple[str, ...]) -> str:
    """A regex character class of single characters, in the engine's dialect (`\\x{3D}`)."""
    assert all(len(mark) == 1 for mark in marks)
    return "[" + "".join(f"\\x{{{ord(mark):X}}}" for mark in marks) + "]"


# `looks_like_formula` for the engine's string expressions (issue 15's columnar writers).
FORMULA_START = "^" + engine_class(FORMULA_TRIGGERS)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would treat this string as a formula."""
    return text.startswith(FORMULA_TRIGGERS)
