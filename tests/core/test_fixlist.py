"""The fix list (SPEC 10): orphaned and dangling work grouped by parent and by assignee, with a
ready-to-paste JQL per group when the source is Jira."""

from __future__ import annotations

from datetime import datetime, timezone

from backlog_audit.core.fixlist import (
    NO_PARENT,
    UNASSIGNED,
    FixGroup,
    GroupBy,
    fix_entries,
    fix_groups,
    groups_by,
    jql_for,
)
from backlog_audit.model import (
    AuditResult,
    BadLink,
    Item,
    ItemResult,
    LinkState,
    OkrSet,
    Summary,
    Tally,
)

L = LinkState


def item(
    key: str,
    state: LinkState,
    *,
    parent: str | None = None,
    assignee: str | None = None,
    points: float | None = 1.0,
) -> ItemResult:
    """An in-scope item in `state`; only what the fix list reads is filled in."""
    return ItemResult(
        item=Item(id=key, key=key, title=f"Title of {key}", points=points, assignee=assignee),
        link_state=state,
        key_results=(),
        objectives=(),
        references=(),
        parent_key=parent,
    )


def result(
    *items: ItemResult,
    dangling: tuple[BadLink, ...] = (),
    stale: tuple[BadLink, ...] = (),
    jql: bool = True,
) -> AuditResult:
    """An audit result around `items`; the figures are irrelevant to the fix list."""
    nothing = Tally()
    return AuditResult(
        generated_at=datetime(2026, 11, 22, tzinfo=timezone.utc),
        source_kind="jira" if jql else "csv",
        scope="test",
        okrs=OkrSet(objectives=()),
        summary=Summary(nothing, nothing, 0, 0, 0, 0, 0, 0, 0, 0),
        key_results=(),
        objectives=(),
        by_sprint=(),
        by_assignee=(),
        by_project=(),
        items=items,
        orphans=(),
        dangling_links=dangling,
        stale_links=stale,
        uncovered_key_results=(),
        inheritance_conflicts=(),
        supports_jql=jql,
    )


def summary_of(groups: tuple[FixGroup, ...]) -> list[tuple[str, tuple[str, ...]]]:
    return [(g.value, g.keys) for g in groups]


def test_only_orphaned_and_dangling_items_are_listed() -> None:
    audited = result(
        item("A-1", L.LINKED),
        item("A-2", L.ORPHANED),
        item("A-3", L.STALE),
        item("A-4", L.DANGLING),
        item("A-5", L.EXEMPT),
        item("A-6", L.INHERITED),
        item("A-7", L.OBJECTIVE_ONLY),
    )
    assert [e.key for e in fix_entries(audited)] == ["A-2", "A-4"]


def test_groups_by_parent_biggest_first_and_no_parent_last() -> None:
    audited = result(
        item("A-1", L.ORPHANED),
        item("A-2", L.ORPHANED),
        item("A-3", L.ORPHANED),
        item("A-4", L.ORPHANED, parent="E-9"),
        item("A-5", L.DANGLING, parent="E-10"),
        item("A-6", L.ORPHANED, parent="E-10"),
    )
    assert summary_of(groups_by(audited, GroupBy.PARENT)) == [
        ("E-10", ("A-5", "A-6")),
        ("E-9", ("A-4",)),
        (NO_PARENT, ("A-1", "A-2", "A-3")),
    ]


def test_groups_of_equal_size_come_in_natural_order() -> None:
    audited = result(
        item("A-1", L.ORPHANED, parent="E-10"),
        item("A-2", L.ORPHANED, parent="E-9"),
    )
    assert [g.value for g in groups_by(audited, GroupBy.PARENT)] == ["E-9", "E-10"]


def test_groups_by_assignee_with_unassigned_last() -> None:
    audited = result(
        item("A-1", L.ORPHANED),
        item("A-2", L.ORPHANED),
        item("A-3", L.DANGLING, assignee="Zoe"),
        item("A-4", L.ORPHANED, assignee="Ana"),
        item("A-5", L.ORPHANED, assignee="Zoe"),
    )
    assert summary_of(groups_by(audited, GroupBy.ASSIGNEE)) == [
        ("Zoe", ("A-3", "A-5")),
        ("Ana", ("A-4",)),
        (UNASSIGNED, ("A-1", "A-2")),
    ]


def test_fix_groups_lists_parent_groups_then_assignee_groups() -> None:
    audited = result(item("A-1", L.ORPHANED, parent="E-1", assignee="Ana"))
    groups = fix_groups(audited)
    assert [(g.by, g.value) for g in groups] == [(GroupBy.PARENT, "E-1"), (GroupBy.ASSIGNEE, "Ana")]


def test_each_group_has_a_jql_for_jira() -> None:
    audited = result(item("APP-9", L.ORPHANED), item("APP-10", L.DANGLING))
    (group,) = groups_by(audited, GroupBy.PARENT)
    assert group.jql == "key in (APP-9, APP-10)"


def test_no_jql_when_the_source_has_no_jql() -> None:
    audited = result(item("APP-9", L.ORPHANED), jql=False)
    assert [g.jql for g in fix_groups(audited)] == [None, None]


def test_jql_quotes_keys_that_are_not_plain_jira_keys() -> None:
    assert jql_for(["APP-1", 'odd "key"', "x\\y"]) == r'key in (APP-1, "odd \"key\"", "x\\y")'


def test_group_counts_states_and_sums_points_with_unestimated_as_zero() -> None:
    audited = result(
        item("A-1", L.ORPHANED, points=3),
        item("A-2", L.ORPHANED, points=None),
        item("A-3", L.DANGLING, points=2.5),
    )
    (group,) = groups_by(audited, GroupBy.PARENT)
    assert (group.count(L.ORPHANED), group.count(L.DANGLING), group.points) == (2, 1, 5.5)


def test_problem_names_the_dangling_reference_and_the_suggestion() -> None:
    audited = result(
        item("A-1", L.DANGLING),
        dangling=(BadLink("A-1", "KR21", 1, suggestion="KR2.1"), BadLink("A-1", "KR99", 1)),
    )
    (entry,) = fix_entries(audited)
    assert (
        entry.problem == "'KR21' names no known KR (did you mean KR2.1?); 'KR99' names no known KR"
    )


def test_problem_of_an_orphan_points_at_its_parents_bad_links() -> None:
    audited = result(
        item("A-1", L.ORPHANED, parent="E-1"),
        item("A-2", L.ORPHANED, parent="E-2"),
        item("A-3", L.ORPHANED, parent="E-3"),
        dangling=(BadLink("E-1", "KR9.9", 1),),
        stale=(BadLink("E-2", "KR0.3", 1),),
    )
    assert [e.problem for e in fix_entries(audited)] == [
        "no OKR link; parent E-1: 'KR9.9' names no known KR",
        "no OKR link; parent E-2: 'KR0.3' is a retired KR",
        "no OKR link",
    ]
