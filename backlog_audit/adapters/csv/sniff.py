"""What a file handed to the CSV source really is: its encoding, its separator, or JSON.

People re-save exports: Excel on Windows writes the system's code page (cp1252 in Western
Europe) or UTF-16 ("Unicode text", tab-separated), and in many locales separates columns with
`;`. The audit reads each of these as the original: the same figures from the same rows.

- Encoding: a byte order mark says it outright; text that decodes as UTF-8 is UTF-8 (a
  legacy code page almost never does); anything else is detected by `charset-normalizer`
  among the encodings spreadsheets write, taking the decoding with the least mess, then the
  most coherent language, then Excel's usual Western code page. Single-byte code pages cannot
  be told apart with certainty on little text, so `-v` says what was chosen.
- Separator: the one of `,` `;` tab `|` that splits the header into most columns and the
  first rows into as many.
- JSON given as CSV (a Trello board export, a Jira API response): named, with what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from backlog_audit.errors import InputError

# A file's bytes: read into memory, or a view of the file mapped into memory (a large export
# is never copied: its bytes are checked where they lie, and the engine reads the file).
Data = bytes | memoryview

# The encodings spreadsheets and exporters write: Unicode, and the Windows code pages Excel
# uses for "CSV" by system locale (Western, Central European, Cyrillic, Greek, Turkish,
# Hebrew, Arabic, Baltic, Vietnamese).
_CANDIDATES = ["utf_8", "utf_16", "utf_32"] + [f"cp{n}" for n in range(1250, 1259)]
_PREFERRED = "cp1252"  # Excel's code page in Western locales: the tie-break
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_SAMPLE_ROWS = 20
_SAMPLE_CHARS = 1 << 16


@dataclass(frozen=True)
class Sniffed:
    """A file's content as UTF-8 bytes (the original bytes when they are UTF-8 already,
    without a byte order mark) and how it was read; `as_written`: the content is the file's
    own bytes (after a UTF-8 byte order mark, which the engine skips too); `ascii`: every
    byte is ASCII (so is any whitespace in it)."""

    data: Data
    encoding: str
    delimiter: str
    as_written: bool = False
    ascii: bool = False

    def describe(self) -> str:
        """`cp1252 text, columns separated by semicolons`: the `-v` line's words."""
        return f"{self.encoding} text, columns separated by {DELIMITERS[self.delimiter]}"

    @property
    def text(self) -> str:
        """The whole text (decoded when asked: a large export is read as bytes)."""
        return str(self.data, "utf-8")


def sniff(path: str, raw: Data) -> Sniffed:
    """Read a file's bytes as UTF-8 and find its column separator (exit 2 on JSON or binary)."""
    data, encoding, ascii = decode(path, raw)
    sample = _head(data)
    if sample.lstrip(_JSON_SPACE)[:1] in ("{", "[") or not sample.strip():
        refuse_json(path, str(data, "utf-8"))
    as_written = encoding == "utf-8"
    return Sniffed(data, encoding, delimiter(sample), as_written, ascii)


def decode(path: str, raw: Data) -> tuple[Data, str, bool]:
    """The file's content as UTF-8, the name of its encoding (see the module docstring), and
    whether that content is all ASCII (said of UTF-8 files, found while checking them).

    Other encodings are transcoded piece by piece, so that a large re-saved export is never
    held as one Python string.
    """
    head = bytes(raw[:4])
    if head.startswith(b"PK\x03\x04"):  # a zip archive: .xlsx, .ods
        raise InputError(f"{path}: a workbook (.xlsx/.ods), not a CSV: save it as CSV UTF-8")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding == "utf-8-sig":
                data = raw[len(bom) :]
                ascii = _is_ascii(data)
                return data if ascii else _checked_utf8(path, data, encoding), "utf-8", ascii
            return _transcoded(path, raw, encoding), encoding, False
    if _is_ascii(raw):
        return raw, "utf-8", True
    if _is_utf8(raw):
        return raw, "utf-8", False
    found = _detected(bytes(raw))
    if found is None:
        raise InputError(f"{path}: not text in an encoding spreadsheets write; save as CSV UTF-8")
    return _transcoded(path, raw, found), found.replace("_", "-"), False


# What `str.lstrip` removed before a JSON document's first character (BOM included).
_JSON_SPACE = "\ufeff \t\r\n"
# Bytes decoded at once when checking or transcoding a file: little memory, C speed.
_CHUNK = 1 << 20


def _chunks(raw: Data, encoding: str) -> Iterator[str]:
    """The text of `raw`, piece by piece (raises UnicodeDecodeError as `bytes.decode`)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        yield decoder.decode(view[start : start + _CHUNK])
    yield decoder.decode(b"", final=True)


def _is_ascii(raw: Data) -> bool:
    # A piece at a time (a copy of 1 MiB, at memory speed): a mapped file is not copied whole.
    view = memoryview(raw)
    return all(bytes(view[at : at + _CHUNK]).isascii() for at in range(0, len(view), _CHUNK))


def _is_utf8(raw: Data) -> bool:
    try:
        for _ in _chunks(raw, "utf-8"):
            pass
    except UnicodeDecodeError:
        return False
    return True


def _checked_utf8(path: str, raw: Data, encoding: str) -> Data:
    if not _is_utf8(raw):
        _transcoded(path, raw, encoding)  # raises with the decoder's reason
    return raw


def _transcoded(path: str, raw: Data, encoding: str) -> bytes:
    try:
        return b"".join(text.encode("utf-8") for text in _chunks(raw, encoding))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid {encoding} text ({exc.reason}); save it as CSV UTF-8"
        ) from None


def _head(data: Data) -> str:
    """The first characters of UTF-8 content: what the separator is judged on."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    return decoder.decode(data[: 4 * _SAMPLE_CHARS])[:_SAMPLE_CHARS]


def _detected(raw: bytes) -> str | None:
    """The legacy encoding charset-normalizer finds least messy, then most coherent, then
    cp1252; None when no candidate decodes the bytes as text."""
    from charset_normalizer import from_bytes  # only for a file that is not UTF-8

    matches = list(from_bytes(raw, cp_isolation=_CANDIDATES))
    if not matches:
        return None
    best = min(
        matches,
        key=lambda m: (round(m.chaos, 3), -round(m.coherence, 3), m.encoding != _PREFERRED),
    )
    return str(best.encoding)


def delimiter(text: str) -> str:
    """The separator that splits the header into most columns, and the rows into as many
    (judged on the text's first characters)."""
    sample = text[:_SAMPLE_CHARS]
    best, best_score = ",", (0.0, 1)
    for candidate in DELIMITERS:
        rows = _rows(sample, candidate)
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        consistent = sum(1 for row in body if len(row) == width) / len(body)
        score = (consistent, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _rows(sample: str, candidate: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > _SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted cell: the rows read so far decide
    # The sample may end in the middle of a row: it does not count against the separator.
    return rows[:-1] if len(rows) > 2 and len(sample) == _SAMPLE_CHARS else rows


def refuse_json(path: str, text: str) -> None:
    """Exit 2 with what a JSON file is, when one is given as a CSV export."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head not in ("{", "["):
        return
    try:
        data = json.loads(text)
    except ValueError:
        return  # not JSON after all: the CSV reader will say what is wrong
    raise InputError(f"{path}: {_json_kind(data)}")


def _json_kind(data: Any) -> str:
    if isinstance(data, Mapping) and "cards" in data and "lists" in data:
        return "a Trello board export (JSON), not a CSV: use --source trello --input FILE"
    if isinstance(data, Mapping) and ("issues" in data or "fields" in data and "key" in data):
        return (
            "a Jira API response (JSON), not a CSV: export CSV from Jira's issue search "
            "(Export > CSV), or use --source jira"
        )
    if isinstance(data, Mapping) and isinstance(data.get("data"), list):
        return (
            "an Asana API response (JSON), not a CSV: export CSV from Asana, or use --source asana"
        )
    return "JSON, not CSV: give a CSV export (Jira, Asana or plain; see docs/sources-csv.md)"
