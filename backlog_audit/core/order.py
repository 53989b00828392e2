"""Natural order (SPEC 9): `APP-9` before `APP-10`, `Sprint 9` before `Sprint 10`.

`natural_key` is the order itself, for the short lists the reports sort; `natural_rank` gives
every key of a column its place in that order as one number (keys of a text and a number, as
nearly every export has, in one pass; others by sort columns the engine compares), so that a
million keys are never turned into Python tuples one by one; `natural_sort` sorts a table by it.
"""

from __future__ import annotations

import itertools
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
    if not frame.height:
        return frame
    order = rank_order(natural_rank(frame[column]))
    return frame if order is None else frame[order]


def rank_order(rank: pl.Series) -> pl.Series | None:
    """The positions of `rank`'s values in ascending order, equal ones in their order; None
    when they are in order already (an export listed in key order, as most are, needs no
    reordering of its wide table)."""
    import polars as pl

    frame = rank.to_frame("rank")
    order = frame.select(pl.arg_sort_by("rank", maintain_order=True)).to_series()
    if (order == pl.int_range(0, len(rank), eager=True)).all():
        return None
    return order


def natural_rank(column: pl.Series) -> pl.Series:
    """Each value's place in natural order (UInt64): equal for keys `natural_key` holds
    equal (`APP-1`, `app-01`), smaller for keys it puts first.

    One number per key lets the audit order its items, and its bad links by the key that
    carries them, with one sort of one number column, keys read once for both.
    """
    import polars as pl

    simple = _simple_rank(column)
    if simple is not None:
        return simple
    keys = sort_columns(column)
    if not keys.width:  # no key has a part: every key is ""
        return pl.Series(column.name, [0] * len(column), dtype=pl.UInt64)
    order = keys.select(
        pl.arg_sort_by(keys.columns, nulls_last=False, maintain_order=True)
    ).to_series()
    # Down the sorted keys, a new rank wherever a key differs from the one before.
    ordered = keys[order]
    differs = pl.any_horizontal(pl.col(name).ne_missing(pl.col(name).shift(1))
                                for name in keys.columns)  # fmt: skip
    dense = ordered.select(differs.fill_null(True).cum_sum().cast(pl.UInt64)).to_series()
    rank = pl.Series(column.name, [0] * len(column), dtype=pl.UInt64)
    return rank.scatter(order, dense)


# The bits of a simple key's rank below its prefix's place: room for its number (plus one).
_NUMBER_BITS = 45
# More distinct prefixes than this: the sort columns instead (their order is found in Python).
_MAX_PREFIXES = 10_000


def _simple_rank(column: pl.Series) -> pl.Series | None:
    """`natural_rank` of keys that are a prefix (any text not ending in a digit) and an ASCII
    number below 2**45 - 1, each part optional (`APP-123`, `P1-7`, `app`, `42`, ""), as
    one number: the prefix's place among the distinct prefixes (few: ordered in Python by
    `natural_key`), then the number plus one (0: none). None when a key has another shape,
    or when one prefix's parts begin another's (`app-` and `app-5x-`: `app-7` would then go
    after `app-5x-3`, and the prefix's place alone cannot say so)."""
    import polars as pl

    split = _split(column)
    if split is None:
        return None
    prefix, digits = split
    if len(digits) and (digits.str.len_bytes().max() or 0) > 18:  # type: ignore[operator]
        return None
    number = digits.cast(pl.UInt64, strict=False)  # "" (no number): None
    if len(number) and (number.max() or 0) >= 2**_NUMBER_BITS - 1:
        return None
    places = _prefix_places([prefix] if isinstance(prefix, str) else prefix.unique().to_list())
    if places is None:
        return None
    columns = [number.alias("number")]
    if isinstance(prefix, str):
        place: pl.Expr = pl.lit(places[prefix], dtype=pl.UInt64)
        no_prefix: pl.Expr = pl.lit(prefix == "")
    else:
        columns.append(prefix.alias("prefix"))
        place = pl.col("prefix").replace_strict(
            list(places), list(places.values()), default=0, return_dtype=pl.UInt64
        )
        no_prefix = pl.col("prefix") == ""
    # A bare number goes after every prefix (`_prefix_places`); the empty key first.
    bare = no_prefix & pl.col("number").is_not_null()
    high = pl.when(bare).then(pl.lit(len(places) + 1, pl.UInt64)).otherwise(place)
    value = (pl.col("number") + pl.lit(1, pl.UInt64)).fill_null(0)
    rank = high * pl.lit(2**_NUMBER_BITS, pl.UInt64) + value
    return pl.DataFrame(columns).select(rank.alias(column.name)).to_series()


_ASCII_DIGITS = "0123456789"


def _split(column: pl.Series) -> tuple[str | pl.Series, pl.Series] | None:
    """Each key's prefix (one text when every key has the same) and its trailing ASCII
    digits ("": none); None when a key is null."""
    import polars as pl

    if column.null_count():
        return None
    # Most exports have one prefix: checked by comparing each key's start (no search).
    head = str(column[0]).rstrip(_ASCII_DIGITS) if len(column) else ""
    if column.str.starts_with(head).all():
        digits = column.str.slice(len(head))
        if digits.str.contains(r"^[0-9]*$").all():
            return head, digits
    key = pl.col("key")
    prefix = key.str.strip_chars_end(_ASCII_DIGITS)
    frame = column.to_frame("key").select(
        prefix.alias("prefix"), key.str.slice(prefix.str.len_chars()).alias("digits")
    )
    return frame["prefix"], frame["digits"]


def _prefix_places(prefixes: list[str]) -> dict[str, int] | None:
    """Each prefix's place (1, 2...; prefixes of equal `natural_key` alike; "" 0), or None
    when places cannot order the keys: a prefix whose parts begin another's, more than
    _MAX_PREFIXES of them, a prefix ending in a digit (a number past 18 digits), a bare
    number beside a prefix that begins with one."""
    if len(prefixes) > _MAX_PREFIXES or any(_DIGIT_END.search(p) for p in prefixes):
        return None
    try:
        keys = {p: natural_key(p) for p in prefixes if p}
    except ValueError:  # a part `int` cannot read (a superscript digit alone)
        return None
    if "" in prefixes and any(key[0][0] == 1 for key in keys.values()):
        return None
    ordered = sorted(set(keys.values()))
    for shorter, longer in itertools.pairwise(ordered):
        if longer[: len(shorter)] == shorter:
            return None
    place = {key: n for n, key in enumerate(ordered, start=1)}
    return {p: place[keys[p]] if p else 0 for p in prefixes}


_DIGIT_END = re.compile(r"\d\Z")


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
