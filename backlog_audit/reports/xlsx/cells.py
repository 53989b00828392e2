"""Cell values that Excel accepts: clean text, finite numbers, naive UTC times, safe links.

Everything a source sends passes through here before it reaches a cell, so that no string
becomes a formula, no character makes Excel offer to repair the file, and no cell or sheet
goes past Excel's limits.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timezone
from typing import Any, TypeGuard

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from backlog_audit.reports.interface import looks_like_formula

# Excel's limits (https://support.microsoft.com/office/excel-specifications-and-limits).
MAX_CELL_CHARS = 32_767
MAX_HYPERLINKS = 65_530
MAX_SHEET_TITLE = 31
TRUNCATED = " … [truncated]"

# XML 1.0 refuses these characters: control characters (openpyxl raises on them), lone
# surrogates (they cannot even be encoded), and the noncharacters U+FFFE and U+FFFF, which
# openpyxl lets through and which make the whole sheet unreadable ("not well-formed").
_REFUSED = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0xD800, 0xDFFF), (0xFFFE, 0xFFFF))
_ILLEGAL = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _REFUSED) + "]")
# The same class for the engine's regex dialect, over text that cannot hold surrogates.
ENGINE_ILLEGAL = "[" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in _REFUSED
                               if a != 0xD800) + "]"  # fmt: skip
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

Value = str | int | float | datetime | date | None


def clean_text(text: str, limit: int | None = None) -> str:
    """Text without refused characters, cut to Excel's cell limit with a visible marker."""
    text = _ILLEGAL.sub("", text)
    cap = MAX_CELL_CHARS if limit is None else limit
    # A code point counts at most twice, so shorter text needs no closer look.
    if 2 * len(text) > cap and excel_length(text) > cap:
        return _first_units(text, cap - len(TRUNCATED)) + TRUNCATED
    return text


def excel_length(text: str) -> int:
    """The length Excel's limits count: UTF-16 code units, so an emoji counts twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _first_units(text: str, units: int) -> str:
    """The longest start of `text` that fits in `units` UTF-16 code units, never half a pair."""
    head = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    # "ignore" drops a pair cut in two at the end; nothing else in `head` can fail to decode.
    return head.decode("utf-16-le", "ignore")


def clean_number(value: float | None) -> float | None:
    """A finite number, or None: NaN and infinities are not valid in a workbook."""
    if value is None or not math.isfinite(value):
        return None
    return value


def excel_time(moment: datetime) -> datetime:
    """UTC wall time without tzinfo: Excel has no time zones (headers say UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def sheet_title(title: str) -> str:
    """A legal sheet name: no `[]:*?/\\`, at most 31 characters, never empty."""
    cleaned = _SHEET_TITLE_BAD.sub(" ", _ILLEGAL.sub("", title)).strip().strip("'")
    return (cleaned or "Sheet")[:MAX_SHEET_TITLE]


def cell_value(value: Any) -> Value:
    """A plain value made safe for a cell (text cleaned, numbers finite, times naive)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return clean_number(value)
    if isinstance(value, datetime):
        return excel_time(value)
    if value is None or isinstance(value, (int, date)):
        return value
    return clean_text(str(value))


def needs_text_cell(value: object) -> TypeGuard[str]:
    """Whether a string must be forced to text: Excel would read it as a formula."""
    return isinstance(value, str) and looks_like_formula(value)


def text_cell(ws: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that holds `value` as text, never a formula, also after a reader edits it."""
    cell = WriteOnlyCell(ws, value=value)
    # openpyxl makes any string starting with "=" a formula; force the string type back.
    cell.data_type = "s"
    # quotePrefix is Excel's leading apostrophe: the text stays text when the cell is edited.
    cell.quotePrefix = True
    return cell
