"""The portfolio's HTML report: the single audit's page over the portfolio, with the team
table and the team x company KR matrix as its first sections."""

from __future__ import annotations

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports.figures import count, percent, points
from backlog_audit.reports.html import render as single_render
from backlog_audit.reports.html.markup import Html, el
from backlog_audit.reports.html.table import CellValue, Col, Table, num, render_table

_TEAM_COLUMNS = (
    Col("Team"),
    Col("Source"),
    Col("Items", "num"),
    Col("Coverage", "num"),
    Col("Points coverage", "num"),
    Col("Orphans", "num"),
    Col("Uncovered KRs"),
)
_MAIN = b"<main>"
_NAV = b'<nav aria-label="Sections"><ul>'


def _teams(result: PortfolioResult) -> Table:
    """The team table: figures as numbers (they sort as numbers), a failed team's error in
    the text column."""
    rows: list[list[CellValue]] = []
    for t in result.teams:
        s = t.summary
        if s is None:
            rows.append([t.name, t.source, None, None, None, None, f"failed: {t.error}"])
            continue
        rows.append(
            [t.name, t.source, num(s.all.items, count(s.all.items)),
             _share(s.all.coverage), _share(s.all.points_coverage),
             num(s.orphaned_items, count(s.orphaned_items)),
             ", ".join(t.uncovered_key_results) or "none"]
        )  # fmt: skip
    return Table("teams", _TEAM_COLUMNS, rows, filterable=False)


def _share(value: float | None) -> CellValue:
    return num(None if value is None else value * 100, percent(value))


def _matrix(result: PortfolioResult) -> Table:
    """Items / points per team and company KR; a cell sorts by its items."""
    krs = [kr.id for kr in result.result.okrs.key_results]
    cells = {(c.team, c.key_result): c for c in result.matrix}
    rows: list[list[CellValue]] = [
        [t.name, *(num(cells[(t.name, kr)].items,
                       f"{cells[(t.name, kr)].items} / {points(cells[(t.name, kr)].points)}")
                   for kr in krs)]
        for t in result.teams
        if t.summary is not None
    ]  # fmt: skip
    columns = (Col("Team"), *(Col(kr, "num") for kr in krs))
    return Table("matrix", columns, rows, filterable=False)


def sections(result: PortfolioResult) -> Html:
    """The Teams, Matrix and Unaligned sections."""
    parts = [
        el("section",
           el("h2", "Teams"),
           el("p", result.coverage_note) if result.coverage_note else None,
           render_table(_teams(result)),
           id="teams"),
        el("section",
           el("h2", "Team x company KR matrix"),
           el("p", "Items / points of each team that roll up to each company key result."),
           render_table(_matrix(result)),
           id="matrix"),
    ]  # fmt: skip
    if result.unaligned:
        rows: list[list[CellValue]] = [
            [u.team, u.id, u.kind.replace("_", " ")] for u in result.unaligned
        ]
        table = Table("unaligned", (Col("Team"), Col("Id"), Col("Kind")), rows, filterable=False)
        parts.append(
            el("section", el("h2", "Unaligned team OKRs"), render_table(table), id="unaligned")
        )
    return Html("".join(parts))


def render(result: PortfolioResult) -> bytes:
    """The HTML report as UTF-8 bytes."""
    page = single_render(result.result)
    extra = sections(result).encode("utf-8")
    links = [("teams", "Teams"), ("matrix", "Matrix")]
    if result.unaligned:
        links.append(("unaligned", "Unaligned"))
    nav = "".join(el("li", el("a", title, href=f"#{anchor}")) for anchor, title in links)
    page = page.replace(_NAV, _NAV + nav.encode("utf-8"), 1)
    return page.replace(_MAIN, _MAIN + b"\n" + extra, 1)
