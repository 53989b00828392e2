"""The Markdown summary for a wiki page or a chat post (SPEC 10, issue 5).

Headline figures, the KR table, the top orphans with links, dangling links with their
suggestions, the fix list with its JQL, and OKR lint. Tables are padded so that the text
reads well unrendered too; cells escape `|` and whatever else would break the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from backlog_audit.core.audit import natural_key
from backlog_audit.core.fixlist import FixGroup, GroupBy, fix_groups
from backlog_audit.model import (
    AuditResult,
    Changes,
    ItemResult,
    LinkState,
    Summary,
    Tally,
    WorkRow,
)
from backlog_audit.reports.common import (
    change_lists,
    cycle_text,
    safe_url,
    source_text,
    utc_text,
    utf8,
)
from backlog_audit.reports.figures import number, percent, points_delta, status_of
from backlog_audit.table import ItemTable

# A chat post stays short: longer lists end with "... and N more".
TOP_ORPHANS = 20
TOP_LINKS = 20
TOP_GROUPS = 10

# Characters that would start markup inside a line; `|` also ends a table cell.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
# Also markup, but only where it could act as such, so that `snake_case` and `R&D` stay
# as they are: an underscore not inside a word (`__init__` would be bold) and an ampersand
# that starts an entity (`&amp;` would show as `&`).
_MARKUP_IN_CONTEXT = re.compile(r"(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)")
_WHITESPACE = re.compile(r"\s+")
# Characters of a URL that would end a link's target or, in a table, its cell (a table row
# is split on `|` before links are read), percent-encoded: the same address to a browser.
_URL_ESCAPES = str.maketrans(
    {"(": "%28", ")": "%29", "|": "%7C", "<": "%3C", ">": "%3E", "\\": "%5C", "`": "%60"}
)


def render(result: AuditResult) -> bytes:
    """The Markdown report as UTF-8 bytes."""
    sections = [
        _heading(result),
        _headline(result.summary),
        _changes(result.changes),
        _key_results(result),
        _orphans(result),
        _bad_links(result),
        _fix_list(result),
        _conflicts(result),
        _lint(result),
        _warnings(result.warnings),
        _footer(),
    ]
    text = "\n\n".join(section for section in sections if section)
    return utf8(text + "\n")


# --- text helpers ---------------------------------------------------------------------------


def escape(text: str | None) -> str:
    """One line of plain text that renders as itself: markup characters backslash-escaped."""
    if not text:
        return ""
    flat = _SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())
    return _MARKUP_IN_CONTEXT.sub(lambda m: "\\" + m.group(0), flat)


def link(text: str, url: str | None) -> str:
    """`[text](url)` for a safe web URL, the escaped text alone otherwise."""
    target = safe_url(url)
    if target is None:
        return escape(text)
    return f"[{escape(text)}]({target.translate(_URL_ESCAPES)})"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A padded Markdown table; `right` lists the columns to right-align (numbers)."""
    body = [list(row) for row in rows]
    widths = [max([len(header[i]), 3, *(len(row[i]) for row in body)]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        )
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w - 1) + ":" if i in right else "-" * w for i, w in enumerate(widths)]
    return "\n".join([line(header), line(rule), *(line(row) for row in body)])


def _more(shown: int, total: int, what: str) -> str:
    """The line saying how many of `total` a section cut at `shown` left out; "" for none."""
    if total <= shown:
        return ""
    return f"\n\n... and {total - shown} more {what} (see the workbook or the CSV files)."


# --- sections -------------------------------------------------------------------------------


def _heading(result: AuditResult) -> str:
    status = status_of(result)
    lines = [
        "# OKR alignment audit",
        "",
        f"- **Scope:** {escape(source_text(result))}",
        f"- **OKR cycle:** {escape(cycle_text(result))}",
        f"- **Generated:** {utc_text(result.generated_at)}",
        f"- **Status:** {status.label} ({status.light.value}): {escape(status.reason)}",
    ]
    return "\n".join(lines)


def _of(part: float, whole: float) -> str:
    return f"{number(part)} of {number(whole)}"


def _headline(summary: Summary) -> str:
    total, open_ = summary.all, summary.open
    rows = [
        ["Coverage (items)", _items_coverage(total), _items_coverage(open_)],
        ["Coverage (points)", _points_coverage(total), _points_coverage(open_)],
        ["Items in scope", str(total.items), str(open_.items)],
        ["Exempt items", _with_share(total.exempt_items, total.items), str(open_.exempt_items)],
        ["Orphaned items", str(summary.orphaned_items), ""],
        ["Items with dangling links", str(summary.dangling_items), ""],
        ["Items with stale links", str(summary.stale_items), ""],
        ["Unestimated items", _with_share(summary.unestimated_items, total.items), ""],
        ["Uncovered KRs", _of(summary.uncovered_key_results, summary.key_results), ""],
    ]  # fmt: skip
    return "## Headline\n\n" + table(["Figure", "All items", "Open items"], rows, right=(1, 2))


def _items_coverage(tally: Tally) -> str:
    base = tally.items - tally.exempt_items
    return f"{percent(tally.coverage)} ({_of(tally.linked_items, base)})"


def _points_coverage(tally: Tally) -> str:
    base = tally.points - tally.exempt_points
    return f"{percent(tally.points_coverage)} ({_of(tally.linked_points, base)})"


def _with_share(part: int, whole: int) -> str:
    return f"{part} ({percent(part / whole)})" if whole else str(part)


def _changes(changes: Changes | None) -> str:
    if changes is None:
        return ""
    lines = [
        f"## Changes since {utc_text(changes.since)}",
        "",
        f"- Coverage (items): {points_delta(changes.coverage_delta)}",
        f"- Coverage (points): {points_delta(changes.points_coverage_delta)}",
    ]
    lines += [f"- {label}: {_some(keys)}" for label, keys in change_lists(changes) if keys]
    return "\n".join(lines)


def _some(keys: tuple[str, ...]) -> str:
    """Up to TOP_LINKS keys, then how many more."""
    shown = escape(", ".join(keys[:TOP_LINKS]))
    extra = len(keys) - TOP_LINKS
    return f"{shown} and {extra} more" if extra > 0 else shown


def _key_results(result: AuditResult) -> str:
    if not result.key_results:
        return "## Key results\n\nThe OKR set has no key results."
    header = ["KR", "Objective", "Key result", "Baseline → target", "Current", "Items",
              "Share", "Points", "Points share", "To do", "In progress", "Done"]  # fmt: skip
    rows = [_kr_row(row) for row in result.key_results]
    parts = [
        "## Key results",
        table(header, rows, right=(4, 5, 6, 7, 8, 9, 10, 11)),
        "An item linked to two KRs counts in each row, so shares may sum above 100%.",
    ]
    if result.uncovered_key_results:
        titles = {row.id: row.title for row in result.key_results}
        uncovered = [f"{escape(k)} ({escape(titles.get(k))})" for k in result.uncovered_key_results]
        parts.append("**No work in scope:** " + "; ".join(uncovered) + ".")
    return "\n\n".join(parts)


def _kr_row(row: WorkRow) -> list[str]:
    if row.baseline is None and row.target is None:
        span = "not set"
    else:
        baseline, target = number(row.baseline) or "?", number(row.target) or "?"
        span = f"{escape(baseline)} → {escape(target)}{_unit(row.unit)}"
    current = f"{number(row.current)}{_unit(row.unit)}" if row.current is not None else ""
    return [
        escape(row.id), escape(row.objective_id), escape(row.title), span,
        escape(current), str(row.items), percent(row.share), number(row.points),
        percent(row.points_share), str(row.todo), str(row.in_progress), str(row.done),
    ]  # fmt: skip


def _unit(unit: str | None) -> str:
    """`%` sticks to its number; other units are words."""
    if not unit:
        return ""
    return escape(unit) if unit == "%" else " " + escape(unit)


def _orphans(result: AuditResult) -> str:
    table = ItemTable.of(result.items)
    found = table.count_in(LinkState.ORPHANED)
    if not found:
        return "## Orphaned work\n\nNone: every item has an OKR link."
    # Only the orphans shown are built from the table (a backlog may have 100,000).
    lines = [_orphan_line(r) for r in table.select([LinkState.ORPHANED], limit=TOP_ORPHANS)]
    text = f"## Orphaned work ({found})\n\n" + "\n".join(lines)
    text += _more(TOP_ORPHANS, found, "orphaned items")
    return text


def _orphan_line(r: ItemResult) -> str:
    details = [d for d in (r.item.status, r.item.assignee or "unassigned") if d]
    if r.parent_key:
        details.append(f"parent {r.parent_key}")
    if r.placeholders:  # "N/A" in the link field: orphaned on purpose, or a gap to fill?
        details.append("link says " + ", ".join(f"'{value}'" for value in r.placeholders))
    return f"- {link(r.key, r.item.url)} {escape(r.item.title)} ({escape(', '.join(details))})"


def _bad_links(result: AuditResult) -> str:
    bad = [(b, "unknown KR") for b in result.dangling_links]
    bad += [(b, "retired KR") for b in result.stale_links]
    if not bad:
        return "## Dangling and stale links\n\nNone: every link names a current KR."
    bad.sort(key=lambda pair: (natural_key(pair[0].key), pair[0].reference))
    shown = {b.key for b, _problem in bad[:TOP_LINKS]}
    urls = {r.key: r.item.url for r in ItemTable.of(result.items).select(keys=shown)}
    rows = [
        [link(b.key, urls.get(b.key)), escape(b.reference), problem, escape(b.suggestion),
         str(b.affected_items)]
        for b, problem in bad[:TOP_LINKS]
    ]  # fmt: skip
    header = ["Key", "Reference", "Problem", "Did you mean", "Items affected"]
    text = f"## Dangling and stale links ({len(bad)})\n\n" + table(header, rows, right=(4,))
    text += _more(TOP_LINKS, len(bad), "links")
    return text


def _fix_list(result: AuditResult) -> str:
    groups = fix_groups(result)
    by_parent = tuple(group for group in groups if group.by is GroupBy.PARENT)
    if not by_parent:
        return ""
    by_assignee = tuple(group for group in groups if group.by is GroupBy.ASSIGNEE)
    intro = "Link an epic to fix all its children at once."
    if result.supports_jql:
        intro += " Paste a query into Jira's issue search to bulk-edit a group."
    return "\n\n".join(
        [
            "## Fix list",
            intro,
            "### By parent or epic\n\n" + _groups(by_parent),
            "### By assignee\n\n" + _groups(by_assignee),
        ]
    )


def _groups(groups: tuple[FixGroup, ...]) -> str:
    lines = []
    for group in groups[:TOP_GROUPS]:
        count = len(group.keys)
        noun = "item" if count == 1 else "items"
        # The keys are cut like every list of a chat post; the JQL never is (a cut query
        # would select the wrong items).
        line = f"- **{escape(group.value)}** ({count} {noun}): {_some(group.keys)}"
        if group.jql:
            line += f"\n  `{group.jql.replace('`', '')}`"
        lines.append(line)
    text = "\n".join(lines)
    text += _more(TOP_GROUPS, len(groups), "groups")
    return text


def _conflicts(result: AuditResult) -> str:
    if not result.inheritance_conflicts:
        return ""
    conflicts = result.inheritance_conflicts
    lines = [
        f"- {escape(c.key)}: own link {escape(', '.join(c.own))} wins over inherited "
        f"{escape(', '.join(c.inherited))}"
        for c in conflicts[:TOP_LINKS]
    ]
    text = f"## Inheritance conflicts ({len(conflicts)})\n\n" + "\n".join(lines)
    text += _more(TOP_LINKS, len(conflicts), "conflicts")
    return text


def _lint(result: AuditResult) -> str:
    if not result.lint:
        return "## OKR lint\n\nNo findings: the OKR set passed every check."
    lines = [
        f"- **{escape(f.severity)}** {escape(f.id)} `{f.rule.replace('`', '')}`: "
        f"{escape(f.message)}"
        for f in result.lint
    ]
    return f"## OKR lint ({len(result.lint)})\n\n" + "\n".join(lines)


def _warnings(warnings: tuple[str, ...]) -> str:
    if not warnings:
        return ""
    return "## Warnings\n\n" + "\n".join(f"- {escape(w)}" for w in warnings)


def _footer() -> str:
    return (
        "---\n\nGenerated by backlog-audit. Times are UTC. Coverage leaves exempt work out of "
        "the denominator; linked work includes objective-only and inherited links."
    )
