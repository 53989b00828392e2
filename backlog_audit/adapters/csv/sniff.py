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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from charset_normalizer import from_bytes

from backlog_audit.errors import InputError

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
    """The text of a file and how it was read."""

    text: str
    encoding: str
    delimiter: str

    def describe(self) -> str:
        """`cp1252 text, columns separated by semicolons`: the `-v` line's words."""
        return f"{self.encoding} text, columns separated by {DELIMITERS[self.delimiter]}"


def sniff(path: str, raw: bytes) -> Sniffed:
    """Decode a file's bytes and find its column separator (exit 2 on JSON or binary)."""
    text, encoding = decode(path, raw)
    refuse_json(path, text)
    return Sniffed(text, encoding, delimiter(text))


def decode(path: str, raw: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding (see the module docstring)."""
    if raw.startswith(b"PK\x03\x04"):  # a zip archive: .xlsx, .ods
        raise InputError(f"{path}: a workbook (.xlsx/.ods), not a CSV: save it as CSV UTF-8")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decoded(path, raw, encoding), encoding.removesuffix("-sig")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = _detected(raw)
    if found is None:
        raise InputError(f"{path}: not text in an encoding spreadsheets write; save as CSV UTF-8")
    return _decoded(path, raw, found), found.replace("_", "-")


def _decoded(path: str, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid {encoding} text ({exc.reason}); save it as CSV UTF-8"
        ) from None


def _detected(raw: bytes) -> str | None:
    """The legacy encoding charset-normalizer finds least messy, then most coherent, then
    cp1252; None when no candidate decodes the bytes as text."""
    matches = list(from_bytes(raw, cp_isolation=_CANDIDATES))
    if not matches:
        return None
    best = min(
        matches,
        key=lambda m: (round(m.chaos, 3), -round(m.coherence, 3), m.encoding != _PREFERRED),
    )
    return str(best.encoding)


def delimiter(text: str) -> str:
    """The separator that splits the header into most columns, and the rows into as many."""
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
