"""The JSON report's `items` entries, encoded by the engine column by column (issue 15).

A million items as Python dicts through `json` cost seconds; the same text is built from the
items table (`table.ItemTable.frame`) by engine expressions (`json_cells`) that escape exactly
as Python's `json` does with `ensure_ascii=False` (`tests/reports/test_json_rows.py` checks
every control character), with the separators `json.py` uses (`", "`, `": "`). Points are
written by Python's own float repr, once per distinct value; NaN and infinities as null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from backlog_audit.model import ItemResult
from backlog_audit.reports.ahead import ahead
from backlog_audit.reports.json_cells import Line, ListShape, TextShape, shapes
from backlog_audit.reports.json_cells import encoded_text as _text
from backlog_audit.table import ITEM_COLUMNS, ItemTable, item_schema

if TYPE_CHECKING:
    import polars as pl

_LISTS = ("sprints", "references", "key_results", "objectives")


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
# Slices of 10,000 (about 4 MB of JSON) cost less than larger ones: the engine's copies of
# a slice's text stay in the processor's cache (measured: docs/benchmarks.md).
_ROWS_PER_CHUNK = 10_000
# The item columns that are texts, and the slice shapes' row expressions built so far.
_TEXTS = tuple(name for name in ITEM_COLUMNS if name != "points" and name not in _LISTS)
# Columns whose values repeat from item to item: checked once per distinct value (`shapes`).
_REPEATED = frozenset(("type", "status", "status_category", "sprint", "assignee", "parent",
                       "link_state", "inherited_from"))  # fmt: skip
_LINES: dict[tuple[tuple[TextShape, ...], tuple[ListShape, ...]], pl.Expr] = {}


def item_lines(items: Sequence[ItemResult]) -> pl.Series:
    """Each item's JSON object on one line, in report order."""
    return _lines(ItemTable.of(items).frame)


def _lines(frame: pl.DataFrame) -> pl.Series:
    """Each row's JSON object on one line."""
    shape = shapes(frame, _TEXTS, _LISTS, _REPEATED)
    line = _LINES.get(shape)
    if line is None:
        line = _LINES[shape] = _line(*shape)
    with_points = frame.with_columns(_number(frame["points"]).alias("_points"))
    return with_points.select(line.alias("item")).to_series()


def _line(texts: tuple[TextShape, ...], lists: tuple[ListShape, ...]) -> pl.Expr:
    """The expression of an item's line for a slice of this shape."""
    import polars as pl

    text_shapes = dict(zip(_TEXTS, texts, strict=True))
    list_shapes = dict(zip(_LISTS, lists, strict=True))
    schema = item_schema()
    line = Line()
    for n, name in enumerate(ITEM_COLUMNS):
        line.literal(("{" if n == 0 else ", ") + json.dumps(name) + ": ")
        if name == "points":
            line.value(pl.col("_points"))
        elif name in list_shapes:
            line.texts(name, list_shapes[name])
        else:
            assert schema[name] == pl.String(), name
            line.text(name, text_shapes[name])
    line.literal("}")
    return line.expr()


def items_chunks(items: Sequence[ItemResult], inner: str, pad: str) -> Iterator[bytes]:
    """The `items` list as `json.py` lays out lists (one entry per line), as UTF-8 bytes in
    pieces: slices of `_ROWS_PER_CHUNK` items, encoded in worker threads while the ones
    before are written (`ahead`), each reaching the writer as the bytes the engine made."""
    table = ItemTable.of(items)
    if not len(table):
        yield b"[]"
        return
    between = ",\n" + inner
    starts = range(0, len(table), _ROWS_PER_CHUNK)
    for n, body in enumerate(ahead(partial(_joined, table, between=between), starts)):
        yield ("[\n" + inner if n == 0 else between).encode()
        yield body
    yield ("\n" + pad + "]").encode()


def _joined(table: ItemTable, start: int, between: str) -> bytes:
    """The lines of the table's rows from `start` (a slice, laid out now: the whole table
    is never copied) with `between` between them, as UTF-8 bytes: the engine's own, never
    decoded into a Python string and encoded again."""
    import polars as pl

    frame = table.rows(start, _ROWS_PER_CHUNK, ITEM_COLUMNS)  # what a line shows, no more
    body: bytes = _lines(frame).str.join(between).cast(pl.Binary).item()
    return body


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
