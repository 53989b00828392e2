"""The JSON report's `items` entries, encoded by the engine column by column (issue 15).

A million items as Python dicts through `json` cost seconds; the same text is built from the
items table (`table.ItemTable.frame`) with the engine's JSON string encoder, which escapes
exactly as Python's `json` does with `ensure_ascii=False` (`tests/reports/test_json_rows.py`
checks every control character), and the separators `json.py` uses (`", "`, `": "`). Points
are written by Python's own float repr, once per distinct value; NaN and infinities as null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from backlog_audit.model import ItemResult
from backlog_audit.table import ITEM_COLUMNS, ItemTable, item_schema

if TYPE_CHECKING:
    import polars as pl

_LISTS = ("sprints", "references", "key_results", "objectives")


def _text(value: pl.Expr) -> pl.Expr:
    """A text column as JSON: a string literal, or null."""
    import polars as pl

    encoded = pl.struct(value.alias("v")).struct.json_encode()
    return encoded.str.slice(len('{"v":')).str.strip_suffix("}")


def _texts(column: str) -> pl.Expr:
    """A list of texts as JSON with `", "` between entries."""
    import polars as pl

    parts = pl.col(column).list.eval(_text(pl.element())).list.join(", ")
    return pl.concat_str(pl.lit("["), parts, pl.lit("]"))


def _number(column: pl.Series) -> pl.Series:
    """Floats as Python's `json` writes them (`3.0`, `1e-09`), null when not finite."""
    import polars as pl

    values = column.drop_nulls().unique().to_list()
    texts = [json.dumps(v) if math.isfinite(v) else "null" for v in values]
    mapped = column.replace_strict(
        pl.Series(values, dtype=pl.Float64), pl.Series(texts, dtype=pl.String), default="null"
    )
    return mapped.fill_null("null")


# Items encoded and written at a time: the text of a million items is never one string.
_ROWS_PER_CHUNK = 20_000


def item_lines(items: Sequence[ItemResult]) -> pl.Series:
    """Each item's JSON object on one line, in report order."""
    return _lines(ItemTable.of(items).frame)


def _lines(frame: pl.DataFrame) -> pl.Series:
    """Each row's JSON object on one line."""
    import polars as pl

    schema = item_schema()
    parts: list[pl.Expr] = []
    for n, name in enumerate(ITEM_COLUMNS):
        parts.append(pl.lit(("{" if n == 0 else ", ") + json.dumps(name) + ": "))
        if name == "points":
            parts.append(pl.col("_points"))
        elif name in _LISTS:
            parts.append(_texts(name))
        else:
            assert schema[name] == pl.String(), name
            parts.append(_text(pl.col(name)))
    parts.append(pl.lit("}"))
    with_points = frame.with_columns(_number(frame["points"]).alias("_points"))
    return with_points.select(pl.concat_str(parts).alias("item")).to_series()


def items_array(items: Sequence[ItemResult], inner: str, pad: str) -> str:
    """The `items` list laid out as `json.py` lays out lists: one entry per line."""
    return "".join(items_chunks(items, inner, pad))


def items_chunks(items: Sequence[ItemResult], inner: str, pad: str) -> Iterator[str]:
    """`items_array`'s text in pieces, each encoded when asked for (`_ROWS_PER_CHUNK` items)."""
    frame = ItemTable.of(items).frame
    if not frame.height:
        yield "[]"
        return
    for start in range(0, frame.height, _ROWS_PER_CHUNK):
        lines = _lines(frame.slice(start, _ROWS_PER_CHUNK))
        lead = "[\n" if start == 0 else ",\n"
        yield lead + inner + str(lines.str.join(",\n" + inner).item())
    yield "\n" + pad + "]"


def records_array(columns: Mapping[str, pl.Series], inner: str, pad: str) -> str:
    """A list of flat records (text and integer fields, in the order of `columns`) laid out
    as `json.layout` lays out a list one level down: the dangling links of a million items
    (400,000) encoded by the engine rather than one `json` call each."""
    import polars as pl

    frame = pl.DataFrame(dict(columns))
    if not frame.height:
        return "[]"
    parts: list[pl.Expr] = []
    for n, (name, column) in enumerate(columns.items()):
        parts.append(pl.lit(("{" if n == 0 else ", ") + json.dumps(name) + ": "))
        value = pl.col(name)
        if column.dtype == pl.String:
            parts.append(_text(value))
        else:
            assert column.dtype.is_integer(), name
            parts.append(value.cast(pl.String).fill_null("null"))
    parts.append(pl.lit("}"))
    lines = frame.select(pl.concat_str(parts)).to_series()
    return "[\n" + inner + str(lines.str.join(",\n" + inner).item()) + "\n" + pad + "]"
