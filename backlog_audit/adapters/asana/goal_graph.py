"""Fetching Asana Goals for `--okrs asana-goals:WORKSPACE_GID[:TIME_PERIOD_GID]` (SPEC 3).

The goal graph is what the OKR set and the goal links are built from (`goals`): the
workspace's goals split into those of the audited cycle and the others, the relationships
(subgoals and supporting work) of the current ones, and the projects of the portfolios that
support them (`portfolios`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backlog_audit.adapters.asana.client import AsanaClient
from backlog_audit.adapters.asana.portfolios import PortfolioWalk
from backlog_audit.core.linking import normalise
from backlog_audit.errors import UsageError

__all__ = ["GOALS_PREFIX", "GoalGraph", "GoalSpec", "fetch_goal_graph", "iso_date", "is_goal_spec"]

Json = dict[str, Any]

GOALS_PREFIX = "asana-goals:"
_GOAL_FIELDS = ",".join(
    (
        "name",
        "owner.name",
        "time_period",
        "time_period.start_on",
        "time_period.end_on",
        "metric.unit",
        "metric.currency_code",
        "metric.initial_number_value",
        "metric.target_number_value",
        "metric.current_number_value",
    )
)
# The compact supporting resource carries its resource_type (task, project, goal, portfolio).
_RELATIONSHIP_FIELDS = "resource_subtype,supporting_resource"
_PERIOD_FIELDS = "display_name,start_on,end_on"


def is_goal_spec(spec: str | None) -> bool:
    """Whether an `--okrs` value names Asana Goals rather than a file."""
    return bool(spec) and str(spec).startswith(GOALS_PREFIX)


@dataclass(frozen=True)
class GoalSpec:
    """The parts of `asana-goals:WORKSPACE_GID[:TIME_PERIOD_GID]`."""

    workspace: str
    time_period: str | None = None

    @classmethod
    def parse(cls, spec: str) -> GoalSpec:
        """Read the spec, or exit 2 saying what it should look like."""
        parts = spec[len(GOALS_PREFIX) :].split(":") if is_goal_spec(spec) else []
        if not 1 <= len(parts) <= 2 or not all(p.strip().isdigit() for p in parts):
            raise UsageError(
                f"--okrs {spec}: expected asana-goals:WORKSPACE_GID or "
                "asana-goals:WORKSPACE_GID:TIME_PERIOD_GID (gids are digits)"
            )
        return cls(parts[0].strip(), parts[1].strip() if len(parts) == 2 else None)


# --- the goal graph -------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalGraph:
    """The goals of a workspace, split by time period, with the relationships of current ones."""

    current: tuple[Json, ...]
    others: tuple[Json, ...] = ()
    relationships: Mapping[str, tuple[Json, ...]] = field(default_factory=dict)
    period: Json | None = None
    # The project gids of each portfolio supporting a current goal, nested portfolios included.
    portfolio_projects: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # What could not be read (a portfolio the token may not see): said, not fatal.
    warnings: tuple[str, ...] = ()

    @property
    def cycle_start(self) -> date | None:
        """The first day of the time period, when one was asked for."""
        return iso_date((self.period or {}).get("start_on"))

    def ids(self) -> dict[str, str]:
        """A readable id per current goal gid: the name, made unique (module docstring)."""
        ids: dict[str, str] = {}
        taken: set[str] = set()
        for goal in self.current:
            name = " ".join(str(goal.get("name") or goal["gid"]).split())
            readable = name if normalise(name) not in taken else f"{name} ({goal['gid']})"
            taken.add(normalise(readable))
            ids[str(goal["gid"])] = readable
        return ids

    def parents(self) -> dict[str, str]:
        """Each current subgoal's parent goal gid (its first, when it has several)."""
        parents: dict[str, str] = {}
        for goal in self.current:
            for rel in self.relationships.get(str(goal["gid"]), ()):
                child = rel.get("supporting_resource") or {}
                if child.get("resource_type") == "goal":
                    parents.setdefault(str(child.get("gid")), str(goal["gid"]))
        return parents


def iso_date(text: Any) -> date | None:
    """A `YYYY-MM-DD` value as a date; None when absent or not a date."""
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _list_goals(client: AsanaClient, workspace: str) -> list[Json]:
    return client.records(
        f"goals of workspace {workspace}",
        lambda opts: client.goals.get_goals(opts, **client.request_options),
        {"workspace": workspace, "opt_fields": _GOAL_FIELDS},
    )


def _relationships(client: AsanaClient, goal_gid: str) -> tuple[Json, ...]:
    return tuple(
        client.records(
            f"goal relationships of goal {goal_gid}",
            lambda opts: client.goal_relationships.get_goal_relationships(
                goal_gid, opts, **client.request_options
            ),
            {"opt_fields": _RELATIONSHIP_FIELDS},
        )
    )


def _is_current(goal: Json, period_gid: str | None, period: Json | None) -> bool:
    """Whether a goal belongs to the audited cycle: no period asked, none set, the same one, or
    one whose dates overlap it (Asana's periods nest: FY26 > H2 FY26 > Q4 FY26, so a company
    goal set for the year is still current in its last quarter)."""
    own = goal.get("time_period")
    if period_gid is None or not isinstance(own, dict) or not own.get("gid"):
        return True
    if str(own["gid"]) == period_gid:
        return True
    return _overlap(own, period or {})


def _overlap(a: Json, b: Json) -> bool:
    """Whether two periods share a day; False when either lacks a date."""
    a_start, a_end, b_start, b_end = (
        iso_date(x.get(key))
        for x, key in ((a, "start_on"), (a, "end_on"), (b, "start_on"), (b, "end_on"))
    )
    if a_start is None or a_end is None or b_start is None or b_end is None:
        return False
    return a_start <= b_end and b_start <= a_end


def _supporting(relationships: Mapping[str, tuple[Json, ...]], kind: str) -> list[str]:
    """The gids of the supporting resources of type `kind`, each once, in listing order."""
    gids = (
        str((rel.get("supporting_resource") or {}).get("gid"))
        for rels in relationships.values()
        for rel in rels
        if (rel.get("supporting_resource") or {}).get("resource_type") == kind
    )
    return list(dict.fromkeys(gids))


def fetch_goal_graph(client: AsanaClient, spec: GoalSpec) -> GoalGraph:
    """Goals of the workspace, the relationships of the current ones, and the projects of the
    portfolios supporting them.

    Requests: the time period when one is given, the goal listing, one relationship listing
    per current goal, and one item listing per supporting portfolio (nested ones included).
    """
    tp = spec.time_period
    period = None
    if tp is not None:  # first: an unknown period gid fails before the goals are paged
        period = client.get(
            f"time period {tp}",
            lambda opts: client.time_periods.get_time_period(tp, opts, **client.request_options),
            {"opt_fields": _PERIOD_FIELDS},
        )
    goals = _list_goals(client, spec.workspace)
    current = tuple(g for g in goals if _is_current(g, tp, period))
    others = tuple(g for g in goals if not _is_current(g, tp, period))
    relationships = {str(g["gid"]): _relationships(client, str(g["gid"])) for g in current}
    walk = PortfolioWalk(client)
    portfolios = {gid: walk.projects(gid) for gid in _supporting(relationships, "portfolio")}
    return GoalGraph(current, others, relationships, period, portfolios, tuple(walk.warnings))
