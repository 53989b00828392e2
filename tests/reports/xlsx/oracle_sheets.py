"""The workbook's item sheets as they were built before issue 15: one Python row per item.

The writer now builds Items, Orphaned Work and Dangling Links as columns
(`reports/xlsx/item_sheets.py`) and writes them with the engine (`frame_rows.py`);
`test_frame_rows.py` renders workbooks with these builders instead and checks that every part
of the package is the same, byte for byte. Kept here, unchanged but for imports, as the oracle.
"""

from __future__ import annotations

from backlog_audit.core.audit import natural_key
from backlog_audit.core.fixlist import fix_entries
from backlog_audit.model import AuditResult, BadLink, ItemResult, LinkState
from backlog_audit.reports.figures import LINK_STATE_LABELS, STATUS_CATEGORY_LABELS
from backlog_audit.reports.xlsx import styles
from backlog_audit.reports.xlsx.sheets import (
    DANGLING,
    ITEMS,
    ORPHANED,
    RETIRED_KR,
    UNKNOWN_KR,
    _joined,
)
from backlog_audit.reports.xlsx.tables import Column, Table

_ITEM_BASICS = (
    Column("Key", "key", max_width=16),
    Column("Title", max_width=60),
    Column("Type", max_width=14),
    Column("Status", max_width=18),
    Column("Status category", max_width=16),
    Column("Points", "points"),
    Column("Sprint", max_width=24),
)


def orphaned_work(result: AuditResult) -> Table:
    """Items with no OKR link, with what is wrong (a parent's bad link, if any)."""
    problems = {entry.key: entry.problem for entry in fix_entries(result)}
    columns = (
        *_ITEM_BASICS,
        Column("Assignee", max_width=24),
        Column("Parent", max_width=16),
        Column("Project", max_width=16),
        Column("Problem", max_width=60),
    )
    orphans = [r for r in result.items if r.link_state is LinkState.ORPHANED]
    rows = [
        [*_basics(r), r.item.assignee, r.parent_key, r.item.project, problems.get(r.key)]
        for r in orphans
    ]
    return Table(
        ORPHANED,
        columns,
        rows,
        links=[r.item.url for r in orphans],
        freeze="B2",
        empty_text="No orphaned work: every item has an OKR link.",
    )


def _basics(r: ItemResult) -> list[object]:
    item = r.item
    return [
        item.key, item.title, item.type, item.status, STATUS_CATEGORY_LABELS[item.status_category],
        item.points, item.sprint,
    ]  # fmt: skip


def dangling_links(result: AuditResult) -> Table:
    """Links to unknown KRs (with a suggestion) and to retired KRs, by key."""
    by_key = {r.key: r for r in result.items}
    bad = [(link, UNKNOWN_KR) for link in result.dangling_links]
    bad += [(link, RETIRED_KR) for link in result.stale_links]
    bad.sort(key=lambda pair: (natural_key(pair[0].key), pair[0].reference))
    columns = (
        Column("Key", "key", max_width=16),
        Column("Title", max_width=50),
        Column("Reference", max_width=30),
        Column("Problem", max_width=14),
        Column("Did you mean", max_width=14),
        Column("Items affected", "int"),
        Column("Assignee", max_width=24),
    )
    rows = [_bad_row(link, problem, by_key.get(link.key)) for link, problem in bad]
    links = [(by_key[link.key].item.url if link.key in by_key else None) for link, _ in bad]
    return Table(
        DANGLING,
        columns,
        rows,
        links=links,
        freeze="B2",
        value_colours={
            "Problem": {UNKNOWN_KR: styles.PALE["red"], RETIRED_KR: styles.PALE["amber"]}
        },
        empty_text="No dangling or stale links.",
    )


def _bad_row(link: BadLink, problem: str, item: ItemResult | None) -> list[object]:
    # A bad link on a parent (not itself counted) is listed once for all children it affects.
    title = item.item.title if item else "(parent, not counted itself)"
    assignee = item.item.assignee if item else None
    return [
        link.key,
        title,
        link.reference,
        problem,
        link.suggestion,
        link.affected_items,
        assignee,
    ]


def items(result: AuditResult) -> Table:
    """Every item in scope with its links and link state (the big table)."""
    conflicts = {c.key: c for c in result.inheritance_conflicts}
    columns = (
        *_ITEM_BASICS,
        Column("Sprints", max_width=30),
        Column("Assignee", max_width=24),
        Column("Project", max_width=16),
        Column("Parent", max_width=16),
        Column("References", max_width=40),
        Column("Key results", max_width=24),
        Column("Objectives", max_width=16),
        Column("Link state", max_width=16),
        Column("Inherited from", max_width=16),
        Column("Note", max_width=50),
    )
    rows = []
    for r in result.items:
        conflict = conflicts.get(r.key)
        note = f"own link wins over inherited {_joined(conflict.inherited)}" if conflict else None
        rows.append(
            [*_basics(r), _joined(r.item.sprints), r.item.assignee, r.item.project,
             r.parent_key, _joined(r.references), _joined(r.key_results),
             _joined(r.objectives), LINK_STATE_LABELS[r.link_state], r.inherited_from, note]
        )  # fmt: skip
    colours = {LINK_STATE_LABELS[state]: colour for state, colour in styles.STATE_COLOURS.items()}
    return Table(
        ITEMS,
        columns,
        rows,
        links=[r.item.url for r in result.items],
        freeze="B2",
        value_colours={"Link state": colours},
        empty_text="No items in scope.",
    )
