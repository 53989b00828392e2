"""The Excel workbook for leadership (SPEC 10, issue 5).

Sheets, in order: Summary, Key Results, Objectives, Fix List, Orphaned Work, Dangling Links,
Uncovered KRs, Items, OKR Lint, Definitions, and Trend when history exists. The whole
workbook is written in openpyxl's write-only mode: rows stream to the file, so a
100,000-item audit stays fast and small in memory.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.chart import BarChart

from backlog_audit.model import AuditResult
from backlog_audit.reports.xlsx import body, charts, item_sheets, sheets
from backlog_audit.reports.xlsx.summary import write_summary
from backlog_audit.reports.xlsx.tables import Table, write_table

# The sheets after Summary, in order; Trend is added when there is history.
TABLE_SHEETS: tuple[Callable[[AuditResult], Table], ...] = (
    sheets.key_results,
    sheets.objectives,
    sheets.fix_list,
    item_sheets.orphaned_work,
    item_sheets.dangling_links,
    sheets.uncovered,
    item_sheets.items,
    sheets.okr_lint,
    lambda _result: sheets.definitions(),
)


def render(result: AuditResult) -> bytes:
    """The workbook as bytes."""
    tables = [build(result) for build in TABLE_SHEETS]
    if result.trend:
        tables.append(sheets.trend(result))
    wb = Workbook(write_only=True)
    try:
        write_summary(wb, result, _kr_charts(tables[0]))
        bodies = {}
        for table in tables:
            ws = write_table(wb, table)
            if table.height:
                bodies[ws.title] = body.prepare(ws, table)
            if table.title == sheets.TREND and len(table.rows) >= 2:
                ws.add_chart(_trend_chart(table), "G2")
        buffer = io.BytesIO()
        wb.save(buffer)
    except BaseException:  # Ctrl-C, SIGTERM (raised as SystemExit), or a bug
        _discard(wb)
        raise
    return body.fill(buffer.getvalue(), bodies)


def _discard(wb: Workbook) -> None:
    """Let go of a write-only workbook that will not be saved.

    Its sheets keep a suspended row generator and a temporary file each; left to the
    garbage collector at exit, every generator printed an "Exception ignored in
    WriteOnlyWorksheet._write_rows ... I/O operation on closed file" traceback (55 lines
    after a Ctrl-C). Closed here in order, they end quietly and their files go.
    """
    for ws in wb.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
            if writer is not None:
                writer.close()
                writer.cleanup()
        ws._rows = None


def _kr_charts(table: Table) -> tuple[BarChart, ...]:
    """Items per KR and points per KR, read from the Key Results sheet; none without KRs."""
    if not table.rows:
        return ()
    label = table.letter(sheets.CHART_LABEL)
    return tuple(
        charts.kr_bar_chart(table.title, label, table.letter(header), _numbers(table, header),
                            title, colour)
        for header, title, colour in (
            ("Items", "Items per key result", charts.ITEMS_COLOUR),
            ("Points", "Points per key result", charts.POINTS_COLOUR),
        )
    )  # fmt: skip


def _numbers(table: Table, header: str) -> list[float]:
    """A column's finite numbers (points may be None or not finite)."""
    index = [c.header for c in table.columns].index(header)
    found = (row[index] for row in table.rows)
    return [float(v) for v in found if isinstance(v, (int, float)) and math.isfinite(v)]


def _trend_chart(table: Table) -> charts.LineChart:
    values = (table.letter("Coverage"), table.letter("Points coverage"))
    runs = [row[0] for row in table.rows]
    return charts.trend_chart(table.title, table.letter("Run (UTC)"), values, runs)
