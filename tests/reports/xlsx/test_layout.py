"""How a table sheet is laid out: widths, wrapping, line counts and row heights (issue 16)."""

from __future__ import annotations

from backlog_audit.reports.xlsx.layout import (
    FILTER_BUTTON,
    LINE_POINTS,
    MAX_ROW_POINTS,
    header_width,
    height_of,
    lay_out,
    line_count,
    text_width,
)


def test_short_text_takes_one_line() -> None:
    assert line_count("Fix rounding in tax totals", 30) == 1


def test_text_wraps_at_words_into_as_many_lines_as_it_needs() -> None:
    sentence = "Items linked to an objective but to none of its key results. " * 3
    one_line = line_count(sentence, 200)
    narrow = line_count(sentence, 40)
    assert (one_line, narrow) == (1, 4)  # 183 characters, about 50 a line


def test_issue_keys_are_wider_than_prose_of_the_same_length() -> None:
    keys, prose = "APP-101862, APP-101868, APP-101870", "linked to the objective only here"
    assert len(keys) == len(prose) + 1
    assert text_width(keys) > 1.2 * text_width(prose)


def test_a_word_longer_than_the_line_is_split_over_lines() -> None:
    assert line_count("x" * 100, 21) == 5  # about 20 a line


def test_line_breaks_in_the_text_count() -> None:
    assert line_count("one\ntwo\nthree", 30) == 3


def test_row_heights_grow_per_line_up_to_excels_tallest_row() -> None:
    assert height_of(2) == 2 * LINE_POINTS + 2
    assert height_of(1_000) == MAX_ROW_POINTS


def test_a_long_header_over_narrow_numbers_takes_two_lines() -> None:
    assert header_width("Points coverage", 8) < header_width("Points coverage", 30)
    assert header_width("Items", 3) >= len("Items") + FILTER_BUTTON


def test_numbers_are_right_aligned_and_text_after_them_indented() -> None:
    layout = lay_out(
        ["Key", "Points", "Sprint"], ["key", "points", "text"], [16, 50, 24],
        [["APP-1", 5.0, "Sprint 23"]],
    )  # fmt: skip
    assert [(c.numeric, c.indent) for c in layout.columns] == [
        (False, False), (True, False), (False, True),
    ]  # fmt: skip


def test_text_past_its_cap_wraps_and_its_rows_get_heights() -> None:
    rows = [["short"], ["a long title " * 10]]
    layout = lay_out(["Title"], ["text"], [30], rows)
    assert layout.columns[0].wrap and layout.columns[0].width == 30
    assert layout.row_height(rows[0]) is None
    height = layout.row_height(rows[1])
    assert height is not None and height >= 4 * LINE_POINTS


def test_counts_are_measured_with_their_thousands_separators() -> None:
    layout = lay_out(["Items"], ["int"], [50], [[1_234_567]])
    assert layout.columns[0].width >= len("1,234,567") + 2


def test_the_engine_says_one_line_only_where_the_count_says_so() -> None:
    """`surely_one_line` lets the columnar writer skip counting (issue 15): it must never
    call one line what `line_count` counts as more, and should see the plain short cases."""
    import random

    import polars as pl

    from backlog_audit.reports.xlsx.layout import line_count, surely_one_line

    rng = random.Random(15)
    chars = "abcdeghijklmnopWM%@ 0123456789.,ABCé😀\n"
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 80))) for _ in range(5_000)]
    for width in (16.0, 30.0, 62.0):
        said = surely_one_line(pl.Series(texts), width).to_list()
        assert not [
            t for t, one in zip(texts, said, strict=True) if one and line_count(t, width) > 1
        ]
        assert sum(said) > 500
    assert surely_one_line(pl.Series(["Pipeline template picker", "a\nb"]), 62.0).to_list() == [
        True,
        False,
    ]
