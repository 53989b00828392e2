"""The data rows of a table held as columns (`Table.frame`), built as SpreadsheetML by the engine.

`body.row_xml` makes a `<row>` from Python values at about 2 µs a cell: 4 s for a 100,000-item
Items sheet. Here each column becomes its cells' XML at once with the engine's string
expressions (issue 15), a slice of rows at a time, to the same bytes: the same cleaning
(`cells`), formula guard (`interface.looks_like_formula`'s triggers), XML escapes, style ids,
number texts, row heights (`layout`) and hyperlinks (`common.safe_url`, Excel's cap). Python
looks only at the few values the engine cannot judge alone: text long enough to be cut, cells
that may wrap to several lines, and links that are not plain printable ASCII.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from backlog_audit.reports.common import MAX_URL_CHARS, safe_url
from backlog_audit.reports.interface import FORMULA_START, engine_class
from backlog_audit.reports.xlsx import cells
from backlog_audit.reports.xlsx.body import (
    LETTERS,
    NUMBER_CLOSE,
    NUMBER_OPEN,
    ROW_HEIGHT,
    STRING_CLOSE,
    STRING_OPEN,
    STYLE,
    XML_ESCAPES,
    Body,
)
from backlog_audit.reports.xlsx.layout import (
    Layout,
    height_of,
    line_count,
    one_line_chars,
    surely_one_line,
)
from backlog_audit.reports.xlsx.tables import LINK

if TYPE_CHECKING:
    import polars as pl

_ROWS_PER_SLICE = 10_000
# A URL of printable ASCII after http(s):// is one `safe_url` keeps as it is.
# (Spelled out: the engine's case-insensitive match would take the long s "ſ" for an s.)
_PLAIN_URL = r"^[hH][tT][tT][pP][sS]?://[\x21-\x7E]*$"
_ROW, _LINKED = "_row", "_linked"
_ESCAPED = engine_class(tuple(mark for mark, _entity in XML_ESCAPES))


def rows_xml(body: Body) -> Iterator[str]:
    """The table's data rows from sheet row 2 on, in chunks; its links go to `body.links`."""
    import polars as pl

    table = body.table
    frame = table.frame
    assert frame is not None
    width = len(table.columns)
    extra: list[pl.Expr | pl.Series] = [
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).cast(pl.String).alias(_ROW),
        _heights(frame, table.layout).alias("_height"),
    ]
    targets = _targets(frame, body.key_index)
    frame = frame.select(pl.all().exclude(LINK)).with_columns(*extra, targets.alias(LINK))
    frame = frame.with_columns(_linked(frame, body.key_index).alias(_LINKED))
    for start in range(0, frame.height, _ROWS_PER_SLICE):
        part = frame.slice(start, _ROWS_PER_SLICE)
        columns = [_cleaned(part[:, index]) for index in range(width)]
        row = [pl.lit('<row r="'), pl.col(_ROW), pl.lit('"'), pl.col("_height"), pl.lit(">")]
        row += [_cell_expr(body, index, column) for index, column in enumerate(columns)]
        row.append(pl.lit("</row>"))
        yield str(part.select(pl.concat_str(row).str.join("")).item())
        if body.key_index is not None:
            letter = LETTERS[body.key_index]
            linked = part.filter(pl.col(_LINKED))
            refs = (letter + row_n for row_n in linked[_ROW].to_list())
            body.links.extend(zip(refs, linked[LINK].to_list(), strict=True))


def _cleaned(column: pl.Series) -> pl.Series:
    """Text as `cells.clean_text` leaves it (numbers as they are)."""
    import polars as pl

    if column.dtype != pl.String:
        return column
    # Most columns hold no refused character: they are left as they are, without a pass.
    cleaned = column
    if column.str.contains(cells.ENGINE_ILLEGAL).any():
        cleaned = column.str.replace_all(cells.ENGINE_ILLEGAL, "")
    # Only text over half the cap can be over it (a character counts at most twice).
    long = cleaned.str.len_chars() > cells.MAX_CELL_CHARS // 2
    if long.any():
        at = long.arg_true()
        cleaned = cleaned.scatter(at, [cells.clean_text(v) for v in cleaned.gather(at)])
    return cleaned


def _style(ids: int | pl.Expr) -> pl.Expr:
    """The ` s="N"` of a style id, nothing for style 0."""
    import polars as pl

    if isinstance(ids, int):
        return pl.lit(STYLE.format(ids) if ids else "")
    head, tail = STYLE.split("{}")
    attribute = pl.concat_str(pl.lit(head), ids.cast(pl.String), pl.lit(tail))
    return pl.when(ids == 0).then(pl.lit("")).otherwise(attribute)


def _cell_expr(body: Body, index: int, column: pl.Series) -> pl.Expr:
    """Each row's cell of one column, empty where the cell is (`body._cell`'s rules)."""
    import polars as pl

    ids = body.styles
    value = pl.lit(column)
    ref = [pl.lit(f'<c r="{LETTERS[index]}'), pl.col(_ROW), pl.lit('"')]
    if column.dtype == pl.String:
        quoted = column.str.contains(FORMULA_START)
        style: int | pl.Expr = ids.column[index]
        # A column without formula-like text or links keeps one style: no choice per cell.
        if quoted.any():
            style = pl.when(pl.lit(quoted)).then(ids.quoted[index]).otherwise(ids.column[index])
        if index == body.key_index:
            linked = pl.when(pl.lit(quoted)).then(ids.quoted_link).otherwise(ids.link)
            style = pl.when(pl.col(_LINKED)).then(linked).otherwise(style)
        text = value
        if column.str.contains(_ESCAPED).any():
            for mark, entity in XML_ESCAPES:
                text = text.str.replace_all(mark, entity, literal=True)
        cell = pl.concat_str(*ref, _style(style), pl.lit(STRING_OPEN), text, pl.lit(STRING_CLOSE))
        empty = pl.lit(column.is_null() | (column == ""))
    else:
        number = column.cast(pl.Float64)
        fraction = number != number.floor()
        style = pl.when(pl.lit(fraction)).then(ids.fraction[index]).otherwise(ids.column[index])
        shown = pl.lit(_number_texts(column))
        cell = pl.concat_str(*ref, _style(style), pl.lit(NUMBER_OPEN), shown, pl.lit(NUMBER_CLOSE))
        empty = pl.lit(number.is_null() | ~number.is_finite())
    return pl.when(empty).then(pl.lit("")).otherwise(cell)


def _number_texts(column: pl.Series) -> pl.Series:
    """Each number as `repr` writes it (Python's own, once per distinct value)."""
    import polars as pl

    values = column.drop_nulls().unique()
    texts = pl.Series([repr(v) for v in values.to_list()], dtype=pl.String)
    return column.replace_strict(values, texts, default=None, return_dtype=pl.String)


def _heights(frame: pl.DataFrame, layout: Layout) -> pl.Series:
    """Each row's ` ht=...` attribute: `layout.row_height`, counted by Python only for the
    cells that may take more than one line."""
    import polars as pl

    lines = pl.Series([1] * frame.height, dtype=pl.Int64)
    for index, width in layout.wrapped:
        column = frame[:, index]
        if column.dtype != pl.String:
            continue
        maybe = column.str.contains("\n", literal=True) | (
            column.str.len_chars() > one_line_chars(width)
        )
        at = maybe.fill_null(value=False).arg_true()
        # Of those, the engine measures the drawn width: Python counts only what may wrap.
        at = at.filter(~surely_one_line(column.gather(at), width))
        counted = [max(n, line_count(v, width))
                   for n, v in zip(lines.gather(at), column.gather(at), strict=True)]  # fmt: skip
        lines = lines.scatter(at, counted)
    shown = {n: ROW_HEIGHT.format(height_of(n)) for n in lines.unique().to_list() if n > 1}
    texts = lines.replace_strict(list(shown), list(shown.values()), default="",
                                 return_dtype=pl.String)  # fmt: skip
    return texts


def _targets(frame: pl.DataFrame, key_index: int | None) -> pl.Series:
    """Each row's link target (`common.safe_url` of its URL), null when it has none."""
    import polars as pl

    if key_index is None or LINK not in frame.columns:
        return pl.Series([None] * frame.height, dtype=pl.String)
    urls = frame[LINK]
    plain = urls.str.contains(_PLAIN_URL) & (urls.str.len_chars() <= MAX_URL_CHARS)
    targets = pl.select(pl.when(pl.lit(plain)).then(pl.lit(urls))).to_series()
    other = (urls.is_not_null() & ~plain.fill_null(value=False)).arg_true()
    if len(other):
        targets = targets.scatter(other, [safe_url(url) for url in urls.gather(other)])
    return targets


def _linked(frame: pl.DataFrame, key_index: int | None) -> pl.Expr:
    """Rows whose key cell links: a target and a key shown, within Excel's cap on links."""
    import polars as pl

    if key_index is None:
        return pl.lit(value=False)
    key = frame[:, key_index].str.replace_all(cells.ENGINE_ILLEGAL, "")
    candidate = pl.lit(key.is_not_null() & (key != "")) & pl.col(LINK).is_not_null()
    return candidate & (candidate.cum_sum() <= cells.MAX_HYPERLINKS)
