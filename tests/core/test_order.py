"""Natural order over a whole table is `natural_key`'s order (SPEC 9, issue 15).

`natural_sort` orders a million keys with sort columns the engine compares; keys that are a
text and a number (`APP-123`, nearly every export) take shorter columns, and a table already
in order is not reordered. Whatever the keys, the order is Python's stable sort by
`natural_key`.
"""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.core.order import natural_key, natural_rank, natural_sort

TEXT = st.sampled_from(["", "APP-", "app-", "ÄPP-", "straße-", "STRASSE-", "x", "-", " ", "٣"])
NUMBER = st.sampled_from(["", "0", "00", "1", "01", "2", "9", "10", "123456789012345678",
                          "1234567890123456789", "99999999999999999999"])  # fmt: skip
SIMPLE = st.builds(lambda text, number: text + number, TEXT, NUMBER)
ANY = st.one_of(SIMPLE, st.builds(lambda a, b: a + b, SIMPLE, SIMPLE))


def ordered(keys: list[str]) -> list[str]:
    frame = pl.DataFrame(
        {"key": keys, "row": range(len(keys))}, schema_overrides={"key": pl.String}
    )
    return [keys[row] for row in natural_sort(frame, "key")["row"].to_list()]


@settings(max_examples=200, deadline=None)
@given(st.lists(SIMPLE, max_size=30))
def test_keys_of_a_text_and_a_number_sort_in_natural_order(keys: list[str]) -> None:
    assert ordered(keys) == sorted(keys, key=natural_key)


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY, max_size=30))
def test_keys_of_any_shape_sort_in_natural_order(keys: list[str]) -> None:
    assert ordered(keys) == sorted(keys, key=natural_key)


def test_a_table_already_in_order_keeps_its_order() -> None:
    keys = ["APP-1", "APP-2", "APP-10", "app-010", "BUG-3"]
    assert ordered(keys) == keys
    assert ordered(keys[::-1]) == ["APP-1", "APP-2", "app-010", "APP-10", "BUG-3"]


PREFIXED = st.builds(lambda a, b, c: a + b + c, SIMPLE, st.sampled_from(["", "-", "x-", "5x-"]),
                     NUMBER)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(SIMPLE, PREFIXED, ANY), max_size=30))
def test_a_keys_rank_is_its_place_in_natural_order(keys: list[str]) -> None:
    """Equal ranks for keys `natural_key` holds equal, smaller for keys it puts first."""
    rank = natural_rank(pl.Series(keys, dtype=pl.String)).to_list()
    for a, b in itertools.combinations(range(len(keys)), 2):
        ka, kb = natural_key(keys[a]), natural_key(keys[b])
        assert (rank[a] < rank[b], rank[a] == rank[b]) == (ka < kb, ka == kb), (keys[a], keys[b])


def test_keys_whose_prefix_holds_digits_sort_in_natural_order() -> None:
    """Project keys with digits (`P1-7`) keep the one-number rank; a prefix that begins
    another's (`app-` and `app-5x-`) is ordered by the sort columns."""
    keys = ["P10-1", "P1-10", "p1-7", "P1-", "", "5", "P2-3", "app-7", "app-5x-3", "app-"]
    assert ordered(keys) == sorted(keys, key=natural_key)
    assert ordered(keys[:7]) == sorted(keys[:7], key=natural_key)
