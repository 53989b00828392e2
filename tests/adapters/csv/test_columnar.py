"""The columnar CSV reader gives the rows the per-row reader gave (issue 15, point 3).

The oracle (`tests/adapters/csv/oracle.py`) is the CSV source as it was, one `Item` per row.
Every real-export fixture of issue 11 (`tests/exports.py`), the bundled examples and the
shapes of `test_source.py`, read with the settings that change what is read (a link field,
labels as links, `[points_map]`, `[status_map]`, `--points-field`, a Jira URL), give the same
items in the same order, the same core table and the same warnings, or the same error line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.source import CsvSource
from backlog_audit.core.rows import FrameItems, ItemRows
from backlog_audit.errors import InputError
from backlog_audit.model import Backlog, StatusCategory
from tests import exports as ex
from tests.adapters.csv import oracle
from tests.adapters.csv.test_source import ASANA, JIRA
from tests.adapters.parts import split

ROOT = Path(__file__).resolve().parents[3]


def _text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        return ex.write_text(folder, name, text, encoding)

    return build


EXPORTS: dict[str, Callable[[Path], str]] = {
    "jira cloud, all fields": ex.jira_cloud_export,
    "jira server": ex.jira_server_export,
    "labels only": ex.labels_only_export,
    "select estimates": ex.select_estimates_export,
    "xray": ex.xray_export,
    "placeholders": ex.placeholders_export,
    "whole alias": ex.whole_alias_export,
    "both points columns": ex.both_points_export,
    "both points columns, disagreeing": lambda folder: ex.both_points_export(folder, True),
    "380 columns": ex.wide_export,
    "asana": ex.asana_export,
    "asana, rounded ids": lambda f: ex.asana_export(f, ex.mangled_ids(ex.asana_records())),
    "asana, cp1252 and semicolons": lambda folder: ex.asana_export(
        folder, ex.resaved_records(), "cp1252.csv", ";", "cp1252"
    ),
    "asana, utf-16 and tabs": lambda folder: ex.asana_export(
        folder, ex.resaved_records(), "utf16.txt", "\t", "utf-16"
    ),
    "jira, repeated columns": _text("jira.csv", JIRA),
    "asana, comma tags": _text("asana.csv", ASANA),
    "repeated keys": _text("repeats.csv", "key,okr,parent\nA-1,KR1.1,\nA-2,,A-1\nA-1,KR2.1,B\n"),
    "blank rows and whitespace": _text(
        "blank.csv", "key,okr,points,status\n\n , \n\x1fA-1\x1f, KR1.1 ,\u3000 3 ,Done \n,\n"
    ),
    "keyless row": _text("keyless.csv", "key,okr\nA-1,KR1.1\n,KR2.1\n"),
    "a stray and an open quote": _text(
        "quotes.csv", 'key,okr,title\nA-1,KR1.1,a " stray\nA-2,"KR2.1,open\nA-3,,x\n'
    ),
    "bare CR line ends": _text("cr.csv", "key,okr,parent\rA-1,KR1.1,\rA-2,,A-1\r"),
    "jira example": lambda _folder: str(ROOT / "examples" / "jira-export.csv"),
    "asana example": lambda _folder: str(ROOT / "examples" / "asana-export.csv"),
}

SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "labels as links": {"okr_field": "Labels"},
    "maps and a Jira URL": {
        "points_map": {"xs": 1.0, "m": 3.0, "huge": 13.0},
        "status_map": {"test in uat": StatusCategory.IN_PROGRESS, "": StatusCategory.DONE},
        "jira_url": "https://acme.atlassian.net/",
    },
}


def read(source: type[Any], path: str, settings: dict[str, Any]) -> Backlog | str:
    """The backlog a source reads, or the line it stops with."""
    try:
        return source(*split(CsvConfig, input_path=path, **settings)).fetch()  # type: ignore[no-any-return]
    except InputError as error:
        return str(error)


@pytest.mark.parametrize("settings", list(SETTINGS), ids=list(SETTINGS))
@pytest.mark.parametrize("export", list(EXPORTS), ids=list(EXPORTS))
def test_the_columnar_reader_reads_every_export_as_the_per_row_reader(
    tmp_path: Path, export: str, settings: str
) -> None:
    path = EXPORTS[export](tmp_path)
    columnar = read(CsvSource, path, SETTINGS[settings])
    expected = read(oracle.CsvSource, path, SETTINGS[settings])
    if isinstance(expected, str) or isinstance(columnar, str):
        assert columnar == expected
        return
    assert isinstance(columnar.items, FrameItems)  # the core reads the columns, no Items
    assert list(columnar.items) == list(expected.items)
    assert columnar.warnings == expected.warnings
    assert (columnar.scope, columnar.scope_id, columnar.supports_jql) == (
        expected.scope,
        expected.scope_id,
        expected.supports_jql,
    )
    rows, laid_out = ItemRows.of(columnar.items), ItemRows.of(expected.items)
    assert rows.cells == laid_out.cells
    assert rows.frame.select(laid_out.frame.columns).equals(laid_out.frame)


def test_items_read_one_by_one_are_built_alone_and_equal_the_whole(tmp_path: Path) -> None:
    # A report that shows a few items (a capped list, the fix list) builds those alone.
    items = read(CsvSource, EXPORTS["jira example"](tmp_path), {}).items  # type: ignore[union-attr]
    picked = [items[0], items[-1], *items[2:9:3]]
    assert "_items" not in vars(items)
    whole = tuple(items)
    assert picked == [whole[0], whole[-1], *whole[2:9:3]]
