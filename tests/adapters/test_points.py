"""The one rule for an estimate (`adapters.points`): finite, from 0 to a million."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.points import InvalidPoints, parse_points


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
    ],
)
def test_an_estimate_is_read_as_a_number(value: Any, expected: float | None) -> None:
    assert parse_points(value) == expected


@pytest.mark.parametrize(
    "value",
    [True, False, {"value": 3}, [3], "three", "nan", "inf", "-Infinity", float("nan")]
    + [float("inf"), -1, -0.5, "-3", 1_000_000.5, 1e308, "1e308", 10**400],
)
def test_anything_else_is_refused_with_the_value_and_the_rule(value: Any) -> None:
    with pytest.raises(InvalidPoints) as caught:
        parse_points(value)
    assert str(caught.value) == f"{value!r} is not a number of points from 0 to 1,000,000"
