"""How a figure reads wherever it is shown: shares, changes, counts and the traffic light.

The terminal, the workbook, the Markdown report and `history` format their figures here and
judge coverage against one set of bands, so that a share reads the same everywhere and 55%
coverage gets one colour, not one on screen and another in the workbook.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from backlog_audit.core.fixlist import GroupBy
from backlog_audit.model import AuditResult, LinkState, StatusCategory

# Without thresholds on the run, coverage bands a leadership reader would expect.
GREEN_FROM, AMBER_FROM = 0.80, 0.60
# With --fail-under, coverage within this many percentage points above it is amber.
MARGIN_POINTS = 5.0
# The most decimals a figure compared with a bound is shown with (see `shown_against`).
_MAX_DIGITS = 6

# How a shown figure compares with a bound: operator.lt ("under"), operator.ge ("at least")...
Relation = Callable[[float, float], bool]


def percent(value: float | None, digits: int = 1) -> str:
    """`54.5%`, or `n/a` when there is no value (or none that is a number: NaN)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def points_delta(value: float | None, unit: str = " pp") -> str:
    """A change of a share in percentage points: `+4.5 pp`, `n/a` when unknown."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value * 100:+.1f}{unit}"


def number(value: float | None) -> str:
    """A figure without useless decimals: 3, 2.5, empty when None."""
    if value is None:
        return ""
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def count(value: int) -> str:
    """A count with thousands separators: `12,345`."""
    return f"{value:,}"


def points(value: float | None) -> str:
    """Story points with thousands separators and no useless decimals: `1,234.5`.

    Empty when None; `n/a` when not a finite number (a sum that overflowed).
    """
    if value is None:
        return ""
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# How a link state reads to a person (`objective_only` is "Objective only").
LINK_STATE_LABELS = {
    LinkState.LINKED: "Linked",
    LinkState.OBJECTIVE_ONLY: "Objective only",
    LinkState.EXEMPT: "Exempt",
    LinkState.STALE: "Stale",
    LinkState.DANGLING: "Dangling",
    LinkState.INHERITED: "Inherited",
    LinkState.ORPHANED: "Orphaned",
}


def shown_against(value: float, bound: float, holds: Relation, digits: int = 1) -> str:
    """`value` with as many decimals (at least `digits`) as make `holds(shown, bound)` true.

    A message that compares a figure with a bound must read as true: 79.96 is "under 80" but
    79.96 shown with one decimal, "80.0", is not. The caller knows that `holds(value, bound)`.
    """
    for places in range(digits, _MAX_DIGITS + 1):
        shown = f"{value:.{places}f}"
        if holds(float(shown), bound):
            return shown
    return f"{value:.{_MAX_DIGITS}f}"


def percent_against(
    share: float, bound_percent: float, holds: Callable[[float, float], bool]
) -> str:
    """A share as a percentage that visibly `holds` against a bound in percent: `79.96%`."""
    return shown_against(share * 100, bound_percent, holds) + "%"


def under(share: float, bound_percent: float) -> bool:
    """Whether a share is under a bound given in percent (`--fail-under 80`)."""
    return share * 100 < bound_percent


class Light(str, Enum):
    """A traffic-light level."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"  # nothing countable: no verdict


@dataclass(frozen=True)
class Status:
    """The verdict of an audit: a light, a short label and the reason in plain words."""

    light: Light
    label: str
    reason: str


def status_of(result: AuditResult) -> Status:
    """The traffic light against the run's thresholds, or default bands when none are set."""
    coverage = result.summary.all.coverage
    if result.fail_under is None and result.max_orphans is None:
        return _default_status(coverage)
    broken = breaches(result, result.fail_under, result.max_orphans)
    if broken:
        return Status(Light.RED, "Off track", "; ".join(b.reason for b in broken))
    near = _near_threshold(result)
    if near:
        return Status(Light.AMBER, "At risk", near)
    return Status(Light.GREEN, "On track", "every threshold holds")


def _default_status(coverage: float | None) -> Status:
    if coverage is None:
        return Status(Light.GREY, "No verdict", "no countable items in scope")
    green, amber = GREEN_FROM * 100, AMBER_FROM * 100
    if coverage >= GREEN_FROM:
        share = percent_against(coverage, green, operator.ge)
        return Status(Light.GREEN, "On track", f"coverage {share} is at least {green:g}%")
    if coverage >= AMBER_FROM:
        share = percent_against(coverage, green, operator.lt)
        return Status(Light.AMBER, "At risk", f"coverage {share} is under {green:g}%")
    share = percent_against(coverage, amber, operator.lt)
    return Status(Light.RED, "Off track", f"coverage {share} is under {amber:g}%")


@dataclass(frozen=True)
class Breach:
    """A threshold an audit breaks, said for a report's reader and for the CLI's user."""

    reason: str  # "coverage 54.5% is under 60%": a report's status line
    message: str  # "coverage 54.5% is under --fail-under 60%": the CLI's threshold line


def breaches(
    result: AuditResult, fail_under: float | None, max_orphans: int | None
) -> list[Breach]:
    """The thresholds (--fail-under percent, --max-orphans) that `result` breaks."""
    found = []
    coverage = result.summary.all.coverage
    if fail_under is not None:
        if coverage is None:
            no_items = "no countable items in scope"
            found.append(Breach(no_items, f"--fail-under {fail_under:g}: {no_items}"))
        elif under(coverage, fail_under):
            share = percent_against(coverage, fail_under, operator.lt)
            found.append(
                Breach(
                    f"coverage {share} is under {fail_under:g}%",
                    f"coverage {share} is under --fail-under {fail_under:g}%",
                )
            )
    orphans = result.summary.orphaned_items
    if max_orphans is not None and orphans > max_orphans:
        found.append(
            Breach(
                f"{count(orphans)} orphaned items, more than {count(max_orphans)}",
                f"{count(orphans)} orphaned items exceed --max-orphans {max_orphans}",
            )
        )
    return found


def _near_threshold(result: AuditResult) -> str | None:
    coverage = result.summary.all.coverage
    if result.fail_under is None or coverage is None:
        return None
    if under(coverage, result.fail_under + MARGIN_POINTS):
        share = percent_against(coverage, result.fail_under + MARGIN_POINTS, operator.lt)
        return f"coverage {share} is within {MARGIN_POINTS:g} points of {result.fail_under:g}%"
    return None


# How the other values a report shows read to a person: a status category, how a fix-list
# group was formed, a lint finding's severity. Reports show these words, never the raw values.
STATUS_CATEGORY_LABELS = {
    StatusCategory.TODO: "To do",
    StatusCategory.IN_PROGRESS: "In progress",
    StatusCategory.DONE: "Done",
}
GROUP_BY_LABELS = {GroupBy.PARENT: "Parent", GroupBy.ASSIGNEE: "Assignee"}
SEVERITY_LABELS = {"error": "Error", "warning": "Warning", "info": "Info"}
