"""JSON values of a table's cells as engine expressions, written as Python's `json` writes them.

The JSON report's items (`json_rows`) are encoded by the engine a slice of rows at a time.
Nearly all text needs no escaping (no quote, backslash or control character): such a column is
written between two quotes as it is, the quotes merged into the literal text around it, so a
row costs one concatenation of its cells. A column that holds one of those characters in the
slice is escaped by one pass of the engine's multi-pattern replace, with the table Python's own
`json` module gives: with `ensure_ascii=False` it escapes these 34 characters and nothing else.

What a slice needs is measured first, for all of its columns in one query (`shapes`); the
row's expression for that shape is then built once (`Line`) and kept by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import polars as pl

# The characters JSON text cannot hold as they are, and how Python's `json` writes each
# (`\"`, `\\`, `\n`, `\u0000`...): the one table both the check and the escaping read.
_SPECIAL = ("\\", '"', *map(chr, range(32)))
_ESCAPED = tuple(json.dumps(c, ensure_ascii=False)[1:-1] for c in _SPECIAL)
NEEDS_ESCAPING = r'[\x00-\x1f"\\]'


class TextShape(NamedTuple):
    """What a slice's text column needs."""

    escape: bool  # some value holds a character JSON escapes
    nulls: bool  # some value is null
    all_null: bool  # every value is null: the column is the literal `null`


class ListShape(NamedTuple):
    """What a slice's column of lists of texts needs."""

    escape: bool  # some entry holds a character JSON escapes
    longest: int  # the most entries one list has
    irregular: bool  # a null list or a null entry: left to the engine's JSON encoder


def shapes(
    frame: pl.DataFrame,
    texts: Sequence[str],
    lists: Sequence[str],
    repeated: Collection[str] = (),
) -> tuple[tuple[TextShape, ...], tuple[ListShape, ...]]:
    """The shape of each text column and each list column of `frame`, from one query.

    The columns named in `repeated` (and every list's entries) are checked once per distinct
    value: a status or a sprint repeats on thousands of rows, and finding the distinct
    values costs the engine less than a pattern match on every row. A key is not repeated.
    """
    import polars as pl

    def needs_escaping(values: pl.Expr, distinct: bool) -> pl.Expr:
        return (values.unique() if distinct else values).str.contains(NEEDS_ESCAPING).any()

    checks = [needs_escaping(pl.col(name), name in repeated) for name in texts]
    for name in lists:
        entries = pl.col(name).explode(empty_as_null=False, keep_nulls=False)
        checks += [
            needs_escaping(entries, distinct=True),
            pl.col(name).list.len().max(),
            entries.null_count(),
        ]
    # Named by position: a list column is checked three ways.
    found = frame.select(c.alias(str(n)) for n, c in enumerate(checks)).row(0) if checks else ()
    text_shapes = tuple(
        TextShape(
            escape=bool(found[n]),
            nulls=frame[name].null_count() > 0,
            all_null=frame[name].null_count() == frame.height,
        )
        for n, name in enumerate(texts)
    )
    list_shapes = []
    for n, name in enumerate(lists):
        escape, longest, null_entries = found[len(texts) + 3 * n : len(texts) + 3 * n + 3]
        list_shapes.append(
            ListShape(
                escape=bool(escape),
                longest=int(longest or 0),
                irregular=bool(null_entries) or frame[name].null_count() > 0,
            )
        )
    return text_shapes, tuple(list_shapes)


def _escaped(value: pl.Expr, escape: bool) -> pl.Expr:
    """`value` as the text between a JSON string's quotes."""
    return value.str.replace_many(list(_SPECIAL), list(_ESCAPED)) if escape else value


def encoded_text(value: pl.Expr) -> pl.Expr:
    """Any text column as JSON (a string literal, or null) by the engine's own encoder: the
    way for what `shapes` calls irregular."""
    import polars as pl

    encoded = pl.struct(value.alias("v")).struct.json_encode()
    return encoded.str.slice(len('{"v":')).str.strip_suffix("}")


class Line:
    """One JSON object per row, its parts added in order; literal text next to literal text
    is merged, so that the engine concatenates as few pieces as it can."""

    def __init__(self) -> None:
        self._parts: list[pl.Expr] = []
        self._text = ""

    def literal(self, text: str) -> None:
        """Add text that is the same on every row."""
        self._text += text

    def value(self, expr: pl.Expr) -> None:
        """Add a column's JSON text (never null)."""
        import polars as pl

        if self._text:
            self._parts.append(pl.lit(self._text))
            self._text = ""
        self._parts.append(expr)

    def text(self, name: str, shape: TextShape) -> None:
        """Add a text column: a JSON string, or `null`."""
        import polars as pl

        value = _escaped(pl.col(name), shape.escape)
        if shape.all_null:
            self.literal("null")
        elif not shape.nulls:
            self.literal('"')
            self.value(value)
            self.literal('"')
        else:
            self.value(pl.concat_str(pl.lit('"'), value, pl.lit('"')).fill_null(pl.lit("null")))

    def texts(self, name: str, shape: ListShape) -> None:
        """Add a column of lists of texts: `["a", "b"]`, with `", "` between entries."""
        import polars as pl

        column = pl.col(name)
        if shape.irregular:
            entries = column.list.eval(encoded_text(pl.element())).list.join(", ")
            listed = pl.concat_str(pl.lit("["), entries, pl.lit("]"))
            self.value(listed.fill_null(pl.lit("null")))
        elif shape.longest == 0:
            self.literal("[]")
        elif shape.longest == 1:
            # The first entry of an empty list is null: the list is written `[]`.
            first = _escaped(column.list.first(), shape.escape)
            self.value(pl.concat_str(pl.lit('["'), first, pl.lit('"]')).fill_null(pl.lit("[]")))
        else:
            if shape.escape:
                column = column.list.eval(_escaped(pl.element(), escape=True))
            joined = pl.concat_str(pl.lit('["'), column.list.join('", "'), pl.lit('"]'))
            self.value(pl.when(column.list.len() > 0).then(joined).otherwise(pl.lit("[]")))

    def expr(self) -> pl.Expr:
        """The whole row's JSON text."""
        import polars as pl

        parts = [*self._parts, pl.lit(self._text)] if self._text else self._parts
        return pl.concat_str(parts)
