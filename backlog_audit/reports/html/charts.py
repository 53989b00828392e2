"""The report's charts as inline SVG: work by link state, coverage, work per KR, the trend.

Every chart is drawn here from the audit result, with no script and no font or image to
fetch. Labels sit in their own room (a legend beside the doughnut, a label column beside the
bars, value labels past the bar ends), so none can overlap however small a slice or a bar.
Items and points never share an axis: their scales differ (about 7 items to 25 points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from backlog_audit.model import AuditResult, TrendPoint, WorkRow
from backlog_audit.reports.figures import count, percent, points
from backlog_audit.reports.html import svg
from backlog_audit.reports.html.markup import Html, el

_FONT = 12.0  # the size charts' text is drawn at, in user units


@dataclass(frozen=True)
class Slice:
    """One part of a doughnut: a label, how many, and its colour class."""

    label: str
    value: int
    cls: str


def link_state_slices(result: AuditResult) -> tuple[Slice, ...]:
    """Items by link state, in the workbook's order: linked, exempt, orphaned, dangling, stale."""
    summary = result.summary
    return (
        Slice("Linked", summary.all.linked_items, "s-linked"),
        Slice("Exempt", summary.all.exempt_items, "s-exempt"),
        Slice("Orphaned", summary.orphaned_items, "s-orphaned"),
        Slice("Dangling", summary.dangling_items, "s-dangling"),
        Slice("Stale", summary.stale_items, "s-stale"),
    )


def doughnut(result: AuditResult) -> Html:
    """Work by link state: a ring of slices, the total inside, a legend with counts and %."""
    slices = link_state_slices(result)
    total = sum(s.value for s in slices)
    cx, cy, radius, width = 90.0, 90.0, 66.0, 28.0
    parts: list[Html] = [el("circle", cx=cx, cy=cy, r=radius, class_="ring")]
    start = 0.0
    for part in slices:
        if not part.value:
            continue
        sweep = part.value / total
        parts.append(_arc(cx, cy, radius, width, start, sweep, part))
        start += sweep
    parts.append(svg.text(cx, cy + 2, count(total), anchor="middle", cls=_big(count(total))))
    parts.append(svg.text(cx, cy + 20, "items", anchor="middle", cls="muted"))
    for row, part in enumerate(slices):
        y = 34 + row * 26
        share = percent(part.value / total) if total else "n/a"
        parts += [
            el("rect", x=200, y=y - 11, width=12, height=12, rx=2, class_=part.cls),
            svg.text(220, y, part.label),
            # Room for a label and a count of millions (`1,234,567`) side by side.
            svg.text(360, y, count(part.value), anchor="end", cls="num"),
            svg.text(420, y, share, anchor="end", cls="num muted"),
        ]
    return svg.frame(430, 180, "Work by link state", parts)


def _big(total: str) -> str:
    """The size class of the doughnut's total: smaller for longer numbers, so that `100,000`
    still fits inside the ring (its hole is about 100 units wide)."""
    if len(total) <= 5:
        return "big"
    return "big big-m" if len(total) <= 7 else "big big-s"


def _arc(cx: float, cy: float, r: float, width: float, start: float, sweep: float,
         part: Slice) -> Html:  # fmt: skip
    """One slice as a thick stroked arc (a whole ring when it is all of the work)."""
    tip = el("title", f"{part.label}: {count(part.value)}")
    if sweep >= 0.9999:
        return el("circle", tip, cx=cx, cy=cy, r=r, class_=f"arc {part.cls}",
                  stroke_width=width)  # fmt: skip
    x1, y1 = _point(cx, cy, r, start)
    x2, y2 = _point(cx, cy, r, start + sweep)
    large = 1 if sweep > 0.5 else 0
    path = f"M{x1:.2f} {y1:.2f}A{r} {r} 0 {large} 1 {x2:.2f} {y2:.2f}"
    return el("path", tip, d=path, class_=f"arc {part.cls}", stroke_width=width)


def _point(cx: float, cy: float, r: float, fraction: float) -> tuple[float, float]:
    # Clockwise from twelve o'clock.
    angle = 2 * math.pi * fraction - math.pi / 2
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and the text beside it."""

    label: str
    value: float
    text: str
    cls: str
    key: str = ""  # drawn bold before the label (a KR id)


def _axis(x0: float, width: float, top: float, step: float, y_top: float, y_bottom: float,
          tick_text: str) -> list[Html]:  # fmt: skip
    parts: list[Html] = []
    for tick in svg.ticks(top, step):
        x = x0 + width * tick / top
        parts.append(svg.line(x, y_top, x, y_bottom, "grid"))
        parts.append(svg.text(x, y_bottom + 15, tick_text.format(tick), anchor="middle",
                              cls="axis"))  # fmt: skip
    return parts


def coverage_bars(result: AuditResult) -> Html:
    """Coverage by items and by points, for all items and open items, on a 0-100% axis.

    A dashed line marks --fail-under when the run has it, else the 80% a green status needs.
    """
    total, open_ = result.summary.all, result.summary.open
    rows = [
        Bar("All items", _hundred(total.coverage), percent(total.coverage), "b-items"),
        Bar("All points", _hundred(total.points_coverage), percent(total.points_coverage),
            "b-points"),
        Bar("Open items", _hundred(open_.coverage), percent(open_.coverage), "b-items"),
        Bar("Open points", _hundred(open_.points_coverage), percent(open_.points_coverage),
            "b-points"),
    ]  # fmt: skip
    if result.fail_under is not None:
        marker = (min(max(result.fail_under, 0.0), 100.0), f"--fail-under {result.fail_under:g}%")
    else:
        marker = (80.0, "green from 80%")
    label_w, plot_x, plot_w, row_h, top_y = 84.0, 92.0, 300.0, 26.0, 24.0
    bottom = top_y + row_h * len(rows)
    parts = _axis(plot_x, plot_w, 100.0, 25.0, top_y - 4, bottom, "{:.0f}%")
    x = plot_x + plot_w * marker[0] / 100.0
    parts.append(svg.line(x, top_y - 10, x, bottom, "marker"))
    parts.append(svg.text(x, top_y - 13, marker[1], anchor="middle", cls="marker-label"))
    for index, bar in enumerate(rows):
        y = top_y + row_h * index
        width = plot_w * min(bar.value, 100.0) / 100.0
        parts.append(svg.text(label_w, y + 17, bar.label, anchor="end"))
        parts.append(svg.rect(plot_x, y + 6, width, row_h - 12, bar.cls))
        # A backdrop interrupts the threshold line where a value label crosses it.
        room = svg.text_width(bar.text, _FONT) + 6
        parts.append(svg.rect(plot_x + width + 3, y + 5, room, row_h - 10, "label-bg"))
        parts.append(svg.text(plot_x + width + 6, y + 17, bar.text, cls="num"))
    return svg.frame(plot_x + plot_w + 56, bottom + 24, "Coverage", parts)


def _hundred(share: float | None) -> float:
    return 0.0 if share is None or not math.isfinite(share) else share * 100


def kr_bars(rows: Sequence[WorkRow], what: str) -> Html:
    """Items (or points) per key result: each bar under its KR's id and title.

    The label has a line of its own above the bar, as wide as the chart, so that titles
    read in full (shortened with an ellipsis only past about 80 characters).
    """
    if what == "items":
        values = [float(row.items) for row in rows]
        texts = [count(row.items) for row in rows]
    else:
        values = [row.points if math.isfinite(row.points) else 0.0 for row in rows]
        texts = [points(row.points) for row in rows]
    top, step = svg.scale(max(values, default=0.0))
    cls = "b-items" if what == "items" else "b-points"
    width, plot_w, row_h, top_y = 520.0, 460.0, 40.0, 8.0
    bottom = top_y + row_h * len(rows)
    parts = _axis(0.0, plot_w, top, step, top_y, bottom, "{:,.0f}")
    for index, (row, value, text) in enumerate(zip(rows, values, texts, strict=True)):
        bar = Bar(row.title, value, text, cls, key=row.id)
        parts += _labelled_bar(bar, top_y + row_h * index, plot_w, top, width)
    return svg.frame(width, bottom + 22, f"{what.capitalize()} per key result", parts)


def _labelled_bar(bar: Bar, y: float, plot_w: float, top: float, width: float) -> list[Html]:
    room = width - svg.text_width(bar.key, _FONT) - 8
    title = svg.fits(bar.label, room, _FONT)
    tip = el("title", f"{bar.key}: {bar.label}") if title != bar.label else None
    label = el("text", tip, el("tspan", bar.key, class_="key"), " ", title, x=0, y=y + 13)
    length = plot_w * min(bar.value, top) / top
    return [
        label,
        svg.rect(0, y + 18, length, 12, bar.cls),
        svg.text(length + 6, y + 28.5, bar.text, cls="num"),
    ]


def trend_chart(runs: Sequence[TrendPoint]) -> Html:
    """Coverage by items and by points over past runs (oldest left), 0-100%."""
    plot_x, plot_w, plot_y, plot_h = 44.0, 560.0, 30.0, 150.0
    parts: list[Html] = []
    for tick in svg.ticks(100.0, 25.0):
        y = plot_y + plot_h * (1 - tick / 100)
        parts.append(svg.line(plot_x, y, plot_x + plot_w, y, "grid"))
        parts.append(svg.text(plot_x - 6, y + 4, f"{tick:.0f}%", anchor="end", cls="axis"))
    step = plot_w / max(len(runs) - 1, 1)
    labels = run_labels(runs)
    every = max(1, math.ceil(len(runs) / 6))  # at most about six labels along the bottom
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(runs) - 1:
            x = plot_x + step * index
            parts.append(svg.text(x, plot_y + plot_h + 18, label, anchor="middle", cls="axis"))
    for name, cls, values in (
        ("Items", "l-items", [p.coverage for p in runs]),
        ("Points", "l-points", [p.points_coverage for p in runs]),
    ):
        parts += _series(values, plot_x, step, plot_y, plot_h, cls, name)
    parts += _legend(plot_x, 14)
    return svg.frame(plot_x + plot_w + 30, plot_y + plot_h + 30, "Coverage over time", parts)


def _series(values: Sequence[float | None], x0: float, step: float, y0: float, h: float,
            cls: str, name: str) -> list[Html]:  # fmt: skip
    dots: list[Html] = []
    points_: list[str] = []
    for index, value in enumerate(values):
        if value is None or not math.isfinite(value):
            continue
        x, y = x0 + step * index, y0 + h * (1 - min(max(value, 0.0), 1.0))
        points_.append(f"{x:.2f},{y:.2f}")
        dots.append(el("circle", el("title", f"{name}: {percent(value)}"), cx=f"{x:.2f}",
                       cy=f"{y:.2f}", r=3.5, class_=cls))  # fmt: skip
    path = el("polyline", points=" ".join(points_), class_=cls) if len(points_) > 1 else None
    return [p for p in (path, *dots) if p is not None]


def _legend(x: float, y: float) -> list[Html]:
    return [
        el("rect", x=x, y=y - 9, width=12, height=4, class_="b-items"),
        svg.text(x + 18, y, "Items"),
        el("rect", x=x + 70, y=y - 9, width=12, height=4, class_="b-points"),
        svg.text(x + 88, y, "Points"),
    ]


def run_labels(runs: Sequence[TrendPoint]) -> list[str]:
    """A date per run, with the time (UTC) when two runs share a day."""
    days = [p.generated_at.strftime("%Y-%m-%d") for p in runs]
    if len(set(days)) == len(days):
        return days
    return [p.generated_at.strftime("%m-%d %H:%M") for p in runs]
