"""Audits of the fake monday.com account: every link state, every link column type, groups,
subitems, paging; figures hand-declared in `account`'s table."""

from __future__ import annotations

from dataclasses import replace

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, LinkState, StatusCategory
from tests.adapters.monday.account import (
    BIG,
    DESIGN,
    GROWTH,
    OPS,
    PLATFORM,
    okrs,
    source_for,
    summary_figures,
)
from tests.adapters.monday.fake_server import FakeMonday

SUBITEMS = AuditOptions(include_types=frozenset({"subitem"}))


def _states(fake: FakeMonday, **kwargs: object) -> dict[str, str]:
    result = audit(source_for(fake.url, **kwargs).fetch(), okrs())  # type: ignore[arg-type]
    return {r.key: r.link_state.value for r in result.items}


def test_three_boards_give_the_hand_declared_figures(fake: FakeMonday) -> None:
    result = audit(source_for(fake.url).fetch(), okrs())

    # 17 items, 103 exempt (2 pts); linked 101 102 108 201 203 204 301 302, objective-only
    # 106 303: 10 items, 3+5+2+5+0+1+3+5 + 0+2 = 26 of 43 points.
    assert summary_figures(result) == (17, 1, 10, 43.0, 26.0)
    assert result.summary.all.coverage == 10 / 16
    assert result.summary.all.points_coverage == 26 / 41
    s = result.summary
    assert (s.orphaned_items, s.dangling_items, s.stale_items) == (3, 2, 1)
    assert (s.objective_only_items, s.inherited_items, s.unestimated_items) == (2, 0, 3)


def test_every_item_has_the_declared_link_state(fake: FakeMonday) -> None:
    assert _states(fake) == {
        "101": "linked",
        "102": "linked",
        "103": "exempt",
        "104": "orphaned",
        "105": "stale",
        "106": "objective_only",
        "107": "dangling",
        "108": "linked",
        "201": "linked",
        "202": "orphaned",
        "203": "linked",
        "204": "linked",
        "205": "dangling",
        "301": "linked",
        "302": "linked",
        "303": "objective_only",
        "304": "orphaned",
    }


def test_dangling_links_with_and_without_a_suggestion_and_the_stale_link(fake: FakeMonday) -> None:
    result = audit(source_for(fake.url).fetch(), okrs())

    dangling = {(d.key, d.reference, d.suggestion) for d in result.dangling_links}
    assert dangling == {("107", "RK1.2", "KR1.2"), ("205", "KR9.9", None)}
    assert [(s.key, s.reference) for s in result.stale_links] == [("105", "KR0.3")]


def test_each_link_column_type_is_read(fake: FakeMonday) -> None:
    result = audit(source_for(fake.url).fetch(), okrs())
    links = {r.key: (r.key_results, r.objectives) for r in result.items}

    assert links["108"] == (("KR1.1", "KR2.1"), ("O1", "O2"))  # dropdown: two labels
    assert links["201"] == (("KR2.1", "KR1.1"), ("O2", "O1"))  # text: split on ","
    assert links["203"] == (("KR2.1",), ("O2",))  # text: "kr 2.1 - churn", by its id
    # connect-boards: the linked items' names, not the (null) value
    assert links["301"] == (("KR1.1",), ("O1",))
    assert links["302"] == (("KR2.1",), ("O2",))
    assert links["303"] == ((), ("O2",))


def test_key_result_rows_count_items_points_and_status(fake: FakeMonday) -> None:
    result = audit(source_for(fake.url).fetch(), okrs())
    rows = {r.id: (r.items, r.points, r.todo, r.in_progress, r.done) for r in result.key_results}

    assert rows == {
        "KR1.1": (4, 13.0, 0, 3, 1),  # 101 108 201 301
        "KR1.2": (2, 6.0, 1, 0, 1),  # 102 204
        "KR2.1": (4, 12.0, 1, 2, 1),  # 108 201 203 302
    }


def test_status_sprint_assignee_project_and_url(fake: FakeMonday) -> None:
    items = {i.key: i for i in source_for(fake.url).fetch().items}

    got = {k: (i.status, i.status_category) for k, i in items.items() if k in "101 102 103 104"}
    assert got == {
        "101": ("Working on it", StatusCategory.IN_PROGRESS),
        "102": ("Done", StatusCategory.DONE),  # is_done
        "103": ("Stuck", StatusCategory.IN_PROGRESS),
        "104": ("", StatusCategory.TODO),  # blank
    }
    assert items["105"].status_category is StatusCategory.TODO  # "Planned"
    assert items["108"].status_category is StatusCategory.IN_PROGRESS  # "Review"
    first = items["102"]
    assert (first.sprint, first.sprints, first.assignee, first.project) == (
        "Sprint 12",
        ("Sprint 12",),
        "Ana",  # the first of Ana, Ben
        "Growth",
    )
    assert first.url == "https://example.monday.com/boards/5001/pulses/102"
    assert (first.type, first.level, first.parent) == ("Item", 0, None)


def test_status_map_adds_to_the_built_in_labels(fake: FakeMonday) -> None:
    mapped = {"ready for qa": StatusCategory.IN_PROGRESS}

    plain = {i.key: i for i in source_for(fake.url, boards=(PLATFORM,)).fetch().items}
    extra = source_for(fake.url, boards=(PLATFORM,), status_map=mapped).fetch().items

    assert plain["202"].status_category is StatusCategory.TODO
    assert {i.key: i for i in extra}["202"].status_category is StatusCategory.IN_PROGRESS


def test_a_status_column_as_link_column_leaves_the_status_to_the_next(fake: FakeMonday) -> None:
    backlog = source_for(fake.url, boards=(OPS,)).fetch()
    result = audit(backlog, okrs())

    items = {i.key: (i.status, i.status_category, i.references) for i in backlog.items}
    assert items == {
        "401": ("Done", StatusCategory.DONE, ("KR2.1",)),
        "402": ("Working on it", StatusCategory.IN_PROGRESS, ("BAU",)),
    }
    assert summary_figures(result) == (2, 1, 1, 0.0, 0.0)


def test_one_group_leaves_the_other_groups_out(fake: FakeMonday) -> None:
    source = source_for(fake.url, boards=(GROWTH, PLATFORM), group="sprint 12")
    result = audit(source.fetch(), okrs())

    # 101 102 103 104 and 201 202: 103 exempt; 101 102 201 linked; 3+5+2+8+5+3 = 26 points.
    assert summary_figures(result) == (6, 1, 3, 26.0, 13.0)
    assert source.scope == "board=5001,5002 group=sprint 12"
    assert fake.counts() == {"Boards": 1, "GroupItems": 2}


def test_subitems_are_out_of_scope_and_not_read_by_default(fake: FakeMonday) -> None:
    backlog = source_for(fake.url).fetch()

    assert not [i for i in backlog.items if i.type == "Subitem"]
    assert all("subitems" not in r.query for r in fake.requests)


def test_subitems_counted_inherit_from_their_item(fake: FakeMonday) -> None:
    source = source_for(fake.url, include_types=SUBITEMS.include_types)
    result = audit(source.fetch(), okrs(), SUBITEMS)

    # The 17 items plus 1011 (1 pt, inherits KR1.1 from 101) and 1041 (2 pts, orphaned: 104
    # has no references).
    assert summary_figures(result) == (19, 1, 11, 46.0, 27.0)
    subitems = {r.key: (r.link_state, r.inherited_from) for r in result.items if len(r.key) == 4}
    assert subitems == {
        "1011": (LinkState.INHERITED, "101"),
        "1041": (LinkState.ORPHANED, None),
    }
    sub = next(r.item for r in result.items if r.key == "1011")
    assert (sub.type, sub.level, sub.parent, sub.sprint, sub.project) == (
        "Subitem",
        -1,
        "101",
        "Sprint 12",  # its item's group
        "Growth",
    )
    assert (sub.status_category, sub.points) == (StatusCategory.DONE, 1.0)


def test_paging_follows_the_cursor_500_items_a_page(fake: FakeMonday) -> None:
    result = audit(source_for(fake.url, boards=(BIG,)).fetch(), okrs())

    # 1,203 items, 1 point each; 0, 3, ..., 1200 (401 items) linked.
    assert summary_figures(result) == (1203, 0, 401, 1203.0, 401.0)
    assert fake.counts() == {"Boards": 1, "Items": 1, "NextItems": 2}
    cursors = [r.variables.get("cursor") for r in fake.requests if r.operation == "NextItems"]
    assert len(set(cursors)) == 2 and None not in cursors
    assert {r.variables["limit"] for r in fake.requests if r.operation != "Boards"} == {500}


def test_the_audit_makes_one_boards_request_and_one_items_request_per_board(
    fake: FakeMonday,
) -> None:
    source = source_for(fake.url)
    source.fetch()

    assert fake.counts() == {"Boards": 1, "Items": 3}
    assert dict(source.client.requests) == {"Boards": 1, "Items": 3}
    # Only the columns the audit reads: link, points, status, people.
    growth = next(r for r in fake.requests if r.variables.get("board") == GROWTH)
    assert growth.variables["columns"] == ["okr", "story_points", "status", "owner"]


def test_every_request_names_the_pinned_api_version(fake: FakeMonday) -> None:
    source_for(fake.url, include_types=SUBITEMS.include_types).fetch()

    assert {r.api_version for r in fake.requests} == {"2026-10"}


def test_a_number_that_is_no_estimate_is_unestimated_with_one_warning(fake: FakeMonday) -> None:
    fake.data.items["101"]["values"]["story_points"] = -3

    backlog = source_for(fake.url, boards=(GROWTH,)).fetch()

    assert {i.key: i.points for i in backlog.items}["101"] is None
    assert backlog.warnings == (
        "item 101 (Onboarding checklist): points -3.0 is not a number of points from 0 to "
        "1,000,000,000: counted as unestimated",
    )


def test_points_field_names_the_numbers_column(fake: FakeMonday) -> None:
    backlog = source_for(fake.url, boards=(PLATFORM,), points_field="points").fetch()

    assert {i.key: i.points for i in backlog.items} == {
        "201": 5.0,
        "202": 3.0,
        "203": None,
        "204": 1.0,
        "205": 2.0,
    }


def test_an_empty_board_is_warned_about(fake: FakeMonday) -> None:
    fake.data.items = {k: v for k, v in fake.data.items.items() if v["board"] != PLATFORM}

    backlog = source_for(fake.url, boards=(PLATFORM,)).fetch()

    assert backlog.warnings == ("monday.com board=5002: no items in scope",)


SIZES = {"s": 1.0, "m": 3.0, "l": 5.0}  # as parse_points_map folds `S = 1`, `M = 3`, `L = 5`


def test_t_shirt_sizes_count_through_the_points_map(fake: FakeMonday) -> None:
    backlog = source_for(fake.url, boards=(DESIGN,), points_map=SIZES).fetch()
    result = audit(backlog, okrs())

    assert {i.key: i.points for i in backlog.items} == {
        "601": 1.0,
        "602": 3.0,
        "603": 5.0,
        "604": None,  # XL: not in the map
        "605": None,
    }
    assert summary_figures(result) == (5, 0, 2, 9.0, 6.0)
    assert result.summary.unestimated_items == 2
    assert backlog.warnings == (
        "item 604 (Mascot): points 'XL' is not a number of points from 0 to 1,000,000,000: "
        "counted as unestimated",
    )


def test_a_size_column_is_not_taken_for_points_without_a_points_map(fake: FakeMonday) -> None:
    backlog = source_for(fake.url, boards=(DESIGN,)).fetch()

    assert {i.points for i in backlog.items} == {None}
    assert backlog.warnings == ()
    assert fake.requests[-1].variables["columns"] == ["okr"]


def test_points_field_may_name_a_dropdown_of_sizes(fake: FakeMonday) -> None:
    source = source_for(fake.url, boards=(DESIGN,), points_field="size", points_map=SIZES)

    assert [i.points for i in source.fetch().items] == [1.0, 3.0, 5.0, None, None]


def test_placeholders_in_a_text_column_leave_the_item_orphaned(fake: FakeMonday) -> None:
    fake.data.items["202"]["values"]["okr_text"] = "TBD"

    result = audit(source_for(fake.url, boards=(PLATFORM,)).fetch(), okrs())

    assert {r.key: r.link_state.value for r in result.items}["202"] == "orphaned"


def test_a_text_column_is_tried_whole_before_it_is_split(fake: FakeMonday) -> None:
    # SPEC 4: "Churn, retention" is KR2.1's alias as a whole, not two dangling references.
    base = okrs()
    o1, o2 = base.objectives
    churn = replace(o2.key_results[0], aliases=("Churn, retention",))
    with_alias = replace(base, objectives=(o1, replace(o2, key_results=(churn,))))
    fake.data.items["202"]["values"]["okr_text"] = "Churn, retention"

    backlog = source_for(fake.url, boards=(PLATFORM,)).fetch()
    result = audit(backlog, with_alias)

    item = next(i for i in backlog.items if i.key == "202")
    assert (item.references, item.free_text) == ((), ("Churn, retention",))
    row = next(r for r in result.items if r.key == "202")
    assert (row.link_state, row.key_results) == (LinkState.LINKED, ("KR2.1",))
