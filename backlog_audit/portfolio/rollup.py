"""`aligns_to` followed from team objectives and KRs to company ids (SPEC 11, "Roll-up").

A team KR contributes to what its own `aligns_to` names, else to what its objective's names;
that may be another team objective or KR (a chain), followed until a company KR or
objective. A cycle, or an id neither set knows, is exit 2 naming the file and the id; a team
KR or objective with no `aligns_to` at all is unaligned and contributes to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backlog_audit.core.linking import normalise
from backlog_audit.errors import UsageError
from backlog_audit.model import OkrSet


@dataclass(frozen=True)
class RollUp:
    """Where each id of a team's (combined) set rolls up to in the company set."""

    # team or company id -> the company KR or objective id it contributes to (None: unaligned)
    targets: dict[str, str | None]
    # company KR id -> its objective id
    objective_of: dict[str, str] = field(default_factory=dict)
    unaligned: tuple[tuple[str, str], ...] = ()  # (id, "objective" | "key_result")
    # team KR id -> its team objective id (company KRs are in `objective_of`)
    team_objective_of: dict[str, str] = field(default_factory=dict)

    def contributions(
        self, key_results: Sequence[str], objectives: Sequence[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The company KRs and the company objectives an item's links roll up to, in the
        order first reached, from the KRs and objectives the core gave it.

        Its KRs, and the objectives it links itself (an objective-only link, or one beside
        a KR), as the single audit's KR and objective rows count them: an objective that is
        only its KRs' own adds nothing, so that a KR's own `aligns_to` wins over its
        objective's. Each company KR also counts for its company objective.
        """
        implied = {
            self.objective_of.get(kr) or self.team_objective_of.get(kr) for kr in key_results
        }
        reached: dict[str, None] = {}
        for ref in [*key_results, *(o for o in objectives if o not in implied)]:
            target = self.targets.get(ref)
            if target is not None:
                reached[target] = None
        krs = tuple(t for t in reached if t in self.objective_of)
        objectives_reached = dict.fromkeys(self.objective_of.get(t, t) for t in reached)
        return krs, tuple(objectives_reached)


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
    own = {kr.id: kr.objective_id for kr in team.key_results}
    return RollUp(targets, objective_of, tuple(unaligned), own)


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
