"""The records of a CSV export as columns of text, read by the engine (issue 15).

The engine's CSV reader reads a million rows in a fraction of a second, and reads a
well-formed file exactly as Python's `csv` module does (multi-line cells, doubled quotes,
CRLF). It reads some malformed files differently, without a word: a quote that opens a cell
and is never closed swallows the rest of the file, and a quote inside an unquoted cell or a
bare CR ending a line split rows otherwise. A file with any of these is read by `csv`, as
before: it names the line of a quote that is never closed (exit 2), and reads a stray quote
as spreadsheets do. `engine_reads` is the test that tells them apart.

Either way the result is one frame of text columns `c0`, `c1`... (the header row first):
the cell as written, None where a row is shorter than the header. A UTF-8 file is read by
the engine from the file itself: its bytes are never copied into Python.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from backlog_audit.adapters.csv.sniff import Data
from backlog_audit.errors import InputError

if TYPE_CHECKING:
    import polars as pl

_MAX_CELL = 2**31 - 1
_BARE_CR = re.compile(b"\r(?!\n)")
# Bytes looked through at once for a quote: `bytes.find` runs at memory speed, and a file
# mapped into memory is copied 1 MiB at a time, never whole.
_CHUNK = 1 << 20


def engine_reads(data: Data, delimiter: str) -> bool:
    """Whether the engine reads `data` as `csv` does: every CR ends a line with LF, and every
    quote belongs to a well-formed quoted cell (opening a cell, doubled inside it, or closing
    it just before a separator or a line end)."""
    if _BARE_CR.search(data):
        return False
    view = memoryview(data)
    if not any(b'"' in bytes(view[at : at + _CHUNK]) for at in range(0, len(view), _CHUNK)):
        return True
    return b'"' not in _quoted_cell(delimiter).sub(b"", data)


def _quoted_cell(delimiter: str) -> re.Pattern[bytes]:
    # A quote where a cell starts (after a separator, a line end or at the start), then
    # anything but a lone quote, then the closing quote just before a separator, a line end
    # or the end. Possessive: a well-formed cell is read in one way only.
    sep = re.escape(delimiter.encode())
    return re.compile(b'"(?<![^' + sep + b'\\n]")[^"]*+(?:""[^"]*+)*+"(?![^' + sep + b"\\r\\n])")


def read_records(path: str, data: Data, delimiter: str) -> pl.DataFrame:
    """Every record of UTF-8 `data` (header first) as text columns `c0`, `c1`...; exit 2 on
    an empty file or a quote that is never closed."""
    frame = engine_records(bytes(data), delimiter) if engine_reads(data, delimiter) else None
    return csv_records(path, data, delimiter) if frame is None else frame


def engine_records(source: Path | bytes, delimiter: str) -> pl.DataFrame | None:
    """The records the engine reads from a file or from UTF-8 bytes that `engine_reads`;
    None when it refuses them, or reads them otherwise than `csv` (then `csv_records`)."""
    import polars as pl

    try:
        frame = pl.read_csv(
            source,
            glob=False,  # a file's name is a name: `export[1].csv` is no pattern
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError:
        return None  # the engine refuses what csv reads leniently: let csv read it
    # A blank first line is no header for csv (no columns); let csv say what it is.
    if not frame.height or all(cell is None for cell in frame.row(0)):
        return None
    frame.columns = [f"c{i}" for i in range(frame.width)]
    return frame


def csv_records(path: str, data: Data, delimiter: str) -> pl.DataFrame:
    """The records as Python's `csv` reads them (see the module docstring)."""
    return _python_frame(_records(path, str(data, "utf-8"), delimiter))


def _python_frame(records: list[list[str]]) -> pl.DataFrame:
    import polars as pl

    columns = range(len(records[0]))
    cells = {f"c{i}": [row[i] if i < len(row) else None for row in records] for i in columns}
    return pl.DataFrame(cells, schema=dict.fromkeys(cells, pl.String))


def _records(path: str, text: str, delimiter: str) -> list[list[str]]:
    """Every record; exit 2 naming the line of a quoted field that is never closed.

    Read leniently, such a quote swallows the rest of the file into one cell: an audit of
    3 items of 6, without a word. Read strictly first, to find it; a file whose only fault
    is a quote the strict reader refuses elsewhere (`ab"c` mid-cell) is read leniently, as
    spreadsheets do.
    """
    # csv refuses cells over 128 KiB by default; a long description in a column the audit
    # does not even read must not fail it. The limit is process-wide, so it is put back.
    previous = csv.field_size_limit(_MAX_CELL)
    try:
        records = _strict_or_lenient(path, text, delimiter)
    except csv.Error as exc:
        raise InputError(f"{path}: cannot read CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous)
    if not records:
        raise InputError(f"{path}: the file is empty")
    return records


def _strict_or_lenient(path: str, text: str, delimiter: str) -> list[list[str]]:
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
