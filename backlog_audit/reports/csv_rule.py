"""The one rule for every CSV this tool writes: the CSV report and `history --format csv`.

RFC 4180: fields separated by commas, every record ended by CRLF, and a field quoted (its
quotes doubled) when it holds a comma, a quote, a carriage return or a line feed. Python's
`csv` module with `lineterminator="\\n"` quoted a field with a line feed but not one with a
bare carriage return, which spreadsheet programs also take for a line end: a title holding
`\\r=cmd|' /C calc'!A0` split its row, and the second half began with a live formula.

And spreadsheet-safe (SPEC 10): text that starts like a formula (`=`, `+`, `-`, `@`, tab,
carriage return) is written as text, prefixed with `'`, and quoted. Numbers are written as
numbers, never quoted (a negative coverage change stays a number).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from backlog_audit.reports.interface import FORMULA_START, engine_class, looks_like_formula

if TYPE_CHECKING:
    import polars as pl

__all__ = ["RECORD_END", "field", "number_fields", "table", "text_fields"]

RECORD_END = "\r\n"
_QUOTED_WHEN = (",", '"', "\r", "\n")


def field(value: Any) -> str:
    """One field as written: empty for None, NaN and infinity; text defused and quoted."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if not isinstance(value, str):
        return str(value)
    quote = looks_like_formula(value)
    text = "'" + value if quote else value
    if quote or any(mark in text for mark in _QUOTED_WHEN):
        return '"' + text.replace('"', '""') + '"'
    return text


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header record and one record per row, every record ended by CRLF."""
    records = [header, *rows]
    return "".join(",".join(field(value) for value in record) + RECORD_END for record in records)


def text_fields(column: pl.Expr) -> pl.Expr:
    """`field` of every value of a text column, by the engine (issue 15): the same rule."""
    import polars as pl

    formula = column.str.contains(FORMULA_START)
    # The quote a formula gets holds none of these marks: the value's own are what count.
    marked = column.str.contains(engine_class(_QUOTED_WHEN))
    doubled = column.str.replace_all('"', '""', literal=True)
    prefix = pl.when(formula).then(pl.lit("'")).otherwise(pl.lit(""))
    quoted = pl.concat_str(pl.lit('"'), prefix, doubled, pl.lit('"'))
    return (
        pl.when(column.is_null())
        .then(pl.lit(""))
        .when(formula | marked)
        .then(quoted)
        .otherwise(column)
    )


def number_fields(column: pl.Series) -> pl.Series:
    """`field` of every value of a number column: Python's own text, once per distinct value."""
    import polars as pl

    values = column.drop_nulls().unique()
    texts = pl.Series([field(v) for v in values.to_list()], dtype=pl.String)
    mapped = column.replace_strict(values, texts, default=None, return_dtype=pl.String)
    return mapped.fill_null("")
