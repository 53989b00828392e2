"""The workbook's table sheets, each built from the audit result as a `Table` spec.

Building a spec writes nothing: `xlsx.render` builds them all first, so the Summary sheet's
charts can point at the Key Results sheet before that sheet is written.
"""

from __future__ import annotations

from backlog_audit.core.fixlist import FixGroup, GroupBy, fix_groups
from backlog_audit.model import (
    AuditResult,
    LinkState,
    TrendPoint,
    WorkRow,
)
from backlog_audit.reports.common import DEFINITIONS
from backlog_audit.reports.figures import (
    GROUP_BY_LABELS,
    SEVERITY_LABELS,
)
from backlog_audit.reports.xlsx import cells, styles
from backlog_audit.reports.xlsx.tables import Column, Table

KEY_RESULTS, OBJECTIVES, FIX_LIST = "Key Results", "Objectives", "Fix List"
ORPHANED, DANGLING, UNCOVERED = "Orphaned Work", "Dangling Links", "Uncovered KRs"
ITEMS, LINT, DEFINITIONS_SHEET, TREND = "Items", "OKR Lint", "Definitions", "Trend"

UNKNOWN_KR, RETIRED_KR = "Unknown KR", "Retired KR"
# The hidden column of short "KR1.1 Net activation rate of…" labels the Summary's charts read.
CHART_LABEL = "Chart label"
# How long a KR's title may be on a chart label, after its id.
_CHART_TITLE_CHARS = 28

_COUNTS = (Column("To do", "int"), Column("In progress", "int"), Column("Done", "int"))
_KR_TARGETS = (
    Column("Baseline", "points"),
    Column("Target", "points"),
    Column("Current", "points"),
    Column("Unit", max_width=12),
)


def _joined(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def key_results(result: AuditResult) -> Table:
    """Each KR's work beside its objective, baseline and target."""
    titles = {o.id: o.title for o in result.okrs.objectives}
    columns = (
        Column("KR", max_width=14),
        Column("Key result", max_width=60),
        Column("Objective", max_width=12),
        Column("Objective title", max_width=45),
        *_KR_TARGETS,
        Column("Items", "int"),
        Column("Item share", "percent"),
        Column("Points", "points"),
        Column("Points share", "percent"),
        *_COUNTS,
        Column(CHART_LABEL, max_width=40, hidden=True),
    )
    rows = [_kr_row(row, titles.get(row.objective_id or "", "")) for row in result.key_results]
    return Table(
        KEY_RESULTS,
        columns,
        rows,
        freeze="B2",
        share_columns=("Item share", "Points share"),
        empty_text="The OKR set has no key results.",
    )


def _kr_row(row: WorkRow, objective_title: str) -> list[object]:
    return [
        row.id, row.title, row.objective_id, objective_title,
        row.baseline, row.target, row.current, row.unit,
        row.items, row.share, row.points, row.points_share,
        row.todo, row.in_progress, row.done, chart_label(row.id, row.title),
    ]  # fmt: skip


def chart_label(kr_id: str, title: str) -> str:
    """`KR1.1 Net activation rate of tech…`: the id and the start of the title, cut at a word."""
    if len(title) <= _CHART_TITLE_CHARS:
        return f"{kr_id} {title}".strip()
    cut = title[: _CHART_TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{kr_id} {cut}…"


def objectives(result: AuditResult) -> Table:
    """Work per objective: its KRs' items and its objective-only items."""
    meta = {o.id: o for o in result.okrs.objectives}
    columns = (
        Column("Objective", max_width=12),
        Column("Title", max_width=60),
        Column("Owner", max_width=25),
        Column("Key results", "int"),
        Column("Items", "int"),
        Column("Item share", "percent"),
        Column("Points", "points"),
        Column("Points share", "percent"),
        *_COUNTS,
    )
    rows = []
    for row in result.objectives:
        objective = meta.get(row.id)
        owner = objective.owner if objective else None
        krs = len(objective.key_results) if objective else None
        rows.append(
            [row.id, row.title, owner, krs, row.items, row.share, row.points, row.points_share,
             row.todo, row.in_progress, row.done]
        )  # fmt: skip
    return Table(
        OBJECTIVES,
        columns,
        rows,
        freeze="B2",
        share_columns=("Item share", "Points share"),
        empty_text="The OKR set has no objectives.",
    )


def fix_list(result: AuditResult) -> Table:
    """Orphaned and dangling work by parent/epic and by assignee, with a JQL per group."""
    columns = [
        Column("Grouped by", max_width=12),
        Column("Group", max_width=30),
        Column("Items", "int"),
        Column("Orphaned", "int"),
        Column("Dangling", "int"),
        Column("Points", "points"),
        Column("Keys", "wrap", max_width=50),
    ]
    if result.supports_jql:
        columns.append(Column("JQL", "wrap", max_width=50))
    rows = []
    groups = fix_groups(result)
    for group in groups:
        row: list[object] = [
            GROUP_BY_LABELS[group.by],
            group.value,
            len(group.keys),
            group.count(LinkState.ORPHANED),
            group.count(LinkState.DANGLING),
            group.points,
            _joined(group.keys),
        ]
        if result.supports_jql:
            row.append(_whole_jql(group.jql))
        rows.append(row)
    return Table(
        FIX_LIST,
        tuple(columns),
        rows,
        freeze="C2",
        share_columns=("Items",),
        value_colours={"Grouped by": {GROUP_BY_LABELS[GroupBy.PARENT]: styles.PALE["blue"]}},
        empty_text="Nothing to fix: no orphaned or dangling items.",
        page_breaks=_first_by_assignee(groups),
    )


def _first_by_assignee(groups: tuple[FixGroup, ...]) -> tuple[int, ...]:
    """Printed, the groups by assignee start a page of their own after those by parent."""
    for index, group in enumerate(groups):
        if group.by is GroupBy.ASSIGNEE:
            return (index,) if index else ()
    return ()


TOO_LONG_JQL = "Too many keys for one cell: filter the Orphaned Work sheet instead."


def _whole_jql(jql: str | None) -> str | None:
    """The JQL, or a note when Excel would have to cut it: a cut query selects the wrong set."""
    if jql is not None and cells.excel_length(jql) > cells.MAX_CELL_CHARS:
        return TOO_LONG_JQL
    return jql


def uncovered(result: AuditResult) -> Table:
    """Key results that no item in scope works toward."""
    titles = {o.id: o.title for o in result.okrs.objectives}
    krs = {kr.id: kr for kr in result.okrs.key_results}
    columns = (
        Column("KR", max_width=14),
        Column("Key result", max_width=60),
        Column("Objective", max_width=12),
        Column("Objective title", max_width=45),
        *_KR_TARGETS,
    )
    rows: list[list[object]] = []
    for kr_id in result.uncovered_key_results:
        kr = krs.get(kr_id)
        if kr is None:
            rows.append([kr_id, *([None] * 7)])
            continue
        rows.append(
            [kr.id, kr.title, kr.objective_id, titles.get(kr.objective_id),
             kr.baseline, kr.target, kr.current, kr.unit]
        )  # fmt: skip
    return Table(UNCOVERED, columns, rows, empty_text="Every key result has work in scope.")


def okr_lint(result: AuditResult) -> Table:
    """Findings about the OKR set itself."""
    columns = (
        Column("Id", max_width=14),
        Column("Severity", max_width=10),
        Column("Rule", max_width=28),
        Column("Message", "wrap", max_width=90),
    )
    rows = [[f.id, SEVERITY_LABELS.get(f.severity, f.severity), f.rule, f.message]
            for f in result.lint]  # fmt: skip
    colours = {SEVERITY_LABELS[s]: colour for s, colour in styles.SEVERITY_COLOURS.items()}
    return Table(
        LINT,
        columns,
        rows,
        value_colours={"Severity": colours},
        empty_text="No findings: the OKR set passed every check.",
    )


def definitions() -> Table:
    """Every figure in plain words."""
    columns = (Column("Figure", max_width=24), Column("How it is computed", "wrap", max_width=100))
    return Table(DEFINITIONS_SHEET, columns, [list(pair) for pair in DEFINITIONS])


def trend_points(result: AuditResult) -> tuple[TrendPoint, ...]:
    """Past runs plus this one (unless the history already holds it), oldest first."""
    summary = result.summary
    now = TrendPoint(
        result.generated_at,
        summary.all.items,
        summary.all.coverage,
        summary.all.points_coverage,
        summary.orphaned_items,
    )
    past = tuple(sorted(result.trend, key=lambda p: p.generated_at))
    if past and past[-1].generated_at == result.generated_at:
        return past
    return (*past, now)


def trend(result: AuditResult) -> Table:
    """Coverage of past runs of the same scope (only written when there is history)."""
    columns = (
        Column("Run (UTC)", "time"),
        Column("Items", "int"),
        Column("Coverage", "percent"),
        Column("Points coverage", "percent"),
        Column("Orphaned", "int"),
    )
    rows = [
        [p.generated_at, p.items, p.coverage, p.points_coverage, p.orphaned_items]
        for p in trend_points(result)
    ]
    return Table(TREND, columns, rows, coverage_columns=("Coverage", "Points coverage"))
