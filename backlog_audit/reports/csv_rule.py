"""The one rule for every CSV this tool writes: the CSV report and `history --format csv`.

RFC 4180: fields separated by commas, every record ended by CRLF, and a field quoted (its
quotes doubled) when it holds a comma, a quote, a carriage return or a line feed. Python's
`csv` module with `lineterminator="\\n"` quoted a field with a line feed but not one with a
bare carriage return, which spreadsheet programs also take for a line end: a title holding
`\\r=cmd|' /C calc'!A0` split its row, and the second half began with a live formula.

And spreadsheet-safe (SPEC 10): text that starts like a formula (`=`, `+`, `-`, `@`, tab,
carriage return) is written as text, prefixed with `'`, and quoted. Numbers are written as
numbers, never quoted (a negative coverage change stays a number).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from backlog_audit.reports.interface import looks_like_formula

__all__ = ["RECORD_END", "field", "table"]

RECORD_END = "\r\n"
_QUOTED_WHEN = (",", '"', "\r", "\n")


def field(value: Any) -> str:
    """One field as written: empty for None, NaN and infinity; text defused and quoted."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if not isinstance(value, str):
        return str(value)
    quote = looks_like_formula(value)
    text = "'" + value if quote else value
    if quote or any(mark in text for mark in _QUOTED_WHEN):
        return '"' + text.replace('"', '""') + '"'
    return text


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header record and one record per row, every record ended by CRLF."""
    records = [header, *rows]
    return "".join(",".join(field(value) for value in record) + RECORD_END for record in records)
