"""The traffic light and the small text helpers both reports share."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from backlog_audit.model import AuditResult, Tally
from backlog_audit.reports.common import (
    Light,
    number,
    percent,
    points_delta,
    status_of,
    utc_text,
)


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
    paris = timezone(timedelta(hours=1))
    assert utc_text(datetime(2026, 11, 22, 11, 0, tzinfo=paris)) == "2026-11-22 10:00 UTC"


def test_a_figure_that_is_not_a_number_reads_as_n_a() -> None:
    # inf / inf: the points coverage of points past float's range; "nan%" helped no one
    nan = float("inf") / float("inf")
    assert (percent(nan), points_delta(nan), percent(float("inf"))) == ("n/a", "n/a", "n/a")
