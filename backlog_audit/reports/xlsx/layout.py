"""How a table sheet is laid out: column widths, alignment, wrapping and row heights.

Pure arithmetic on the table's values, decided once per sheet: `tables` styles the header and
sets the widths from it, `body` styles the cells and sets each wrapped row's height from it.

Widths are in Excel's unit, the width of a "0" in the default font (Calibri 11). Line counts
are estimated from character widths a little above what either program draws (Excel in
Calibri; LibreOffice without Calibri in DejaVu Sans, which is wider but scales its columns to
match), so a wrapped row is never too short: a row that is too short draws its lines over the
next row's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import repeat
from typing import TYPE_CHECKING, Any

from backlog_audit.reports.figures import points
from backlog_audit.reports.interface import engine_class

if TYPE_CHECKING:
    import polars as pl

# What a column holds; numbers are right-aligned and so are their headers.
NUMERIC_KINDS = frozenset({"int", "points", "percent", "delta", "time"})
# Display widths of the fixed-width kinds, in characters ("100.0%", "+12.3 pp", a UTC time).
_FIXED_WIDTHS = {"percent": 6, "delta": 9, "time": 20}
# Room for the filter button beside a header's text.
FILTER_BUTTON = 3
# A header at most this long stays on one line; a longer one may wrap to two.
_ONE_LINE_HEADER = 10
# Character widths in units of a "0", close to both Calibri's and DejaVu Sans's proportions:
# prose fits about 1.2 characters per unit, a list of issue keys (digits, capitals) about 1.
_SPACE, _OTHER, _WIDEST = 0.5, 1.2, 1.5
_CHAR_WIDTHS = {
    **dict.fromkeys(" .,;:'|!()[]{}-/\\`ijlrtfI", 0.5),
    **dict.fromkeys('abcdeghknopqsuvxyz"*+<=>?^_~#$&', 0.9),
    **dict.fromkeys("0123456789", 1.0),
    **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 1.1),
    **dict.fromkeys("mwMW%@", 1.5),
}
# Headers are bold: wider, and DejaVu Sans Bold (LibreOffice without Calibri) much wider.
_BOLD = 1.3
# The share of a line's width text is let to fill: estimates err towards one line too many
# (a little white space), never one too few (lines drawn over the next row).
_FILL = 0.97
# Points per line of 11-point text, and Excel's tallest row (409 points).
LINE_POINTS = 15.0
_ROW_PADDING = 2.0
MAX_ROW_POINTS = 409.0
MIN_WIDTH = 6


@dataclass(frozen=True)
class ColumnLayout:
    """How one column is shown."""

    width: float
    numeric: bool  # right-aligned, header too
    wrap: bool  # long text wraps within the width; its rows get heights
    indent: bool  # text right after a number column starts one indent in


@dataclass(frozen=True)
class Layout:
    """How a table's columns are shown, and how tall its header row is."""

    columns: tuple[ColumnLayout, ...]
    header_height: float | None  # None: one line, the default height

    @property
    def wraps(self) -> bool:
        """Whether any column wraps: then every cell of the table sits at the top of its row."""
        return any(column.wrap for column in self.columns)

    @cached_property
    def wrapped(self) -> tuple[tuple[int, float], ...]:
        """(index, width) of the wrapped columns."""
        return tuple((i, c.width) for i, c in enumerate(self.columns) if c.wrap)

    def row_height(self, row: Sequence[Any]) -> float | None:
        """The height (points) a row needs for its wrapped cells; None when one line will do.

        Called for every row of every table (200,000 on a big Items sheet), hence the loop
        over the wrapped columns only.
        """
        lines = 1
        for index, width in self.wrapped:
            value = row[index]
            if isinstance(value, str):
                lines = max(lines, line_count(value, width))
        return height_of(lines) if lines > 1 else None


def lay_out(headers: Sequence[str], kinds: Sequence[str], caps: Sequence[int],
            rows: Sequence[Sequence[Any]]) -> Layout:  # fmt: skip
    """Widths that fit each column's header and content within its cap, and what wraps."""
    widths = [content_width(rows, index, kind) for index, kind in enumerate(kinds)]
    return lay_out_widths(headers, kinds, caps, widths)


def lay_out_frame(headers: Sequence[str], kinds: Sequence[str], caps: Sequence[int],
                  frame: pl.DataFrame) -> Layout:  # fmt: skip
    """`lay_out` of a table held as columns (the first `len(headers)` of `frame`)."""
    widths = [_frame_width(frame[:, index], kind) for index, kind in enumerate(kinds)]
    return lay_out_widths(headers, kinds, caps, widths)


def _frame_width(column: pl.Series, kind: str) -> int:
    """`content_width` of one column: text measured by the engine, numbers as shown."""
    import polars as pl

    if kind in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[kind]
    if column.dtype == pl.String:
        longest = column.str.len_chars().max()
        return int(longest) if isinstance(longest, int) else 0
    shown = points if kind == "points" else _shown
    return max((len(shown(v)) for v in column.drop_nulls().unique().to_list()), default=0)


def lay_out_widths(headers: Sequence[str], kinds: Sequence[str], caps: Sequence[int],
                   widths: Sequence[int]) -> Layout:  # fmt: skip
    """The layout of columns whose widest values are `widths` wide (`content_width`)."""
    columns = []
    previous_numeric = False
    for header, kind, cap, width in zip(headers, kinds, caps, widths, strict=True):
        numeric = kind in NUMERIC_KINDS
        widest = width + 2
        content = min(widest, cap)
        # The cap holds long content in; the header is never cut (it wraps to two lines).
        width = max(content, header_width(header, content), MIN_WIDTH)
        wrap = kind == "wrap" or (kind == "text" and widest > cap)
        indent = not numeric and previous_numeric
        columns.append(ColumnLayout(float(width), numeric, wrap, indent))
        previous_numeric = numeric
    two_lines = any(
        _header_lines(header, column.width) > 1
        for header, column in zip(headers, columns, strict=True)
    )
    return Layout(tuple(columns), height_of(2) if two_lines else None)


def header_width(header: str, content: float) -> int:
    """The width a header needs: one line, or two when it is long and its column is narrow.

    Either way the text leaves `FILTER_BUTTON` free: room for the filter button on screen,
    and a gap before the next header (two right-aligned headers side by side read as one).
    """
    one_line = math.ceil(_bold_width(header)) + FILTER_BUTTON
    if len(header) <= _ONE_LINE_HEADER or " " not in header or content >= one_line:
        return one_line
    words = header.split(" ")
    two_lines = min(
        max(_bold_width(" ".join(words[:cut])), _bold_width(" ".join(words[cut:])))
        for cut in range(1, len(words))
    )
    return math.ceil(two_lines) + FILTER_BUTTON


def _bold_width(text: str) -> float:
    return text_width(text) * _BOLD


def _header_lines(header: str, width: float) -> int:
    return 1 if _bold_width(header) + FILTER_BUTTON <= width else 2


def content_width(rows: Sequence[Sequence[Any]], index: int, kind: str) -> int:
    """The display width of a column's widest value, as its number format shows it."""
    if kind in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[kind]
    shown = points if kind == "points" else _shown
    values = [row[index] for row in rows]
    # Most cells of a text column are text: measure those without formatting them.
    longest = max((len(v) for v in values if type(v) is str), default=0)
    others = [v for v in values if v is not None and type(v) is not str]
    return max(longest, max((len(shown(v)) for v in others), default=0))


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return points(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def one_line_chars(width: float) -> float:
    """Text without a line break and at most this many characters takes one line."""
    return (width - 1) * _FILL / _WIDEST


def surely_one_line(column: pl.Series, width: float) -> pl.Series:
    """Which texts take one line in a column `width` wide, judged by the engine: no line
    break and a drawn width (`text_width`) short of the line by more than rounding can
    move it. False means "count it" (`line_count`), not "more than one line"."""
    import polars as pl

    by_width: dict[float, list[str]] = {}
    for char, size in _CHAR_WIDTHS.items():
        by_width.setdefault(size, []).append(char)
    drawn = column.str.len_chars().cast(pl.Float64) * _OTHER
    for size, chars in by_width.items():
        counted = column.str.count_matches(engine_class(tuple(chars))).cast(pl.Float64)
        drawn = drawn + counted * (size - _OTHER)
    room = (width - 1) * _FILL
    no_break = ~column.str.contains("\n", literal=True)
    return (no_break & (drawn <= room - 1e-6)).fill_null(value=True)


def line_count(text: str, width: float) -> int:
    """How many lines `text` takes wrapped at word boundaries within a column `width` wide."""
    room = (width - 1) * _FILL
    if "\n" not in text and (len(text) * _WIDEST <= room or text_width(text) <= room):
        return 1  # the quick answers for most cells: too short to wrap, or fits as it is
    return sum(_wrapped_lines(paragraph, room) for paragraph in text.split("\n"))


def text_width(text: str) -> float:
    """The drawn width of `text` in units of a "0"."""
    # map() with the default as a second iterable: a third of a generator's time, and this
    # runs for every character of every long cell.
    return sum(map(_CHAR_WIDTHS.get, text, repeat(_OTHER)))


def _wrapped_lines(paragraph: str, room: float) -> int:
    """Greedy word wrap, as Excel and LibreOffice do; a word too long for a line is split."""
    lines, used = 1, 0.0
    for word in paragraph.split(" "):
        size = text_width(word)
        if used and used + _SPACE + size <= room:
            used += _SPACE + size
            continue
        if used:
            lines += 1
        whole_lines = math.ceil(size / room) if size else 1
        lines += whole_lines - 1
        used = size - (whole_lines - 1) * room
    return lines


def height_of(lines: int) -> float:
    """The row height in points for `lines` lines of text, within Excel's tallest row."""
    return min(lines * LINE_POINTS + _ROW_PADDING, MAX_ROW_POINTS)
