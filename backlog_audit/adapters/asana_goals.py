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
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backlog_audit.adapters.asana_client import AsanaClient, AsanaHttpError, client_from_env
from backlog_audit.errors import UsageError
from backlog_audit.linking import normalise
from backlog_audit.model import KeyResult, Objective, OkrSet

__all__ = [
    "GOALS_PREFIX",
    "GoalGraph",
    "GoalLinks",
    "GoalSpec",
    "fetch_goal_graph",
    "goal_links",
    "is_goal_spec",
    "load_goal_okrs",
    "okrs_from_graph",
]

Json = dict[str, Any]

GOALS_PREFIX = "asana-goals:"
OBJECTIVE_SUFFIX = " (objective)"
_MAX_ANCESTRY = 10  # goal trees are shallow; this only guards against a cycle
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


# --- fetching --------------------------------------------------------------------------------


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
        return _date((self.period or {}).get("start_on"))

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
        _date(x.get(key))
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


class _PortfolioWalk:
    """Projects of portfolios, nested portfolios followed, each portfolio listed once."""

    def __init__(self, client: AsanaClient) -> None:
        self.client = client
        self.items: dict[str, list[Json] | None] = {}  # None: could not be read
        self.warnings: list[str] = []

    def projects(self, portfolio: str) -> tuple[str, ...]:
        """The project gids in `portfolio` and in the portfolios nested in it."""
        found: list[str] = []
        pending, seen = [portfolio], {portfolio}
        while pending:
            for item in self._items(pending.pop(0)) or ():
                gid, kind = str(item["gid"]), item.get("resource_type")
                if kind == "project":
                    found.append(gid)
                elif kind == "portfolio" and gid not in seen:  # a cycle is walked once
                    seen.add(gid)
                    pending.append(gid)
        return tuple(dict.fromkeys(found))

    def _items(self, gid: str) -> list[Json] | None:
        if gid not in self.items:
            self.items[gid] = self._read(gid)
        return self.items[gid]

    def _read(self, gid: str) -> list[Json] | None:
        client = self.client
        try:
            return client.records(
                f"items of portfolio {gid}",
                lambda opts: client.portfolios.get_items_for_portfolio(
                    gid, opts, **client.request_options
                ),
                # No opt_fields: the compact items (gid, resource_type, name) are all the walk
                # reads, and resource_type is not among the fields this endpoint takes.
                {},
            )
        except AsanaHttpError as exc:
            if exc.status not in (402, 403, 404):
                raise
            # Portfolios need a paid plan and their own access: the rest of the audit stands.
            self.warnings.append(
                f"portfolio {gid} could not be read (HTTP {exc.status}): the tasks of its "
                "projects get no link to the goals it supports"
            )
            return None


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
    walk = _PortfolioWalk(client)
    portfolios = {gid: walk.projects(gid) for gid in _supporting(relationships, "portfolio")}
    return GoalGraph(current, others, relationships, period, portfolios, tuple(walk.warnings))


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


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


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
        cycle_end=_date(period.get("end_on")),
        source=source,
        native=graph,
    )


def load_goal_okrs(
    spec: str,
    env: Mapping[str, str] | None = None,
    *,
    timeout: float = 30.0,
    sleep: Callable[[float], None] | None = None,
) -> OkrSet:
    """Read the OKR set from Asana Goals (`asana-goals:WORKSPACE_GID[:TIME_PERIOD_GID]`)."""
    parsed = GoalSpec.parse(spec)
    client = client_from_env(os.environ if env is None else env, timeout=timeout, sleep=sleep)
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
