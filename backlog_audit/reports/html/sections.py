"""The report's text sections: heading and status, headline tiles, figures, changes, notes.

Each function returns one `<section>` (or a part of one) as `Html`; the tables and charts
come from `tables` and `charts`, and `page` puts everything in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from backlog_audit.model import AuditResult, Changes, Summary, Tally
from backlog_audit.reports.common import (
    DEFINITIONS,
    change_lists,
    cycle_text,
    source_text,
    utc_text,
)
from backlog_audit.reports.figures import count, percent, points, points_delta, status_of
from backlog_audit.reports.html.markup import Html, el, join

# Keys shown per list of the changes section before "and N more".
MAX_CHANGED_KEYS = 30


def section(anchor: str, title: str, *body: object, count_text: str | None = None) -> Html:
    """A titled section that the navigation can jump to."""
    heading = el("h2", title, el("span", count_text, class_="count") if count_text else None)
    return el("section", heading, *body, id=anchor)


def heading(result: AuditResult) -> Html:
    """Title, scope, OKR cycle, time and the traffic light."""
    status = status_of(result)
    facts = [("Scope", source_text(result)), ("OKR cycle", cycle_text(result))]
    if result.okrs.source:
        facts.append(("OKR set", result.okrs.source))
    facts.append(("Generated", utc_text(result.generated_at)))
    light = el("div", el("span", status.label, class_="light-label"),
               el("span", status.reason, class_="light-reason"),
               class_=f"light light-{status.light.value}", id="status")  # fmt: skip
    return el(
        "header",
        el("div", el("h1", "OKR alignment audit"),
           el("dl", [[el("dt", k), el("dd", v)] for k, v in facts], class_="facts"),
           class_="title"),
        light,
        class_="top",
    )  # fmt: skip


def tiles(summary: Summary) -> Html:
    """The headline figures as large tiles (the workbook's Summary row)."""
    total = summary.all
    base = total.items - total.exempt_items
    points_base = total.points - total.exempt_points
    cards = [
        ("Coverage (items)", percent(total.coverage),
         f"{count(total.linked_items)} of {count(base)} items", "cov-items"),
        ("Coverage (points)", percent(total.points_coverage),
         f"{points(total.linked_points)} of {points(points_base)} points", "cov-points"),
        ("Orphaned items", count(summary.orphaned_items), "items with no OKR link", "orphaned"),
        ("Dangling links", count(summary.dangling_items), "items linking an unknown KR",
         "dangling"),
        ("Stale links", count(summary.stale_items), "items linking a retired KR", "stale"),
        ("Uncovered KRs", count(summary.uncovered_key_results),
         f"of {count(summary.key_results)} key results", "uncovered"),
    ]  # fmt: skip
    return el("div", [_tile(*card) for card in cards], class_="tiles", id="headline")


def _tile(label: str, value: str, note: str, name: str) -> Html:
    return el("div", el("div", label, class_="tile-label"),
              el("div", value, class_="tile-value"), el("div", note, class_="tile-note"),
              class_="tile", data_figure=name)  # fmt: skip


def figures(result: AuditResult) -> Html:
    """Every figure for all items and for open items (the planning view)."""
    summary, total, open_ = result.summary, result.summary.all, result.summary.open
    rows: list[tuple[str, str, str]] = [
        ("Items in scope", count(total.items), count(open_.items)),
        ("Exempt items", _with_share(total.exempt_items, total.items),
         _with_share(open_.exempt_items, open_.items)),
        ("Linked items", count(total.linked_items), count(open_.linked_items)),
        ("Coverage (items)", _coverage(total), _coverage(open_)),
        ("Points", points(total.points), points(open_.points)),
        ("Exempt points", points(total.exempt_points), points(open_.exempt_points)),
        ("Linked points", points(total.linked_points), points(open_.linked_points)),
        ("Coverage (points)", percent(total.points_coverage), percent(open_.points_coverage)),
        ("Objective-only items", count(summary.objective_only_items), ""),
        ("Inherited items", count(summary.inherited_items), ""),
        ("Orphaned items", count(summary.orphaned_items), ""),
        ("Dangling items", count(summary.dangling_items), ""),
        ("Stale items", count(summary.stale_items), ""),
        ("Unestimated items", _with_share(summary.unestimated_items, total.items), ""),
        ("Key results", count(summary.key_results), ""),
        ("Uncovered key results", count(summary.uncovered_key_results), ""),
        ("Inheritance conflicts", count(len(result.inheritance_conflicts)), ""),
    ]  # fmt: skip
    head = el("thead", el("tr", el("th", "Figure", scope="col"),
                          el("th", "All items", scope="col", class_="num"),
                          el("th", "Open items", scope="col", class_="num")))  # fmt: skip
    body = el("tbody", [el("tr", el("th", label, scope="row"), el("td", a, class_="num"),
                           el("td", b, class_="num")) for label, a, b in rows])  # fmt: skip
    return el("table", head, body, class_="figures", id="figures")


def _coverage(tally: Tally) -> str:
    return percent(tally.coverage)


def _with_share(part: int, whole: int) -> str:
    return f"{count(part)} ({percent(part / whole)})" if whole else count(part)


def changes(changed: Changes | None) -> Html:
    """What moved since the last audit of the same scope, or that there is none."""
    if changed is None:
        return el("p", "No earlier audit of this scope in the history.", class_="empty")
    deltas = [
        ("Coverage (items)", changed.coverage_delta),
        ("Coverage (points)", changed.points_coverage_delta),
    ]
    items = [el("li", el("strong", f"{label}: "), el("span", points_delta(delta),
                                                        class_=_delta_class(delta)))
             for label, delta in deltas]  # fmt: skip
    items += [el("li", el("strong", f"{label} ({count(len(keys))}): "), _some(keys))
              for label, keys in change_lists(changed) if keys]  # fmt: skip
    return el("div", el("p", f"Since {utc_text(changed.since)}:"), el("ul", items),
              class_="changes")  # fmt: skip


def _delta_class(delta: float | None) -> str:
    if delta is None or delta == 0:
        return "delta"
    return "delta up" if delta > 0 else "delta down"


def _some(keys: Sequence[str]) -> str:
    shown = ", ".join(keys[:MAX_CHANGED_KEYS])
    extra = len(keys) - MAX_CHANGED_KEYS
    return f"{shown} and {count(extra)} more" if extra > 0 else shown


def warnings(result: AuditResult) -> Html | None:
    """The run's warnings (a search cut short, an empty scope ...), when there are any."""
    if not result.warnings:
        return None
    return section("warnings", "Warnings",
                   el("ul", [el("li", w) for w in result.warnings], class_="warnings"),
                   count_text=count(len(result.warnings)))  # fmt: skip


def definitions() -> Html:
    """How each figure is computed, folded away until asked for."""
    rows = el("dl", [[el("dt", term), el("dd", text)] for term, text in DEFINITIONS])
    return section(
        "definitions",
        "Definitions",
        el("details", el("summary", "How each figure is computed"), rows),
    )


def footer(result: AuditResult) -> Html:
    """Where the figures come from, and that times are UTC."""
    return el("footer", join([
        f"Generated by backlog-audit at {utc_text(result.generated_at)}. Times are UTC. ",
        "Coverage leaves exempt work out of the denominator; linked work includes "
        "objective-only and inherited links.",
    ]))  # fmt: skip
