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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backlog_audit.errors import UsageError

__all__ = [
    "MAX_POINTS",
    "POINTS_RULE",
    "BadPoints",
    "InvalidPoints",
    "PointsChoice",
    "choose_points_fields",
    "parse_points",
    "parse_points_map",
]

MAX_POINTS = 1_000_000_000.0
# How messages state the rule: "... is not a number of points from 0 to 1,000,000,000".
POINTS_RULE = f"a number of points from 0 to {MAX_POINTS:,.0f}"
# A number at the start of a text, then its end, a space or a parenthesis: `.5 (30 min)`,
# `3 pts`, `1,5`. Not `2-3` or `3x`: a range or a word is no estimate.
_LEADING_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)(?=$|[\s(])")


class InvalidPoints(ValueError):
    """A value in a points field that is not an estimate (see `parse_points`)."""

    def __init__(self, value: object) -> None:
        super().__init__(f"{value!r} is not {POINTS_RULE}")
        self.value = value


def parse_points(value: object, points_map: Mapping[str, float] | None = None) -> float | None:
    """The estimate in `value`: None when empty, else a finite number in [0, MAX_POINTS].

    Numbers and numeric text are read; in text a decimal comma is a decimal point (European
    exports), so "1,000" is 1.0, not a thousand. A select option (`{"value": "M"}`) is read
    as its text. Text is, in this order: a label of the `[points_map]` table (`XS`, `M`:
    T-shirt sizes, case-insensitive), a number, or a leading number followed by a space or a
    parenthesis (`.5 (30 min)` -> 0.5, `3 pts` -> 3: select fields that say what a point
    is). Anything else (a boolean, words, NaN, infinity, a negative or absurdly large number)
    raises `InvalidPoints`.
    """
    if isinstance(value, Mapping):  # a select option (Jira `{"value": ...}`, Asana enum)
        value = next((value[k] for k in ("value", "name") if value.get(k) is not None), None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidPoints(value)
    if isinstance(value, str):
        return _text_points(value, points_map or {})
    return _checked(float(value) if not isinstance(value, int) else _int(value), value)


def _text_points(text: str, points_map: Mapping[str, float]) -> float:
    mapped = points_map.get(" ".join(text.split()).casefold())
    if mapped is not None:
        return mapped
    found = _LEADING_NUMBER.match(text)
    if found is None:
        raise InvalidPoints(text)
    try:
        return _checked(float(found.group(1).replace(",", ".")), text)
    except (ValueError, OverflowError):
        raise InvalidPoints(text) from None


def _int(value: int) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond a float's range
        raise InvalidPoints(value) from None


def _checked(points: float, value: object) -> float:
    if not math.isfinite(points) or not 0 <= points <= MAX_POINTS:
        raise InvalidPoints(value)
    return abs(points)  # -0.0 is a valid "no work" estimate; report it as 0.0


def parse_points_map(raw: Mapping[str, object]) -> dict[str, float]:
    """Validate a `[points_map]` table (`XS = 1`, `"1 (1 hour)" = 1`): label -> estimate.

    Labels are matched case-insensitively, whitespace folded; each value must itself be an
    estimate (a number from 0 to MAX_POINTS), else exit 2 naming the label.
    """
    table: dict[str, float] = {}
    for label, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UsageError(f"points_map: {label!r} = {value!r} must be a number of points")
        try:
            table[" ".join(label.split()).casefold()] = _checked(float(value), value)
        except InvalidPoints:
            raise UsageError(f"points_map: {label!r} = {value!r} is not {POINTS_RULE}") from None
    return table


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


@dataclass(frozen=True)
class PointsChoice:
    """Which of several candidate points fields an item's estimate is read from, and why."""

    order: tuple[str, ...]  # the fields with values, most values first; then the empty ones
    warning: str | None = None


def choose_points_fields(
    candidates: Mapping[str, Sequence[tuple[str, object]]],
    points_map: Mapping[str, float] | None = None,
) -> PointsChoice:
    """Order the candidate points fields of a source that did not name one (--points-field).

    `candidates` maps each field, in the source's order of preference, to its (item, value)
    pairs, one per item (blank values included). Real Jira Cloud exports carry both `Story
    point estimate` and `Story Points`, often one of them empty: the field that holds most
    estimates comes first, and an item's estimate is the first non-blank value in that order
    (an export of two projects may use one field each). When two fields hold different
    estimates for the same item, the warning says so and names the field used.
    """
    filled = {name: _filled(pairs) for name, pairs in candidates.items()}
    names = list(candidates)
    order = sorted(names, key=lambda name: (-len(filled[name]), names.index(name)))
    used = order[0] if order else None
    clashes: list[tuple[str, str, object, object]] = []
    if used is not None:
        for other in order[1:]:
            for item, value in filled[other].items():
                if item in filled[used] and not _same(filled[used][item], value, points_map):
                    clashes.append((other, item, filled[used][item], value))
    if not clashes or used is None:
        return PointsChoice(tuple(order))
    other, item, mine, theirs = clashes[0]
    return PointsChoice(
        tuple(order),
        f"{len(clashes)} items have different estimates in '{used}' and '{other}' (first: "
        f"{item}: {mine!r} vs {theirs!r}); '{used}' is used (--points-field names another)",
    )


def _filled(pairs: Sequence[tuple[str, object]]) -> dict[str, object]:
    blank = ("", None)
    return {
        item: value
        for item, value in pairs
        if value not in blank and not (isinstance(value, str) and not value.strip())
    }


def _same(a: object, b: object, points_map: Mapping[str, float] | None) -> bool:
    try:
        return parse_points(a, points_map) == parse_points(b, points_map)
    except InvalidPoints:
        return a == b
