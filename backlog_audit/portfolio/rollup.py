"""`aligns_to` followed from team objectives and KRs to company ids (SPEC 11, "Roll-up").

A team KR contributes to what its own `aligns_to` names, else to what its objective's names;
that may be another team objective or KR (a chain), followed until a company KR or
objective. A cycle, or an id neither set knows, is exit 2 naming the file and the id; a team
KR or objective with no `aligns_to` at all is unaligned and contributes to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from backlog_audit.core.linking import normalise
from backlog_audit.errors import UsageError
from backlog_audit.model import ItemResult, OkrSet


@dataclass(frozen=True)
class RollUp:
    """Where each id of a team's (combined) set rolls up to in the company set."""

    # team or company id -> the company KR or objective id it contributes to (None: unaligned)
    targets: dict[str, str | None]
    # company KR id -> its objective id
    objective_of: dict[str, str] = field(default_factory=dict)
    unaligned: tuple[tuple[str, str], ...] = ()  # (id, "objective" | "key_result")

    def contributions(self, result: ItemResult) -> frozenset[str]:
        """The company KR and objective ids an item's links roll up to.

        Its KRs, or (objective-only, no KR) its objectives; each company KR also counts for
        its company objective.
        """
        own = result.key_results or result.objectives
        reached = {target for ref in own if (target := self.targets.get(ref)) is not None}
        return frozenset(
            reached | {self.objective_of[t] for t in reached if t in self.objective_of}
        )


def roll_up(team: OkrSet | None, company: OkrSet) -> RollUp:
    """The roll-up of `team` (None: a team without its own set) onto `company`."""
    targets: dict[str, str | None] = {}
    objective_of: dict[str, str] = {}
    company_ids: dict[str, str] = {}
    for obj in company.objectives:
        company_ids[normalise(obj.id)] = targets[obj.id] = obj.id
        for kr in obj.key_results:
            company_ids[normalise(kr.id)] = targets[kr.id] = kr.id
            objective_of[kr.id] = obj.id
    if team is None:
        return RollUp(targets, objective_of)
    parents = _parents(team)
    unaligned = []
    for team_id, (_parent, kind) in parents.items():
        targets[team_id] = _follow(team_id, parents, company_ids, team.source)
        if targets[team_id] is None:  # no aligns_to, or a chain that ends without one
            unaligned.append((team_id, kind))
    return RollUp(targets, objective_of, tuple(unaligned))


def _parents(team: OkrSet) -> dict[str, tuple[str | None, str]]:
    """Each team id's `aligns_to` (a KR's own, else its objective's) and its kind."""
    parents: dict[str, tuple[str | None, str]] = {}
    for obj in team.objectives:
        parents[obj.id] = (obj.aligns_to, "objective")
        for kr in obj.key_results:
            parents[kr.id] = (kr.aligns_to or obj.aligns_to, "key_result")
    return parents


def _follow(
    start: str,
    parents: dict[str, tuple[str | None, str]],
    company_ids: dict[str, str],
    path: str,
) -> str | None:
    """The company id `start` reaches through `aligns_to`, None when the chain stops."""
    team_ids = {normalise(team_id): team_id for team_id in parents}
    seen: list[str] = [start]
    current = start
    while True:
        parent = parents[current][0]
        if parent is None:
            return None
        norm = normalise(parent)
        if norm in company_ids:
            return company_ids[norm]
        if norm not in team_ids:
            raise UsageError(
                f"{path}: {current} aligns to '{parent}', which is no id of the company set "
                "nor of this set"
            )
        current = team_ids[norm]
        if current in seen:
            chain = " -> ".join([*seen, current])
            raise UsageError(f"{path}: aligns_to makes a cycle: {chain}")
        seen.append(current)


def unaligned_ids(rollups: Iterable[tuple[str, RollUp]]) -> list[tuple[str, str, str]]:
    """(team, id, kind) of every unaligned team objective and KR, in team and file order."""
    return [(team, team_id, kind) for team, up in rollups for team_id, kind in up.unaligned]
