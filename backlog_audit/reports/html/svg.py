"""Small pieces of inline SVG: scales with round ticks, shortened labels, text, the frame.

Charts are drawn at a fixed size in user units and scale with the page (`viewBox`); text is
sized for that box, and labels are shortened to the room they have so that none overlap.
The full text stays in a `<title>` (a tooltip) and in the tables below the charts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from backlog_audit.reports.html.markup import Html, el

# The average advance of a character of the report's sans-serif face, in ems: enough to
# decide how many characters fit a label's room (digits and capitals are a little wider).
_EM_PER_CHAR = 0.56
ELLIPSIS = "\u2026"


def text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn at font size `size`."""
    return len(text) * size * _EM_PER_CHAR


def fits(text: str, width: float, size: float) -> str:
    """`text`, shortened with an ellipsis to fit `width` units at font size `size`."""
    room = max(1, int(width / (size * _EM_PER_CHAR)))
    if len(text) <= room:
        return text
    return text[: max(1, room - 1)].rstrip() + ELLIPSIS


def scale(largest: float, target: int = 4) -> tuple[float, float]:
    """An axis for values up to `largest`: its end and a round step (1, 2 or 5 x 10^k).

    Steps are whole numbers, so that counts never get ticks such as 2.5 items; the end is
    the first step at or past `largest` (8 items: 0, 2, 4, 6, 8; 25 points: 0, 10, 20, 30).
    """
    if largest <= 0 or not math.isfinite(largest):
        return 1.0, 1.0
    raw = max(largest / target, 1.0)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return math.ceil(largest / step - 1e-9) * step, step


def ticks(top: float, step: float) -> list[float]:
    """Tick values from 0 to `top`, every `step`."""
    return [step * i for i in range(round(top / step) + 1)]


def text(x: float, y: float, content: str, *, anchor: str = "start", cls: str | None = None,
         full: str | None = None) -> Html:  # fmt: skip
    """A text element; `full` (when the text was shortened) becomes its tooltip."""
    tip = el("title", full) if full and full != content else None
    return el("text", tip, content, x=_n(x), y=_n(y), text_anchor=anchor, class_=cls)


def rect(x: float, y: float, width: float, height: float, cls: str) -> Html:
    """A filled rectangle (a bar), never narrower than nothing."""
    return el("rect", x=_n(x), y=_n(y), width=_n(max(width, 0)), height=_n(height), class_=cls)


def line(x1: float, y1: float, x2: float, y2: float, cls: str) -> Html:
    """A straight line."""
    return el("line", x1=_n(x1), y1=_n(y1), x2=_n(x2), y2=_n(y2), class_=cls)


def frame(width: float, height: float, label: str, parts: Iterable[Html]) -> Html:
    """The `<svg>` element: scalable, with an accessible name."""
    return el(
        "svg",
        el("title", label),
        parts,
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        width=_n(width),
        height=_n(height),
        role="img",
        aria_label=label,
        class_="chart",
    )


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
