"""The Excel workbook, read back with openpyxl and compared cell by cell (SPEC 10, issue 5).

Expected figures come from the hand-worked fixture in conftest.py.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from backlog_audit.model import AuditResult, ItemResult, TrendPoint
from backlog_audit.reports import common
from backlog_audit.reports import json as json_report
from backlog_audit.reports.xlsx import cells as xlsx_cells
from backlog_audit.reports.xlsx import render

SHEETS = [
    "Summary", "Key Results", "Objectives", "Fix List", "Orphaned Work", "Dangling Links",
    "Uncovered KRs", "Items", "OKR Lint", "Definitions",
]  # fmt: skip
KR_HEADER = [
    "KR", "Key result", "Objective", "Objective title", "Baseline", "Target", "Current", "Unit",
    "Items", "Item share", "Points", "Points share", "To do", "In progress", "Done",
    "Chart label",
]  # fmt: skip
ITEM_HEADER = [
    "Key", "Title", "Type", "Status", "Status category", "Points", "Sprint", "Sprints",
    "Assignee", "Project", "Parent", "References", "Key results", "Objectives", "Link state",
    "Inherited from", "Note",
]  # fmt: skip
ITEM_KEYS = [f"APP-{n}" for n in range(3, 15)]


def load(result: AuditResult) -> Workbook:
    return load_workbook(io.BytesIO(render(result)))


def values(ws: Worksheet) -> list[list[Any]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def resolve(wb: Workbook, ref: str) -> list[Any]:
    """The values a chart reference such as `'Key Results'!$I$2:$I$5` points at."""
    sheet, cells = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    found = ws[cells.replace("$", "")]
    if not isinstance(found, tuple):
        return [found.value]
    return [row[0].value for row in found]


def item_with(result: AuditResult, index: int, **changes: Any) -> AuditResult:
    """The result with item `index` changed (title, key, url, points ...)."""
    items = list(result.items)
    old: ItemResult = items[index]
    items[index] = replace(old, item=replace(old.item, **changes))
    return replace(result, items=tuple(items))


# --- structure ------------------------------------------------------------------------------


def test_sheets_come_in_spec_order_with_trend_last(result: AuditResult) -> None:
    assert load(result).sheetnames == [*SHEETS, "Trend"]


def test_no_trend_sheet_without_history(result: AuditResult) -> None:
    assert load(replace(result, trend=())).sheetnames == SHEETS


def test_table_headers(result: AuditResult) -> None:
    wb = load(result)
    assert values(wb["Key Results"])[0] == KR_HEADER
    assert values(wb["Items"])[0] == ITEM_HEADER
    assert values(wb["Fix List"])[0] == [
        "Grouped by", "Group", "Items", "Orphaned", "Dangling", "Points", "Keys", "JQL",
    ]  # fmt: skip
    assert values(wb["OKR Lint"])[0] == ["Id", "Severity", "Rule", "Message"]
    assert values(wb["Trend"])[0] == [
        "Run (UTC)", "Items", "Coverage", "Points coverage", "Orphaned",
    ]  # fmt: skip


def test_frozen_panes_and_filters_cover_each_table(result: AuditResult) -> None:
    wb = load(result)
    expected = {
        "Key Results": ("B2", "A1:O5"),
        "Objectives": ("B2", "A1:K3"),
        "Fix List": ("C2", "A1:H6"),
        "Orphaned Work": ("B2", "A1:K4"),
        "Dangling Links": ("B2", "A1:G4"),
        "Uncovered KRs": ("A2", "A1:H2"),
        "Items": ("B2", "A1:Q13"),
        "OKR Lint": ("A2", "A1:D4"),
        "Trend": ("A2", "A1:E5"),
    }
    found = {name: (wb[name].freeze_panes, wb[name].auto_filter.ref) for name in expected}
    assert found == expected


def test_header_row_is_styled(result: AuditResult) -> None:
    header = load(result)["Items"]["A1"]
    assert header.font.bold
    assert header.fill.fgColor.rgb.endswith("1F3864")


def test_column_widths_fit_content_within_caps(result: AuditResult) -> None:
    ws = load(result)["Items"]
    # the longest title is the 41-character formula title of APP-9; 2 characters of margin
    assert ws.column_dimensions["B"].width == 41 + 2
    assert ws.column_dimensions["A"].width == 6 + 2  # "APP-10" + 2
    long = item_with(result, 0, title="x" * 500)
    assert load(long)["Items"].column_dimensions["B"].width == 60  # the cap


# --- values ---------------------------------------------------------------------------------


def test_key_results_show_objective_targets_and_work(result: AuditResult) -> None:
    rows = values(load(result)["Key Results"])[1:]
    assert rows[0] == [
        "KR1.1", "Net activation rate of tech leads from 50% to 70%", "O1",
        "Increase the activation rate of technical leaders", 50, 70, 55, "%",
        2, pytest.approx(2 / 12), 8, pytest.approx(8 / 30), 1, 1, 0,
        "KR1.1 Net activation rate of…",
    ]  # fmt: skip
    assert [r[0] for r in rows] == ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
    assert [(r[8], r[10]) for r in rows] == [(2, 8), (2, 10), (2, 11), (0, 0)]


def test_key_results_equal_the_json_report(result: AuditResult) -> None:
    rows = values(load(result)["Key Results"])[1:]
    expected = json_report.to_dict(result)["key_results"]
    names = ("items", "share", "points", "points_share", "todo", "in_progress", "done")
    for row, kr in zip(rows, expected, strict=True):
        got = dict(zip(names, (row[8], row[9], row[10], row[11], row[12], row[13], row[14]),
                       strict=True))  # fmt: skip
        assert got == pytest.approx({name: kr[name] for name in names})
        assert (row[0], row[2], row[4], row[5], row[6]) == (
            kr["id"], kr["objective_id"], kr["baseline"], kr["target"], kr["current"],
        )  # fmt: skip


def test_objectives(result: AuditResult) -> None:
    rows = values(load(result)["Objectives"])[1:]
    assert rows == [
        ["O1", "Increase the activation rate of technical leaders", "Growth squad", 2, 4,
         pytest.approx(4 / 12), 18, pytest.approx(0.6), 1, 2, 1],
        ["O2", "Make billing trustworthy", "Billing team", 2, 3, pytest.approx(0.25), 14,
         pytest.approx(14 / 30), 2, 1, 0],
    ]  # fmt: skip


def test_fix_list_groups_with_jql(result: AuditResult) -> None:
    rows = values(load(result)["Fix List"])[1:]
    assert rows == [
        ["Parent", "APP-2", 2, 1, 1, 1, "APP-10, APP-11", "key in (APP-10, APP-11)"],
        ["Parent", "(no parent)", 2, 2, 0, 2, "APP-9, APP-14", "key in (APP-9, APP-14)"],
        ["Assignee", "Chloé Martin", 2, 2, 0, 2, "APP-9, APP-10", "key in (APP-9, APP-10)"],
        ["Assignee", "Ana Lima", 1, 0, 1, 1, "APP-11", "key in (APP-11)"],
        ["Assignee", "(unassigned)", 1, 1, 0, 0, "APP-14", "key in (APP-14)"],
    ]


def test_a_jql_too_long_for_a_cell_is_replaced_not_cut(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_cells, "MAX_CELL_CHARS", 80)
    orphan: ItemResult = result.items[6]  # APP-9: orphaned, no parent
    many = tuple(
        replace(orphan, item=replace(orphan.item, key=f"APP-{n}")) for n in range(100, 112)
    )
    # 12 keys: "key in (APP-100, ..., APP-111)" is 8 + 12 * 7 + 11 * 2 + 1 = 115 characters
    rows = values(load(replace(result, items=many))["Fix List"])[1:]
    assert rows[0][:3] == ["Parent", "(no parent)", 12]
    assert rows[0][7] == "Too many keys for one cell: filter the Orphaned Work sheet instead."


def test_fix_list_has_no_jql_column_without_jira(result: AuditResult) -> None:
    header = values(load(replace(result, supports_jql=False))["Fix List"])[0]
    assert "JQL" not in header


def test_orphaned_work_lists_orphans_with_the_parents_problem(result: AuditResult) -> None:
    rows = values(load(result)["Orphaned Work"])[1:]
    assert [r[0] for r in rows] == ["APP-9", "APP-10", "APP-14"]
    assert rows[1][8:] == ["APP-2", "APP", "no OKR link; parent APP-2: 'KR9.9' names no known KR"]
    assert rows[2][5] is None  # unestimated: an empty cell, not 0


def test_dangling_links_include_stale_links_and_suggestions(result: AuditResult) -> None:
    wb = load(result)
    rows = values(wb["Dangling Links"])[1:]
    assert rows == [
        ["APP-2", "(parent, not counted itself)", "KR9.9", "Unknown KR", None, 1, None],
        ["APP-11", "Fix rounding in tax totals", "KR21", "Unknown KR", "KR2.1", 1, "Ana Lima"],
        ["APP-12", "Legacy churn survey", "KR0.3", "Retired KR", None, 1, "Ben Okafor"],
    ]
    ws = wb["Dangling Links"]
    assert ws["A2"].hyperlink is None  # the epic is not an audited item: no known URL
    assert ws["A3"].hyperlink.target == "https://example.atlassian.net/browse/APP-11"


def test_uncovered_krs(result: AuditResult) -> None:
    rows = values(load(result)["Uncovered KRs"])[1:]
    assert rows == [
        ["KR2.2", "Ship the new invoice page", "O2", "Make billing trustworthy", *[None] * 4]
    ]


def test_items_sheet_rows(result: AuditResult) -> None:
    rows = values(load(result)["Items"])[1:]
    assert [r[0] for r in rows] == ITEM_KEYS
    app6 = rows[3]
    assert app6 == [
        "APP-6", "Dispute reasons dashboard", "Story", "In Progress", "In progress", 8,
        "Sprint 42", "Sprint 42", "Ben Okafor", "APP", None, "KR2.1, KR1.2", "KR2.1, KR1.2",
        "O2, O1", "Linked", None, None,
    ]  # fmt: skip
    assert rows[1][14:16] == ["Inherited", "APP-1"]
    assert rows[10][16] == "own link wins over inherited KR1.1"


def test_okr_lint_rows(result: AuditResult) -> None:
    rows = values(load(result)["OKR Lint"])[1:]
    assert [r[:3] for r in rows] == [
        ["KR2.2", "Warning", "output-phrased"],
        ["KR2.2", "Error", "missing-target"],
        ["KR2.1", "Info", "no-current"],
    ]


def test_definitions_explain_shares_above_100_percent(result: AuditResult) -> None:
    rows = values(load(result)["Definitions"])
    assert rows[0] == ["Figure", "How it is computed"]
    meanings = {r[0]: r[1] for r in rows[1:]}
    assert "above 100%" in meanings["KR share"]
    assert "Exempt" in meanings and "Unestimated items" in meanings


def test_trend_lists_the_runs_oldest_first(result: AuditResult) -> None:
    rows = values(load(result)["Trend"])[1:]
    assert [r[0] for r in rows] == [
        datetime(2026, 11, 1, 10), datetime(2026, 11, 8, 10), datetime(2026, 11, 15, 10),
        datetime(2026, 11, 22, 10),
    ]  # fmt: skip
    assert rows[-1][1:] == [12, pytest.approx(6 / 11), pytest.approx(24 / 29), 3]


def test_trend_adds_this_run_when_the_history_leaves_it_out(result: AuditResult) -> None:
    past_only = replace(result, trend=result.trend[:-1])
    rows = values(load(past_only)["Trend"])[1:]
    assert len(rows) == 4
    assert rows[-1][:2] == [datetime(2026, 11, 22, 10), 12]


# --- Summary --------------------------------------------------------------------------------


def summary_rows(result: AuditResult) -> list[list[Any]]:
    return values(load(result)["Summary"])


def figure(rows: list[list[Any]], label: str) -> list[Any]:
    """The (all, open) cells of a row of the figure table."""
    start = next(i for i, r in enumerate(rows) if r[0] == "Figure")
    return next(r[1:3] for r in rows[start:] if r[0] == label)


def test_summary_heading_states_scope_cycle_and_utc_time(result: AuditResult) -> None:
    ws = load(result)["Summary"]
    rows = values(ws)
    assert rows[1][:2] == ["Scope", "jira: sprint = 42"]
    assert rows[2][:2] == ["OKR cycle", "2026-Q4 (2026-10-01 to 2026-12-31)"]
    assert rows[4][:2] == ["Generated (UTC)", datetime(2026, 11, 22, 10, 0)]
    assert ws["B5"].number_format.endswith('" UTC"')


def test_summary_headline_figures(result: AuditResult) -> None:
    ws = load(result)["Summary"]
    rows = values(ws)
    labels = rows.index(
        ["Coverage (items)", "Coverage (points)", "Orphaned items", "Dangling links",
         "Stale links", "Uncovered KRs"]
    )  # fmt: skip
    assert rows[labels + 1] == [pytest.approx(6 / 11), pytest.approx(24 / 29), 1 * 3, 1, 1, 1]
    big = ws.cell(row=labels + 2, column=1)
    assert big.number_format == "0.0%"
    assert big.font.sz >= 20


def test_summary_figure_table_for_all_and_open_items(result: AuditResult) -> None:
    rows = summary_rows(result)
    assert figure(rows, "Items in scope") == [12, 10]
    assert figure(rows, "Coverage (items)") == [pytest.approx(6 / 11), pytest.approx(5 / 9)]
    assert figure(rows, "Coverage (points)") == [pytest.approx(24 / 29), pytest.approx(22 / 25)]
    assert figure(rows, "Exempt share") == [pytest.approx(1 / 12), pytest.approx(1 / 10)]
    assert figure(rows, "Unestimated share") == [pytest.approx(2 / 12), None]
    assert figure(rows, "Inheritance conflicts") == [1, None]


SUMMARY_LABELS = {
    "items": "Items in scope", "exempt_items": "Exempt items", "exempt_share": "Exempt share",
    "linked_items": "Linked items", "coverage": "Coverage (items)", "points": "Points",
    "exempt_points": "Exempt points", "linked_points": "Linked points",
    "points_coverage": "Coverage (points)", "orphaned_items": "Orphaned items",
    "dangling_items": "Dangling items", "stale_items": "Stale items",
    "objective_only_items": "Objective-only items", "inherited_items": "Inherited items",
    "unestimated_items": "Unestimated items", "key_results": "Key results",
    "uncovered_key_results": "Uncovered key results",
}  # fmt: skip


def test_summary_figures_equal_the_json_report(result: AuditResult) -> None:
    rows = summary_rows(result)
    summary = json_report.to_dict(result)["summary"]
    workbook = {key: figure(rows, label)[0] for key, label in SUMMARY_LABELS.items()}
    assert workbook == pytest.approx({key: summary[key] for key in SUMMARY_LABELS})
    open_ = {key: figure(rows, SUMMARY_LABELS[key])[1] for key in summary["open"]}
    assert open_ == pytest.approx(summary["open"])


def test_summary_status_without_thresholds_uses_default_bands(result: AuditResult) -> None:
    ws = load(result)["Summary"]
    assert [ws["A6"].value, ws["B6"].value, ws["C6"].value] == [
        "Status", "Off track", "coverage 54.5% is under 60%",
    ]  # fmt: skip
    assert ws["B6"].fill.fgColor.rgb.endswith("F8696B")


def test_summary_status_against_the_runs_thresholds(result: AuditResult) -> None:
    ws = load(replace(result, fail_under=52, max_orphans=5))["Summary"]
    # 54.5% is above 52% but within 5 points of it
    assert ws["B6"].value == "At risk"
    assert ws["B6"].fill.fgColor.rgb.endswith("FFD966")


def test_summary_changes_since_the_last_audit(result: AuditResult) -> None:
    ws = load(result)["Summary"]
    rows = values(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == "Changes since")
    assert rows[start][1] == datetime(2026, 11, 15, 10, 0)
    assert rows[start + 1][:2] == ["Coverage (items)", pytest.approx((6 / 11 - 0.5) * 100)]
    assert ws.cell(row=start + 2, column=2).number_format.startswith('+0.0" pp"')
    assert rows[start + 3][:3] == ["New orphans", 1, "APP-14"]
    assert rows[start + 7][:3] == ["Newly uncovered KRs", 1, "KR2.2"]


def test_summary_without_history_says_so(result: AuditResult) -> None:
    rows = summary_rows(replace(result, changes=None))
    assert ["Changes: no earlier audit of this scope in the history."] in [r[:1] for r in rows]


# --- charts ---------------------------------------------------------------------------------


def test_summary_bar_charts_read_items_and_points_per_kr(result: AuditResult) -> None:
    # Items (a few per KR) and points (dozens) each get a chart: on one axis the item bars
    # looked empty.
    wb = load(result)
    bars = wb["Summary"]._charts[:2]
    assert [type(bar).__name__ for bar in bars] == ["BarChart", "BarChart"]
    series = [s for bar in bars for s in bar.series]
    assert [resolve(wb, s.tx.strRef.f) for s in series] == [["Items"], ["Points"]]
    assert [resolve(wb, s.val.numRef.f) for s in series] == [[2, 2, 2, 0], [8, 10, 11, 0]]
    assert resolve(wb, series[0].cat.numRef.f)[0] == "KR1.1 Net activation rate of…"


def test_summary_doughnut_reads_work_by_link_state(result: AuditResult) -> None:
    wb = load(result)
    doughnut = wb["Summary"]._charts[2]
    assert type(doughnut).__name__ == "DoughnutChart"
    (series,) = doughnut.series
    assert resolve(wb, series.cat.numRef.f) == ["Linked", "Exempt", "Orphaned", "Dangling", "Stale"]
    assert resolve(wb, series.val.numRef.f) == [6, 1, 3, 1, 1]  # 12 items in all


def test_trend_line_chart_reads_coverage_over_time(result: AuditResult) -> None:
    wb = load(result)
    (line,) = wb["Trend"]._charts
    assert type(line).__name__ == "LineChart"
    coverage = [resolve(wb, s.val.numRef.f) for s in line.series]
    assert coverage == [
        pytest.approx([0.40, 0.45, 0.50, 6 / 11]),
        pytest.approx([0.45, 0.70, 0.85, 24 / 29]),
    ]
    assert resolve(wb, line.series[0].cat.numRef.f)[0] == datetime(2026, 11, 1, 10)


def test_one_past_run_and_this_one_make_a_two_point_line(result: AuditResult) -> None:
    wb = load(replace(result, trend=result.trend[-2:]))
    (line,) = wb["Trend"]._charts
    assert resolve(wb, line.series[0].val.numRef.f) == [0.50, pytest.approx(6 / 11)]


def test_no_line_chart_for_a_single_run(result: AuditResult) -> None:
    only_now = TrendPoint(result.generated_at, 12, 6 / 11, 24 / 29, 3)
    wb = load(replace(result, trend=(only_now,)))
    assert len(values(wb["Trend"])) == 2
    assert wb["Trend"]._charts == []


def test_no_kr_chart_without_key_results(result: AuditResult) -> None:
    wb = load(replace(result, key_results=()))
    assert [type(c).__name__ for c in wb["Summary"]._charts] == ["DoughnutChart"]
    assert values(wb["Key Results"])[1] == ["The OKR set has no key results.", *[None] * 15]


# --- formats and conditional formats ------------------------------------------------------


def test_number_formats(result: AuditResult) -> None:
    wb = load(result)
    assert wb["Key Results"]["J2"].number_format == "0.0%"
    assert wb["Key Results"]["L2"].number_format == "0.0%"
    assert wb["Trend"]["C2"].number_format == "0.0%"
    assert wb["Trend"]["A2"].number_format == 'yyyy-mm-dd hh:mm" UTC"'


def cf_ranges(ws: Worksheet) -> dict[str, list[str]]:
    return {str(cf.sqref): [rule.type for rule in cf.rules] for cf in ws.conditional_formatting}


def test_conditional_formats(result: AuditResult) -> None:
    wb = load(result)
    assert cf_ranges(wb["Key Results"]) == {"J2:J5": ["colorScale"], "L2:L5": ["colorScale"]}
    assert cf_ranges(wb["Trend"]) == {"C2:C5": ["colorScale"], "D2:D5": ["colorScale"]}
    # one fill per link state on the Items sheet's "Link state" column
    assert cf_ranges(wb["Items"]) == {"O2:O13": ["cellIs"] * 7}


# --- links and Excel's limits ---------------------------------------------------------------


def links_in(ws: Worksheet) -> dict[str, str]:
    return {
        c.value: c.hyperlink.target for (c,) in ws.iter_rows(min_row=2, max_col=1) if c.hyperlink
    }


def test_issue_keys_link_to_their_items(result: AuditResult) -> None:
    wb = load(result)
    links = links_in(wb["Items"])
    assert list(links) == ITEM_KEYS
    assert links["APP-7"] == "https://example.atlassian.net/browse/APP-7"
    assert list(links_in(wb["Orphaned Work"])) == ["APP-9", "APP-10", "APP-14"]
    assert wb["Items"]["A2"].font.underline == "single"


def test_hyperlinks_stop_at_the_per_sheet_cap(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_cells, "MAX_HYPERLINKS", 5)
    ws = load(result)["Items"]
    assert list(links_in(ws)) == ITEM_KEYS[:5]
    # past the cap the key is still there, as plain text
    assert [ws["A7"].value, ws["A7"].hyperlink] == ["APP-8", None]


def test_only_web_urls_become_links(result: AuditResult) -> None:
    odd = item_with(result, 0, url="javascript:alert(1)")
    odd = replace(odd, items=(odd.items[0], *odd.items[1:]))
    assert "APP-3" not in links_in(load(odd)["Items"])


def test_long_cells_are_cut_and_marked(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_cells, "MAX_CELL_CHARS", 40)
    title = load(item_with(result, 0, title="word " * 20))["Items"]["B2"].value
    assert len(title) == 40
    assert title.endswith(" … [truncated]")
    assert title.startswith("word word")


def test_cells_stay_within_excels_real_limit(result: AuditResult) -> None:
    title = load(item_with(result, 0, title="y" * 40_000))["Items"]["B2"].value
    assert len(title) == 32_767


def test_cells_are_cut_by_excels_count_where_an_emoji_is_two_characters(
    result: AuditResult,
) -> None:
    # 20,000 emoji are 40,000 UTF-16 units. 32,767 less the 14 of the marker leaves 32,753
    # units: 16,376 whole emoji (32,752 units); the half emoji that would be left is dropped.
    title = load(item_with(result, 0, title="\U0001f642" * 20_000))["Items"]["B2"].value
    assert title == "\U0001f642" * 16_376 + " … [truncated]"


def test_text_that_fits_excels_count_is_kept_whole(result: AuditResult) -> None:
    # 16,383 emoji and one letter: 32,767 UTF-16 units, exactly Excel's limit.
    text = "\U0001f642" * 16_383 + "a"
    assert load(item_with(result, 0, title=text))["Items"]["B2"].value == text


def xml_parts(book: bytes) -> dict[str, bytes]:
    package = zipfile.ZipFile(io.BytesIO(book))
    return {n: package.read(n) for n in package.namelist() if n.endswith((".xml", ".rels"))}


def test_every_part_of_the_workbook_is_well_formed_xml(result: AuditResult) -> None:
    parts = xml_parts(render(result))
    assert "xl/worksheets/sheet8.xml" in parts  # the Items sheet, with its streamed rows
    for xml in parts.values():
        ET.fromstring(xml)  # raises on a part a reader would have to repair


def test_noncharacters_xml_cannot_hold_are_removed_from_cells_and_links(
    result: AuditResult,
) -> None:
    # U+FFFE and U+FFFF are not XML characters: one of them made the sheet unreadable.
    odd = item_with(
        result, 0, title="bad \uffff and \ufffe chars", assignee="\ufffeAna",
        url="https://example.atlassian.net/browse/APP-3\uffff",
    )  # fmt: skip
    book = render(replace(odd, scope="sprint = 42\uffff"))
    for xml in xml_parts(book).values():
        ET.fromstring(xml)
    wb = load_workbook(io.BytesIO(book))
    ws = wb["Items"]
    assert [ws["B2"].value, ws["I2"].value] == ["bad  and  chars", "Ana"]
    assert ws["A2"].hyperlink is None  # a link no reader could follow is left out
    assert wb["Summary"]["B2"].value == "jira: sprint = 42"


def test_control_characters_are_removed(result: AuditResult) -> None:
    dirty = item_with(result, 0, title="bell\x07 and\x00 escape\x1b, tab\tkept")
    assert load(dirty)["Items"]["B2"].value == "bell and escape, tab\tkept"


def test_formula_looking_source_text_is_stored_as_text(result: AuditResult) -> None:
    ws = load(result)["Items"]
    formula, at = ws["B8"], ws["B13"]  # APP-9, APP-14
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://evil.example","click")', "s")
    assert formula.quotePrefix
    assert (at.value, at.data_type) == ("@channel alerts for failed refunds", "s")


def test_a_formula_looking_key_keeps_its_link_and_stays_text(result: AuditResult) -> None:
    odd = item_with(result, 0, key="=1+2")
    cell = load(odd)["Items"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+2", "s")
    assert cell.hyperlink.target == "https://example.atlassian.net/browse/APP-3"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_no_source_string_becomes_a_formula(result: AuditResult, text: str) -> None:
    wb = load(item_with(result, 0, title=text, assignee=text, sprint=text))
    formulas = [
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_non_finite_points_leave_the_cell_empty(result: AuditResult) -> None:
    assert load(item_with(result, 0, points=float("nan")))["Items"]["F2"].value is None


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.atlassian.net/browse/APP-1", True),
        ("HTTP://example.com/x", True),
        (" https://example.com/x ", True),
        ("https://example.com/a b", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("https://example.com/" + "x" * 2_100, False),
        ("https://example.com/\uffff", False),  # not an XML character: the rels part breaks
        ("https://example.com/\x7f", False),  # DEL is a control character, never in a URL
        ("", False),
    ],
)
def test_only_safe_web_urls_are_linked(url: str, safe: bool) -> None:
    assert (common.safe_url(url) is not None) is safe


def test_sheet_titles_are_sanitised() -> None:
    assert xlsx_cells.sheet_title("Q4: a/b [draft]?") == "Q4  a b  draft"
    assert xlsx_cells.sheet_title("x" * 40) == "x" * 31
    assert xlsx_cells.sheet_title("''") == "Sheet"


def test_empty_audit_still_writes_every_sheet(result: AuditResult) -> None:
    empty = replace(
        result, items=(), orphans=(), dangling_links=(), stale_links=(), lint=(),
        uncovered_key_results=(), inheritance_conflicts=(),
    )  # fmt: skip
    wb = load(empty)
    assert wb.sheetnames == [*SHEETS, "Trend"]
    assert values(wb["Orphaned Work"])[1][0] == "No orphaned work: every item has an OKR link."
    assert values(wb["Fix List"])[1][0] == "Nothing to fix: no orphaned or dangling items."


# --- LibreOffice ----------------------------------------------------------------------------


def soffice_convert(book: Path, to: str, outdir: Path) -> Path:
    """Convert `book` with headless LibreOffice (own profile); the converted file's path."""
    profile = f"-env:UserInstallation=file://{outdir / 'profile'}"
    done = subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", to, "--outdir", str(outdir),
         str(book)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return outdir / f"{book.stem}.{to}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_links_filters_formats_and_charts_on_a_round_trip(
    result: AuditResult, tmp_path: Path
) -> None:
    # LibreOffice opens and converts the workbook, and drops what it cannot read without a
    # word: what comes back is what it read.
    # (Frozen panes are left out: headless LibreOffice drops them from any workbook.)
    (tmp_path / "in").mkdir()
    book = tmp_path / "in" / "audit.xlsx"
    book.write_bytes(render(result))
    back = load_workbook(soffice_convert(book, "xlsx", tmp_path))
    assert back.sheetnames == [*SHEETS, "Trend"]
    assert list(links_in(back["Items"])) == ITEM_KEYS
    assert back["Items"].auto_filter.ref == "A1:Q13"
    assert cf_ranges(back["Key Results"]) == {"J2:J5": ["colorScale"], "L2:L5": ["colorScale"]}
    assert back["Key Results"]["J2"].number_format == "0.0%"
    assert back["Items"]["B8"].value == '=HYPERLINK("http://evil.example","click")'
    assert back["Items"]["B8"].data_type == "s"
    kinds = sorted(type(c).__name__ for c in back["Summary"]._charts)
    assert kinds == ["BarChart", "BarChart", "DoughnutChart"]
    assert [type(c).__name__ for c in back["Trend"]._charts] == ["LineChart"]
