"""The portfolio's figures from each team's audit (SPEC 11, "Items" and "Figures").

Items are identified by source site and key: the first team (config order) that has an item
gives its link state in the portfolio; every team that has it is listed. Company KR and
objective rows count the items whose links roll up to them; the matrix counts, per team,
the team's own items (an item two teams share is in both teams' cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from backlog_audit.core.audit import NO_PROJECT, NO_SPRINT, UNASSIGNED, natural_key
from backlog_audit.model import AuditResult, BadLink, ItemResult, LinkState, OkrSet
from backlog_audit.portfolio import tally as count
from backlog_audit.portfolio.model import (
    MatrixCell,
    PortfolioResult,
    TeamFigures,
    TeamRun,
    Unaligned,
)
from backlog_audit.portfolio.rollup import RollUp


def item_identity(result: ItemResult, site: str) -> tuple[str, str]:
    """(source site, key): the site from the item's URL, else the team's source site."""
    url = result.item.url
    if url:
        parts = urlsplit(url)
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}".casefold(), result.key
    return site, result.key


def portfolio(
    company: OkrSet,
    runs: Sequence[TeamRun],
    rollups: dict[str, RollUp],
    now: datetime,
    scope: str,
) -> PortfolioResult:
    """The portfolio of the teams' runs (failed ones listed, their items absent)."""
    firsts: dict[tuple[str, str], tuple[ItemResult, RollUp, list[str]]] = {}
    for run in runs:
        if run.result is None:
            continue
        for r in run.result.items:
            entry = firsts.setdefault(item_identity(r, run.site), (r, rollups[run.name], []))
            entry[2].append(run.name)
    ordered = sorted(firsts.values(), key=lambda e: natural_key(e[0].key))
    results = [r for r, _up, _teams in ordered]
    audited = [run.result for run in runs if run.result is not None]
    base = _base(company, results, [(r, up) for r, up, _t in ordered], audited, now, scope)
    return PortfolioResult(
        result=base,
        teams=tuple(_team(run, company) for run in runs),
        matrix=_matrix(company, runs, rollups),
        unaligned=tuple(
            Unaligned(run.name, team_id, kind)
            for run in runs
            for team_id, kind in rollups[run.name].unaligned
        ),
        item_teams=tuple(tuple(teams) for _r, _up, teams in ordered),
        team_results=tuple(audited),
    )


def _base(
    company: OkrSet,
    results: list[ItemResult],
    rolled: list[tuple[ItemResult, RollUp]],
    audited: list[AuditResult],
    now: datetime,
    scope: str,
) -> AuditResult:
    """The portfolio over all distinct items, with the company set's rows."""
    total = count.tally(results)
    reach = [(r, up.contributions(r)) for r, up in rolled]
    kr_rows = tuple(
        count.work_row(kr.id, kr.title, [r for r, ids in reach if kr.id in ids], total, kr)
        for kr in company.key_results
    )
    uncovered = tuple(row.id for row in kr_rows if row.items == 0)
    return AuditResult(
        generated_at=now,
        source_kind="portfolio",
        scope=scope,
        okrs=company,
        summary=count.summary(results, len(kr_rows), len(uncovered)),
        key_results=kr_rows,
        objectives=tuple(
            count.work_row(o.id, o.title, [r for r, ids in reach if o.id in ids], total)
            for o in company.objectives
        ),
        by_sprint=count.breakdown(results, lambda r: r.item.sprint or NO_SPRINT),
        by_assignee=count.breakdown(results, lambda r: r.item.assignee or UNASSIGNED),
        by_project=count.breakdown(results, lambda r: r.item.project or NO_PROJECT),
        items=tuple(results),
        orphans=tuple(r.key for r in results if r.link_state is LinkState.ORPHANED),
        dangling_links=_links([b for a in audited for b in a.dangling_links]),
        stale_links=_links([b for a in audited for b in a.stale_links]),
        uncovered_key_results=uncovered,
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
    summary = replace(
        run.result.summary, key_results=len(own), uncovered_key_results=len(uncovered)
    )
    return TeamFigures(
        run.name, run.source, run.scope, run.okrs, summary, uncovered, run.result.orphans
    )


def _matrix(
    company: OkrSet, runs: Sequence[TeamRun], rollups: dict[str, RollUp]
) -> tuple[MatrixCell, ...]:
    """Every audited team x company KR, zeros included."""
    cells = []
    for run in runs:
        if run.result is None:
            continue
        reach = [(r, rollups[run.name].contributions(r)) for r in run.result.items]
        for kr in company.key_results:
            mine = [r for r, ids in reach if kr.id in ids]
            cells.append(MatrixCell(run.name, kr.id, len(mine), sum(r.points for r in mine)))
    return tuple(cells)
