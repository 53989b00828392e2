"""The portfolio's figures from each team's audit (SPEC 11, "Items" and "Figures").

Items are identified by source site and key: the first team (config order) that has an item
gives its link state in the portfolio; every team that has it is listed (`table`). Every
figure is the core's (`core.tallies`) over the teams' tables, with each item's links rolled
up to company ids: the portfolio's rows over all distinct items; the matrix, per team, over
the team's own items (an item two teams share is in both teams' cells).

A team's own share (its table and its row of the matrix: `team_share`) needs nothing of the
other teams: a portfolio run computes it on the team's thread as soon as the team is audited,
while later teams still wait for their sites, and hands it to `portfolio`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from backlog_audit.core.order import natural_key
from backlog_audit.core.tallies import figures, kr_rows, tally
from backlog_audit.model import AuditResult, BadLink, OkrSet
from backlog_audit.portfolio.model import (
    MatrixCell,
    PortfolioResult,
    TeamFigures,
    TeamRun,
    Unaligned,
)
from backlog_audit.portfolio.rollup import RollUp
from backlog_audit.portfolio.table import PortfolioTable, TeamTable, counting, merged, team_table


@dataclass(frozen=True)
class TeamShare:
    """An audited team's part of the portfolio: its table and its row of the matrix."""

    table: TeamTable
    cells: tuple[MatrixCell, ...]


def team_share(run: TeamRun, rollup: RollUp, company: OkrSet) -> TeamShare:
    """The share of an audited team (`run.result` set)."""
    if run.result is None:
        raise ValueError(f"team {run.name} was not audited")
    table = team_table(run.name, run.result.items, rollup, run.site)
    return TeamShare(table, _cells(company, table))


def portfolio(
    company: OkrSet,
    runs: Sequence[TeamRun],
    rollups: dict[str, RollUp],
    now: datetime,
    scope: str,
    shares: Mapping[str, TeamShare] | None = None,
) -> PortfolioResult:
    """The portfolio of the teams' runs (failed ones listed, their items absent), with the
    `shares` already computed by team name (the others are computed here)."""
    done = shares or {}
    audited_shares = [
        done.get(run.name) or team_share(run, rollups[run.name], company)
        for run in runs
        if run.result is not None
    ]
    tables = [share.table for share in audited_shares]
    every = merged(tables)
    audited = [run.result for run in runs if run.result is not None]
    return PortfolioResult(
        result=_base(company, every, audited, now, scope),
        teams=tuple(_team(run, company) for run in runs),
        matrix=tuple(cell for share in audited_shares for cell in share.cells),
        unaligned=tuple(
            Unaligned(run.name, team_id, kind)
            for run in runs
            for team_id, kind in rollups[run.name].unaligned
        ),
        item_teams=every.teams,
        team_results=tuple(audited),
    )


def _base(
    company: OkrSet,
    every: PortfolioTable,
    audited: list[AuditResult],
    now: datetime,
    scope: str,
) -> AuditResult:
    """The portfolio over all distinct items, with the company set's rows."""
    return AuditResult(
        generated_at=now,
        source_kind="portfolio",
        scope=scope,
        okrs=company,
        **figures(company, counting(every.frame)),
        items=every.items,
        dangling_links=_links([b for a in audited for b in a.dangling_links]),
        stale_links=_links([b for a in audited for b in a.stale_links]),
        inheritance_conflicts=tuple(
            {c.key: c for a in audited for c in a.inheritance_conflicts}.values()
        ),
        supports_jql=any(a.supports_jql for a in audited),
    )


def _links(links: list[BadLink]) -> tuple[BadLink, ...]:
    """Each (key, reference) once, as the first team reported it, sorted by key."""
    unique = {(b.key, b.reference): b for b in reversed(links)}
    return tuple(sorted(unique.values(), key=lambda b: (natural_key(b.key), b.reference)))


def _team(run: TeamRun, company: OkrSet) -> TeamFigures:
    """A team's row: its own summary, orphans and uncovered KRs (of its own set)."""
    if run.result is None:
        return TeamFigures(run.name, run.source, run.scope, run.okrs, None, (), (), run.error)
    own = (run.team_set or company).key_results
    uncovered = tuple(kr.id for kr in own if kr.id in run.result.uncovered_key_results)
    team_summary = replace(
        run.result.summary, key_results=len(own), uncovered_key_results=len(uncovered)
    )
    return TeamFigures(
        run.name, run.source, run.scope, run.okrs, team_summary, uncovered, run.result.orphans
    )


def _cells(company: OkrSet, table: TeamTable) -> tuple[MatrixCell, ...]:
    """A team's row of the matrix: every company KR, zeros included, counted over the team's
    own items."""
    frame = counting(table.frame)
    rows = kr_rows(company, frame, tally(frame))
    return tuple(MatrixCell(table.name, row.id, row.items, row.points) for row in rows)
