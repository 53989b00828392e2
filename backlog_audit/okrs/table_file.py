"""The CSV and XLSX OKR set reader (SPEC 3): one KR per row, objectives repeated.

Both formats become the same rows (spreadsheet row number, header -> cell text) before one
assembler builds the set, so a CSV file and a workbook with the same cells load alike. Every
failure names the row as a spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from backlog_audit.errors import OkrFileError
from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.okrs.validate import check_names, okr_names
from backlog_audit.okrs.values import (
    INDICATORS,
    STATUSES,
    choice_problem,
    number_problem,
    parse_number,
    read_text,
    suggest,
)

CSV_REQUIRED = ("objective_id", "objective", "key_result_id", "key_result")
CSV_OPTIONAL = (
    "metric",
    "baseline",
    "target",
    "unit",
    "owner",
    "aligns_to",
    "indicator",
    "current",
    "aliases",
    "status",
)


def load_csv(path: str) -> OkrSet:
    """Read and validate a CSV OKR set."""
    return _okrs_from_rows(path, _read_csv_rows(path))


def load_xlsx(path: str) -> OkrSet:
    """Read and validate an XLSX OKR set (the sheet named `OKRs`, else the first)."""
    return _okrs_from_rows(path, _read_xlsx_rows(path))


# A table as (row number as a spreadsheet shows it, header -> cell text); the header is row 1.
_Rows = list[tuple[int, dict[str, str]]]


def _column_name(header: str) -> str:
    """Headers match case-insensitively, with spaces or hyphens standing for underscores."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def _rows_from_table(path: str, table: Iterable[list[str]]) -> _Rows:
    """Check the header row and key every later non-blank row by column name."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise OkrFileError(path, None, "empty file: expected a header row")
    columns = [_column_name(h) for h in header]
    _check_columns(path, columns)
    table_rows: _Rows = []
    for number, cells in enumerate(rows, start=2):
        if any(cell.strip() for cell in cells):
            padded = [*cells, *[""] * (len(columns) - len(cells))]
            if any(cell.strip() for cell in padded[len(columns) :]):
                raise OkrFileError(path, f"row {number}", "more cells than header columns")
            values = {
                c: v.strip() for c, v in zip(columns, padded[: len(columns)], strict=True) if c
            }
            table_rows.append((number, values))
    return table_rows


def _check_columns(path: str, columns: list[str]) -> None:
    """Refuse unknown, repeated or missing columns."""
    known = CSV_REQUIRED + CSV_OPTIONAL
    seen: set[str] = set()
    for column in columns:
        if not column:
            continue
        if column not in known:
            hint = suggest(column, known)
            raise OkrFileError(path, "row 1", f"unknown column '{column}'{hint}")
        if column in seen:
            raise OkrFileError(path, "row 1", f"column '{column}' appears twice")
        seen.add(column)
    missing = [c for c in CSV_REQUIRED if c not in seen]
    if missing:
        raise OkrFileError(path, "row 1", f"missing column(s): {', '.join(missing)}")


def _read_csv_rows(path: str) -> _Rows:
    """The rows of a CSV OKR set."""
    text = read_text(path)
    try:
        return _rows_from_table(path, csv.reader(text.splitlines(keepends=True)))
    except csv.Error as e:
        raise OkrFileError(path, None, f"invalid CSV: {e}") from None


def _read_xlsx_rows(path: str) -> _Rows:
    """The rows of the sheet named `OKRs`, else of the first sheet, of a workbook."""
    from openpyxl import load_workbook

    if not Path(path).is_file():
        read_text(path)  # raises the same "no such file" / directory error as the others
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise OkrFileError(path, None, f"not a readable .xlsx workbook ({e})") from None
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get("okrs", workbook.sheetnames[0])]
        table = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _rows_from_table(path, table)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole floats lose their `.0`, dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


@dataclass
class _ObjectiveDraft:
    """An objective being assembled from the rows that share its id."""

    id: str
    row: int
    title: str = ""
    owner: str = ""
    aligns_to: str = ""  # from its rows without a KR
    key_results: list[KeyResult] = field(default_factory=list)

    def merge(self, path: str, row: int, values: Mapping[str, str]) -> None:
        """Take the objective columns of a row; refuse a second, different value.

        `aligns_to` is the objective's on a row without a KR only; on a KR's row it is the
        KR's (`_aligned`)."""
        columns = [("objective", "title"), ("owner", "owner")]
        if not _has_key_result(values):
            columns.append(("aligns_to", "aligns_to"))
        for column, attr in columns:
            new, old = values.get(column, ""), getattr(self, attr)
            if new and old and new != old:
                problem = (
                    f"objective {self.id} has two different {column} values: '{old}' and '{new}'"
                )
                raise OkrFileError(path, f"row {row}", problem)
            if new:
                setattr(self, attr, new)

    def build(self, path: str) -> Objective:
        """The finished objective; its title must have been given on some row."""
        if not self.title:
            raise OkrFileError(path, f"row {self.row}", f"objective {self.id} has no title")
        aligns_to, key_results = _aligned(self.aligns_to, self.key_results)
        return Objective(
            id=self.id,
            title=self.title,
            key_results=key_results,
            owner=self.owner or None,
            aligns_to=aligns_to,
        )


def _aligned(own: str, key_results: list[KeyResult]) -> tuple[str | None, tuple[KeyResult, ...]]:
    """An objective's `aligns_to` and its KRs' own, from the column on each row (SPEC 11).

    The value on a row without a KR is the objective's. Without one, a value that all of its
    KR rows giving one agree on is the objective's too: a set written one row per KR repeats
    its objective's columns, and objective-only work rolls up to it. A KR row's value that
    differs from the objective's is the KR's own (which wins in the roll-up); a KR row
    without one follows its objective.
    """
    given = {kr.aligns_to for kr in key_results if kr.aligns_to}
    objective = own or (given.pop() if len(given) == 1 else "")
    krs = tuple(
        kr if kr.aligns_to != objective else replace(kr, aligns_to=None) for kr in key_results
    )
    return objective or None, krs


def _okrs_from_rows(path: str, rows: _Rows) -> OkrSet:
    """Assemble and validate an OKR set from CSV/XLSX rows, one KR per row."""
    drafts: dict[str, _ObjectiveDraft] = {}
    retired: list[str] = []
    wheres: dict[str, str] = {}
    for row, values in rows:
        where = f"row {row}"
        status = _row_choice(path, row, values, "status", STATUSES) or "active"
        if status == "retired":
            wheres[f"r:{len(retired)}"] = where
            retired.append(_row_retired_id(path, row, values))
            continue
        obj_id = values.get("objective_id", "")
        if not obj_id:
            raise OkrFileError(path, where, _no_objective_problem(values))
        draft = drafts.get(obj_id)
        if draft is None:
            draft = drafts[obj_id] = _ObjectiveDraft(obj_id, row)
            wheres[f"o:{len(drafts) - 1}"] = where
        draft.merge(path, row, values)
        if _has_key_result(values):
            kr = _row_key_result(path, row, values, obj_id)
            position = f"{list(drafts).index(obj_id)}:{len(draft.key_results)}"
            wheres[f"k:{position}"] = where
            wheres.update({f"a:{position}:{n}": where for n in range(len(kr.aliases))})
            draft.key_results.append(kr)
    okrs = OkrSet(
        objectives=tuple(d.build(path) for d in drafts.values()),
        retired=tuple(retired),
        source=path,
    )
    check_names(path, okr_names(okrs, wheres))
    return okrs


_KR_COLUMNS = ("key_result_id", "key_result", "metric", "baseline", "target", "unit")
_KR_COLUMNS_MORE = ("indicator", "current", "aliases")


def _has_key_result(values: Mapping[str, str]) -> bool:
    """Whether a row describes a KR (a row with objective columns only declares an objective)."""
    return any(values.get(c) for c in _KR_COLUMNS + _KR_COLUMNS_MORE)


def _no_objective_problem(values: Mapping[str, str]) -> str:
    """The message for a row without an objective id."""
    kr = values.get("key_result_id") or values.get("key_result")
    if kr:
        return f"key result '{kr}' has no objective: objective_id is empty"
    return "missing objective_id"


def _row_retired_id(path: str, row: int, values: Mapping[str, str]) -> str:
    """The KR id of a `status: retired` row."""
    kr_id = values.get("key_result_id", "")
    if not kr_id:
        raise OkrFileError(path, f"row {row}", "a retired row needs its key_result_id")
    return kr_id


def _row_key_result(path: str, row: int, values: Mapping[str, str], obj_id: str) -> KeyResult:
    """The KR a row describes."""
    where = f"row {row}"
    kr_id, title = values.get("key_result_id", ""), values.get("key_result", "")
    if not kr_id:
        raise OkrFileError(path, where, "missing key_result_id")
    if not title:
        raise OkrFileError(path, where, f"missing key_result (the title of {kr_id})")
    aliases = tuple(a.strip() for a in values.get("aliases", "").split(";") if a.strip())
    return KeyResult(
        id=kr_id,
        objective_id=obj_id,
        title=title,
        metric=values.get("metric") or None,
        baseline=_row_number(path, row, values, "baseline"),
        target=_row_number(path, row, values, "target"),
        unit=values.get("unit") or None,
        indicator=_row_choice(path, row, values, "indicator", INDICATORS),
        current=_row_number(path, row, values, "current"),
        aliases=aliases,
        aligns_to=values.get("aligns_to") or None,
    )


def _row_number(path: str, row: int, values: Mapping[str, str], column: str) -> float | None:
    """A numeric cell, None when empty."""
    raw = values.get(column, "")
    if not raw:
        return None
    value = parse_number(raw)
    if value is None:
        raise OkrFileError(path, f"row {row}", number_problem(column, raw))
    return value


def _row_choice(
    path: str, row: int, values: Mapping[str, str], column: str, choices: tuple[str, ...]
) -> str | None:
    """A cell restricted to `choices` (case-insensitive), None when empty."""
    raw = values.get(column, "")
    if not raw:
        return None
    if raw.lower() not in choices:
        raise OkrFileError(path, f"row {row}", choice_problem(column, raw, choices))
    return raw.lower()
