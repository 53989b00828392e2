"""The workbook reads at a glance (issue 16): human labels, aligned headers, fitted and
wrapped columns, row heights, thousands separators, charts that read, a Fix List that prints.

Read back with openpyxl (and, for chart details openpyxl does not load, the chart XML).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from backlog_audit.model import AuditResult, ItemResult, TrendPoint
from backlog_audit.reports.common import DEFINITIONS
from backlog_audit.reports.xlsx import render
from backlog_audit.reports.xlsx.layout import LINE_POINTS, MAX_ROW_POINTS


def load(result: AuditResult) -> Workbook:
    return load_workbook(io.BytesIO(render(result)))


def column(ws: Any, header: str) -> str:
    """The letter of the column headed `header`."""
    for cell in ws[1]:
        if cell.value == header:
            letter: str = cell.column_letter
            return letter
    raise AssertionError(f"no column {header!r}")


def chart_xml(result: AuditResult) -> list[str]:
    """The XML of the workbook's charts, in the order openpyxl numbered them."""
    with zipfile.ZipFile(io.BytesIO(render(result))) as package:
        names = sorted(
            (n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)),
        )
        return [package.read(n).decode("utf-8") for n in names]


def with_titles(result: AuditResult, title: str) -> AuditResult:
    items = tuple(replace(r, item=replace(r.item, title=title)) for r in result.items)
    return replace(result, items=items)


# --- labels ---------------------------------------------------------------------------------


def test_every_enum_reads_as_words_in_every_sheet(result: AuditResult) -> None:
    wb = load(result)
    items = wb["Items"]
    states = {c.value for c in items[column(items, "Link state")][1:]}
    assert states == {
        "Linked", "Inherited", "Objective only", "Exempt", "Orphaned", "Dangling", "Stale",
    }  # fmt: skip
    categories = {c.value for c in items[column(items, "Status category")][1:]}
    assert categories == {"To do", "In progress", "Done"}
    orphans = wb["Orphaned Work"]
    assert {c.value for c in orphans[column(orphans, "Status category")][1:]} == {
        "To do", "In progress",
    }  # fmt: skip
    assert {c.value for c in wb["Fix List"]["A"][1:]} == {"Parent", "Assignee"}
    assert {c.value for c in wb["OKR Lint"]["B"][1:]} == {"Error", "Warning", "Info"}
    assert {c.value for c in wb["Dangling Links"]["D"][1:]} == {"Unknown KR", "Retired KR"}


def test_state_colours_match_the_labels_shown(result: AuditResult) -> None:
    ws = load(result)["Items"]
    formulas = {rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules}
    assert '"Objective only"' in formulas and '"objective_only"' not in formulas
    lint = load(result)["OKR Lint"]
    assert '"Error"' in {r.formula[0] for cf in lint.conditional_formatting for r in cf.rules}


# --- alignment, widths, wrapping, heights ---------------------------------------------------


def test_headers_sit_over_their_values_numbers_right(result: AuditResult) -> None:
    ws = load(result)["Orphaned Work"]
    align = {cell.value: cell.alignment for cell in ws[1]}
    assert align["Points"].horizontal == "right"
    assert align["Title"].horizontal == "left"
    # Sprint follows the right-aligned points: indented, so "5 Sprint 42" does not read as one
    assert (align["Sprint"].horizontal, align["Sprint"].indent) == ("left", 1)
    assert ws[f"{column(ws, 'Sprint')}2"].alignment.indent == 1
    kr = load(result)["Key Results"]
    numeric = ("Baseline", "Items", "Item share", "Points", "To do", "In progress", "Done")
    assert {c.value: c.alignment.horizontal for c in kr[1] if c.value in numeric} == dict.fromkeys(
        numeric, "right"
    )


def test_a_long_header_over_narrow_numbers_wraps_and_the_header_row_grows(
    result: AuditResult,
) -> None:
    ws = load(result)["Trend"]
    width = ws.column_dimensions[column(ws, "Points coverage")].width
    assert width < len("Points coverage")
    assert ws["D1"].alignment.wrap_text
    assert ws.row_dimensions[1].height == 2 * LINE_POINTS + 2


def test_headers_never_cut_even_under_a_narrow_cap(result: AuditResult) -> None:
    ws = load(result)["Fix List"]  # "Grouped by" holds "Parent" in a column capped at 12
    assert ws.column_dimensions["A"].width >= len("Grouped by") + 3


def test_long_text_wraps_within_its_cap_and_its_row_gets_the_height(
    result: AuditResult,
) -> None:
    words = "word " * 60  # 300 characters: about 6 lines at the 60-wide cap
    ws = load(with_titles(result, words.strip()))["Items"]
    assert ws.column_dimensions["B"].width == 60
    assert ws["B2"].alignment.wrap_text
    assert ws["A2"].alignment.vertical == "top"  # the key sits beside the first line
    height = ws.row_dimensions[2].height
    assert 5 * LINE_POINTS <= height <= 8 * LINE_POINTS


def test_rows_without_wrapped_text_keep_the_default_height(result: AuditResult) -> None:
    ws = load(result)["Items"]
    assert all(ws.row_dimensions[r].height is None for r in range(2, 14))


def test_definitions_rows_are_as_tall_as_their_wrapped_text(result: AuditResult) -> None:
    # LibreOffice drew the wrapped lines of one definition over the next one.
    ws = load(result)["Definitions"]
    assert ws["B2"].alignment.wrap_text
    width = ws.column_dimensions["B"].width
    for row, (_figure, meaning) in enumerate(DEFINITIONS, start=2):
        height = ws.row_dimensions[row].height
        if len(meaning) > 1.3 * width:  # cannot fit one line
            assert height is not None and height >= 2 * LINE_POINTS, meaning
        if len(meaning) < 0.6 * width:  # cannot need two
            assert height is None, meaning


def test_a_row_is_never_taller_than_excel_allows(result: AuditResult) -> None:
    ws = load(with_titles(result, "word " * 3000))["Items"]
    assert ws.row_dimensions[2].height == MAX_ROW_POINTS


# --- thousands separators -------------------------------------------------------------------


def big(result: AuditResult) -> AuditResult:
    total = replace(
        result.summary.all, items=590_000, linked_items=546_243, points=600_047.0,
        linked_points=546_243.0,
    )  # fmt: skip
    summary = replace(result.summary, all=total, orphaned_items=3_256, dangling_items=6_499)
    return replace(result, summary=summary)


def test_tiles_and_their_notes_have_thousands_separators(result: AuditResult) -> None:
    ws = load(big(result))["Summary"]
    rows = [list(row) for row in ws.iter_rows()]
    labels = next(i for i, r in enumerate(rows) if r[0].value == "Coverage (items)")
    tiles, notes = rows[labels + 1], rows[labels + 2]
    assert tiles[2].value == 3_256 and tiles[2].number_format == "#,##0"
    assert {c.number_format for c in tiles[2:6]} == {"#,##0"}
    assert notes[0].value == "546,243 of 589,999 items"  # 1 exempt item
    assert notes[1].value == "546,243 of 600,046 points"  # 1 exempt point


def test_counts_and_points_in_tables_have_thousands_separators(result: AuditResult) -> None:
    wb = load(result)
    kr = wb["Key Results"]
    assert kr[f"{column(kr, 'Items')}2"].number_format == "#,##0"
    assert kr[f"{column(kr, 'Points')}2"].number_format == "#,##0"  # 8 points: no "8."
    fix = wb["Fix List"]
    assert {fix[f"{c}2"].number_format for c in "CDEF"} == {"#,##0"}


def test_fractional_points_show_their_decimals(result: AuditResult) -> None:
    item: ItemResult = result.items[0]
    halves = list(result.items)
    halves[0] = replace(item, item=replace(item.item, points=2.5))
    ws = load(replace(result, items=tuple(halves)))["Items"]
    cell = ws[f"{column(ws, 'Points')}2"]
    assert (cell.value, cell.number_format) == (2.5, "#,##0.0#")
    assert ws[f"{column(ws, 'Points')}3"].number_format == "#,##0"


# --- charts ---------------------------------------------------------------------------------


def test_kr_charts_label_bars_with_a_short_title_from_a_hidden_column(
    result: AuditResult,
) -> None:
    wb = load(result)
    kr = wb["Key Results"]
    label = column(kr, "Chart label")
    assert kr.column_dimensions[label].hidden
    assert kr.auto_filter.ref == "A1:O5"  # the hidden column is not part of the table
    assert [c.value for c in kr[label][1:]] == [
        "KR1.1 Net activation rate of…", "KR1.2 Time to first value from…",
        "KR2.1 Invoice disputes from 40…", "KR2.2 Ship the new invoice page",
    ]  # fmt: skip
    bars = chart_xml(result)[:2]
    for xml in bars:
        assert f"'Key Results'!${label}$2:${label}$5" in xml
        # the labels are hidden cells: a chart plotting visible cells only would be empty
        assert '<plotVisOnly val="0" />' in xml


def test_items_and_points_have_a_chart_each_with_separated_counts(result: AuditResult) -> None:
    items, points = chart_xml(result)[:2]
    assert "Items per key result" in items and "Points per key result" in points
    for xml in (items, points):
        assert xml.count("<ser>") == 1
        assert 'formatCode="#,##0"' in xml  # the value axis and the bar labels


def test_doughnut_labels_only_slices_big_enough_to_hold_one(result: AuditResult) -> None:
    # 12 items: linked 6, exempt 1, orphaned 3, dangling 1, stale 1; give stale 1 of 100
    many = replace(result.summary, all=replace(result.summary.all, linked_items=95))
    xml = chart_xml(replace(result, summary=replace(many, stale_items=1)))[2]
    assert "<doughnutChart>" in xml
    # 95, 1, 3, 1, 1 of 101: every slice but linked is under 5% and loses its label
    hidden = re.findall(r'<dLbl><idx val="(\d)" />', xml)
    assert hidden == ["1", "2", "3", "4"]


def trend_axis_format(result: AuditResult) -> str:
    xml = chart_xml(result)[-1]
    assert "<lineChart>" in xml
    found = re.search(r'<catAx>.*?<numFmt formatCode="([^"]*)"', xml, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def test_trend_dates_show_the_time_when_two_runs_share_a_day(result: AuditResult) -> None:
    assert trend_axis_format(result) == "yyyy-mm-dd"  # weekly runs: the date tells them apart
    same_day = (
        TrendPoint(datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc), 12, 0.5, 0.8, 3),
        TrendPoint(result.generated_at, 12, 6 / 11, 24 / 29, 3),
    )
    assert trend_axis_format(replace(result, trend=same_day)) == 'yyyy-mm-dd hh:mm" UTC"'
    same_minute = (
        TrendPoint(datetime(2026, 11, 22, 10, 0, 0, tzinfo=timezone.utc), 12, 0.5, 0.8, 3),
        TrendPoint(datetime(2026, 11, 22, 10, 0, 30, tzinfo=timezone.utc), 12, 0.5, 0.8, 3),
    )
    assert trend_axis_format(replace(result, trend=same_minute)).startswith("yyyy-mm-dd hh:mm:ss")


# --- printing -------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["Fix List", "Items", "Key Results", "Definitions"])
def test_tables_print_one_page_wide_in_landscape_with_the_header_on_every_page(
    result: AuditResult, sheet: str
) -> None:
    ws = load(result)[sheet]
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"


def test_fix_list_groups_by_assignee_start_a_printed_page(result: AuditResult) -> None:
    ws = load(result)["Fix List"]
    # two groups by parent (sheet rows 2 and 3), then the groups by assignee from row 4
    assert [brk.id for brk in ws.row_breaks.brk] == [3]
    assert ws["A4"].value == "Assignee"


def test_fix_list_keys_and_queries_wrap_instead_of_running_off_the_page(
    result: AuditResult,
) -> None:
    # Unwrapped, a 9,490-character query ran over the empty columns to its right and the
    # page shrank to fit it.
    ws = load(result)["Fix List"]
    assert ws["G2"].alignment.wrap_text and ws["H2"].alignment.wrap_text
    assert ws.column_dimensions["H"].width <= 50


def test_summary_table_headers_sit_over_their_figures(result: AuditResult) -> None:
    ws = load(result)["Summary"]
    header = next(row for row in ws.iter_rows() if row[0].value == "Figure")
    assert [c.alignment.horizontal for c in header[:3]] == [None, "right", "right"]
    states = next(row for row in ws.iter_rows() if row[0].value == "Work by link state")
    assert [c.value for c in states[:3]] == ["Work by link state", "Items", "Share"]
    assert states[2].alignment.horizontal == "right"


def test_kr_value_axes_take_round_steps_with_room_for_the_longest_bars_label(
    result: AuditResult,
) -> None:
    # Points per KR are 8, 10, 11, 0: steps of 5 up to 15 (the longest bar, 11, plus its label)
    xml = chart_xml(result)[1]
    assert '<majorUnit val="5" />' in xml
    assert '<max val="15" />' in xml and '<min val="0" />' in xml


def test_round_steps() -> None:
    from backlog_audit.reports.xlsx.charts import nice_step

    assert [nice_step(x) for x in (0.5, 1.5, 3, 7, 28_750, 90_507)] == [
        1, 2, 5, 10, 50_000, 100_000,
    ]  # fmt: skip
