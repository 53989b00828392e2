"""What a person sees on the terminal after an audit: a short summary, coloured on a terminal.

Counts carry thousands separators (`3,256 orphaned`) and shares read as in every report
(`reports.figures`). Colour follows `console.colour_wanted` (--color/--no-color, NO_COLOR,
a terminal); the progress phases during the run are `progress.py`'s.
"""

from __future__ import annotations

import click

from backlog_audit.model import AuditResult
from backlog_audit.reports.figures import Light, count, percent, points_delta, status_of

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
    """The closing summary, with click styles (`click.echo` strips them where colour is off).

    click's styles rather than rich's: the summary is the one coloured thing every audit
    prints, and click is loaded anyway (rich would add about 35 ms to each run).
    """
    s = result.summary
    colour = _COLOURS[status_of(result).light]
    coverage = click.style(percent(s.all.coverage), fg=colour, bold=True)
    lines = [
        f"{one_line(result.scope)}: {count(s.all.items)} items, coverage {coverage} "
        f"({_points(result)}; open items {percent(s.open.coverage)})",
        f"  {count(s.orphaned_items)} orphaned, {count(s.dangling_items)} dangling, "
        f"{count(s.stale_items)} stale, {count(s.all.exempt_items)} exempt, "
        f"{count(s.inherited_items)} inherited",
    ]
    if result.uncovered_key_results:
        uncovered = ", ".join(result.uncovered_key_results)
        lines.append(
            f"  {count(s.uncovered_key_results)} of {count(s.key_results)} KRs uncovered: "
            f"{one_line(uncovered)}"
        )
    if result.changes is not None:
        lines.append(_changes_line(result))
    errors = sum(1 for f in result.lint if f.severity == "error")
    if result.lint:
        lines.append(f"  OKR lint: {count(len(result.lint))} findings ({count(errors)} errors)")
    return lines


def _points(result: AuditResult) -> str:
    """The points coverage, unless most items carry no estimate: then "points 0.0%" would
    read as "no linked work" where it means "no estimates", so it says that instead."""
    s = result.summary
    if s.all.items and s.unestimated_items * 2 > s.all.items:
        unestimated, items = count(s.unestimated_items), count(s.all.items)
        return f"points n/a: {unestimated} of {items} items unestimated"
    return f"points {percent(s.all.points_coverage)}"


def _changes_line(result: AuditResult) -> str:
    changes = result.changes
    assert changes is not None
    moved = points_delta(changes.coverage_delta, unit=" pts")
    return (
        f"  since {changes.since:%Y-%m-%d %H:%M} UTC: coverage {moved}, "
        f"{count(len(changes.new_orphans))} new orphans, "
        f"{count(len(changes.fixed_orphans))} fixed, "
        f"{count(len(changes.new_dangling_links))} new dangling links"
    )
