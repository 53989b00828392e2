"""Table bodies streamed into a saved workbook: rows, styles, links and relationships."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from backlog_audit.reports.xlsx import body as xlsx_body
from backlog_audit.reports.xlsx.tables import Column, Table, write_table

TABLE = Table(
    "Work",
    (Column("Key", "key"), Column("Share", "percent"), Column("When", "time"), Column("Note")),
    [
        ["A-1", 0.25, datetime(2026, 11, 22, 10, 30), "plain & <escaped>"],
        ["A-2", None, None, "=1+1"],
        ["=A-3", 1.0, None, "  spaced\r\nlines  "],
    ],
    links=["https://x.example/A-1?a=1&b=2", None, "https://x.example/A-3"],
)


def build(with_chart: bool) -> bytes:
    wb = Workbook(write_only=True)
    ws = write_table(wb, TABLE)
    if with_chart:
        chart = BarChart()
        chart.add_data(Reference(range_string="'Work'!$B$1:$B$4"), titles_from_data=True)
        ws.add_chart(chart, "F2")
    body = xlsx_body.prepare(ws, TABLE)
    buffer = io.BytesIO()
    wb.save(buffer)
    return xlsx_body.fill(buffer.getvalue(), {"Work": body})


def test_rows_values_and_formats_read_back() -> None:
    ws = load_workbook(io.BytesIO(build(False)))["Work"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows == [
        ["Key", "Share", "When", "Note"],
        ["A-1", 0.25, datetime(2026, 11, 22, 10, 30), "plain & <escaped>"],
        ["A-2", None, None, "=1+1"],
        ["=A-3", 1, None, "  spaced\r\nlines  "],
    ]
    assert ws["B2"].number_format == "0.0%"
    assert ws["C2"].number_format.endswith('" UTC"')
    assert ws["D3"].data_type == "s" and ws["D3"].quotePrefix
    assert ws["A4"].data_type == "s" and ws["A4"].quotePrefix


def test_links_keep_their_query_strings_and_their_cells() -> None:
    ws = load_workbook(io.BytesIO(build(False)))["Work"]
    assert ws["A2"].hyperlink.target == "https://x.example/A-1?a=1&b=2"
    assert ws["A3"].hyperlink is None
    assert ws["A4"].hyperlink.target == "https://x.example/A-3"
    assert ws["A4"].font.underline == "single"


def test_a_sheet_with_a_chart_keeps_it_beside_its_links() -> None:
    data = build(True)
    ws = load_workbook(io.BytesIO(data))["Work"]
    assert len(ws._charts) == 1
    assert ws["A2"].hyperlink.target == "https://x.example/A-1?a=1&b=2"
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert rels.count('relationships/drawing"') == 1
    assert rels.count('relationships/hyperlink"') == 2


def test_hyperlinks_come_before_page_margins_as_the_schema_requires() -> None:
    sheet = zipfile.ZipFile(io.BytesIO(build(False))).read("xl/worksheets/sheet1.xml").decode()
    order = [m.group(1) for m in re.finditer(r"<(sheetData|hyperlinks|pageMargins)[ >]", sheet)]
    assert order == ["sheetData", "hyperlinks", "pageMargins"]
