"""Cells as every rule of the CSV source reads them: stripped as `str.strip` strips, an
empty one None (issue 15).

Stripping copies every cell of a column (a third of a second for a million rows of eleven
columns), and most exports have no cell to strip. So a column is first asked, from a few
aggregates, whether any cell could need it; only such a column is stripped. A cell needs it
when it is empty or when its first or last character is whitespace, and whitespace starts
and ends with few bytes: in ASCII text a byte up to the space (what `str.strip` strips there
is `\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f` and the space), in other UTF-8 text also the first byte
of a character of two bytes or more (`\\xa0`, `\\u3000`...) or the last byte of one. A column
whose least cell is `!` or more, whose last bytes are all over the space, and (unless the file
is ASCII) whose greatest cell and last bytes are ASCII, has no such cell. The test is loose
(`a\\x00` or `é` at an edge makes a column stripped), never wrong: a stripped column is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# What `str.strip()` strips (every character for which `str.isspace()` holds): the
# engine's own notion of whitespace leaves out the four information separators.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The least cell that starts with no whitespace byte (and is not empty), and the least
# cell that starts with a character of two bytes or more (U+0080 is C2 80 in UTF-8).
_FIRST_PRINTABLE = "!"
_FIRST_WIDE = "\u0080"
_SPACE, _FIRST_CONTINUATION = 0x20, 0x80


def untidy(rows: pl.DataFrame, names: Iterable[str], ascii: bool) -> set[str]:
    """The columns among `names` that may hold a cell to strip or an empty cell (never
    leaving one out); `ascii`: the rows' text is ASCII."""
    import polars as pl

    names = list(names)
    checks: list[pl.Expr] = []
    for name in names:
        cell = pl.col(name)
        last = cell.cast(pl.Binary).bin.get(-1, null_on_oob=True)  # no copy: the same bytes
        found = [cell.min() < _FIRST_PRINTABLE, last.min() <= _SPACE]
        if not ascii:
            found += [cell.max() >= _FIRST_WIDE, last.max() >= _FIRST_CONTINUATION]
        # A column of no cell at all has no least cell (None): nothing to strip.
        checks.append(pl.any_horizontal(found).fill_null(False).alias(name))
    if not checks or not rows.height:
        return set()
    flags = rows.select(checks).row(0, named=True)
    return {name for name in names if flags[name]}


def cleaned(rows: pl.DataFrame, names: Iterable[str], ascii: bool) -> pl.DataFrame:
    """The columns `names` of `rows`, each cell stripped as `str.strip` strips, an empty one
    None; a column with no such cell as it is (`untidy`), not copied."""
    import polars as pl

    names = list(names)
    strip = untidy(rows, names, ascii)
    stripped = rows.select(
        pl.col(name).str.strip_chars(WHITESPACE) if name in strip else pl.col(name)
        for name in names
    )
    # Two steps: the engine would strip each cell twice to test and keep it at once.
    return stripped.with_columns(
        pl.when(pl.col(name).str.len_bytes() > 0).then(pl.col(name)).alias(name) for name in strip
    )
