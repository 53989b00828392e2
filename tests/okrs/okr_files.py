"""What the OKR file tests share: the fixture files, writing a file, expecting a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from openpyxl import Workbook

from backlog_audit.errors import EXIT_USAGE, OkrFileError
from backlog_audit.okrs import load_okrs

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, name: str, text: str) -> str:
    """Write a fixture file into tmp_path and return its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def refused(spec: str) -> OkrFileError:
    """Load a file that must be refused and return the error."""
    with pytest.raises(OkrFileError) as caught:
        load_okrs(spec)
    assert caught.value.exit_code == EXIT_USAGE
    assert "\n" not in str(caught.value)
    return caught.value


def xlsx(tmp_path: Path, sheets: Mapping[str, list[list[object]]]) -> str:
    """Write a workbook with the given sheets (name -> rows) and return its path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "okrs.xlsx"
    workbook.save(path)
    return str(path)


HEADER: list[object] = [
    "Objective_ID",
    "Objective",
    "Key_Result_ID",
    "Key_Result",
    "Baseline",
    "Target",
]
