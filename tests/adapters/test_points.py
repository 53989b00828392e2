"""The one rule for an estimate (`adapters.points`): finite, from 0 to a billion."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.points import (
    BadPoints,
    InvalidPoints,
    parse_points,
    parse_points_map,
)
from backlog_audit.errors import UsageError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (0, 0.0),
        (-0.0, 0.0),
        (3, 3.0),
        (2.5, 2.5),
        (" 8 ", 8.0),
        ("2,5", 2.5),  # a decimal comma, as European exports write it
        ("1,000", 1.0),  # ... so this is one point, not a thousand
        (1_000_000, 1_000_000.0),
        ("1e6", 1_000_000.0),
        (1_152_000, 1_152_000.0),  # 8 weeks in seconds: a Jira export's time estimate
        (1_000_000_000, 1_000_000_000.0),
        ("1e9", 1_000_000_000.0),
    ],
)
def test_an_estimate_is_read_as_a_number(value: Any, expected: float | None) -> None:
    assert parse_points(value) == expected


@pytest.mark.parametrize(
    "value",
    [True, False, [3], "three", "nan", "inf", "-Infinity", float("nan"), "XS", "2-3", "3x"]
    + [float("inf"), -1, -0.5, "-3", 1_000_000_000.5, 1e308, "1e308", 10**400, "-1 (no)"],
)
def test_anything_else_is_refused_with_the_value_and_the_rule(value: Any) -> None:
    with pytest.raises(InvalidPoints) as caught:
        parse_points(value)
    assert str(caught.value) == f"{value!r} is not a number of points from 0 to 1,000,000,000"


RULE = "is not a number of points from 0 to 1,000,000,000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Issue 11, point 6: select estimates say what a point is; the number leads
        (".5 (30 min)", 0.5),
        ("1 (1 hour)", 1.0),
        ("3 (half a day)", 3.0),
        ("5 pts", 5.0),
        ("0,5 (½ h)", 0.5),
        ({"value": ".5 (30 min)"}, 0.5),  # a Jira select option
        ({"name": "2 (2 hours)"}, 2.0),  # an Asana enum option
    ],
)
def test_a_leading_number_is_the_estimate(value: Any, expected: float) -> None:
    assert parse_points(value) == expected


def test_labels_are_read_through_the_points_map() -> None:
    sizes = parse_points_map({"XS": 1, "S": 2, "M": 3, "L": 5, "XL": 8, "1 (1 hour)": 0.25})
    assert [parse_points(v, sizes) for v in ("XS", " m ", "xl", "1 (1 hour)")] == [1, 3, 8, 0.25]
    assert parse_points({"value": "L"}, sizes) == 5
    with pytest.raises(InvalidPoints):
        parse_points("XXL", sizes)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"XS": "one"}, "points_map: 'XS' = 'one' must be a number of points"),
        ({"XS": True}, "points_map: 'XS' = True must be a number of points"),
        ({"XL": -1}, "points_map: 'XL' = -1 is not a number of points from 0"),
        ({"XL": float("inf")}, "points_map: 'XL' = inf is not a number of points from 0"),
    ],
)
def test_a_points_map_value_must_be_an_estimate(table: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_points_map(table)


def test_one_bad_value_is_one_warning_naming_the_item_and_the_value() -> None:
    bad = BadPoints()
    bad.add("Size", "A-1", "M")
    assert bad.warnings() == [f"A-1: Size 'M' {RULE}: counted as unestimated"]


def test_no_bad_value_is_no_warning() -> None:
    assert BadPoints().warnings() == []


def test_many_bad_values_of_a_field_are_one_warning_with_the_first_ten_items() -> None:
    # a select list of T-shirt sizes: every one of 5,000 items holds a size, none a number
    bad = BadPoints()
    for n in range(5000):
        bad.add("Size", f"A-{n}", ["S", "M", "L", "XL"][n % 4])
    assert bad.warnings() == [
        f"5000 items: Size {RULE} ('S', 'M', 'L', ...), counted as unestimated "
        "(A-0, A-1, A-2, A-3, A-4, A-5, A-6, A-7, A-8, A-9, ... first 10)"
    ]


def test_each_field_gets_its_own_warning_in_the_order_met() -> None:
    bad = BadPoints()
    bad.add("Size", "A-1", "M")
    bad.add("Story Points", "A-2", -3.0)
    bad.add("Size", "A-3", "M")
    assert bad.warnings() == [
        f"2 items: Size {RULE} ('M'), counted as unestimated (A-1, A-3)",
        f"A-2: Story Points -3.0 {RULE}: counted as unestimated",
    ]
