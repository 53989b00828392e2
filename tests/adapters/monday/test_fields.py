"""`backlog-audit fields --source monday`: every column of the boards, with type and labels,
likely OKR and points columns marked."""

from __future__ import annotations

from backlog_audit.adapters.interface import FieldOption
from tests.adapters.monday.account import DESIGN, GROWTH, ROADMAP, source_for
from tests.adapters.monday.fake_server import FakeMonday


def test_fields_lists_each_board_s_columns_with_types(fake: FakeMonday) -> None:
    infos = source_for(fake.url, boards=(GROWTH, ROADMAP)).fields()

    assert [(f.id, f.name, f.type, f.scope, f.likely) for f in infos] == [
        ("status", "Status", "status", "Growth (5001)", None),
        ("okr", "OKR", "dropdown", "Growth (5001)", "okr"),
        ("story_points", "Story Points", "numbers", "Growth (5001)", "points"),
        ("owner", "Owner", "people", "Growth (5001)", None),
        ("subitems", "Subitems", "subtasks", "Growth (5001)", None),
        ("status", "Status", "status", "Roadmap (5003)", None),
        ("connect", "OKR", "board_relation", "Roadmap (5003)", "okr"),
        ("estimate", "Estimate", "numbers", "Roadmap (5003)", "points"),
    ]
    assert fake.counts() == {"Boards": 1}


def test_fields_shows_labels_with_the_deactivated_ones_disabled(fake: FakeMonday) -> None:
    okr = next(f for f in source_for(fake.url, boards=(GROWTH,)).fields("okr"))

    assert okr.options == (
        FieldOption("0", "KR1.1"),
        FieldOption("1", "KR1.2"),
        FieldOption("2", "KR2.1"),
        FieldOption("3", "O1"),
        FieldOption("4", "BAU"),
        FieldOption("5", "KR0.3", disabled=True),
        FieldOption("6", "RK1.2"),
    )


def test_fields_search_matches_part_of_the_title(fake: FakeMonday) -> None:
    infos = source_for(fake.url, boards=(GROWTH,)).fields("POINT")

    assert [f.name for f in infos] == ["Story Points"]


def test_a_size_dropdown_is_marked_as_a_likely_points_column(fake: FakeMonday) -> None:
    infos = source_for(fake.url, boards=(DESIGN,)).fields()

    assert [(f.name, f.type, f.likely) for f in infos] == [
        ("OKR", "text", "okr"),
        ("Size", "dropdown", "points"),
    ]
