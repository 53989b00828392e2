"""What a person sees on the terminal: a progress bar while fetching, a short summary after.

Both stay silent when the stream is not a terminal (cron, CI, pipes) or with `-q`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click
from tqdm import tqdm

from backlog_audit.adapters import Progress
from backlog_audit.model import AuditResult
from backlog_audit.reports.figures import Light, percent, points_delta, status_of


@contextmanager
def progress_bar(enabled: bool, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A `Progress` callback drawing a bar on stderr, or None when disabled or not a tty."""
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield None
        return
    bar = tqdm(desc="Fetching", unit=" items", file=stream, leave=False)

    def update(received: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(received - bar.n)
        if received == total:  # tqdm throttles redraws; show the last step for sure
            bar.refresh()

    try:
        yield update
    finally:
        bar.close()


# Control characters and line separators as escapes: a file name or a cell with a line break
# must not split an error into two lines (SPEC 8: one line, for cron mail and CI logs).
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters written as escapes (`\\n`)."""
    return text.translate(_ESCAPES)


# The traffic light of the reports, in the colours a terminal has.
_COLOURS = {Light.GREEN: "green", Light.AMBER: "yellow", Light.RED: "red", Light.GREY: "white"}


def summary_lines(result: AuditResult) -> list[str]:
    """The closing summary, with click styles (stripped when not a terminal)."""
    s = result.summary
    colour = _COLOURS[status_of(result).light]
    coverage = click.style(percent(s.all.coverage), fg=colour, bold=True)
    lines = [
        f"{one_line(result.scope)}: {s.all.items} items, coverage {coverage} "
        f"({_points(result)}; open items {percent(s.open.coverage)})",
        f"  {s.orphaned_items} orphaned, {s.dangling_items} dangling, {s.stale_items} stale, "
        f"{s.all.exempt_items} exempt, {s.inherited_items} inherited",
    ]
    if result.uncovered_key_results:
        uncovered = ", ".join(result.uncovered_key_results)
        lines.append(f"  {s.uncovered_key_results} of {s.key_results} KRs uncovered: {uncovered}")
    if result.changes is not None:
        lines.append(_changes_line(result))
    errors = sum(1 for f in result.lint if f.severity == "error")
    if result.lint:
        lines.append(f"  OKR lint: {len(result.lint)} findings ({errors} errors)")
    return lines


def _points(result: AuditResult) -> str:
    """The points coverage, unless most items carry no estimate: then "points 0.0%" would
    read as "no linked work" where it means "no estimates", so it says that instead."""
    s = result.summary
    if s.all.items and s.unestimated_items * 2 > s.all.items:
        return f"points n/a: {s.unestimated_items} of {s.all.items} items unestimated"
    return f"points {percent(s.all.points_coverage)}"


def _changes_line(result: AuditResult) -> str:
    changes = result.changes
    assert changes is not None
    moved = points_delta(changes.coverage_delta, unit=" pts")
    return (
        f"  since {changes.since:%Y-%m-%d %H:%M} UTC: coverage {moved}, "
        f"{len(changes.new_orphans)} new orphans, {len(changes.fixed_orphans)} fixed, "
        f"{len(changes.new_dangling_links)} new dangling links"
    )
