"""Asana Goals as the OKR set (`--okrs asana-goals:WORKSPACE_GID[:TIME_PERIOD_GID]`, SPEC 3),
and goals' supporting work as links (issue 4).

How goals become an OKR set:

- A goal with a numeric metric is a key result: baseline = the metric's initial value, target =
  its target value, current = its current value. Percentage metrics are stored by Asana as
  fractions (0.25 shows as 25 %) and are given here in percent, unit `%`.
- Its objective is its nearest ancestor goal without a metric (parents come from the `subgoal`
  goal relationships). A metric goal with no such ancestor belongs to the objective of its
  topmost metric ancestor, or, with no parent goal, gets an objective of its own, with the
  same title and the id `<KR id> (objective)`.
- Every goal without a metric is an objective, so that work supporting it counts as an
  objective-only link; `aligns_to` names its parent goal.
- Ids are the goal names, so that reports read like the goals page and a text field holding a
  goal's name resolves to it. Two goals whose names normalise alike keep the first name; later
  ones get ` (<gid>)` appended. Each KR also has its gid as an alias.
- With a time period, goals of that period, of periods that overlap it (the fiscal year or
  half around a quarter, the quarters inside a year) and without a period are current; goals
  of other periods are retired: their names (unless a current goal has the same name) and
  their gids. The period's name and dates are the cycle.

Supporting work: a task, a whole project, or a portfolio supporting a goal
(`goal_relationships` of subtype `supporting_work`) gives the supporting tasks a reference to
that goal's id. A portfolio stands for every project in it, and in the portfolios nested in it
(`GET /portfolios/GID/items`, each portfolio read once).

Fetching the goals is `goal_graph`'s job, walking portfolios `portfolios`'s; this
module builds the OKR set and the links from what they read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.asana.client import client_from
from backlog_audit.adapters.asana.goal_graph import GoalGraph, GoalSpec, fetch_goal_graph, iso_date
from backlog_audit.core.linking import normalise
from backlog_audit.model import KeyResult, Objective, OkrSet

__all__ = ["GoalLinks", "goal_links", "load_goal_okrs", "okrs_from_graph"]

Json = dict[str, Any]

OBJECTIVE_SUFFIX = " (objective)"
_MAX_ANCESTRY = 10  # goal trees are shallow; this only guards against a cycle


# --- goals as an OKR set ---------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


_METRIC_KEYS = ("initial_number_value", "target_number_value", "current_number_value")


def _is_kr(goal: Json) -> bool:
    metric = goal.get("metric")
    return isinstance(metric, dict) and any(
        _number(metric.get(k)) is not None for k in _METRIC_KEYS
    )


def _metric_values(metric: Json) -> tuple[tuple[float | None, ...], str | None]:
    """(baseline, target, current) and unit, percentages scaled from fractions to percent."""
    values = tuple(_number(metric.get(key)) for key in _METRIC_KEYS)
    unit = metric.get("unit")
    if unit == "percentage":
        # round() drops the float noise of the scaling (0.07 * 100 = 7.000000000000001).
        return tuple(None if v is None else round(v * 100, 9) for v in values), "%"
    if unit == "currency":
        return values, str(metric.get("currency_code") or "currency")
    return values, None


def _metric_name(unit: str | None, baseline: float | None, target: float | None) -> str:
    """What a goal measures, for the KR's `metric`: a metric goal always measures something
    (lint's `no-metric` must not flag it). Asana gives no metric name, so it is named from the
    goal's unit or currency and the values it runs between (`EUR from 120,000 to 180,000`)."""
    what = {"%": "percentage", None: "number"}.get(unit, unit)
    if baseline is None or target is None:
        return f"{what} (Asana goal metric)"
    return f"{what} from {baseline:,.10g} to {target:,.10g} (Asana goal metric)"


def _name_of(record: Any) -> str | None:
    name = record.get("name") if isinstance(record, dict) else None
    return str(name) if name else None


@dataclass
class _ObjectiveDraft:
    id: str
    title: str
    owner: str | None = None
    aligns_to: str | None = None
    key_results: list[KeyResult] = field(default_factory=list)

    def build(self) -> Objective:
        return Objective(self.id, self.title, tuple(self.key_results), self.owner, self.aligns_to)


class _Builder:
    """Walks the current goals once, in listing order, filling objectives and their KRs."""

    def __init__(self, graph: GoalGraph) -> None:
        self.goals = {str(g["gid"]): g for g in graph.current}
        self.ids = graph.ids()
        self.parents = graph.parents()
        self.objectives: dict[str, _ObjectiveDraft] = {}

    def objective(self, gid: str) -> _ObjectiveDraft:
        goal = self.goals[gid]
        parent = self.parents.get(gid)
        return self.objectives.setdefault(
            self.ids[gid],
            _ObjectiveDraft(
                self.ids[gid],
                " ".join(str(goal.get("name") or gid).split()),
                _name_of(goal.get("owner")),
                self.ids.get(parent) if parent else None,
            ),
        )

    def home(self, gid: str) -> _ObjectiveDraft:
        """The objective a KR goal belongs to: its nearest ancestor goal without a metric;
        else the objective of its topmost current ancestor, so that a chain of metric goals
        (revenue, under it enterprise revenue) is one objective; else one of its own."""
        chain = [gid]
        ancestor = self.parents.get(gid)
        while ancestor is not None and ancestor in self.goals:
            if ancestor in chain or len(chain) > _MAX_ANCESTRY:
                return self.own(gid)  # a cycle has no top to belong to
            if not _is_kr(self.goals[ancestor]):
                return self.objective(ancestor)
            chain.append(ancestor)
            ancestor = self.parents.get(ancestor)
        return self.own(chain[-1])

    def own(self, gid: str) -> _ObjectiveDraft:
        """The objective a metric goal without an objective ancestor stands for: same title."""
        own_id = self.ids[gid] + OBJECTIVE_SUFFIX
        owner = _name_of(self.goals[gid].get("owner"))
        return self.objectives.setdefault(own_id, _ObjectiveDraft(own_id, self.ids[gid], owner))

    def add(self, gid: str) -> None:
        goal = self.goals[gid]
        if not _is_kr(goal):
            self.objective(gid)
            return
        (baseline, target, current), unit = _metric_values(goal["metric"])
        draft = self.home(gid)
        draft.key_results.append(
            KeyResult(
                id=self.ids[gid],
                objective_id=draft.id,
                title=" ".join(str(goal.get("name") or gid).split()),
                baseline=baseline,
                target=target,
                unit=unit,
                current=current,
                metric=_metric_name(unit, baseline, target),
                aliases=(gid,),
            )
        )


def _retired(graph: GoalGraph, current_ids: Iterable[str]) -> tuple[str, ...]:
    """Names (unless a current goal has the same) and gids of other periods' goals."""
    taken = {normalise(i) for i in current_ids}
    names = []
    for goal in graph.others:
        name = " ".join(str(goal.get("name") or "").split())
        if name and normalise(name) not in taken:
            taken.add(normalise(name))
            names.append(name)
    return (*names, *(str(g["gid"]) for g in graph.others))


def okrs_from_graph(graph: GoalGraph, source: str) -> OkrSet:
    """The OKR set the goals describe (module docstring)."""
    builder = _Builder(graph)
    for goal in graph.current:
        builder.add(str(goal["gid"]))
    period = graph.period or {}
    return OkrSet(
        objectives=tuple(d.build() for d in builder.objectives.values()),
        retired=_retired(graph, builder.ids.values()),
        cycle=str(period["display_name"]) if period.get("display_name") else None,
        cycle_start=graph.cycle_start,
        cycle_end=iso_date(period.get("end_on")),
        source=source,
        native=graph,
    )


def load_goal_okrs(
    spec: str,
    credentials: Mapping[str, str],
    *,
    timeout: float = 30.0,
    sleep: Callable[[float], None] | None = None,
) -> OkrSet:
    """Read the OKR set from Asana Goals (`asana-goals:WORKSPACE_GID[:TIME_PERIOD_GID]`).

    `credentials` holds the Asana plugin's variables (ASANA_ACCESS_TOKEN, ASANA_BASE_URL),
    passed in by the caller: the environment is not read here.
    """
    parsed = GoalSpec.parse(spec)
    client = client_from(credentials, timeout=timeout, sleep=sleep)
    return okrs_from_graph(fetch_goal_graph(client, parsed), spec)


# --- supporting work as links ----------------------------------------------------------------


@dataclass(frozen=True)
class GoalLinks:
    """The goal ids each supporting task, and each task of a supporting project (or of a
    project in a supporting portfolio), links to."""

    by_task: Mapping[str, tuple[str, ...]]
    by_project: Mapping[str, tuple[str, ...]]

    def references(self, task_gid: str, project_gids: Iterable[str]) -> tuple[str, ...]:
        """The goal references a task gets, directly and through its projects, each once."""
        found = list(self.by_task.get(task_gid, ()))
        for project in project_gids:
            found.extend(self.by_project.get(project, ()))
        return tuple(dict.fromkeys(found))


def _supported_by(
    rel: Json, portfolio_projects: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, str]]:
    """The ("task" | "project", gid) pairs one relationship's supporting resource stands for:
    itself, or each project of a portfolio; nothing for a subgoal."""
    resource = rel.get("supporting_resource") or {}
    kind, gid = resource.get("resource_type"), str(resource.get("gid") or "")
    if not gid:
        return []
    if kind == "portfolio":
        return [("project", project) for project in portfolio_projects.get(gid, ())]
    return [(kind, gid)] if kind in ("task", "project") else []


def goal_links(graph: GoalGraph) -> GoalLinks:
    """Supporting work of the current goals, keyed by the supporting task or project gid; a
    supporting portfolio counts as each of its projects."""
    ids = graph.ids()
    by_kind: dict[str, dict[str, list[str]]] = {"task": {}, "project": {}}
    for goal_gid, relationships in graph.relationships.items():
        for rel in relationships:
            for kind, gid in _supported_by(rel, graph.portfolio_projects):
                by_kind[kind].setdefault(gid, []).append(ids[goal_gid])
    return GoalLinks(
        by_task={k: tuple(dict.fromkeys(v)) for k, v in by_kind["task"].items()},
        by_project={k: tuple(dict.fromkeys(v)) for k, v in by_kind["project"].items()},
    )
