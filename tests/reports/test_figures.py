"""How figures read everywhere, and the one traffic light (reports/figures.py)."""

from __future__ import annotations

import io
import operator
from dataclasses import replace

import click
import pytest
from openpyxl import load_workbook

from backlog_audit.cli.text.terminal import summary_lines
from backlog_audit.model import AuditResult, Tally
from backlog_audit.reports import markdown, xlsx
from backlog_audit.reports.figures import (
    Light,
    count,
    number,
    percent,
    percent_against,
    points,
    points_delta,
    shown_against,
    status_of,
)
from backlog_audit.reports.xlsx import styles


def with_coverage(result: AuditResult, linked: int, items: int = 100) -> AuditResult:
    """The fixture with `linked` of `items` items linked (no exempt work)."""
    tally = Tally(items=items, linked_items=linked)
    return replace(result, summary=replace(result.summary, all=tally))


@pytest.mark.parametrize(
    ("linked", "light", "label"),
    [
        (80, Light.GREEN, "On track"),
        (79, Light.AMBER, "At risk"),
        (60, Light.AMBER, "At risk"),
        (59, Light.RED, "Off track"),
    ],
)
def test_default_bands_without_thresholds(
    result: AuditResult, linked: int, light: Light, label: str
) -> None:
    status = status_of(with_coverage(result, linked))
    assert (status.light, status.label) == (light, label)


def test_no_countable_items_gives_no_verdict(result: AuditResult) -> None:
    status = status_of(with_coverage(result, 0, items=0))
    assert (status.light, status.reason) == (Light.GREY, "no countable items in scope")


@pytest.mark.parametrize(
    ("linked", "fail_under", "light"),
    [
        (70, 70.0, Light.AMBER),  # holds (>=), but within 5 points
        (75, 70.0, Light.GREEN),  # 5 points above: clear
        (69, 70.0, Light.RED),
        (30, 20.0, Light.GREEN),  # a low bar met is green, whatever the default bands say
    ],
)
def test_fail_under_threshold(
    result: AuditResult, linked: int, fail_under: float, light: Light
) -> None:
    assert status_of(replace(with_coverage(result, linked), fail_under=fail_under)).light is light


def test_max_orphans_breach_is_red_with_the_reason(result: AuditResult) -> None:
    status = status_of(replace(result, max_orphans=2))  # the fixture has 3 orphans
    assert (status.light, status.reason) == (Light.RED, "3 orphaned items, more than 2")


def test_both_breaches_are_named(result: AuditResult) -> None:
    status = status_of(replace(result, fail_under=60, max_orphans=0))
    assert status.reason == "coverage 54.5% is under 60%; 3 orphaned items, more than 0"


def test_text_helpers() -> None:
    assert (percent(6 / 11), percent(None)) == ("54.5%", "n/a")
    assert (points_delta(0.045), points_delta(-0.0224), points_delta(None)) == (
        "+4.5 pp",
        "-2.2 pp",
        "n/a",
    )
    assert (number(3.0), number(2.5), number(1 / 3), number(None)) == ("3", "2.5", "0.33", "")
    assert (number(0.001), number(-4.0)) == ("0", "-4")


def test_a_figure_that_is_not_a_number_reads_as_n_a() -> None:
    # inf / inf: the points coverage of points past float's range; "nan%" helped no one
    nan = float("inf") / float("inf")
    assert (percent(nan), points_delta(nan), percent(float("inf"))) == ("n/a", "n/a", "n/a")


def test_counts_have_thousands_separators() -> None:
    assert (count(7), count(12_345), count(1_000_000)) == ("7", "12,345", "1,000,000")


def test_points_have_thousands_separators_and_no_useless_decimals() -> None:
    assert (points(546_243.0), points(1_234.5), points(2.25), points(3)) == (
        "546,243", "1,234.5", "2.25", "3",
    )  # fmt: skip
    assert (points(None), points(float("inf"))) == ("", "n/a")


# --- a figure compared with a bound reads as what the message says --------------------------


def test_a_figure_gets_the_decimals_its_comparison_needs() -> None:
    assert percent_against(1999 / 2500, 80, operator.lt) == "79.96%"
    assert percent_against(0.5, 80, operator.lt) == "50.0%"  # one decimal when that is enough
    assert percent_against(0.8, 80, operator.ge) == "80.0%"
    assert shown_against(5.04, 5, operator.gt) == "5.04"
    assert shown_against(5.0001, 5, operator.gt) == "5.0001"


@pytest.mark.parametrize(
    ("linked", "fail_under", "reason"),
    [
        (1999, None, "coverage 79.96% is under 80%"),  # default bands: amber
        (1499, None, "coverage 59.96% is under 60%"),  # default bands: red
        (1999, 80.0, "coverage 79.96% is under 80%"),  # a breach of --fail-under
        (2124, 80.0, "coverage 84.96% is within 5 points of 80%"),
    ],
)
def test_the_status_reason_is_visibly_true(
    result: AuditResult, linked: int, fail_under: float | None, reason: str
) -> None:
    status = status_of(replace(with_coverage(result, linked, items=2500), fail_under=fail_under))
    assert status.reason == reason


# --- one traffic light everywhere -----------------------------------------------------------


def test_55_percent_is_the_same_status_on_screen_in_the_workbook_and_in_markdown(
    result: AuditResult,
) -> None:
    result = with_coverage(result, 55)
    assert status_of(result).light is Light.RED

    summary = summary_lines(result)[0]
    assert click.style("55.0%", fg="red", bold=True) in summary

    workbook = load_workbook(io.BytesIO(xlsx.render(result)))
    summary_sheet = workbook["Summary"]
    status_row = next(row for row in summary_sheet.iter_rows() if row[0].value == "Status")
    assert status_row[1].value == "Off track"
    assert status_row[1].fill.fgColor.rgb.endswith(styles.RED)

    assert "**Status:** Off track (red)" in markdown.render(result).decode()


# --- labels: every value a report shows, in words --------------------------------------------


def test_every_enum_value_has_a_label() -> None:
    from backlog_audit.core.fixlist import GroupBy
    from backlog_audit.model import LinkState, StatusCategory
    from backlog_audit.reports import figures

    assert set(figures.LINK_STATE_LABELS) == set(LinkState)
    assert set(figures.STATUS_CATEGORY_LABELS) == set(StatusCategory)
    assert set(figures.GROUP_BY_LABELS) == set(GroupBy)
    assert figures.LINK_STATE_LABELS[LinkState.OBJECTIVE_ONLY] == "Objective only"
    assert figures.STATUS_CATEGORY_LABELS[StatusCategory.IN_PROGRESS] == "In progress"
    assert figures.SEVERITY_LABELS == {"error": "Error", "warning": "Warning", "info": "Info"}
