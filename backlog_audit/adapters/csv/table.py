"""Reading a CSV export whose headers repeat (Jira's `Labels,Labels,Sprint,Sprint`).

pandas would rename repeats to `Labels.1`; here a repeated header is one multi-value column,
and headers are matched case-insensitively, with `Custom field (NAME)` also answering to NAME.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from backlog_audit.adapters.csv.sniff import sniff
from backlog_audit.errors import InputError

LOG = logging.getLogger(__name__)

_MAX_CELL = 2**31 - 1
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
    """A CSV export's headers and rows."""

    path: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
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

    def __iter__(self) -> Iterator[Row]:
        for number, cells in enumerate(self.rows, start=2):
            if any(cell.strip() for cell in cells):
                yield Row(number, cells, self)


def _records(path: str, text: str, delimiter: str) -> list[list[str]]:
    """Every record; exit 2 naming the line of a quoted field that is never closed.

    Read leniently, such a quote swallows the rest of the file into one cell: an audit of
    3 items of 6, without a word. Read strictly first, to find it; a file whose only fault
    is a quote the strict reader refuses elsewhere (`ab"c` mid-cell) is read leniently, as
    spreadsheets do.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InputError(
                f"{path}: line {start}: a quoted field opens here and is never closed "
                '(an unbalanced "): the rest of the file would be read as one cell'
            ) from None
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return records


def read_table(path: str) -> Table:
    """Read a CSV export: any encoding and separator a spreadsheet writes (`csv_sniff`),
    multi-line cells allowed; a JSON file is refused with what it is."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read CSV: {exc.strerror or exc}") from None
    sniffed = sniff(path, raw)
    LOG.info("%s: %s", path, sniffed.describe())
    # csv refuses cells over 128 KiB by default; a long description in a column the audit
    # does not even read must not fail it. The limit is process-wide, so it is put back.
    previous = csv.field_size_limit(_MAX_CELL)
    try:
        records = _records(path, sniffed.text, sniffed.delimiter)
    except csv.Error as exc:
        raise InputError(f"{path}: cannot read CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous)
    if not records:
        raise InputError(f"{path}: the file is empty")
    return Table(path, tuple(h.strip() for h in records[0]), tuple(map(tuple, records[1:])))
