"""The Summary sheet: what leadership reads first.

Scope, cycle and time; the traffic light; headline figures as large labelled cells; the full
figure table (all items and open items); work by link state; changes since the last audit;
and two native charts beside them. Written row by row (write-only mode), so the sheet keeps a
cursor and remembers where the doughnut's data lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.units import cm_to_EMU
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from backlog_audit.model import AuditResult, Changes, Summary
from backlog_audit.reports.common import change_lists, cycle_text, source_text
from backlog_audit.reports.figures import count, points, status_of
from backlog_audit.reports.xlsx import cells, charts, styles

SUMMARY = "Summary"
_WIDTHS = {"A": 30, "B": 24, "C": 17, "D": 15, "E": 15, "F": 15, "G": 3}
_CHART_COL = 7  # column H, counted from 0
_CHART_GAP_CM = 0.4
_RIGHT = Alignment(horizontal="right")


class _Sheet:
    """A write-only sheet with a row cursor and small cell helpers."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.row = 0

    def append(self, values: Sequence[Any], height: float | None = None) -> int:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(values))
        return self.row

    def cell(self, value: Any, font: Font | None = None, fmt: str | None = None,
             fill: PatternFill | None = None, align: Alignment | None = None) -> Any:  # fmt: skip
        """A styled cell; source text that looks like a formula stays text."""
        value = cells.cell_value(value)
        made = (
            cells.text_cell(self.ws, value)
            if cells.needs_text_cell(value)
            else WriteOnlyCell(self.ws, value=value)
        )
        if font is not None:
            made.font = font
        if fmt is not None:
            made.number_format = fmt
        if fill is not None:
            made.fill = fill
        if align is not None:
            made.alignment = align
        return made

    def label(self, text: str) -> Any:
        return self.cell(text, font=styles.LABEL_FONT)

    def header(self, label: str, *figures: str) -> int:
        """A table's header: the label column, then figure columns right-aligned over their
        numbers."""
        first = self.cell(label, font=styles.HEADER_FONT, fill=styles.HEADER_FILL)
        rest = [
            self.cell(t, font=styles.HEADER_FONT, fill=styles.HEADER_FILL, align=_RIGHT)
            for t in figures
        ]
        return self.append([first, *rest])


def write_summary(wb: Workbook, result: AuditResult, kr_charts: Sequence[charts.BarChart]) -> None:
    """Add the Summary sheet; `kr_charts` (built by the caller) read the Key Results sheet."""
    sheet = _Sheet(wb.create_sheet(SUMMARY))
    _set_up(sheet.ws)
    _heading(sheet, result)
    _headline(sheet, result.summary)
    _figures(sheet, result)
    first, last, shares = _states(sheet, result.summary)
    _changes(sheet, result.changes)
    _warnings(sheet, result.warnings)
    sheet.append([sheet.cell("All times are UTC. The Definitions sheet explains every figure.",
                             font=styles.SMALL_FONT)])  # fmt: skip
    doughnut = charts.state_doughnut(SUMMARY, "A", "B", first, last, shares)
    top = 0.0
    for chart in (*kr_charts, doughnut):
        # Stacked by distance, not by rows: the Summary's rows differ in height.
        chart.anchor = OneCellAnchor(
            _from=AnchorMarker(col=_CHART_COL, row=1, rowOff=cm_to_EMU(top)),
            ext=XDRPositiveSize2D(cm_to_EMU(chart.width), cm_to_EMU(chart.height)),
        )
        sheet.ws.add_chart(chart)
        top += chart.height + _CHART_GAP_CM


def _set_up(ws: WriteOnlyWorksheet) -> None:
    for col, width in _WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.sheet_view.showGridLines = False
    # One landscape page: what a reader prints, and what the README picture shows.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _heading(sheet: _Sheet, result: AuditResult) -> None:
    sheet.append([sheet.cell("OKR alignment audit", font=styles.TITLE_FONT)], height=30)
    sheet.append([sheet.label("Scope"), sheet.cell(source_text(result))])
    sheet.append([sheet.label("OKR cycle"), sheet.cell(cycle_text(result))])
    if result.okrs.source:
        sheet.append([sheet.label("OKR set"), sheet.cell(result.okrs.source)])
    generated = sheet.cell(
        result.generated_at, fmt=styles.UTC_TIME, align=Alignment(horizontal="left")
    )
    sheet.append([sheet.label("Generated (UTC)"), generated])
    status = status_of(result)
    light = sheet.cell(
        status.label, font=styles.STATUS_FONT, fill=styles.LIGHT_FILLS[status.light],
        align=styles.CENTER,
    )  # fmt: skip
    reason = sheet.cell(status.reason, align=Alignment(indent=1, vertical="center"))
    sheet.append([sheet.label("Status"), light, reason], height=22)
    sheet.append([])


def _headline(sheet: _Sheet, summary: Summary) -> None:
    total = summary.all
    labels = ("Coverage (items)", "Coverage (points)", "Orphaned items", "Dangling links",
              "Stale links", "Uncovered KRs")  # fmt: skip
    values: tuple[tuple[object, str | None], ...] = (
        (total.coverage, styles.PERCENT),
        (total.points_coverage, styles.PERCENT),
        (summary.orphaned_items, styles.INTEGER),
        (summary.dangling_items, styles.INTEGER),
        (summary.stale_items, styles.INTEGER),
        (summary.uncovered_key_results, styles.INTEGER),
    )
    notes = (
        f"{count(total.linked_items)} of {count(total.items - total.exempt_items)} items",
        f"{points(total.linked_points)} of {points(total.points - total.exempt_points)} points",
        "items with no OKR link",
        "items linking an unknown KR",
        "items linking a retired KR",
        f"of {count(summary.key_results)} key results",
    )
    sheet.append([sheet.cell(t, font=styles.LABEL_FONT, align=styles.CENTER) for t in labels],
                 height=30)  # fmt: skip
    big = [
        sheet.cell("n/a" if v is None else v, font=styles.BIG_FONT, fmt=f, align=styles.CENTER)
        for v, f in values
    ]
    sheet.append(big, height=40)
    sheet.append([sheet.cell(n, font=styles.SMALL_FONT, align=styles.CENTER) for n in notes])
    sheet.append([])


def _figures(sheet: _Sheet, result: AuditResult) -> None:
    summary, total, open_ = result.summary, result.summary.all, result.summary.open
    sheet.header("Figure", "All items", "Open items")
    rows: tuple[tuple[str, object, object, str | None], ...] = (
        ("Items in scope", total.items, open_.items, styles.INTEGER),
        ("Exempt items", total.exempt_items, open_.exempt_items, styles.INTEGER),
        ("Exempt share", total.exempt_share, open_.exempt_share, styles.PERCENT),
        ("Linked items", total.linked_items, open_.linked_items, styles.INTEGER),
        ("Coverage (items)", total.coverage, open_.coverage, styles.PERCENT),
        ("Points", total.points, open_.points, None),
        ("Exempt points", total.exempt_points, open_.exempt_points, None),
        ("Linked points", total.linked_points, open_.linked_points, None),
        ("Coverage (points)", total.points_coverage, open_.points_coverage, styles.PERCENT),
        ("Objective-only items", summary.objective_only_items, None, styles.INTEGER),
        ("Inherited items", summary.inherited_items, None, styles.INTEGER),
        ("Orphaned items", summary.orphaned_items, None, styles.INTEGER),
        ("Dangling items", summary.dangling_items, None, styles.INTEGER),
        ("Stale items", summary.stale_items, None, styles.INTEGER),
        ("Unestimated items", summary.unestimated_items, None, styles.INTEGER),
        ("Unestimated share", _share(summary.unestimated_items, total.items), None,
         styles.PERCENT),
        ("Key results", summary.key_results, None, styles.INTEGER),
        ("Uncovered key results", summary.uncovered_key_results, None, styles.INTEGER),
        ("Inheritance conflicts", len(result.inheritance_conflicts), None, styles.INTEGER),
    )  # fmt: skip
    for label, all_value, open_value, fmt in rows:
        sheet.append([sheet.label(label), sheet.cell(all_value, fmt=_format(fmt, all_value)),
                      sheet.cell(open_value, fmt=_format(fmt, open_value))])  # fmt: skip
    sheet.append([])


def _format(fmt: str | None, value: object) -> str:
    """`fmt`, or for story points (None) the format their value needs (3, 2.5)."""
    if fmt is not None:
        return fmt
    return styles.points_format(value if isinstance(value, (int, float)) else None)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _states(sheet: _Sheet, summary: Summary) -> tuple[int, int, list[float]]:
    """The link-state table the doughnut reads; returns its first and last data rows and
    each state's share of the items (the doughnut labels only the larger slices)."""
    total = summary.all
    sheet.header("Work by link state", "Items", "Share")
    rows = (
        ("Linked", total.linked_items),
        ("Exempt", total.exempt_items),
        ("Orphaned", summary.orphaned_items),
        ("Dangling", summary.dangling_items),
        ("Stale", summary.stale_items),
    )
    whole = sum(value for _label, value in rows)
    shares = [value / whole if whole else 0.0 for _label, value in rows]
    first = sheet.row + 1
    for (label, value), share in zip(rows, shares, strict=True):
        sheet.append([sheet.label(label), sheet.cell(value, fmt=styles.INTEGER),
                      sheet.cell(share if whole else None, fmt=styles.PERCENT)])  # fmt: skip
    last = sheet.row
    sheet.append([])
    return first, last, shares


def _changes(sheet: _Sheet, changes: Changes | None) -> None:
    if changes is None:
        sheet.append([sheet.cell("Changes: no earlier audit of this scope in the history.",
                                 font=styles.SECTION_FONT)])  # fmt: skip
        sheet.append([])
        return
    since = sheet.cell(changes.since, fmt=styles.UTC_TIME, font=styles.SECTION_FONT,
                       align=Alignment(horizontal="left"))  # fmt: skip
    sheet.append([sheet.cell("Changes since", font=styles.SECTION_FONT), since])
    deltas = (
        ("Coverage (items)", changes.coverage_delta),
        ("Coverage (points)", changes.points_coverage_delta),
    )
    for label, delta in deltas:
        sheet.append([sheet.label(label), sheet.cell(_points(delta), fmt=styles.DELTA)])
    for label, keys in change_lists(changes):
        sheet.append([sheet.label(label), sheet.cell(len(keys), fmt=styles.INTEGER),
                      sheet.cell(", ".join(keys))])  # fmt: skip
    sheet.append([])


def _points(delta: float | None) -> float | None:
    """A change of a share in percentage points (0.045 -> 4.5)."""
    return None if delta is None else delta * 100


def _warnings(sheet: _Sheet, warnings: tuple[str, ...]) -> None:
    if not warnings:
        return
    sheet.append([sheet.cell("Warnings", font=styles.SECTION_FONT)])
    for warning in warnings:
        sheet.append([sheet.cell(warning)])
    sheet.append([])
