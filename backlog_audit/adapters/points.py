"""One rule for an estimate, whatever source it comes from.

An estimate is a finite number from 0 to `MAX_POINTS`. Story points stay in the tens and even
hour estimates in the thousands, so anything above a million is a typo or a sentinel (`1e308`,
`99999999`); two such values would sum to infinity, or drown every real estimate, and turn the
points figures of the reports into nonsense. Each source reports a bad value its own way: a
CSV file is input (exit 2, naming row and column), an API item gets a warning and counts as
unestimated.
"""

from __future__ import annotations

import math

__all__ = ["MAX_POINTS", "POINTS_RULE", "InvalidPoints", "parse_points"]

MAX_POINTS = 1_000_000.0
# How messages state the rule: "... is not a number of points from 0 to 1,000,000".
POINTS_RULE = f"a number of points from 0 to {MAX_POINTS:,.0f}"


class InvalidPoints(ValueError):
    """A value in a points field that is not an estimate (see `parse_points`)."""


def parse_points(value: object) -> float | None:
    """The estimate in `value`: None when empty, else a finite number in [0, MAX_POINTS].

    Numbers and numeric text are read; in text a decimal comma is a decimal point (European
    exports), so "1,000" is 1.0, not a thousand. Anything else (a boolean, an object, words,
    NaN, infinity, a negative or absurdly large number) raises `InvalidPoints`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidPoints(f"{value!r} is not {POINTS_RULE}")
    try:
        points = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
    except (ValueError, OverflowError):  # OverflowError: an int beyond a float's range
        raise InvalidPoints(f"{value!r} is not {POINTS_RULE}") from None
    if not math.isfinite(points) or not 0 <= points <= MAX_POINTS:
        raise InvalidPoints(f"{value!r} is not {POINTS_RULE}")
    return abs(points)  # -0.0 is a valid "no work" estimate; report it as 0.0
