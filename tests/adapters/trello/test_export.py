"""A board's JSON export, read offline: the same items as the API, and one clear line for a
file that is not one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.trello import TrelloConfig
from backlog_audit.adapters.trello.export import is_board_export, read_export
from backlog_audit.adapters.trello.source import TrelloSource
from backlog_audit.errors import EXIT_USAGE, InputError
from tests.adapters.trello.boards import (
    MOBILE,
    PLATFORM,
    mobile_board,
    platform_board,
    source_for,
)
from tests.adapters.trello.fake_server import FakeTrello, TrelloBoard


def _export(tmp_path: Path, board: TrelloBoard) -> str:
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board.export(), indent=2), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("handle", "build"), [(PLATFORM, platform_board), (MOBILE, mobile_board)])
def test_export_gives_the_api_items(
    fake: FakeTrello, tmp_path: Path, handle: str, build: type[TrelloBoard]
) -> None:
    from_api = source_for(fake.base_url, handle).fetch()
    from_export = source_for(None, input=_export(tmp_path, build())).fetch()

    assert from_export == from_api


def test_export_needs_no_credentials(tmp_path: Path) -> None:
    path = _export(tmp_path, mobile_board())
    source = TrelloSource(SourceSettings(), TrelloConfig(input_path=path), {})

    assert len(source.fetch().items) == 5
    assert source.request_counts == {}


def test_archived_cards_and_lists_of_an_export_are_out_of_scope(tmp_path: Path) -> None:
    board = mobile_board()
    parked = board.add_list("Parked", closed=True)
    board.add_card("In a parked list", parked, labels=("okr:KR1.1",))
    board.add_card("Archived", board.lists[0]["id"], labels=("okr:KR1.1",), closed=True)

    keys = [i.key for i in source_for(None, input=_export(tmp_path, board)).fetch().items]

    assert keys == ["C01", "C02", "C03", "C04", "C05"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("key,title\nA-1,x\n", "board.json: not JSON (line 1, column 1): export the board"),
        ('{"issues": []}', "board.json: JSON, but not a Trello board export: export the board"),
        ("[1, 2]", "board.json: JSON, but not a Trello board export"),
    ],
)
def test_a_file_that_is_not_an_export_is_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "board.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_export(str(path))

    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_a_missing_export_is_exit_2(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_export(str(tmp_path / "nope.json"))


def test_is_board_export() -> None:
    assert is_board_export(mobile_board().export())
    assert not is_board_export({"id": "x", "cards": []})
    assert not is_board_export([])
