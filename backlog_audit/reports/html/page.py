"""The whole HTML page: one self-contained file, styles and script inline.

The page asks nothing of any other host: no font, image, style or script is fetched, and its
Content-Security-Policy says so (`default-src 'none'`); the one style sheet and the one
script are allowed by their SHA-256 hashes, so markup that slipped past the escaping still
could not run a script of its own. Source text only ever appears escaped (`markup.el`).
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources

from backlog_audit.core.fixlist import GroupBy, fix_groups
from backlog_audit.model import AuditResult
from backlog_audit.reports.common import utf8
from backlog_audit.reports.figures import count
from backlog_audit.reports.html import charts, sections, tables
from backlog_audit.reports.html.markup import Html, el
from backlog_audit.reports.html.table import render_table
from backlog_audit.reports.xlsx.sheets import trend_points

_NAV = (
    ("summary", "Summary"),
    ("key-results", "Key results"),
    ("objectives", "Objectives"),
    ("fix-list", "Fix list"),
    ("orphans", "Orphaned work"),
    ("links", "Dangling & stale links"),
    ("items", "Items"),
    ("trend", "Trend"),
    ("lint", "OKR lint"),
    ("definitions", "Definitions"),
)


def asset(name: str) -> str:
    """A file shipped beside this module (the style sheet, the script)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(style: str, script: str) -> str:
    """The page's Content-Security-Policy: nothing from anywhere, but its own style and script."""
    return (
        f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def render(result: AuditResult) -> bytes:
    """The HTML report as UTF-8 bytes."""
    style, script = asset("report.css"), asset("report.js")
    head = el(
        "head",
        Html('<meta charset="utf-8">'),
        el("meta", http_equiv="Content-Security-Policy", content=policy(style, script)),
        el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        el("meta", name="referrer", content="no-referrer"),
        el("meta", name="generator", content="backlog-audit"),
        el("title", f"OKR alignment audit: {result.scope or result.source_kind}"),
        el("style", Html(style)),
    )
    body = el(
        "body",
        sections.heading(result),
        _nav(result),
        el("main", _main(result)),
        sections.footer(result),
        el("script", Html(script)),
    )
    return utf8("<!DOCTYPE html>\n" + el("html", head, body, lang="en") + "\n")


def _nav(result: AuditResult) -> Html:
    shown = [(anchor, title) for anchor, title in _NAV if anchor != "trend" or _has_trend(result)]
    links = [el("li", el("a", title, href=f"#{anchor}")) for anchor, title in shown]
    return el("nav", el("ul", links), aria_label="Sections")


def _has_trend(result: AuditResult) -> bool:
    return len(trend_points(result)) > 1


def _main(result: AuditResult) -> list[Html | None]:
    return [
        _summary(result),
        sections.warnings(result),
        _key_results(result),
        _objectives(result),
        _fix_list(result),
        _capped("orphans", "Orphaned work", tables.orphans(result), "orphaned items"),
        _capped("links", "Dangling and stale links", tables.bad_links(result), "links"),
        _conflicts(result),
        _capped("items", "Items", tables.items(result), "items"),
        _trend(result),
        _lint(result),
        sections.definitions(),
    ]


def _summary(result: AuditResult) -> Html:
    charts_ = el(
        "div",
        _figure("Work by link state", charts.doughnut(result)),
        _figure("Coverage", charts.coverage_bars(result)),
        class_="chart-stack",
    )
    figures = el("div", el("h3", "All figures"), sections.figures(result))
    changes = el("div", el("h3", "Changes since the last audit"), sections.changes(result.changes))
    return sections.section(
        "summary",
        "Summary",
        sections.tiles(result.summary),
        el("div", charts_, figures, class_="summary-grid"),
        changes,
    )


def _figure(caption: str, chart: Html) -> Html:
    return el("figure", el("figcaption", caption), chart, class_="chart-box")


def _key_results(result: AuditResult) -> Html:
    rows = result.key_results
    chart_row = (
        el("div", _figure("Items per key result", charts.kr_bars(rows, "items")),
           _figure("Points per key result", charts.kr_bars(rows, "points")), class_="charts")
        if rows else None
    )  # fmt: skip
    note = el("p", "An item linked to two KRs counts in each row, so shares may sum above 100%.",
              class_="note")  # fmt: skip
    uncovered = tables.uncovered(result)
    return sections.section(
        "key-results", "Key results", chart_row, render_table(tables.key_results(result)), note,
        el("h3", "Uncovered key results", el("span", count(len(uncovered.rows)), class_="count")),
        render_table(uncovered), count_text=count(len(rows)),
    )  # fmt: skip


def _objectives(result: AuditResult) -> Html:
    return sections.section("objectives", "Objectives", render_table(tables.objectives(result)),
                            count_text=count(len(result.objectives)))  # fmt: skip


def _fix_list(result: AuditResult) -> Html:
    intro = "Orphaned and dangling items, grouped so that one edit fixes many: link an epic to "
    intro += "fix all its children at once."
    if result.supports_jql:
        intro += " Paste a group's query into Jira's issue search to bulk-edit it."
    parts: list[Html | None] = [el("p", intro, class_="note")]
    found = fix_groups(result)  # both kinds at once: one pass over the items to fix
    for by, title in ((GroupBy.PARENT, "By parent or epic"), (GroupBy.ASSIGNEE, "By assignee")):
        table, total = tables.fix_list(result, by, found)
        parts += [el("h3", title, el("span", count(total), class_="count")),
                  render_table(table),
                  tables.shown_note(len(table.rows), total, "groups", "largest first")]  # fmt: skip
    return sections.section("fix-list", "Fix list", *parts)


def _capped(anchor: str, title: str, built: tuple[tables.Table, int], what: str) -> Html:
    table, total = built
    return sections.section(anchor, title, tables.shown_note(len(table.rows), total, what),
                            render_table(table), count_text=count(total))  # fmt: skip


def _conflicts(result: AuditResult) -> Html | None:
    if not result.inheritance_conflicts:
        return None
    text = "The item's own link wins; the inherited one is ignored."
    table, total = tables.conflicts(result)
    return sections.section("conflicts", "Inheritance conflicts", el("p", text, class_="note"),
                            tables.shown_note(len(table.rows), total, "conflicts"),
                            render_table(table), count_text=count(total))  # fmt: skip


def _trend(result: AuditResult) -> Html | None:
    runs = trend_points(result)
    if len(runs) < 2:
        return None
    chart = _figure("Coverage over time", charts.trend_chart(runs))
    return sections.section("trend", "Trend", chart, render_table(tables.trend(runs)),
                            count_text=count(len(runs)))  # fmt: skip


def _lint(result: AuditResult) -> Html:
    return sections.section("lint", "OKR lint", render_table(tables.lint(result)),
                            count_text=count(len(result.lint)))  # fmt: skip
