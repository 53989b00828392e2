"""What the YAML and table readers share: the allowed values, and the wording of problems.

Both readers report the same problem in the same words, so that a user who switches formats
sees the same message for the same mistake.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from pathlib import Path

from backlog_audit.errors import OkrFileError

LEVELS = ("company", "department", "team")
INDICATORS = ("leading", "lagging")
STATUSES = ("active", "retired")


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint for a misspelt key, or ''."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_number(raw: str) -> float | None:
    """A finite float from text, or None when the text is not a plain number."""
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def number_problem(name: str, raw: str) -> str:
    """The message for a non-numeric baseline/target/current value."""
    hint = " (put the unit in 'unit')" if raw.strip().endswith("%") else ""
    return f"{name} must be a number, got '{raw}'{hint}"


def choice_problem(name: str, raw: str, choices: tuple[str, ...]) -> str:
    """The message for a value outside its allowed set."""
    return f"{name} must be one of {', '.join(choices)}, got '{raw}'{suggest(raw, choices)}"


def read_text(path: str) -> str:
    """The file's text (UTF-8, BOM tolerated), or an OkrFileError saying why not."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OkrFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise OkrFileError(path, None, "is a directory, not an OKR file") from None
    except UnicodeDecodeError as e:
        raise OkrFileError(path, None, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise OkrFileError(path, None, f"cannot read: {e.strerror or e}") from None
