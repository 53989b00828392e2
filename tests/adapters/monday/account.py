"""The monday.com account every monday.com test audits, and helpers to point a source at it.

Every figure the tests assert is worked out by hand from this table (never computed by the
code under test). OKR set: O1 (KR1.1, KR1.2), O2 (KR2.1); retired KR0.3; exempt BAU.

Board Growth (5001): Status (status), OKR (dropdown; label KR0.3 deactivated), Story Points
(numbers), Owner (people). Subitems live on board 5011 (Status, Story Points, OKR).
  Sprint 12: 101 Onboarding checklist  [KR1.1]        3  Working on it  Ana   linked
                 1011 Draft checklist (subitem)   -   1  Done                 inherited from 101
             102 Invite flow           [KR1.2]        5  Done           Ana   linked
             103 Fix login bug         [BAU]          2  Stuck          Ben   exempt
             104 Refactor billing      []             8  (blank)        Ben   orphaned
                 1041 Split invoices (subitem)    -   2  (blank)              orphaned
  Sprint 13: 105 Old experiment        [KR0.3]        1  Planned              stale
             106 Activation revamp     [O1]           -  Working on it        objective_only
             107 Pricing page          [RK1.2]        1  (blank)              dangling, KR1.2?
  Backlog:   108 Data export           [KR1.1, KR2.1] 2  Review               linked (2 KRs)
Board Platform (5002): Status, OKR (text), Points (numbers), Owner.
  Sprint 12: 201 API rate limits       "KR2.1, KR1.1"   5  Working on it  Cleo  linked
             202 DB upgrade            ""               3  Ready for QA         orphaned
  Backlog:   203 Ops runbook           "kr 2.1 - churn" -  Done                 linked (KR2.1)
             204 Cleanup               "KR1.2; BAU"     1  (blank)              linked (KR1.2)
             205 Legacy                "KR9.9"          2  (blank)              dangling, none
Board Roadmap (5003): Status, OKR (connect-boards to board 5009), Estimate (numbers).
  Q4:        301 Mobile onboarding     -> "KR1.1 Activation"           3  Done   linked KR1.1
             302 Retention emails      -> "KR2.1", "O2 - Reduce churn" 5  (blank) linked KR2.1
             303 Churn survey          -> "O2 - Reduce churn"          2  (blank) objective_only
             304 Spike                 -> (none)                       -  (blank) orphaned
Board Key results (5009, linked to, never audited): 901 KR1.1 Activation, 902 KR2.1,
  903 O2 - Reduce churn.
Board Ops (5004): OKR (status, first), Stage (status), no points column.
  Ops:       401 Certificates          KR2.1  Stage Done           linked
             402 On-call               BAU    Stage Working on it  exempt
Board Design (5006): OKR (text), Size (dropdown: S, M, L, XL), estimated in T-shirt sizes.
  Design:    601 Logo          KR1.1  S    602 Icons   -      M    603 Palette  KR2.1  L
             604 Mascot        -      XL   605 Fonts   -      (no size)
  With [points_map] S = 1, M = 3, L = 5 (no XL): 1 + 3 + 5 = 9 points, 604 and 605
  unestimated (XL with one warning), 601 and 603 linked (6 points).
Board Big (5005): Status, OKR (dropdown), Story Points: 1,203 items "Task 0".."Task 1202",
  1 point each, those numbered 0, 3, 6, ... 1200 (401 items) linked to KR1.1.
"""

from __future__ import annotations

from backlog_audit.adapters.monday import MondayConfig
from backlog_audit.adapters.monday.source import MondaySource
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.model import AuditResult, KeyResult, Objective, OkrSet
from tests.adapters.monday.fake_server import MondayData

TOKEN = "monday-secret-token-9a8b7c6d"
GROWTH, PLATFORM, ROADMAP, OPS, BIG, DESIGN, KEY_RESULTS, SUBITEMS = (
    "5001",
    "5002",
    "5003",
    "5004",
    "5005",
    "5006",
    "5009",
    "5011",
)
BIG_ITEMS = 1203
STATUS_LABELS = ("Working on it", "Done", "Stuck", "Review", "Planned", "Ready for QA")


def build_account() -> MondayData:
    """The account described in this module's docstring."""
    data = MondayData()
    _growth(data)
    _platform(data)
    _roadmap(data)
    data.add_board(
        OPS,
        "Ops",
        [("okr", "OKR", "status"), ("stage", "Stage", "status")],
        [("ops", "Ops")],
        labels={"okr": ("KR2.1", "BAU", "KR0.3"), "stage": ("Working on it", "Done")},
        deactivated=("KR0.3",),
    )
    data.add_item(OPS, "401", "Certificates", "ops", {"okr": "KR2.1", "stage": "Done"})
    data.add_item(OPS, "402", "On-call", "ops", {"okr": "BAU", "stage": "Working on it"})
    _big(data)
    _design(data)
    return data


def _design(data: MondayData) -> None:
    data.add_board(
        DESIGN,
        "Design",
        [("okr", "OKR", "text"), ("size", "Size", "dropdown")],
        [("design", "Design")],
        labels={"size": ("S", "M", "L", "XL")},
    )
    for item, name, okr, size in [
        ("601", "Logo", "KR1.1", ["S"]),
        ("602", "Icons", None, ["M"]),
        ("603", "Palette", "KR2.1", ["L"]),
        ("604", "Mascot", None, ["XL"]),
        ("605", "Fonts", None, []),
    ]:
        data.add_item(DESIGN, item, name, "design", {"okr": okr, "size": size})


def _growth(data: MondayData) -> None:
    okr_labels = ("KR1.1", "KR1.2", "KR2.1", "O1", "BAU", "KR0.3", "RK1.2")
    data.add_board(
        GROWTH,
        "Growth",
        [
            ("status", "Status", "status"),
            ("okr", "OKR", "dropdown"),
            ("story_points", "Story Points", "numbers"),
            ("owner", "Owner", "people"),
            ("subitems", "Subitems", "subtasks"),
        ],
        [("s12", "Sprint 12"), ("s13", "Sprint 13"), ("backlog", "Backlog")],
        labels={"status": STATUS_LABELS, "okr": okr_labels},
        deactivated=("KR0.3",),
    )
    data.add_board(
        SUBITEMS,
        "Subitems of Growth",
        [
            ("status", "Status", "status"),
            ("sp", "Story Points", "numbers"),
            ("okr", "OKR", "dropdown"),
        ],
        [("topics", "Subitems")],
        labels={"status": STATUS_LABELS, "okr": okr_labels},
    )

    def add(item: str, name: str, group: str, okr: list[str], points: float | None, **kw: object):
        values = {"okr": okr, "story_points": points, **kw}
        data.add_item(GROWTH, item, name, group, values)

    add("101", "Onboarding checklist", "s12", ["KR1.1"], 3, status="Working on it", owner=["Ana"])
    add("102", "Invite flow", "s12", ["KR1.2"], 5, status="Done", owner=["Ana", "Ben"])
    add("103", "Fix login bug", "s12", ["BAU"], 2, status="Stuck", owner=["Ben"])
    add("104", "Refactor billing", "s12", [], 8, owner=["Ben"])
    add("105", "Old experiment", "s13", ["KR0.3"], 1, status="Planned")
    add("106", "Activation revamp", "s13", ["O1"], None, status="Working on it")
    add("107", "Pricing page", "s13", ["RK1.2"], 1)
    add("108", "Data export", "backlog", ["KR1.1", "KR2.1"], 2, status="Review")
    data.add_item(
        SUBITEMS, "1011", "Draft checklist", "topics", {"status": "Done", "sp": 1}, parent="101"
    )
    data.add_item(SUBITEMS, "1041", "Split invoices", "topics", {"sp": 2}, parent="104")


def _platform(data: MondayData) -> None:
    data.add_board(
        PLATFORM,
        "Platform",
        [
            ("status", "Status", "status"),
            ("okr_text", "OKR", "text"),
            ("numbers", "Points", "numbers"),
            ("person", "Owner", "people"),
        ],
        [("p12", "Sprint 12"), ("pbacklog", "Backlog")],
        labels={"status": STATUS_LABELS},
    )

    def add(item: str, name: str, group: str, okr: str, points: float | None, **kw: object):
        values = {"okr_text": okr, "numbers": points, **kw}
        data.add_item(PLATFORM, item, name, group, values)

    add("201", "API rate limits", "p12", "KR2.1, KR1.1", 5, status="Working on it", person=["Cleo"])
    add("202", "DB upgrade", "p12", "", 3, status="Ready for QA")
    add("203", "Ops runbook", "pbacklog", "kr 2.1 - churn", None, status="Done")
    add("204", "Cleanup", "pbacklog", "KR1.2; BAU", 1)
    add("205", "Legacy", "pbacklog", "KR9.9", 2)


def _roadmap(data: MondayData) -> None:
    data.add_board(KEY_RESULTS, "Key results", [("status", "Status", "status")], [("krs", "KRs")])
    data.add_item(KEY_RESULTS, "901", "KR1.1 Activation", "krs")
    data.add_item(KEY_RESULTS, "902", "KR2.1", "krs")
    data.add_item(KEY_RESULTS, "903", "O2 - Reduce churn", "krs")
    data.add_board(
        ROADMAP,
        "Roadmap",
        [
            ("status", "Status", "status"),
            ("connect", "OKR", "board_relation"),
            ("estimate", "Estimate", "numbers"),
        ],
        [("q4", "Q4")],
        labels={"status": STATUS_LABELS},
    )
    for item, name, linked, points, status in [
        ("301", "Mobile onboarding", ["901"], 3, "Done"),
        ("302", "Retention emails", ["902", "903"], 5, None),
        ("303", "Churn survey", ["903"], 2, None),
        ("304", "Spike", [], None, None),
    ]:
        values = {"connect": linked, "estimate": points, "status": status}
        data.add_item(ROADMAP, item, name, "q4", values)


def _big(data: MondayData) -> None:
    data.add_board(
        BIG,
        "Big",
        [
            ("status", "Status", "status"),
            ("okr", "OKR", "dropdown"),
            ("sp", "Story Points", "numbers"),
        ],
        [("all", "All")],
        labels={"status": STATUS_LABELS, "okr": ("KR1.1",)},
    )
    for n in range(BIG_ITEMS):
        okr = ["KR1.1"] if n % 3 == 0 else []
        data.add_item(BIG, str(60000 + n), f"Task {n}", "all", {"okr": okr, "sp": 1})


def okrs() -> OkrSet:
    """The team's OKR set (as `okrs.load_okrs` would give it)."""
    return OkrSet(
        objectives=(
            Objective(
                "O1",
                "Activate tech leads",
                (
                    KeyResult("KR1.1", "O1", "Tech lead activation from 50% to 70%"),
                    KeyResult("KR1.2", "O1", "Invites sent per lead from 1 to 3"),
                ),
            ),
            Objective("O2", "Reduce churn", (KeyResult("KR2.1", "O2", "Churn from 5% to 3%"),)),
        ),
        retired=("KR0.3",),
        exempt=("BAU",),
        cycle="2026-Q4",
    )


class Sleeps(list[float]):
    """An injectable sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def credentials(url: str) -> dict[str, str]:
    """The credentials mapping the CLI would pass: the token and the fake's URL."""
    return {"MONDAY_API_TOKEN": TOKEN, "MONDAY_API_URL": url}


def source_for(
    url: str,
    boards: tuple[str, ...] = (GROWTH, PLATFORM, ROADMAP),
    group: str | None = None,
    sleep: Sleeps | None = None,
    **settings: object,
) -> MondaySource:
    """A `MondaySource` against the fake at `url` (by default the three audited boards)."""
    config = SourceSettings(sleep=sleep if sleep is not None else Sleeps(), timeout=5.0, **settings)  # type: ignore[arg-type]
    return MondaySource(config, MondayConfig(boards, group), credentials(url))


def summary_figures(result: AuditResult) -> tuple[int, int, int, float, float]:
    """The whole backlog's figures: (items, exempt, linked, points, linked points)."""
    s = result.summary.all
    return (s.items, s.exempt_items, s.linked_items, s.points, s.linked_points)
