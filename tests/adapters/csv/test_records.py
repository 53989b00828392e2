"""An export's records, read by the engine, are the records Python's `csv` reads (issue 15).

The engine reads well-formed files; a file it would read otherwise (a quote never closed, a
quote inside an unquoted cell, a bare CR ending a line) is left to `csv`, which names the line
of a quote never closed. Random well-formed files (every separator, quotes, line breaks in
cells, CRLF, Unicode) and random malformed text give the records `csv` gives, or its error.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.adapters.csv.records import engine_reads, read_records
from backlog_audit.errors import InputError

PIECES = ["a", "b", "é", "ש", " ", '"', '""', ",", ";", "\t", "|", "\n", "\r\n", "\r", "\x1f"]
CELLS = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
SEPARATORS = st.sampled_from([",", ";", "\t", "|"])


def csv_records(text: str, delimiter: str) -> list[list[str]] | str:
    """What `csv` reads (strictly, else leniently), padded to the header's width; or the
    error line of a quote that is never closed."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return "never closed"
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = len(records[0])
    return [(record + [""] * width)[:width] for record in records]


def engine_records(text: str, delimiter: str) -> list[list[str]] | str:
    """What `read_records` reads (no cell and an empty cell both ""), or its error line."""
    try:
        frame = read_records("export.csv", text.encode(), delimiter)
    except InputError as error:
        assert "a quoted field opens here and is never closed" in str(error)
        return "never closed"
    return [[cell or "" for cell in row] for row in frame.rows()]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=6),
    SEPARATORS,
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_a_well_formed_file_is_read_as_csv_reads_it(
    rows: list[list[str]], delimiter: str, line_end: str, quoting: int
) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=quoting).writerows(
        [["h1", "h2", "h3"], *rows]
    )
    assert engine_records(out.getvalue(), delimiter) == csv_records(out.getvalue(), delimiter)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), SEPARATORS)
def test_malformed_text_is_read_as_csv_reads_it_or_refused_as_csv_refuses_it(
    body: str, delimiter: str
) -> None:
    text = delimiter.join(["h1", "h2", "h3"]) + "\n" + body
    assert engine_records(text, delimiter) == csv_records(text, delimiter)


def test_well_formed_quoting_is_read_by_the_engine() -> None:
    data = b'key,title\r\nA-1,"two\r\nlines, a comma and ""quotes"""\r\n"A-2",\r\n'
    assert engine_reads(data, ",")
    assert engine_records(data.decode(), ",") == [
        ["key", "title"],
        ["A-1", 'two\r\nlines, a comma and "quotes"'],
        ["A-2", ""],
    ]


@pytest.mark.parametrize(
    "text",
    [
        'key,title\nA-1,a " stray\n',  # a quote inside an unquoted cell
        'key,title\nA-1,"open\nA-2,x\n',  # a quote never closed
        'key,title\nA-1,"closed" then more\n',  # text after a closing quote
        "key,title\rA-1,x\rA-2,y\r",  # lines ended by a bare CR (old Mac, some exporters)
    ],
)
def test_what_the_engine_would_read_otherwise_is_left_to_csv(text: str) -> None:
    assert not engine_reads(text.encode(), ",")


def test_bare_cr_line_ends_are_rows() -> None:
    assert engine_records("key,title\rA-1,x\rA-2,y\r", ",") == [
        ["key", "title"],
        ["A-1", "x"],
        ["A-2", "y"],
    ]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InputError, match="export.csv: the file is empty"):
        read_records("export.csv", b"", ",")
