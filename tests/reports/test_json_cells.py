"""The items' JSON, encoded by the engine a slice at a time, reads byte for byte as Python's
`json` writes each row: whichever way a slice is encoded (text that needs no escaping written
as it is, or escaped; lists empty, of one entry or more; nulls), every slice is checked.

The oracle is `json.py`'s own compact encoder over the table's rows, laid out one per line.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.reports import json_rows
from backlog_audit.reports.json import _compact
from backlog_audit.table import ITEM_COLUMNS, ItemTable, item_schema

LISTS = ("sprints", "references", "key_results", "objectives")
PLAIN: dict[str, Any] = {name: ([] if name in LISTS else "x") for name in ITEM_COLUMNS}
PLAIN["points"] = 1.0


def table(*changes: dict[str, Any]) -> ItemTable:
    """One row per `changes`: a plain row with those columns changed."""
    rows = [PLAIN | {"key": f"APP-{n}"} | change for n, change in enumerate(changes)]
    schema = item_schema()
    columns = {name: pl.Series(name, [r.get(name) for r in rows], dtype=schema[name])
               for name in schema if name in ITEM_COLUMNS}  # fmt: skip
    return ItemTable(pl.DataFrame(columns), [])


def expected(items: ItemTable) -> bytes:
    """The `items` list as `json.layout` lays it out one level down, from Python's `json`."""
    rows = items.frame.select(ITEM_COLUMNS).to_dicts()
    for row in rows:
        if row["points"] is not None and not math.isfinite(row["points"]):
            row["points"] = None
    if not rows:
        return b"[]"
    return ("[\n    " + ",\n    ".join(map(_compact, rows)) + "\n  ]").encode("utf-8")


def written(items: ItemTable, rows_per_slice: int) -> bytes:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_rows, "_ROWS_PER_CHUNK", rows_per_slice)
        return b"".join(json_rows.items_chunks(items, inner="    ", pad="  "))


# Slices of three rows: in each case one row of the first slice holds the awkward value,
# the second slice has none, the third has it in every row.
AWKWARD_CASES = {
    "a quote in one title": {"title": 'say "hi"'},
    "a backslash": {"title": "C:\\path"},
    "a newline and a tab": {"title": "two\nlines\tand a tab"},
    "every control character": {"title": "".join(map(chr, range(32)))},
    "a NUL alone": {"title": "\x00"},
    "the last control character alone": {"title": "\x1f"},
    "non-ASCII, not escaped": {"title": "é 中 😀 \u2028 \x7f"},
    "an empty text": {"title": "", "assignee": ""},
    "a null text": {"parent": None, "inherited_from": None},
    "an escaped text beside a null": {"parent": 'a"b', "url": None},
    "a list of one awkward entry": {"sprints": ['S"1']},
    "a list of an empty text": {"references": [""]},
    "lists of several entries": {"key_results": ["KR1.1", "KR2.1"], "objectives": ["O1"]},
    "a list of several awkward entries": {"key_results": ["K\\1", "K\n2", ""]},
    "a null entry in a list": {"references": [None, "a"]},
    "a null list": {"objectives": None},
    "points of every kind": {"points": 1e-09},
    "no points": {"points": None},
    "infinite points": {"points": math.inf},
}


@pytest.mark.parametrize("change", list(AWKWARD_CASES.values()), ids=list(AWKWARD_CASES))
def test_one_awkward_row_in_a_slice_is_written_as_pythons_json_writes_it(
    change: dict[str, Any],
) -> None:
    plain: dict[str, Any] = {}
    items = table(plain, change, plain, plain, plain, plain, change, change, change)
    assert written(items, rows_per_slice=3) == expected(items)


def test_every_shape_of_list_in_one_slice() -> None:
    items = table(
        {"sprints": []},
        {"sprints": ["S1"]},
        {"sprints": ["S1", "S2"]},
        {"sprints": ["", 'q"']},
        {"sprints": ["only"]},
    )
    assert written(items, rows_per_slice=5) == expected(items)
    assert written(items, rows_per_slice=1) == expected(items)


def test_a_slice_of_nulls_only_and_an_empty_table() -> None:
    items = table({"url": None, "parent": None}, {"url": None, "parent": None}, {"url": "u"})
    assert written(items, rows_per_slice=2) == expected(items)
    assert written(table(), rows_per_slice=2) == b"[]"


TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(["a", "é", '"', "\\", "\n", "\x00", "\x1f", " ", "😀"])),
)
ROW = st.fixed_dictionaries(
    {
        "title": TEXT,
        "parent": TEXT,
        "sprints": st.lists(st.text(alphabet='ab"\\\x01 '), max_size=3),
        "references": st.lists(st.one_of(st.none(), st.text(alphabet='a"')), max_size=2),
        "points": st.one_of(st.none(), st.sampled_from([0.0, 0.5, 3.0, 1e16, -1e-09, math.inf])),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, max_size=9), rows_per_slice=st.integers(min_value=1, max_value=4))
def test_any_table_in_any_slices_reads_as_pythons_json(
    rows: list[dict[str, Any]], rows_per_slice: int
) -> None:
    items = table(*rows)
    assert written(items, rows_per_slice) == expected(items)
