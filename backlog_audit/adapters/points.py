"""One rule for an estimate, whatever source it comes from.

An estimate is a finite number from 0 to `MAX_POINTS`. Story points stay in the tens, but a
points column may hold time estimates, and Jira gives those in seconds: 8 weeks of work is
1,152,000. The bound is not there to judge units but to catch garbage: a typo or a sentinel
(`1e308`, `99999999999`) that would, summed with another, give infinity, or drown every real
estimate, and turn the points figures of the reports into nonsense. A billion (31 years in
seconds) lets any real estimate through, and a backlog of a million items at that bound still
sums to a finite 1e15. Each source reports a bad value its own way: a CSV file is input
(exit 2, naming row and column), an API item gets a warning and counts as unestimated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["MAX_POINTS", "POINTS_RULE", "BadPoints", "InvalidPoints", "parse_points"]

MAX_POINTS = 1_000_000_000.0
# How messages state the rule: "... is not a number of points from 0 to 1,000,000,000".
POINTS_RULE = f"a number of points from 0 to {MAX_POINTS:,.0f}"


class InvalidPoints(ValueError):
    """A value in a points field that is not an estimate (see `parse_points`)."""

    def __init__(self, value: object) -> None:
        super().__init__(f"{value!r} is not {POINTS_RULE}")
        self.value = value


def parse_points(value: object) -> float | None:
    """The estimate in `value`: None when empty, else a finite number in [0, MAX_POINTS].

    Numbers and numeric text are read; in text a decimal comma is a decimal point (European
    exports), so "1,000" is 1.0, not a thousand. Anything else (a boolean, an object, words,
    NaN, infinity, a negative or absurdly large number) raises `InvalidPoints`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidPoints(value)
    try:
        points = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
    except (ValueError, OverflowError):  # OverflowError: an int beyond a float's range
        raise InvalidPoints(value) from None
    if not math.isfinite(points) or not 0 <= points <= MAX_POINTS:
        raise InvalidPoints(value)
    return abs(points)  # -0.0 is a valid "no work" estimate; report it as 0.0


# How many item names and distinct values a `BadPoints` warning lists before "...".
_SHOWN_ITEMS = 10
_SHOWN_VALUES = 3


@dataclass
class BadPoints:
    """Points values that are no estimate, gathered per field into one warning each.

    A field that holds something else throughout (a select list, T-shirt sizes in a text
    field) would otherwise warn once per item: thousands of lines on stderr and in reports.
    """

    _by_field: dict[str, list[tuple[str, object]]] = field(default_factory=dict)

    def add(self, field_name: str, item: str, value: object) -> None:
        """Note that `item`'s `field_name` holds `value`, which is no estimate."""
        self._by_field.setdefault(field_name, []).append((item, value))

    def warnings(self) -> list[str]:
        """One warning per field, in the order fields were first met."""
        return [_warning(name, found) for name, found in self._by_field.items()]


def _warning(field_name: str, found: list[tuple[str, object]]) -> str:
    if len(found) == 1:
        item, value = found[0]
        return f"{item}: {field_name} {value!r} is not {POINTS_RULE}: counted as unestimated"
    values = _listed(list(dict.fromkeys(repr(value) for _, value in found)), _SHOWN_VALUES, "")
    items = _listed([item for item, _ in found], _SHOWN_ITEMS, f" first {_SHOWN_ITEMS}")
    return (
        f"{len(found)} items: {field_name} is not {POINTS_RULE} ({values}), "
        f"counted as unestimated ({items})"
    )


def _listed(names: list[str], shown: int, note: str) -> str:
    """The first `shown` names, then "..." and `note` when some were left off."""
    listed = ", ".join(names[:shown])
    return f"{listed}, ...{note}" if len(names) > shown else listed
