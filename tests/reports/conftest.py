"""One hand-built `AuditResult` shared by every report writer's tests.

A Jira sprint of 12 in-scope items in every link state, against two objectives with four KRs.
Every figure below was worked out by hand from the item table (comments show the sums), so
writer tests compare against these numbers, never against the audit code.

| key    | state          | cat         | pts  | KRs          | assignee     | parent |
|--------|----------------|-------------|------|--------------|--------------|--------|
| APP-3  | linked         | in_progress | 5    | KR1.1        | Ana Lima     | APP-1  |
| APP-4  | inherited      | todo        | 3    | KR1.1 (APP-1)| Ana Lima     | APP-1  |
| APP-5  | linked         | done        | 2    | KR1.2        | Ben Okafor   |        |
| APP-6  | linked         | in_progress | 8    | KR2.1, KR1.2 | Ben Okafor   |        |
| APP-7  | objective_only | todo        | 3    | (O2)         | Dev Patel    |        |
| APP-8  | exempt         | todo        | 1    |              | Dev Patel    |        |
| APP-9  | orphaned       | todo        | 2    |              | Chloé Martin |        |
| APP-10 | orphaned       | in_progress | -    |              | Chloé Martin | APP-2  |
| APP-11 | dangling       | todo        | 1    | ("KR21")     | Ana Lima     | APP-2  |
| APP-12 | stale          | done        | 2    | ("KR0.3")    | Ben Okafor   |        |
| APP-13 | linked         | todo        | 3    | KR2.1        | Ana Lima     | APP-1  |
| APP-14 | orphaned       | in_progress | -    |              |              |        |

APP-1 (epic, links KR1.1) and APP-2 (epic, links the unknown "KR9.9") are parents, not counted.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from backlog_audit.model import (
    AuditResult,
    BadLink,
    BreakdownRow,
    Changes,
    InheritanceConflict,
    Item,
    ItemResult,
    KeyResult,
    LinkState,
    LintFinding,
    Objective,
    OkrSet,
    StatusCategory,
    Summary,
    Tally,
    TrendPoint,
    WorkRow,
)

TODO, IN_PROGRESS, DONE = StatusCategory.TODO, StatusCategory.IN_PROGRESS, StatusCategory.DONE
BASE_URL = "https://example.atlassian.net/browse/"
GENERATED_AT = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)

# Titles that a spreadsheet would read as formulas, or that break Markdown tables.
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'
PIPE_TITLE = "Refactor invoice PDF | export"
AT_TITLE = "@channel alerts for failed refunds"

OKRS = OkrSet(
    objectives=(
        Objective(
            id="O1",
            title="Increase the activation rate of technical leaders",
            owner="Growth squad",
            key_results=(
                KeyResult(
                    id="KR1.1",
                    objective_id="O1",
                    title="Net activation rate of tech leads from 50% to 70%",
                    metric="activation rate (tech leads)",
                    baseline=50,
                    target=70,
                    unit="%",
                    indicator="lagging",
                    current=55,
                ),
                KeyResult(
                    id="KR1.2",
                    objective_id="O1",
                    title="Time to first value from 25 to 10 minutes",
                    baseline=25,
                    target=10,
                    unit="min",
                    indicator="leading",
                    current=18,
                ),
            ),
        ),
        Objective(
            id="O2",
            title="Make billing trustworthy",
            owner="Billing team",
            key_results=(
                KeyResult(
                    id="KR2.1",
                    objective_id="O2",
                    title="Invoice disputes from 40 to 10 a month",
                    baseline=40,
                    target=10,
                    current=31,
                ),
                KeyResult(id="KR2.2", objective_id="O2", title="Ship the new invoice page"),
            ),
        ),
    ),
    retired=("KR0.3",),
    exempt=("BAU", "KTLO"),
    cycle="2026-Q4",
    cycle_start=date(2026, 10, 1),
    cycle_end=date(2026, 12, 31),
    level="team",
    source="okrs.yaml",
)


def _result(
    key: str,
    title: str,
    state: LinkState,
    cat: StatusCategory,
    points: float | None,
    *,
    krs: tuple[str, ...] = (),
    objectives: tuple[str, ...] = (),
    refs: tuple[str, ...] = (),
    assignee: str | None = None,
    parent: str | None = None,
    inherited_from: str | None = None,
    kind: str = "Story",
) -> ItemResult:
    status = {TODO: "To Do", IN_PROGRESS: "In Progress", DONE: "Done"}[cat]
    item = Item(
        id=key.split("-")[1],
        key=key,
        title=title,
        type=kind,
        status=status,
        status_category=cat,
        points=points,
        references=refs,
        parent=parent.split("-")[1] if parent else None,
        sprints=("Sprint 42",),
        sprint="Sprint 42",
        assignee=assignee,
        project="APP",
        url=BASE_URL + key,
        level=0,
    )
    return ItemResult(
        item=item,
        link_state=state,
        key_results=krs,
        objectives=objectives,
        references=refs,
        inherited_from=inherited_from,
        parent_key=parent,
    )


L = LinkState
ITEMS = (
    _result("APP-3", "Guided setup wizard", L.LINKED, IN_PROGRESS, 5, krs=("KR1.1",),
            objectives=("O1",), refs=("KR1.1",), assignee="Ana Lima", parent="APP-1"),
    _result("APP-4", "Invite teammates from setup", L.INHERITED, TODO, 3, krs=("KR1.1",),
            objectives=("O1",), assignee="Ana Lima", parent="APP-1", inherited_from="APP-1"),
    _result("APP-5", "Measure time to first value", L.LINKED, DONE, 2, krs=("KR1.2",),
            objectives=("O1",), refs=("KR 1.2",), assignee="Ben Okafor", kind="Task"),
    _result("APP-6", "Dispute reasons dashboard", L.LINKED, IN_PROGRESS, 8,
            krs=("KR2.1", "KR1.2"), objectives=("O2", "O1"), refs=("KR2.1", "KR1.2"),
            assignee="Ben Okafor"),
    _result("APP-7", "Billing: general tidy-up", L.OBJECTIVE_ONLY, TODO, 3, objectives=("O2",),
            refs=("O2 - Make billing trustworthy",), assignee="Dev Patel"),
    _result("APP-8", "Rotate on-call certificates", L.EXEMPT, TODO, 1, refs=("KTLO",),
            assignee="Dev Patel", kind="Task"),
    _result("APP-9", FORMULA_TITLE, L.ORPHANED, TODO, 2, assignee="Chloé Martin"),
    _result("APP-10", PIPE_TITLE, L.ORPHANED, IN_PROGRESS, None, assignee="Chloé Martin",
            parent="APP-2"),
    _result("APP-11", "Fix rounding in tax totals", L.DANGLING, TODO, 1, refs=("KR21",),
            assignee="Ana Lima", parent="APP-2", kind="Bug"),
    _result("APP-12", "Legacy churn survey", L.STALE, DONE, 2, refs=("KR0.3",),
            assignee="Ben Okafor"),
    _result("APP-13", "Onboarding email sequence", L.LINKED, TODO, 3, krs=("KR2.1",),
            objectives=("O2",), refs=("KR2.1",), assignee="Ana Lima", parent="APP-1"),
    _result("APP-14", AT_TITLE, L.ORPHANED, IN_PROGRESS, None),
)  # fmt: skip

# all: 12 items, exempt APP-8; linked = 3,4,5,6,7,13 -> 6; coverage 6/11.
# points 5+3+2+8+3+1+2+0+1+2+3+0 = 30; exempt 1; linked 5+3+2+8+3+3 = 24; 24/29.
ALL = Tally(items=12, linked_items=6, exempt_items=1, points=30, linked_points=24, exempt_points=1)
# open (not done): all but APP-5 and APP-12 -> 10 items, linked 3,4,6,7,13 -> 5, coverage 5/9;
# points 30-2-2 = 26, exempt 1, linked 5+3+8+3+3 = 22 -> 22/25.
OPEN = Tally(items=10, linked_items=5, exempt_items=1, points=26, linked_points=22, exempt_points=1)

SUMMARY = Summary(
    all=ALL,
    open=OPEN,
    orphaned_items=3,
    dangling_items=1,
    stale_items=1,
    objective_only_items=1,
    inherited_items=1,
    unestimated_items=2,
    key_results=4,
    uncovered_key_results=1,
)

KR_ROWS = (
    # APP-3 (5, in progress) + APP-4 (3, to do)
    WorkRow("KR1.1", "Net activation rate of tech leads from 50% to 70%", 2, 8.0, 2 / 12,
            8 / 30, 1, 1, 0, objective_id="O1", baseline=50, target=70, current=55, unit="%"),
    # APP-5 (2, done) + APP-6 (8, in progress)
    WorkRow("KR1.2", "Time to first value from 25 to 10 minutes", 2, 10.0, 2 / 12, 10 / 30,
            0, 1, 1, objective_id="O1", baseline=25, target=10, current=18, unit="min"),
    # APP-6 (8, in progress) + APP-13 (3, to do)
    WorkRow("KR2.1", "Invoice disputes from 40 to 10 a month", 2, 11.0, 2 / 12, 11 / 30,
            1, 1, 0, objective_id="O2", baseline=40, target=10, current=31),
    WorkRow("KR2.2", "Ship the new invoice page", 0, 0.0, 0.0, 0.0, 0, 0, 0,
            objective_id="O2"),
)  # fmt: skip

OBJECTIVE_ROWS = (
    # APP-3, 4, 5, 6: 5+3+2+8 = 18 points; to do APP-4, in progress APP-3/6, done APP-5
    WorkRow("O1", "Increase the activation rate of technical leaders", 4, 18.0, 4 / 12,
            18 / 30, 1, 2, 1),
    # APP-6, 7, 13: 8+3+3 = 14 points; to do APP-7/13, in progress APP-6
    WorkRow("O2", "Make billing trustworthy", 3, 14.0, 3 / 12, 14 / 30, 2, 1, 0),
)  # fmt: skip

BY_ASSIGNEE = (
    # APP-3, 4, 11, 13: linked 3, 4, 13; points 5+3+1+3 = 12, linked 11
    BreakdownRow("Ana Lima", Tally(4, 3, 0, 12, 11, 0)),
    # APP-5, 6, 12: linked 5, 6; points 2+8+2 = 12, linked 10
    BreakdownRow("Ben Okafor", Tally(3, 2, 0, 12, 10, 0)),
    BreakdownRow("Chloé Martin", Tally(2, 0, 0, 2, 0, 0)),
    # APP-7 (objective-only, 3) + APP-8 (exempt, 1)
    BreakdownRow("Dev Patel", Tally(2, 1, 1, 4, 3, 1)),
    BreakdownRow("(unassigned)", Tally(1, 0, 0, 0, 0, 0)),
)

CHANGES = Changes(
    since=datetime(2026, 11, 15, 10, 0, tzinfo=timezone.utc),
    coverage_delta=6 / 11 - 0.5,  # from 50.0% to 54.5%
    points_coverage_delta=24 / 29 - 0.85,  # from 85.0% to 82.8%
    new_orphans=("APP-14",),
    fixed_orphans=("APP-5",),
    new_dangling_links=("APP-11: KR21",),
    newly_covered_key_results=("KR1.2",),
    newly_uncovered_key_results=("KR2.2",),
)

# As history.trend() builds it: the recorded runs, oldest first, then this run.
TREND = (
    TrendPoint(datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc), 10, 0.40, 0.45, 4),
    TrendPoint(datetime(2026, 11, 8, 10, 0, tzinfo=timezone.utc), 11, 0.45, 0.70, 4),
    TrendPoint(datetime(2026, 11, 15, 10, 0, tzinfo=timezone.utc), 12, 0.50, 0.85, 3),
    TrendPoint(GENERATED_AT, 12, 6 / 11, 24 / 29, 3),
)

LINT = (
    LintFinding("KR2.2", "output-phrased", "warning",
                "'Ship the new invoice page' names an output; phrase it as an outcome"),
    LintFinding("KR2.2", "missing-target", "error", "no baseline and no target"),
    LintFinding("KR2.1", "no-current", "info", "no current value | add one to track progress"),
)  # fmt: skip


def build_result() -> AuditResult:
    """The shared fixture, also callable outside pytest (benchmarks, README picture)."""
    return AuditResult(
        generated_at=GENERATED_AT,
        source_kind="jira",
        scope="sprint = 42",
        okrs=OKRS,
        summary=SUMMARY,
        key_results=KR_ROWS,
        objectives=OBJECTIVE_ROWS,
        by_sprint=(BreakdownRow("Sprint 42", ALL),),
        by_assignee=BY_ASSIGNEE,
        by_project=(BreakdownRow("APP", ALL),),
        items=ITEMS,
        orphans=("APP-9", "APP-10", "APP-14"),
        dangling_links=(
            BadLink("APP-2", "KR9.9", affected_items=1),  # the epic of APP-10
            BadLink("APP-11", "KR21", affected_items=1, suggestion="KR2.1"),
        ),
        stale_links=(BadLink("APP-12", "KR0.3", affected_items=1),),
        uncovered_key_results=("KR2.2",),
        inheritance_conflicts=(InheritanceConflict("APP-13", ("KR2.1",), ("KR1.1",)),),
        lint=LINT,
        changes=CHANGES,
        trend=TREND,
        supports_jql=True,
    )


@pytest.fixture
def result() -> AuditResult:
    """The shared, hand-built audit result."""
    return build_result()
