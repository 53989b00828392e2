"""One way to write every table sheet: styled header, frozen panes, filter, fitted widths,
number formats, conditional formats, item links and print layout, in openpyxl's write-only mode.

Everything sheet-wide (widths, filter, panes, conditional formats, page setup) is set before
the first row, as write-only mode requires; the data rows follow in `body`. How wide each
column is, what wraps and how tall rows are is decided in `layout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from backlog_audit.reports.xlsx import cells, styles
from backlog_audit.reports.xlsx.layout import ColumnLayout, Layout, lay_out, lay_out_frame

if TYPE_CHECKING:
    import polars as pl

Kind = Literal["text", "wrap", "key", "int", "points", "percent", "delta", "time"]

# The column of a `Table.frame` holding each row's URL.
LINK = "_link"
_EMPTY_FONT = Font(name=styles.FONT_NAME, italic=True, color=styles.GREY_TEXT)


@dataclass(frozen=True)
class Column:
    """A column: its header, what it holds, and how wide it may grow.

    A hidden column holds what a chart reads but a reader need not see (short KR labels).
    """

    header: str
    kind: Kind = "text"
    max_width: int = 50
    hidden: bool = False


@dataclass(frozen=True)
class Table:
    """A table sheet: columns, rows of plain values, and how to dress them.

    `links[i]` is the URL of row i's key column (the first column of kind "key");
    a big table holds its rows as columns instead (`frame`: one column per `columns`, in
    order, then `LINK`, the URLs, when it links: issue 15); `share_columns` and
    `coverage_columns` name columns that get colour scales;
    `value_colours` maps a column header to {cell text: fill colour}; `page_breaks` are
    data-row indexes that start a new printed page.
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
    page_breaks: tuple[int, ...] = ()
    frame: pl.DataFrame | None = None

    @property
    def height(self) -> int:
        """How many data rows the table has."""
        return len(self.rows) if self.frame is None else self.frame.height

    def letter(self, header: str) -> str:
        """The column letter of a header."""
        index = [c.header for c in self.columns].index(header)
        letter: str = get_column_letter(index + 1)
        return letter

    @property
    def last_row(self) -> int:
        """The sheet row of the last data row (the header is row 1)."""
        return max(self.height, 1) + 1

    @cached_property
    def layout(self) -> Layout:
        """Widths, alignment and wrapping of the columns (computed once: a pass over the rows)."""
        columns = self.columns
        headers, kinds = [c.header for c in columns], [c.kind for c in columns]
        caps = [c.max_width for c in columns]
        if self.frame is not None:
            return lay_out_frame(headers, kinds, caps, self.frame)
        return lay_out(headers, kinds, caps, self.rows)

    def with_first_column(self, column: Column, values: Sequence[Any]) -> Table:
        """The table with one more column in front (the portfolio's Team), values per row."""
        columns = (column, *self.columns)
        if self.frame is None:
            rows = [[value, *row] for value, row in zip(values, self.rows, strict=True)]
            return replace(self, columns=columns, rows=rows)
        import polars as pl

        first = pl.Series("first", values, dtype=pl.String)
        frame = self.frame.insert_column(0, first)
        names = {old: f"c{n}" for n, old in enumerate(frame.columns) if old != LINK}
        return replace(self, columns=columns, frame=frame.rename(names))

    @property
    def shown_columns(self) -> int:
        """How many columns a reader sees: hidden ones come last and are not filtered."""
        return sum(1 for c in self.columns if not c.hidden)


def write_table(wb: Workbook, table: Table) -> WriteOnlyWorksheet:
    """Add `table` as a new sheet of a write-only workbook: everything but its data rows.

    The header row, widths, panes, filter and conditional formats are set here; an empty
    table gets its "nothing to show" line. `body` writes the data rows.
    """
    ws: WriteOnlyWorksheet = wb.create_sheet(cells.sheet_title(table.title))
    _set_widths(ws, table)
    ws.freeze_panes = table.freeze
    _set_print_layout(ws, table)
    last_col = get_column_letter(table.shown_columns)
    ws.auto_filter.ref = f"A1:{last_col}{table.last_row}"
    if table.height:
        _add_conditional_formats(ws, table)
    if table.layout.header_height is not None:
        ws.row_dimensions[1].height = table.layout.header_height
    ws.append(_header(ws, table))
    if not table.height:
        empty = WriteOnlyCell(ws, value=table.empty_text)
        empty.font = _EMPTY_FONT
        ws.append([empty])
        return ws
    # The data rows are streamed in after saving (body.py): openpyxl's cell objects are
    # too slow for a 100,000-row sheet.
    return ws


def _header(ws: WriteOnlyWorksheet, table: Table) -> list[WriteOnlyCell]:
    out = []
    for column, shown in zip(table.columns, table.layout.columns, strict=True):
        cell = WriteOnlyCell(ws, value=cells.clean_text(column.header))
        cell.font = styles.HEADER_FONT
        cell.fill = styles.HEADER_FILL
        cell.alignment = header_alignment(shown)
        cell.border = styles.HEADER_BORDER
        out.append(cell)
    return out


def header_alignment(column: ColumnLayout) -> Alignment:
    """A header sits where its column's values sit: over the right edge of numbers."""
    return Alignment(
        horizontal="right" if column.numeric else "left",
        vertical="center",
        wrap_text=True,
        indent=1 if column.indent else 0,
    )


def cell_alignment(column: ColumnLayout, top: bool) -> Alignment | None:
    """How a column's cells sit; None for the default (bottom left, numbers right).

    `top`: the table has wrapped rows, so every cell starts at the top of its row (a key
    at the bottom of a three-line row reads as belonging to the next row).
    """
    if not (column.wrap or column.indent or top):
        return None
    return Alignment(
        # An indent applies only to an explicit horizontal alignment.
        horizontal="left" if column.indent else None,
        vertical="top" if top else None,
        wrap_text=column.wrap or None,
        indent=1 if column.indent else 0,
    )


def _set_print_layout(ws: WriteOnlyWorksheet, table: Table) -> None:
    """Printed, a table is landscape, one page wide and as many long as it takes (its text
    stays the same size however many rows there are), with its header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    for index in table.page_breaks:
        # A break id is the last sheet row before the break; data row i is sheet row i + 2.
        ws.row_breaks.append(Break(id=index + 1))


def _set_widths(ws: WriteOnlyWorksheet, table: Table) -> None:
    for index, (column, shown) in enumerate(zip(table.columns, table.layout.columns,
                                                strict=True)):  # fmt: skip
        dimension = ws.column_dimensions[get_column_letter(index + 1)]
        dimension.width = shown.width
        if column.hidden:
            dimension.hidden = True


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
