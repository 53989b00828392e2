"""The portfolio workbook: a Portfolio sheet first, then the single audit's sheets over all
items (the Items sheet with a Team column).

The Portfolio sheet is one table with a row per team: coverage by items and points,
orphans, uncovered KRs, the error of a failed team, then the team x company KR matrix (SPEC
11: "items and points, zeros included") twice side by side: a column per company KR holding
the items that team rolls up to it, then a column per company KR holding their points. Each
is coloured as a heat map of its own (a count and a sum of estimates are not on one scale).
Below it, a native bar chart of coverage per team.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports.xlsx import (
    TABLE_SHEETS,
    _kr_charts,
    body,
    charts,
    item_sheets,
    sheets,
    styles,
)
from backlog_audit.reports.xlsx.summary import write_summary
from backlog_audit.reports.xlsx.tables import Column, Kind, Table, write_table

PORTFOLIO = "Portfolio"
_TEAM_COLUMNS = (
    Column("Team", max_width=24),
    Column("Source", max_width=10),
    Column("Items", "int"),
    Column("Coverage", "percent"),
    Column("Points coverage", "percent"),
    Column("Orphans", "int"),
    Column("Uncovered KRs", "wrap", max_width=30),
)
_ERROR = Column("Error", "wrap", max_width=40)
_MATRIX_KINDS: tuple[Kind, Kind] = ("int", "points")


def matrix_headers(kr: str) -> tuple[str, str]:
    """The headers of a company KR's two matrix columns: its items, its points."""
    return f"{kr} items", f"{kr} points"


def portfolio_table(result: PortfolioResult) -> Table:
    """The team table with the matrix's items per company KR, then its points."""
    krs = [kr.id for kr in result.result.okrs.key_results]
    cells = {(c.team, c.key_result): c for c in result.matrix}
    rows = []
    for team in result.teams:
        s = team.summary
        figures = (
            [s.all.items, s.all.coverage, s.all.points_coverage, s.orphaned_items]
            if s is not None
            else [None, None, None, None]
        )
        mine = [cells.get((team.name, kr)) for kr in krs]  # none for a failed team
        matrix = [c and c.items for c in mine] + [c and c.points for c in mine]
        # A failed team's error, in a column of its own only when a team failed.
        error = [team.error] if result.failed else []
        rows.append(
            [team.name, team.source, *figures, ", ".join(team.uncovered_key_results),
             *error, *matrix]
        )  # fmt: skip
    columns = (
        *_TEAM_COLUMNS,
        *((_ERROR,) if result.failed else ()),
        *(
            Column(matrix_headers(kr)[n], kind, max_width=9)
            for n, kind in enumerate(_MATRIX_KINDS)
            for kr in krs
        ),
    )
    coverage = ("Coverage", "Points coverage")
    return Table(PORTFOLIO, columns, rows, freeze="B2", coverage_columns=coverage)


def _heat_maps(table: Table, krs: list[str]) -> list[str]:
    """The matrix's items cells and its points cells, each a range of its own (a heat map
    compares every cell of its range)."""
    if not krs:
        return []
    first, last = matrix_headers(krs[0]), matrix_headers(krs[-1])
    return [f"{table.letter(first[n])}2:{table.letter(last[n])}{table.last_row}" for n in range(2)]


def _coverage_chart(table: Table) -> BarChart:
    label, value = table.letter("Team"), table.letter("Coverage")
    index = [c.header for c in table.columns].index("Coverage")
    # Every team's row, a failed team's (no coverage) as 0: the chart reads the rows in order.
    shares = [row[index] if isinstance(row[index], float) else 0.0 for row in table.rows]
    chart = charts.kr_bar_chart(
        table.title, label, value, shares, "Coverage per team", charts.ITEMS_COLOUR
    )
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2  # 0% to 100% in fifths (the count steps start at 1)
    chart.series[0].dLbls.numFmt = styles.PERCENT
    return chart


def _items_with_team(result: PortfolioResult) -> Table:
    teams = ["; ".join(teams) for teams in result.item_teams]
    return item_sheets.items(result.result).with_first_column(Column("Team", max_width=24), teams)


def render(result: PortfolioResult) -> bytes:
    """The workbook as bytes."""
    single = result.result
    tables = [build(single) for build in TABLE_SHEETS]
    tables = [_items_with_team(result) if t.title == sheets.ITEMS else t for t in tables]
    if single.trend:
        tables.append(sheets.trend(single))
    wb = Workbook(write_only=True)
    top = portfolio_table(result)
    ws = write_table(wb, top)
    bodies = {ws.title: body.prepare(ws, top)} if top.rows else {}
    if top.rows:
        for heat in _heat_maps(top, [kr.id for kr in single.okrs.key_results]):
            ws.conditional_formatting.add(heat, styles.share_scale())
    if top.rows:
        ws.add_chart(_coverage_chart(top), f"A{top.last_row + 3}")
    write_summary(wb, single, _kr_charts(tables[0]))
    for table in tables:
        sheet = write_table(wb, table)
        if table.height:  # a big table holds its rows as columns (`Table.frame`)
            bodies[sheet.title] = body.prepare(sheet, table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return body.fill(buffer.getvalue(), bodies)
