"""Cells are read stripped as `str.strip` strips, an empty one None; a column is stripped
only when a cell may need it (issue 15), and no such cell is ever left out."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.adapters.csv.cleaning import WHITESPACE, cleaned, untidy

# Whitespace and what looks like it at a byte's glance: a control character, a letter of two
# bytes whose last byte is a continuation byte, one that starts with E2 as many spaces do.
PIECES = ["a", "Z", "é", "—", "€", "\x00", "\x1f", "\u3000", "\xa0", "\x85", " ", "\t", "\r\n"]
CELLS = st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))


def column(cells: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"c0": cells}, schema={"c0": pl.String})


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30))
def test_cells_are_stripped_as_python_strips_them(cells: list[str | None]) -> None:
    ascii = all(cell is None or cell.isascii() for cell in cells)
    expected = [None if cell is None else cell.strip() or None for cell in cells]
    assert cleaned(column(cells), ["c0"], ascii)["c0"].to_list() == expected


@pytest.mark.parametrize("space", list(WHITESPACE), ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
@pytest.mark.parametrize("where", ["leading", "trailing"])
def test_one_cell_with_whitespace_among_many_makes_its_column_stripped(
    space: str, where: str
) -> None:
    cells: list[str | None] = [f"Story {n}" for n in range(5_000)]
    cells[3_217] = f"{space}Story" if where == "leading" else f"Story{space}"
    rows = column(cells)
    assert untidy(rows, ["c0"], ascii=space.isascii()) == {"c0"}
    assert cleaned(rows, ["c0"], space.isascii())["c0"][3_217] == "Story"


@pytest.mark.parametrize("odd", ["", " ", "\u3000"])
def test_an_empty_or_blank_cell_among_many_becomes_none(odd: str) -> None:
    cells: list[str | None] = ["KR1.1"] * 5_000
    cells[4_999] = odd
    rows = column(cells)
    assert untidy(rows, ["c0"], ascii=odd.isascii()) == {"c0"}
    assert cleaned(rows, ["c0"], odd.isascii())["c0"][4_999] is None


@pytest.mark.parametrize("ascii", [True, False])
def test_a_column_with_no_cell_to_strip_is_left_as_it_is(ascii: bool) -> None:
    # (Not ASCII: letters within cells; one at an edge would make the column stripped.)
    text = ["A-1", "Story 2", "x", None, "!", "~"] + ([] if ascii else ["naïve x", "a – b"])
    rows = pl.DataFrame(
        {"c0": text, "c1": [None] * len(text)}, schema=dict.fromkeys(["c0", "c1"], pl.String)
    )
    assert untidy(rows, ["c0", "c1"], ascii) == set()
    assert cleaned(rows, ["c0", "c1"], ascii).equals(rows)
