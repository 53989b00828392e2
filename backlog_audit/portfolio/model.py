"""What a portfolio audit produces: the portfolio's result, the teams, the matrix."""

from __future__ import annotations

from dataclasses import dataclass

from backlog_audit.model import AuditResult, OkrSet, Summary


@dataclass(frozen=True)
class TeamRun:
    """One team's audit as the figures take it: its result, or the error that stopped it."""

    name: str
    source: str  # the --source kind
    scope: str
    okrs: str | None  # the team set's file; None: the team resolves against the company set
    result: AuditResult | None
    error: str | None = None
    team_set: OkrSet | None = None
    # Identifies the team's source site for items without a URL (a CSV export's path).
    site: str = ""


@dataclass(frozen=True)
class TeamFigures:
    """One row of the team table (SPEC 11: `teams`)."""

    name: str
    source: str
    scope: str
    okrs: str | None
    summary: Summary | None  # None for a failed team
    uncovered_key_results: tuple[str, ...]
    orphans: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class MatrixCell:
    """Items and points of one team that roll up to one company KR."""

    team: str
    key_result: str
    items: int
    points: float


@dataclass(frozen=True)
class Unaligned:
    """A team objective or KR whose `aligns_to` (own or its objective's) names nothing."""

    team: str
    id: str
    kind: str  # "objective" | "key_result"


@dataclass(frozen=True)
class PortfolioResult:
    """A portfolio audit: `result` over all distinct items with the company's rows, plus the
    teams, the matrix and the unaligned team OKRs. `item_teams[i]` names the teams of
    `result.items[i]`; `team_results` are the audited teams' own results (history scopes)."""

    result: AuditResult
    teams: tuple[TeamFigures, ...]
    matrix: tuple[MatrixCell, ...]
    unaligned: tuple[Unaligned, ...]
    item_teams: tuple[tuple[str, ...], ...]
    team_results: tuple[AuditResult, ...] = ()

    @property
    def failed(self) -> tuple[TeamFigures, ...]:
        """The teams whose source failed (with --keep-going)."""
        return tuple(team for team in self.teams if team.error is not None)

    @property
    def coverage_note(self) -> str | None:
        """What the figures cover when a team failed, else None."""
        if not self.failed:
            return None
        names = ", ".join(team.name for team in self.failed)
        return f"figures cover the audited teams only: {names} failed"
