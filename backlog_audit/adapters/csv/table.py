"""Reading a CSV export whose headers repeat (Jira's `Labels,Labels,Sprint,Sprint`).

pandas would rename repeats to `Labels.1`; here a repeated header is one multi-value column,
and headers are matched case-insensitively, with `Custom field (NAME)` also answering to NAME.
The rows are one frame of text columns (`records`); the columns a reader needs are
`cleaned` once (each cell stripped of whitespace as `str.strip` does, an empty one None: the
same values for every rule, which strips first; `cleaning`), and a column is read from them
as engine expressions (`value`, `values`).
"""

from __future__ import annotations

import logging
import mmap
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backlog_audit.adapters.csv import cleaning
from backlog_audit.adapters.csv.records import (
    csv_records,
    engine_reads,
    engine_records,
    read_records,
)
from backlog_audit.adapters.csv.sniff import Data, sniff
from backlog_audit.errors import InputError

if TYPE_CHECKING:
    import polars as pl

LOG = logging.getLogger(__name__)

_CUSTOM = re.compile(r"^custom field \((.+)\)$", re.IGNORECASE)


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


def field_name(header: str) -> str:
    """`Custom field (OKR)` -> `okr`; `Labels` -> `labels`."""
    folded = _fold(header)
    match = _CUSTOM.match(folded)
    return match.group(1).strip() if match else folded


@dataclass(frozen=True)
class Row:
    """One data row, read through its table's column index."""

    number: int  # 1-based line of the row in the file's records (header is row 1)
    cells: tuple[str, ...]
    table: Table

    def values(self, column: str) -> tuple[str, ...]:
        """Every non-empty value of a (possibly repeated) column."""
        cells = self.cells
        found = (cells[i].strip() for i in self.table.positions(column) if i < len(cells))
        return tuple(value for value in found if value)

    def value(self, column: str) -> str | None:
        """The first non-empty value of a column, or None."""
        cells = self.cells
        for i in self.table.positions(column):
            if i < len(cells) and (value := cells[i].strip()):
                return value
        return None


@dataclass(frozen=True)
class Table:
    """A CSV export's headers and rows: `frame` holds one text column per header (`c0`,
    `c1`...) and one row per record after the header, blank ones included; `ascii`: its
    text is all ASCII."""

    path: str
    headers: tuple[str, ...]
    frame: pl.DataFrame
    ascii: bool = False
    _positions: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def positions(self, column: str) -> tuple[int, ...]:
        """Indexes of the column: exact header match first, then by field name."""
        hit = self._positions.get(column)
        if hit is None:
            hit = self._positions[column] = self._find(column)
        return hit

    def _find(self, column: str) -> tuple[int, ...]:
        exact = tuple(i for i, h in enumerate(self.headers) if _fold(h) == _fold(column))
        if exact:
            return exact
        name = field_name(column)
        return tuple(i for i, h in enumerate(self.headers) if field_name(h) == name)

    def has(self, column: str) -> bool:
        """Whether the column is present."""
        return bool(self.positions(column))

    def cells(self, column: str) -> list[pl.Expr]:
        """Each cell of a (possibly repeated) column, in a frame of `cleaned` cells."""
        import polars as pl

        return [pl.col(f"c{i}") for i in self.positions(column)]

    def value(self, column: str) -> pl.Expr:
        """The first non-empty value of a column, or None (`Row.value` for every row), in a
        frame of `cleaned` cells."""
        import polars as pl

        cells = self.cells(column)
        if len(cells) == 1:
            return cells[0]
        return pl.coalesce(cells) if cells else pl.lit(None, dtype=pl.String)

    def values(self, column: str) -> pl.Expr:
        """Every non-empty value of a column, as a list (`Row.values` for every row), in a
        frame of `cleaned` cells."""
        import polars as pl

        cells = self.cells(column)
        if not cells:
            return pl.lit([], dtype=pl.List(pl.String))
        if len(cells) == 1:
            # One cell a row: the cell repeated once, or no time when it is None (five times
            # faster than `concat_list`, and no search for a separator no cell holds).
            return cells[0].repeat_by(cells[0].is_not_null().cast(pl.UInt32))
        return pl.concat_list(cells).list.drop_nulls()

    def cleaned(self, columns: Iterable[str], rows: pl.DataFrame | None = None) -> pl.DataFrame:
        """The cells of `columns` (of `rows`, a slice of `frame`), each stripped as
        `str.strip` strips, an empty one None (`cleaning.cleaned`)."""
        rows = self.frame if rows is None else rows
        names = sorted({i for column in columns for i in self.positions(column)})
        return cleaning.cleaned(rows, [f"c{i}" for i in names], self.ascii)

    def with_cells(self, cells: pl.DataFrame) -> Table:
        """The table with the columns of `cells` (`c0`, `c1`... as `cleaned` gives them) in
        place of its own: the cells as written are no longer held."""
        frame = self.frame.with_columns(cells)
        return Table(self.path, self.headers, frame, self.ascii, self._positions)

    def __len__(self) -> int:
        """The records after the header, blank ones included."""
        return self.frame.height

    def __iter__(self) -> Iterator[Row]:
        """The rows that are not blank, one by one (for samples and small checks)."""
        for number, cells in enumerate(self.frame.iter_rows(), start=2):
            texts = tuple(text or "" for text in cells)
            if any(text.strip() for text in texts):
                yield Row(number, texts, self)


def read_table(path: str) -> Table:
    """Read a CSV export: any encoding and separator a spreadsheet writes (`sniff`),
    multi-line cells allowed; a JSON file is refused with what it is."""
    try:
        with _mapped(path) as raw:
            records, delimiter, ascii = _checked(path, raw)
        # The map is closed first: the engine maps the file itself, and two maps of it
        # would count its size twice in the peak memory.
        if records is None:
            records = engine_records(Path(path).absolute(), delimiter)
        if records is None:  # refused: `csv` reads the file (rare, and small)
            with _mapped(path) as raw:
                sniffed = sniff(path, raw)
                records = csv_records(path, sniffed.data, sniffed.delimiter)
                del sniffed
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read CSV: {exc.strerror or exc}") from None
    header = records.row(0) if records.height else ()
    headers = tuple((text or "").strip() for text in header)
    return Table(path, headers, records.slice(1), ascii)


def _checked(path: str, raw: Data) -> tuple[pl.DataFrame | None, str, bool]:
    """The records (None: the engine is to read the file itself, absolutely named, since it
    would expand a leading `~`), the separator, and whether the text is ASCII. Its own
    function: the views of the mapped file it makes are gone when it returns."""
    sniffed = sniff(path, raw)
    LOG.info("%s: %s", path, sniffed.describe())
    # A pipe is read once (it is not mapped): the engine cannot read it again.
    if sniffed.as_written and isinstance(raw, memoryview):
        if engine_reads(sniffed.data, sniffed.delimiter):
            return None, sniffed.delimiter, sniffed.ascii
        records = csv_records(path, sniffed.data, sniffed.delimiter)
    else:
        records = read_records(path, sniffed.data, sniffed.delimiter)
    return records, sniffed.delimiter, sniffed.ascii


@contextmanager
def _mapped(path: str) -> Iterator[Data]:
    """The file's bytes, mapped into memory (not read: a large export is checked where it
    lies, and the engine reads the file itself); read when it cannot be mapped (an empty
    file, a pipe)."""
    mapped, content = None, b""
    with open(path, "rb") as handle:
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):
            content = handle.read()
    if mapped is None:
        yield content
        return
    view = memoryview(mapped)
    try:
        yield view
    finally:
        view.release()
        # A view still held by an error's traceback keeps the map open: it is freed with it.
        with suppress(BufferError):
            mapped.close()
