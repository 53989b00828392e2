"""The portfolio's HTML report: the single audit's page over the portfolio, with the team
table and the team x company KR matrix as its first sections."""

from __future__ import annotations

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports.figures import count, percent, points
from backlog_audit.reports.html import render as single_render
from backlog_audit.reports.html.markup import Html, el

_MAIN = b"<main>"
_NAV = b'<nav aria-label="Sections"><ul>'


def _table(header: list[str], rows: list[list[str]], numbers: range = range(0)) -> Html:
    """A table styled as the page's data tables; the columns in `numbers` hold figures,
    right-aligned with their headers (the page's `num` class)."""

    def kind(index: int) -> str | None:
        return "num" if index in numbers else None

    head = el("thead", el("tr", [el("th", h, scope="col", class_=kind(i))
                                 for i, h in enumerate(header)]))  # fmt: skip
    body = el("tbody", [el("tr", [el("td", cell, class_=kind(i)) for i, cell in enumerate(row)])
                        for row in rows])  # fmt: skip
    return el("div", el("table", head, body, class_="data"), class_="table-wrap")


def sections(result: PortfolioResult) -> Html:
    """The Teams, Matrix and Unaligned sections."""
    teams = []
    for t in result.teams:
        s = t.summary
        if s is None:
            # The error in the text column: a figure's column keeps to one line.
            teams.append([t.name, t.source, "", "", "", "", f"failed: {t.error}"])
        else:
            teams.append(
                [t.name, t.source, count(s.all.items), percent(s.all.coverage),
                 percent(s.all.points_coverage), count(s.orphaned_items),
                 ", ".join(t.uncovered_key_results) or "none"]
            )  # fmt: skip
    krs = [kr.id for kr in result.result.okrs.key_results]
    cells = {(c.team, c.key_result): c for c in result.matrix}
    matrix = [
        [t.name, *(f"{cells[(t.name, kr)].items} / {points(cells[(t.name, kr)].points)}"
                   for kr in krs)]
        for t in result.teams
        if t.summary is not None
    ]  # fmt: skip
    parts = [
        el("section",
           el("h2", "Teams"),
           el("p", result.coverage_note) if result.coverage_note else None,
           _table(["Team", "Source", "Items", "Coverage", "Points coverage", "Orphans",
                   "Uncovered KRs"], teams, numbers=range(2, 6)),
           id="teams"),
        el("section",
           el("h2", "Team x company KR matrix"),
           el("p", "Items / points of each team that roll up to each company key result."),
           _table(["Team", *krs], matrix, numbers=range(1, len(krs) + 1)),
           id="matrix"),
    ]  # fmt: skip
    if result.unaligned:
        rows = [[u.team, u.id, u.kind.replace("_", " ")] for u in result.unaligned]
        parts.append(
            el(
                "section",
                el("h2", "Unaligned team OKRs"),
                _table(["Team", "Id", "Kind"], rows),
                id="unaligned",
            )  # fmt: skip
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
