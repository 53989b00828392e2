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

    parts = casefold(column).str.extract_all(_PARTS)
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
    keys = sort_columns(frame[column])
    if not keys.width or not frame.height:
        return frame
    names = [f"_nat{i}" for i in range(keys.width)]
    keyed = frame.hstack(keys.rename(dict(zip(keys.columns, names, strict=True))))
    ordered = keyed.sort(names, nulls_last=False, maintain_order=True)
    return ordered.drop(names)
