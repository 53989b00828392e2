"""Trello custom fields: `fields` lists them, the OKR and points fields are found by name (or
refused with one line), and list names give status categories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backlog_audit.adapters.trello import TrelloConfig
from backlog_audit.adapters.trello.cards import list_category
from backlog_audit.adapters.trello.selectors import board_handle, check_config
from backlog_audit.errors import EXIT_USAGE, BacklogAuditError, UsageError
from backlog_audit.model import StatusCategory
from tests.adapters.trello.boards import MOBILE, PLATFORM, growth_board, source_for
from tests.adapters.trello.fake_server import FakeTrello

TODO, DOING, DONE = StatusCategory.TODO, StatusCategory.IN_PROGRESS, StatusCategory.DONE


def test_fields_lists_custom_fields_with_types_options_and_likely_ones(fake: FakeTrello) -> None:
    infos = source_for(fake.base_url).fields()

    listed = [(i.name, i.type, i.likely, len(i.options)) for i in infos]
    assert listed == [
        ("OKR", "dropdown", "okr", 7),
        ("Story Points", "number", "points", 0),
        ("Notes", "text", None, 0),
        ("Labels", "labels", "okr", 56),
    ]
    okr = infos[0]
    assert [o.value for o in okr.options] == [
        "KR1.1",
        "KR1.2",
        "BAU",
        "KR0.3",
        "KR12",
        "O2 - Reduce churn",
        "KR2.1",
    ]
    # Three requests: the board, its custom fields, its labels; no card is read.
    assert fake.counts() == {
        "GET /boards/{id}": 1,
        "GET /boards/{id}/customFields": 1,
        "GET /boards/{id}/labels": 1,
    }


def test_fields_search_and_a_text_field_with_kr_values(fake: FakeTrello) -> None:
    infos = source_for(fake.base_url, PLATFORM).fields("o")

    assert [(i.name, i.type, i.likely) for i in infos] == [
        ("OKR", "text", "okr"),
        ("Points", "number", "points"),
    ]


def test_fields_of_a_board_with_labels_only(fake: FakeTrello) -> None:
    infos = source_for(fake.base_url, MOBILE).fields()

    assert [(i.id, i.type, i.likely) for i in infos] == [("labels", "labels", "okr")]
    assert [o.value for o in infos[0].options] == [
        "okr:KR1.1",
        "KR:KR2.1",
        "frontend",
        "okr:KR7.7",
        "KR1.2",
    ]


def test_fields_of_an_export(tmp_path: Path) -> None:
    export = tmp_path / "board.json"
    export.write_text(json.dumps(growth_board().export()), encoding="utf-8")

    infos = source_for(None, input=str(export)).fields("points")

    assert [(i.name, i.likely) for i in infos] == [("Story Points", "points")]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"okr_field": "Goal"},
            "Trello board Growth has no custom field 'Goal' (--okr-field) (or --okr-field "
            "labels to read every label); its custom fields: OKR (dropdown), Story Points "
            "(number), Notes (text)",
        ),
        (
            {"okr_field": "story points"},
            "custom field 'Story Points' (--okr-field) of Trello board Growth is a number "
            "field; expected dropdown or text",
        ),
        (
            {"points_field": "Notes"},
            "custom field 'Notes' (--points-field) of Trello board Growth is a text field; "
            "expected number or dropdown",
        ),
        (
            {"points_field": "Size"},
            "Trello board Growth has no custom field 'Size' (--points-field); its custom "
            "fields: OKR (dropdown), Story Points (number), Notes (text)",
        ),
    ],
)
def test_unusable_fields_are_one_line_and_exit_2(
    fake: FakeTrello, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(BacklogAuditError) as caught:
        source_for(fake.base_url, **settings).fetch()

    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("lists", "message"),
    [
        (
            ("Sprint 9",),
            "--trello-list 'Sprint 9' is not a list of the board (Growth); its open lists: "
            "To Do, Doing, Review, Done",
        ),
        (
            ("old IDEAS",),
            "--trello-list 'old IDEAS' is archived (Growth); its open lists: To Do, Doing, "
            "Review, Done",
        ),
    ],
)
def test_a_list_not_open_on_the_board_is_exit_2(
    fake: FakeTrello, lists: tuple[str, ...], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        source_for(fake.base_url, lists=lists).fetch()

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("To Do", TODO),
        ("Backlog", TODO),
        ("Ideas", TODO),
        ("Doing", DOING),
        ("In Progress", DOING),
        ("Code Review", DOING),
        ("QA testing", DOING),
        ("Ready to start", TODO),
        ("Review", DOING),
        ("Testing 🧪", DOING),
        ("Doing - Ana", DOING),
        ("Done", DONE),
        ("Done ✅", DONE),
        ("Done (sprint 12)", DONE),
        ("Complete", DONE),
        ("Closed", DONE),
        ("Shipped", DONE),
        ("Shipped 2026", DONE),
    ],
)
def test_list_names_give_categories(name: str, category: StatusCategory) -> None:
    assert list_category(name, {}) is category


def test_status_map_wins_over_built_in_names() -> None:
    table = {"code review": DONE, "done": TODO}

    assert list_category("Code Review", table) is DONE
    assert list_category("Done ✅", table) is TODO


@pytest.mark.parametrize(
    ("value", "handle"),
    [
        ("GrWth123", "GrWth123"),
        ("5abbe4b7ddc1b351ef961414", "5abbe4b7ddc1b351ef961414"),
        ("https://trello.com/b/GrWth123/growth", "GrWth123"),
        (" https://trello.com/b/GrWth123 ", "GrWth123"),
    ],
)
def test_board_handles(value: str, handle: str) -> None:
    assert board_handle(value) == handle


@pytest.mark.parametrize("value", ["Growth board", "GrWth12", "https://trello.com/c/GrWth123"])
def test_a_board_that_is_no_id_or_short_link_is_exit_2(value: str) -> None:
    with pytest.raises(UsageError, match="is not a board id"):
        board_handle(value)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (TrelloConfig(), "--source trello needs --trello-board ID|SHORTLINK, or --input"),
        (
            TrelloConfig(trello_board="GrWth123", input_path="b.json"),
            "--trello-board and --input both name a board",
        ),
        (TrelloConfig(trello_board="GrWth123", trello_list=(" ",)), "--trello-list needs"),
    ],
)
def test_selectors_are_checked_before_any_request(config: TrelloConfig, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("|", r"\|")):
        check_config(config)
