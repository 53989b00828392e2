"""Credentials checked before any request: a control character is a usage error, not a crash.

A token read with `TOKEN=$(cat file)` from a two-line file carries a line break. Sent as is,
it makes the HTTP client refuse the header with an exception whose text holds the whole header,
token included. Here every variable a source reads is checked first, and a bad one is named
in one line (exit 2), its value never shown. Spaces and line breaks around a value are
dropped, as a shell's `$(...)` or a copy-paste adds them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from backlog_audit.errors import UsageError

__all__ = ["checked"]


def _bad_character(value: str) -> tuple[int, str] | None:
    for index, char in enumerate(value):
        if unicodedata.category(char) == "Cc":  # control characters: \n, \r, \t, NUL, ESC...
            return index, f"U+{ord(char):04X}"
    return None


def checked(credentials: Mapping[str, str]) -> dict[str, str]:
    """`credentials` with surrounding whitespace dropped; exit 2 when one holds a control
    character (the message names the variable and where, never the value)."""
    clean: dict[str, str] = {}
    for name, raw in credentials.items():
        value = raw.strip()
        bad = _bad_character(value)
        if bad is not None:
            index, code = bad
            what = "a line break" if code in ("U+000A", "U+000D") else "a control character"
            raise UsageError(
                f"{name} holds {what} ({code}) at character {index + 1} of {len(value)}: "
                "set it to the value alone (a file read with $(cat FILE) may hold two lines)"
            )
        clean[name] = value
    return clean
