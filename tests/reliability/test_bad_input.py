"""Bad input the fault matrix found accepted or crashing (issue 14): one line, exit 2.

Each test runs the CLI as a user would and checks what a user sees: the exit code, one
message line and no traceback, and that no report was written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_runner import JIRA, OKRS, invoke


def one_error_line(result: Result) -> str:
    """The run's single stderr line (asserted single, and no traceback anywhere)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_an_okr_set_without_any_key_result_stops_the_audit(tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yaml"
    okrs.write_text("objectives: []\n", encoding="utf-8")
    out = tmp_path / "report.json"

    result = invoke(
        ["audit", "--okrs", str(okrs), "--input", JIRA, "--format", "json", "-o", str(out)], 2
    )

    assert one_error_line(result) == (
        f"backlog-audit: error: {okrs}: no key results: an OKR set needs at least one "
        "(every link would be dangling)"
    )
    assert not out.exists()


def _records(data: bytes) -> list[list[str]]:
    """The records as a spreadsheet reads them: a bare CR or LF outside quotes ends one."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_carriage_return_in_a_title_cannot_split_a_csv_row_into_a_formula(
    tmp_path: Path,
) -> None:
    # Issue 14 point 2: with lineterminator "\n" a bare CR was not quoted; the row split in
    # two and the second half started with a live formula (CSV, Jira and Asana sources).
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "title", "type", "status", "okr"])
        writer.writerow(["APP-1", "Harmless\r=cmd|' /C calc'!A0", "Story", "To Do", "KR1.1"])
        writer.writerow(["APP-2", "@SUM(1+1)*cmd|' /C calc'!A0", "Story", "To Do", ""])
    out = tmp_path / "items.csv"

    invoke(["audit", "--okrs", OKRS, "--input", str(export), "--format", "csv", "-o", str(out)])

    data = out.read_bytes()
    records = _records(data)
    assert len(records) == 3  # the header and one record per item
    cells = [cell for record in records for cell in record]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    titles = {record[0]: record[1] for record in records[1:]}
    assert titles == {
        "APP-1": "Harmless\r=cmd|' /C calc'!A0",
        "APP-2": "'@SUM(1+1)*cmd|' /C calc'!A0",
    }
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")  # RFC 4180


def test_an_unbalanced_quote_in_a_csv_export_names_its_line(tmp_path: Path) -> None:
    # Issue 14 point 3: the quote swallowed the rest of the file: 3 items of 6, exit 0.
    export = tmp_path / "export.csv"
    export.write_text(
        "key,title,type,status,okr\n"
        "APP-1,One,Story,To Do,KR1.1\n"
        "APP-2,Two,Story,To Do,KR1.1\n"
        'APP-3,"Three with an open quote,Story,To Do,KR1.1\n'
        "APP-4,Four,Story,To Do,KR1.1\n"
        "APP-5,Five,Story,To Do,KR1.1\n"
        "APP-6,Six,Story,To Do,KR1.1\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"

    result = invoke(
        ["audit", "--okrs", OKRS, "--input", str(export), "--format", "json", "-o", str(out)], 2
    )

    assert one_error_line(result) == (
        f"backlog-audit: error: {export}: line 4: a quoted field opens here and is never closed "
        '(an unbalanced "): the rest of the file would be read as one cell'
    )
    assert not out.exists()


def test_quoted_cells_a_spreadsheet_writes_are_still_read(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "key,title,type,status,okr\n"
        'APP-1,"Two\nlines, a comma and ""quotes""",Story,To Do,KR1.1\n'
        'APP-2,A stray " inside,Story,To Do,KR1.1\n',
        encoding="utf-8",
    )
    result = invoke(
        ["audit", "--okrs", OKRS, "--input", str(export), "--format", "json", "-o", "-"]
    )
    titles = [item["title"] for item in json.loads(result.stdout)["items"]]
    assert titles == ['Two\nlines, a comma and "quotes"', 'A stray " inside']


LONG = "x" * 300  # over NAME_MAX (255 bytes): ENAMETOOLONG


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (
            ["audit", "--okrs", OKRS, "--input", JIRA, "--format", "json", "-o", f"{LONG}.json"],
            "-o",
        ),
        (["audit", "--okrs", OKRS, "--input", JIRA, "--format", "json", "-o", f"{LONG}/"], "-o"),
        (
            ["audit", "--okrs", OKRS, "--input", JIRA, "-o", "r.json", "--history", f"{LONG}.db"],
            "--history",
        ),
        (["history", "--history", f"{LONG}.db"], "--history"),
    ],
    ids=["-o file", "-o directory", "audit --history", "history --history"],
)
def test_a_name_too_long_for_the_file_system_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], flag: str
) -> None:
    # Issue 14 point 6: ENAMETOOLONG was a traceback and exit 1, the threshold code.
    monkeypatch.chdir(tmp_path)
    line = one_error_line(invoke(args, 2))
    assert line.startswith(f"backlog-audit: error: {flag} xxxx")
    assert line.endswith("the name is too long for the file system (" + line.split("(")[-1])
    assert list(tmp_path.iterdir()) == []
