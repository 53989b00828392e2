"""One way to write every table sheet: styled header, frozen panes, filter, fitted widths,
number formats, conditional formats and item links, in openpyxl's write-only mode.

Everything sheet-wide (widths, filter, panes, conditional formats) is set before the first
row, as write-only mode requires; the data rows follow in `body`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from backlog_audit.reports.xlsx import cells, styles

Kind = Literal["text", "wrap", "key", "int", "points", "percent", "delta", "time"]

# Display widths of formatted numbers, in characters.
_NUMBER_WIDTHS: dict[str, int] = {"int": 8, "points": 8, "percent": 8, "delta": 10, "time": 20}
_EMPTY_FONT = Font(name=styles.FONT_NAME, italic=True, color=styles.GREY_TEXT)


@dataclass(frozen=True)
class Column:
    """A column: its header, what it holds, and how wide it may grow."""

    header: str
    kind: Kind = "text"
    max_width: int = 50


@dataclass(frozen=True)
class Table:
    """A table sheet: columns, rows of plain values, and how to dress them.

    `links[i]` is the URL of row i's key column (the first column of kind "key");
    `share_columns` and `coverage_columns` name columns that get colour scales;
    `value_colours` maps a column header to {cell text: fill colour}.
    """

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Any]]
    links: Sequence[str | None] = ()
    freeze: str = "A2"
    share_columns: tuple[str, ...] = ()
    coverage_columns: tuple[str, ...] = ()
    value_colours: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    empty_text: str = "Nothing to show."

    def letter(self, header: str) -> str:
        """The column letter of a header."""
        index = [c.header for c in self.columns].index(header)
        letter: str = get_column_letter(index + 1)
        return letter

    @property
    def last_row(self) -> int:
        """The sheet row of the last data row (the header is row 1)."""
        return max(len(self.rows), 1) + 1


def write_table(wb: Workbook, table: Table) -> WriteOnlyWorksheet:
    """Add `table` as a new sheet of a write-only workbook: everything but its data rows.

    The header row, widths, panes, filter and conditional formats are set here; an empty
    table gets its "nothing to show" line. `body` writes the data rows.
    """
    ws: WriteOnlyWorksheet = wb.create_sheet(cells.sheet_title(table.title))
    _set_widths(ws, table)
    ws.freeze_panes = table.freeze
    _set_print_layout(ws)
    last_col = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A1:{last_col}{table.last_row}"
    if table.rows:
        _add_conditional_formats(ws, table)
    ws.append(_header(ws, table.columns))
    if not table.rows:
        empty = WriteOnlyCell(ws, value=table.empty_text)
        empty.font = _EMPTY_FONT
        ws.append([empty])
        return ws
    # The data rows are streamed in after saving (body.py): openpyxl's cell objects are
    # too slow for a 100,000-row sheet.
    return ws


def _header(ws: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[WriteOnlyCell]:
    out = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=cells.clean_text(column.header))
        cell.font = styles.HEADER_FONT
        cell.fill = styles.HEADER_FILL
        cell.alignment = styles.HEADER_ALIGN
        cell.border = styles.HEADER_BORDER
        out.append(cell)
    return out


def _set_print_layout(ws: WriteOnlyWorksheet) -> None:
    """Printed, a table is landscape, one page wide, with its header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"


def _set_widths(ws: WriteOnlyWorksheet, table: Table) -> None:
    for index, column in enumerate(table.columns):
        content = _content_width(table.rows, index, column.kind)
        # +3 leaves room for the filter button beside the header text.
        width = max(len(column.header) + 3, content + 2, 6)
        ws.column_dimensions[get_column_letter(index + 1)].width = min(width, column.max_width)


def _content_width(rows: Sequence[Sequence[Any]], index: int, kind: str) -> int:
    if kind in _NUMBER_WIDTHS:
        return _NUMBER_WIDTHS[kind]
    longest = 0
    for row in rows:
        value = row[index]
        if value is not None:
            longest = max(longest, len(value) if isinstance(value, str) else len(str(value)))
    return longest


def _add_conditional_formats(ws: WriteOnlyWorksheet, table: Table) -> None:
    last = table.last_row
    for header in table.share_columns:
        col = table.letter(header)
        ws.conditional_formatting.add(f"{col}2:{col}{last}", styles.share_scale())
    for header in table.coverage_columns:
        col = table.letter(header)
        ws.conditional_formatting.add(f"{col}2:{col}{last}", styles.coverage_scale())
    for header, colours in table.value_colours.items():
        col = table.letter(header)
        for text, colour in colours.items():
            ws.conditional_formatting.add(f"{col}2:{col}{last}", styles.equals_fill(text, colour))
