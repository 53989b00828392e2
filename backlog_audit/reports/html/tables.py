"""The report's data tables, built from the audit result (the workbook's sheets as tables).

Tables of items (the items, orphans, links) stop at `MAX_ROWS` rows, so a 200,000-item audit
still makes a page a browser opens; the page then says how many rows it shows and that the
workbook, the CSV files and the JSON report hold them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from backlog_audit.core.audit import natural_key
from backlog_audit.core.fixlist import FixGroup, GroupBy, groups_by, problems
from backlog_audit.model import (
    AuditResult,
    BadLink,
    ItemResult,
    LinkState,
    TrendPoint,
    WorkRow,
)
from backlog_audit.reports.common import utc_text
from backlog_audit.reports.figures import LINK_STATE_LABELS, count, percent, points
from backlog_audit.reports.html.markup import Html, el, join
from backlog_audit.reports.html.table import CellValue, Col, Num, Table, link, num
from backlog_audit.table import ItemTable

# Rows of an item-level table written into the page; past this, the other formats have them.
MAX_ROWS = 1_000
# Fix-list groups of each kind (by parent, by assignee), and keys shown per group.
MAX_GROUPS = 100
MAX_KEYS = 20
# Rows per page once scripts run (all rows print, and all show without scripts).
PAGE = 50

# No-break spaces: a two-word header of a narrow number column wraps as a whole, not as
# "To / do".
_COUNTS = (Col("To\u00a0do", "num"), Col("In\u00a0progress", "num"), Col("Done", "num"))


def _int(value: int | None) -> Num:
    return num(value, "" if value is None else count(value))


def _pts(value: float | None) -> Num:
    return num(value, points(value))


def _pct(value: float | None) -> Num:
    return num(None if value is None else value * 100, percent(value))


def _state(state: LinkState) -> Html:
    return el("span", LINK_STATE_LABELS[state], class_=f"state state-{state.value}")


def key_results(result: AuditResult) -> Table:
    """Each KR's work (items, points, status mix), then its baseline, target and current."""
    columns = (
        Col("KR", "key"), Col("Key result", "wide"), Col("Objective", "key"),
        Col("Items", "num"), Col("Item share", "num", "items of this KR / all items in scope"),
        Col("Points", "num"), Col("Points share", "num"), *_COUNTS,
        Col("Baseline \u2192 target"), Col("Current", "num"),
    )  # fmt: skip
    return Table("key-results", columns, [_kr_row(row) for row in result.key_results],
                 empty="The OKR set has no key results.")  # fmt: skip


def _with_unit(value: float | None, unit: str | None) -> str:
    text = points(value)
    if text and unit:
        text += unit if unit == "%" else f" {unit}"
    return text


def _span(row: WorkRow) -> str:
    if row.baseline is None and row.target is None:
        return "not set"
    baseline = _with_unit(row.baseline, None) or "?"
    return f"{baseline} \u2192 {_with_unit(row.target, row.unit) or '?'}"


def _kr_row(row: WorkRow) -> list[CellValue]:
    return [
        row.id, row.title, row.objective_id,
        _int(row.items), _pct(row.share), _pts(row.points), _pct(row.points_share),
        _int(row.todo), _int(row.in_progress), _int(row.done),
        _span(row), num(row.current, _with_unit(row.current, row.unit)),
    ]  # fmt: skip


def objectives(result: AuditResult) -> Table:
    """Work per objective: its KRs' items and its objective-only items."""
    meta = {o.id: o for o in result.okrs.objectives}
    columns = (
        Col("Objective", "key"), Col("Title", "wide"), Col("Owner"), Col("Key results", "num"),
        Col("Items", "num"), Col("Item share", "num"), Col("Points", "num"),
        Col("Points share", "num"), *_COUNTS,
    )  # fmt: skip
    rows: list[list[CellValue]] = []
    for row in result.objectives:
        objective = meta.get(row.id)
        rows.append([
            row.id, row.title, objective.owner if objective else None,
            _int(len(objective.key_results) if objective else None),
            _int(row.items), _pct(row.share), _pts(row.points), _pct(row.points_share),
            _int(row.todo), _int(row.in_progress), _int(row.done),
        ])  # fmt: skip
    return Table("objectives", columns, rows, empty="The OKR set has no objectives.")


def uncovered(result: AuditResult) -> Table:
    """Key results that no item in scope works toward."""
    krs = {kr.id: kr for kr in result.okrs.key_results}
    columns = (Col("KR", "key"), Col("Key result", "wide"), Col("Objective", "key"))
    rows: list[list[CellValue]] = []
    for kr_id in result.uncovered_key_results:
        kr = krs.get(kr_id)
        rows.append([kr_id, kr.title if kr else None, kr.objective_id if kr else None])
    return Table("uncovered", columns, rows, empty="Every key result has work in scope.",
                 filterable=False)  # fmt: skip


def fix_list(
    result: AuditResult, by: GroupBy, found: Sequence[FixGroup] | None = None
) -> tuple[Table, int]:
    """One kind of fix group (by parent or by assignee) and how many groups there are;
    `found`: the result's fix groups of both kinds, when the caller has them already."""
    if found is None:
        found = groups_by(result, by)
    groups = [group for group in found if group.by is by]
    columns = [
        Col("Parent or epic" if by is GroupBy.PARENT else "Assignee"), Col("Items", "num"),
        Col("Orphaned", "num"), Col("Dangling", "num"), Col("Points", "num"),
        Col("Keys", "wide"),
    ]  # fmt: skip
    if result.supports_jql:
        columns.append(Col("JQL (click to select)", "code"))
    rows = [_group_row(group, result.supports_jql) for group in groups[:MAX_GROUPS]]
    table = Table(f"fix-{by.value}", tuple(columns), rows,
                  empty="Nothing to fix: no orphaned or dangling items.")  # fmt: skip
    return table, len(groups)


def _group_row(group: FixGroup, jql: bool) -> list[CellValue]:
    keys = group.keys
    shown = ", ".join(keys[:MAX_KEYS])
    if len(keys) > MAX_KEYS:
        shown += f" and {count(len(keys) - MAX_KEYS)} more"
    row: list[CellValue] = [
        group.value, _int(len(keys)), _int(group.count(LinkState.ORPHANED)),
        _int(group.count(LinkState.DANGLING)), _pts(group.points), shown,
    ]  # fmt: skip
    if jql:
        # Never cut: a cut query would select the wrong items.
        row.append(el("code", group.jql) if group.jql else None)
    return row


def orphans(result: AuditResult) -> tuple[Table, int]:
    """Items with no OKR link and why (a parent's bad link, if any); and how many there are."""
    table = ItemTable.of(result.items)
    # Only the orphans shown are built from the table (a backlog may have 100,000).
    found = table.select([LinkState.ORPHANED], limit=MAX_ROWS)
    columns = (
        Col("Key", "key"), Col("Title", "wide"), Col("Problem", "wide"), Col("Type"),
        Col("Status"), Col("Points", "num"), Col("Sprint"), Col("Assignee"), Col("Parent", "key"),
    )  # fmt: skip
    rows = [
        [link(r.key, r.item.url), r.item.title, problem, r.item.type, r.item.status,
         _pts(r.item.points), r.item.sprint, r.item.assignee, r.parent_key]
        for r, problem in zip(found, problems(result, found), strict=True)
    ]  # fmt: skip
    shown = Table("orphans", columns, rows, page=PAGE,
                  empty="No orphaned work: every item has an OKR link.")  # fmt: skip
    return shown, table.count_in(LinkState.ORPHANED)


def bad_links(result: AuditResult) -> tuple[Table, int]:
    """Links to unknown KRs (with a suggestion) and to retired KRs, by key."""
    bad = [(b, "Unknown KR") for b in result.dangling_links]
    bad += [(b, "Retired KR") for b in result.stale_links]
    bad.sort(key=lambda pair: (natural_key(pair[0].key), pair[0].reference))
    shown = {b.key for b, _problem in bad[:MAX_ROWS]}
    by_key = {r.key: r for r in ItemTable.of(result.items).select(keys=shown)}
    columns = (
        Col("Key", "key"), Col("Title", "wide"), Col("Reference"), Col("Problem"),
        Col("Did you mean"), Col("Items affected", "num"), Col("Assignee"),
    )  # fmt: skip
    rows = [_bad_row(b, problem, by_key.get(b.key)) for b, problem in bad[:MAX_ROWS]]
    table = Table("links", columns, rows, page=PAGE, empty="No dangling or stale links.")
    return table, len(bad)


def _bad_row(bad: BadLink, problem: str, item: ItemResult | None) -> list[CellValue]:
    # A bad link on a parent (not itself counted) is listed once for all children it affects.
    title = item.item.title if item else "(parent, not counted itself)"
    problem_cell = el("span", problem, class_="flag-red" if problem == "Unknown KR"
                      else "flag-amber")  # fmt: skip
    return [
        link(bad.key, item.item.url if item else None), title, bad.reference, problem_cell,
        bad.suggestion, _int(bad.affected_items), item.item.assignee if item else None,
    ]  # fmt: skip


def conflicts(result: AuditResult) -> tuple[Table, int]:
    """Items whose own KR link wins over a different inherited one (up to MAX_ROWS), and
    how many there are."""
    columns = (Col("Key", "key"), Col("Own link"), Col("Inherited link (ignored)"))
    found = result.inheritance_conflicts
    rows = [[c.key, ", ".join(c.own), ", ".join(c.inherited)]
            for c in found[:MAX_ROWS]]  # fmt: skip
    table = Table("conflicts", columns, rows, empty="No inheritance conflicts.", filterable=False)
    return table, len(found)


def items(result: AuditResult) -> tuple[Table, int]:
    """Every item in scope (up to MAX_ROWS): its link state and links first, then the rest."""
    columns = (
        Col("Key", "key"), Col("Title", "wide"), Col("Link state"),
        Col("Linked to", hint="key results; objectives when the link names no KR"),
        Col("References", hint="what the item's OKR field says"), Col("Inherited from", "key"),
        Col("Type"), Col("Status"), Col("Points", "num"), Col("Sprint"), Col("Assignee"),
        Col("Parent", "key"),
    )  # fmt: skip
    rows = [_item_row(r) for r in result.items[:MAX_ROWS]]
    table = Table("items", columns, rows, page=PAGE, empty="No items in scope.")
    return table, len(result.items)


def _item_row(r: ItemResult) -> list[CellValue]:
    item = r.item
    return [
        link(r.key, item.url), item.title, _state(r.link_state),
        _joined(r.key_results or r.objectives), _joined(r.references), r.inherited_from,
        item.type, item.status, _pts(item.points), item.sprint, item.assignee, r.parent_key,
    ]  # fmt: skip


def _joined(values: Sequence[str]) -> str:
    return ", ".join(values)


def lint(result: AuditResult) -> Table:
    """Findings about the OKR set itself."""
    columns = (Col("Id", "key"), Col("Severity"), Col("Rule"), Col("Message", "wide"))
    rows = [
        [f.id, el("span", f.severity, class_=f"sev sev-{_severity(f.severity)}"), f.rule,
         f.message]
        for f in result.lint
    ]  # fmt: skip
    return Table("lint", columns, rows, empty="No findings: the OKR set passed every check.")


def _severity(severity: str) -> str:
    # The class name comes from a fixed set, never from the source's text.
    return severity if severity in ("error", "warning", "info") else "other"


def trend(runs: Sequence[TrendPoint]) -> Table:
    """Coverage of past runs of the same scope, oldest first."""
    columns = (Col("Run (UTC)"), Col("Items", "num"), Col("Coverage", "num"),
               Col("Points coverage", "num"), Col("Orphaned", "num"))  # fmt: skip
    rows: list[list[CellValue]] = [
        [utc_text(p.generated_at), _int(p.items), _pct(p.coverage), _pct(p.points_coverage),
         _int(p.orphaned_items)]
        for p in runs
    ]  # fmt: skip
    return Table("trend-runs", columns, rows, filterable=False)


def shown_note(shown: int, total: int, what: str, order: str = "in key order") -> Html | None:
    """`Showing the first 1,000 of 3,256 items ...` when a table was capped, else None."""
    if total <= shown:
        return None
    return el("p", join([
        f"Showing the first {count(shown)} of {count(total)} {what} ({order}). ",
        "The workbook (--format xlsx), the CSV files (--format csv) and the JSON report "
        "(--format json) hold them all.",
    ]), class_="note")  # fmt: skip
