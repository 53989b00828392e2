"""Natural order (SPEC 9): `APP-9` before `APP-10`, `Sprint 9` before `Sprint 10`.

`natural_key` is the order itself, for the short lists the reports sort; `natural_sort` gives
a whole table the same order with sort columns the engine compares (text and number parts),
so that a million keys are never turned into Python tuples one by one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

_DIGITS = re.compile(r"(\d+)")
# The same split for the engine: runs of digits and runs of anything else.
_PARTS = r"\d+|\D+"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts APP-9 before APP-10 and Sprint 9 before Sprint 10."""
    parts = _DIGITS.split(text.casefold())
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


def casefold(column: pl.Series) -> pl.Series:
    """`str.casefold` of every value: the engine's lower case for ASCII text (the same thing),
    Python's casefold for the few distinct values that are not (`ß` -> `ss`)."""
    import polars as pl

    ascii_only = column.str.contains(r"^[\x00-\x7F]*$").fill_null(True)
    lower = column.str.to_lowercase()
    if ascii_only.all():
        return lower
    others = column.filter(~ascii_only).unique().to_list()
    folded = pl.Series(column.name, [v.casefold() for v in others], dtype=pl.String)
    mapped = column.replace_strict(pl.Series(others, dtype=pl.String), folded, default=None)
    return pl.select(pl.when(ascii_only).then(lower).otherwise(mapped)).to_series()


def sort_columns(column: pl.Series) -> pl.DataFrame:
    """Columns whose lexicographic order (nulls first) is `natural_key`'s order.

    Per part of the key: its kind (0 text, 1 number; null past the end, so a shorter key
    comes first as a shorter tuple does), its text, and for a number its digit count and
    digits without leading zeros (the integer's order, whatever its size).
    """
    import polars as pl

    folded = _ascii_digits(casefold(column))
    simple = _simple_sort_columns(folded)
    if simple is not None:
        return simple
    parts = folded.str.extract_all(_PARTS)
    width = len(parts) and int(parts.list.len().max() or 0)  # type: ignore[arg-type]
    frame = pl.DataFrame({"parts": parts})
    columns = []
    for i in range(width):
        part = pl.col("parts").list.get(i, null_on_oob=True)
        number = part.str.contains(r"^\d")
        digits = part.str.strip_chars_start("0")
        columns += [
            number.cast(pl.Int8).alias(f"kind{i}"),
            pl.when(number).then(None).otherwise(part).alias(f"text{i}"),
            pl.when(number).then(digits.str.len_chars()).alias(f"size{i}"),
            pl.when(number).then(digits).alias(f"digits{i}"),
        ]
    return frame.select(columns) if columns else pl.DataFrame()


def natural_sort(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` sorted by `column` in natural order; rows with equal keys keep their order."""
    import polars as pl

    keys = sort_columns(frame[column])
    if not keys.width or not frame.height:
        return frame
    order = keys.select(
        pl.arg_sort_by(keys.columns, nulls_last=False, maintain_order=True).alias("order")
    ).to_series()
    # An export listed in key order (most are) needs no reordering of its wide table.
    if (order == pl.int_range(0, frame.height, eager=True)).all():
        return frame
    return frame[order]


def _ascii_digits(column: pl.Series) -> pl.Series:
    """Every decimal digit as its ASCII digit: `natural_key` reads `٣` as 3 (Python's `int`),
    which the engine's digit counts and text order would not (only the few distinct values
    that hold another script's digits are mapped)."""
    import polars as pl

    other = column.str.contains(r"[\d--0-9]").fill_null(False)
    if not other.any():
        return column
    values = column.filter(other).unique().to_list()
    mapped = ["".join(str(int(c)) if c.isdecimal() else c for c in v) for v in values]
    return column.replace(pl.Series(values, dtype=pl.String), pl.Series(mapped, dtype=pl.String))


def _simple_sort_columns(folded: pl.Series) -> pl.DataFrame | None:
    """`sort_columns` for keys that are all a text (no digit) and a number of at most 18
    ASCII digits, each part optional (`app-123`, `app`, `42`): the number compared as an
    integer; None when a key has another shape."""
    import polars as pl

    if not folded.str.contains(r"^\D*[0-9]{0,18}$").fill_null(False).all():
        return None
    text = folded.str.extract(r"^(\D*)", 1).fill_null("")
    digits = folded.str.extract(r"([0-9]*)$", 1).fill_null("")
    number = digits.cast(pl.UInt64, strict=False)  # "" (no number): None
    has_text, has_number = text != "", digits != ""
    return pl.select(
        # part 0: the text, else the number; part 1: the number after a text
        pl.when(has_text).then(0).when(has_number).then(1).cast(pl.Int8).alias("kind0"),
        pl.when(has_text).then(text).alias("text0"),
        pl.when(~has_text).then(number).alias("number0"),
        pl.when(has_text & has_number).then(1).cast(pl.Int8).alias("kind1"),
        pl.when(has_text).then(number).alias("number1"),
    )
