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


PLAIN_HEADER = "key,title,type,status,status_category,points,okr,parent,sprint,assignee,project"


def _many(odd: dict[int, str], rows: int = 3_000) -> str:
    """A plain export of `rows` clean rows (an epic per 50), but for the `odd` ones: the
    shortcuts of the columnar reader (a column not stripped, ids told apart by hashes,
    parents looked up by distinct value) must see one row out of many."""
    lines = [PLAIN_HEADER]
    for n in range(1, rows + 1):
        epic = f"A-{n - (n - 1) % 50}"
        parent = "" if epic == f"A-{n}" else epic
        lines.append(odd.get(n, f"A-{n},Story {n},Story,To Do,todo,3,KR1.1,{parent},S1,Dev,APP"))
    return "\r\n".join(lines) + "\r\n"


ODD_ROWS = {  # one cell to strip, or to read as none, in each column, in one row each
    1_234: "A-1234, Story 1234,Story,To Do,todo,3,KR1.1,A-1201,S1,Dev,APP",
    2_345: "A-2345,Story 2345,Story,To Do,todo,3,KR1.1,A-2301,S1,Dev\t,APP",
    2_400: 'A-2400,Story 2400,Story,Done,"",3,KR1.1,A-2351,S1,Dev,APP',
    2_600: "A-2600,Story 2600,Story,To Do,todo,3,  ,A-2551,S1,Dev,APP",
    2_700: "A-2700,Story 2700,Story,To Do,todo,3,KR1.1,A-2651,S1,Dev,\x1fAPP",
    2_800: "A-2800,Story 2800,Story,To Do,todo, 5 ,KR1.1,A-2751,S1,Dev,APP",
    2_900: "A-2900,Story 2900,Story,To Do,todo,3,KR1.1,A-2851,,Dev,APP",  # in no sprint
    2_901: "A-2901,Story 2901,Story,To Do,todo,3,KR1.1,A-2851,S\x1f2,Dev,APP",
}
WIDE_ODD_ROWS = {  # not ASCII: whitespace that starts or ends with a byte over 127
    1_500: "A-1500,Story 1500,Story,To Do,todo,3,KR1.1,A-1451,S1\u00a0,Dev,APP",
    1_600: "A-1600,Story 1600,\u3000Story,To Do,todo,3,KR1.1,A-1551,S1,Dev,APP",
    1_700: "A-1700,Story 1700,Story,To Do,todo,3,KR1.1\u2003,A-1651,S1,Dev,APP",
}
PARENT_ROWS = {  # a parent outside the export; a parent named by a key no item has
    2_222: "A-2222,Story 2222,Story,To Do,todo,3,KR1.1,B-7,S1,Dev,APP",
    2_223: "A-2223,Story 2223,Story,To Do,todo,3,KR1.1,B-7,S1,Dev,APP",
}
JIRA_MANY = "Summary,Issue key,Issue id,Issue Type,Status,Parent id,Parent key,Epic Link,Labels\r\n"


def _jira_many(rows: int = 3_000) -> str:
    """A Server/Data Center export whose parents are ids, but for one row whose parent is
    outside the export (named by its `Parent key`) and two named by Epic Link keys, one of
    an item of the export and one not."""
    lines = []
    for n in range(1, rows + 1):
        epic = n - (n - 1) % 50
        parent = ("", "") if epic == n else (str(1000 + epic), f"A-{epic}")
        parent = {1_111: ("99999", "OUT-1")}.get(n, parent)
        link = {2_333: "A-51", 2_444: "GONE-7"}.get(n, "")
        if link:
            parent = ("", "")
        lines.append(f"S {n},A-{n},{1000 + n},Story,To Do,{parent[0]},{parent[1]},{link},okr:KR1.1")
    return JIRA_MANY + "\r\n".join(lines) + "\r\n"


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
    "one odd row in many": _text("odd.csv", _many(ODD_ROWS), "utf-8"),
    "one odd row in many, not ASCII": _text("wide.csv", _many(ODD_ROWS | WIDE_ODD_ROWS), "utf-8"),
    "one odd row in many, with a BOM": _text("bom.csv", _many(ODD_ROWS), "utf-8-sig"),
    "one odd row in many, cp1252": _text(
        "cp.csv", _many(ODD_ROWS | {9: "A-9,Café,,,,,,,,,"}), "cp1252"
    ),
    "a rounded id in many": _text(
        "rounded.csv", _many({2_998: "1.2e+15,Story,Story,To Do,todo,3,KR2.1,A-1,S1,Dev,APP"})
    ),
    "a rounded id in other digits in many": _text(
        "digits.csv", _many({2_998: "١.٢E+١٥,Story,Story,To Do,todo,3,KR2.1,A-1,S1,Dev,APP"})
    ),
    "no link in many": _text("no-links.csv", _many({}).replace(",KR1.1,", ",,"), "utf-8"),
    "a parent outside in many": _text("parents.csv", _many(PARENT_ROWS), "utf-8"),
    "a parent outside in many, jira": _text("jira-many.csv", _jira_many(), "utf-8"),
    "a repeated row in many": _text(
        "repeat.csv", _many({2_999: "A-7,Story 7,Story,To Do,todo,3,KR2.1,A-1,S1,Dev,APP"}), "utf-8"
    ),
    "a repeated id in many, another title": _text(
        "clash.csv", _many({2_999: "A-7,Story 8,Story,To Do,todo,3,KR2.1,A-1,S1,Dev,APP"}), "utf-8"
    ),
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
    assert "_built" not in vars(items)
    whole = tuple(items)
    assert picked == [whole[0], whole[-1], *whole[2:9:3]]
