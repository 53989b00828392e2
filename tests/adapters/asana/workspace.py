"""The Asana workspace every Asana test audits, and helpers to point a source at it.

The workspace (figures worked out by hand in the tests that use it):

Project Growth (2001), fields OKR (enum, 501) and Story Points (number, 503):
  Sprint 12 (3011): 4001 Onboarding checklist  KR1.1  3 pts  open     Ana
                    4002 Invite flow           KR1.2  5 pts  done 2026-11-10  Ana
                    4003 Fix login bug         BAU    2 pts  open     Ben
                    4004 Refactor billing      -      8 pts  open     Ben
                    4023 Shared task           KR2.1  2 pts  open     (also in Platform)
  Sprint 13 (3012): 4005 Old experiment        KR0.3  1 pt   open
                    4006 Activation revamp     KR1.1  -      open
                    4007 Write copy (subtask of 4009)  -  2 pts  open
                    4008 Launch                milestone, KR1.1
  Backlog (3013):   4009 Q3 activation epic    KR1.2, done 2025-08-01 (a carrier only)
                    4010 Ancient task          done 2025-05-05 (never fetched)
                    4011 Pricing page          KR1.5  1 pt   open
Project Platform (2002), fields OKR (text, 502) and Story Points (503):
  Sprint 12 (3021): 4021 API rate limits       "KR2.1, KR1.1"  5 pts  open  Cleo
                    4022 DB upgrade            -               3 pts  open
                    4023 Shared task (above)
  Backlog (3022):   4024 Ops runbook           "kr 2.1 - churn"  -   open

Project Mobile (2003), field OKR (multi_enum, 504), no points field:
  Untitled section (3031): 4031 Offline mode   [KR1.1, KR2.1]   open
                           4032 Dark theme     []               open

Goals of workspace 1000: Q4 FY26 (6001) holds 7001 Activate tech leads (no metric) with
subgoals 7002 Tech lead activation rate (50 -> 70, now 55) and 7003 Weekly active teams
(20% -> 35%, now 25%); 7004 Cut infra cost (EUR 100000 -> 80000, now 95000); 7005 Platform
reliability (no metric). Q3 FY26 (6002) holds 7006 Old activation goal. Supporting work: tasks
4004 and 4022 support 7002, project Platform supports 7003, task 4011 supports 7004, task 4005
supports 7005, and portfolio Apps (8001) supports 7003: it holds the portfolio Mobile apps
(8002), which holds project Mobile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backlog_audit.adapters.asana import AsanaConfig
from backlog_audit.adapters.asana.source import AsanaSource
from backlog_audit.model import AuditResult, KeyResult, Objective, OkrSet
from tests.adapters.asana.fake_server import AsanaData
from tests.adapters.parts import Parts, split

TOKEN = "asana-secret-token-5f1e2d3c"
SINCE = date(2026, 10, 1)
GROWTH, PLATFORM, MOBILE = "2001", "2002", "2003"
OKR_ENUM, OKR_TEXT, POINTS, OKR_MULTI = "501", "502", "503", "504"


def build_workspace() -> AsanaData:
    """The workspace described in this module's docstring."""
    data = AsanaData(workspace="1000")
    options = [
        (f"60{i}", name)
        for i, name in enumerate(["KR1.1", "KR1.2", "KR2.1", "BAU", "KR0.3", "KR1.5"])
    ]
    data.add_field(OKR_ENUM, "OKR", "enum", options)
    data.add_field(OKR_TEXT, "OKR", "text")
    data.add_field(POINTS, "Story Points", "number")
    data.add_field(OKR_MULTI, "OKR", "multi_enum", [("611", "KR1.1"), ("612", "KR2.1")])
    data.add_project(GROWTH, "Growth", [OKR_ENUM, POINTS])
    data.add_project(PLATFORM, "Platform", [OKR_TEXT, POINTS])
    data.add_project(MOBILE, "Mobile", [OKR_MULTI])
    for project, gid, name in [
        (GROWTH, "3011", "Sprint 12"),
        (GROWTH, "3012", "Sprint 13"),
        (GROWTH, "3013", "Backlog"),
        (PLATFORM, "3021", "Sprint 12"),
        (PLATFORM, "3022", "Backlog"),
        (MOBILE, "3031", "Untitled section"),
    ]:
        data.add_section(project, gid, name)
    _growth_tasks(data)
    _platform_tasks(data)
    data.add_task(
        "4031", "Offline mode", [(MOBILE, "3031")], values={OKR_MULTI: ["KR1.1", "KR2.1"]}
    )
    data.add_task("4032", "Dark theme", [(MOBILE, "3031")], values={OKR_MULTI: []})
    _goals(data)
    return data


def _growth_tasks(data: AsanaData) -> None:
    def add(
        gid: str, name: str, section: str, okr: str | None, points: float | None, **kw: object
    ) -> None:
        data.add_task(gid, name, [(GROWTH, section)], values={OKR_ENUM: okr, POINTS: points}, **kw)  # type: ignore[arg-type]

    add("4001", "Onboarding checklist", "3011", "KR1.1", 3, assignee="Ana")
    add(
        "4002",
        "Invite flow",
        "3011",
        "KR1.2",
        5,
        assignee="Ana",
        completed_at="2026-11-10T09:00:00.000Z",
    )
    add("4003", "Fix login bug", "3011", "BAU", 2, assignee="Ben")
    add("4004", "Refactor billing", "3011", None, 8, assignee="Ben")
    add("4005", "Old experiment", "3012", "KR0.3", 1)
    add("4006", "Activation revamp", "3012", "KR1.1", None)
    add(
        "4009", "Q3 activation epic", "3013", "KR1.2", None, completed_at="2025-08-01T10:00:00.000Z"
    )
    add("4007", "Write copy", "3012", None, 2, parent="4009")
    add("4008", "Launch", "3012", "KR1.1", None, subtype="milestone")
    add("4010", "Ancient task", "3013", None, None, completed_at="2025-05-05T10:00:00.000Z")
    add("4011", "Pricing page", "3013", "KR1.5", 1)
    data.add_task(
        "4023",
        "Shared task",
        [(GROWTH, "3011"), (PLATFORM, "3021")],
        values={OKR_ENUM: "KR2.1", POINTS: 2},
    )


def _platform_tasks(data: AsanaData) -> None:
    data.add_task(
        "4021",
        "API rate limits",
        [(PLATFORM, "3021")],
        assignee="Cleo",
        values={OKR_TEXT: "KR2.1, KR1.1", POINTS: 5},
    )
    data.add_task("4022", "DB upgrade", [(PLATFORM, "3021")], values={OKR_TEXT: None, POINTS: 3})
    data.add_task("4024", "Ops runbook", [(PLATFORM, "3022")], values={OKR_TEXT: "kr 2.1 - churn"})


def _goals(data: AsanaData) -> None:
    data.add_time_period("6001", "Q4 FY26", "2026-10-01", "2026-12-31")
    data.add_time_period("6002", "Q3 FY26", "2026-07-01", "2026-09-30")
    data.add_goal("7001", "Activate tech leads", time_period="6001", owner="Dana")
    data.add_goal("7002", "Tech lead activation rate", time_period="6001", metric=(50, 70, 55))
    data.add_goal(
        "7003",
        "Weekly active teams",
        time_period="6001",
        metric=(0.2, 0.35, 0.25),
        unit="percentage",
    )
    data.add_goal(
        "7004", "Cut infra cost", time_period="6001", metric=(100000, 80000, 95000), unit="currency"
    )
    data.add_goal("7005", "Platform reliability", time_period="6001")
    data.add_goal("7006", "Old activation goal", time_period="6002", metric=(10, 20, 20))
    data.add_support("7001", "goal", "7002")
    data.add_support("7001", "goal", "7003")
    data.add_support("7002", "task", "4004")
    data.add_support("7002", "task", "4022")
    data.add_support("7003", "project", PLATFORM)
    data.add_support("7004", "task", "4011")
    data.add_support("7005", "task", "4005")
    data.add_portfolio("8001", "Apps", [("portfolio", "8002")])
    data.add_portfolio("8002", "Mobile apps", [("project", MOBILE)])
    data.add_support("7003", "portfolio", "8001")


def summary_figures(result: AuditResult) -> tuple[int, int, int, float, float]:
    """The whole backlog's figures: (items, exempt, linked, points, linked points)."""
    s = result.summary.all
    return (s.items, s.exempt_items, s.linked_items, s.points, s.linked_points)


def file_okrs() -> OkrSet:
    """The team's OKR file, as `okrs.load_okrs` would give it, for custom-field links."""
    return OkrSet(
        objectives=(
            Objective(
                "O1",
                "Activate tech leads",
                (
                    KeyResult(
                        "KR1.1",
                        "O1",
                        "Tech lead activation from 50% to 70%",
                        baseline=50,
                        target=70,
                    ),
                    KeyResult(
                        "KR1.2", "O1", "Invites sent per lead from 1 to 3", baseline=1, target=3
                    ),
                ),
            ),
            Objective(
                "O2",
                "Reduce churn",
                (KeyResult("KR2.1", "O2", "Churn from 5% to 3%", baseline=5, target=3),),
            ),
        ),
        retired=("KR0.3",),
        exempt=("BAU",),
        cycle="2026-Q4",
    )


class Sleeps(list[float]):
    """An injectable sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def config_for(base_url: str, sleep: Sleeps | None = None, **overrides: Any) -> Parts:
    """A source's settings, config and credentials against `base_url`, both projects,
    completed since 2026-10-01 (build it with `AsanaSource(*parts)`)."""
    settings: dict[str, Any] = {
        "asana_project": (GROWTH, PLATFORM),
        "completed_since": SINCE,
        "env": {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": base_url},
        "sleep": sleep if sleep is not None else Sleeps(),
        "timeout": 5.0,
    }
    settings.update(overrides)
    return split(AsanaConfig, **settings)


def source_for(base_url: str, sleep: Sleeps | None = None, **overrides: object) -> AsanaSource:
    """An `AsanaSource` against `base_url` (see `config_for`)."""
    return AsanaSource(*config_for(base_url, sleep, **overrides))
