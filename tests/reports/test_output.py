"""Where reports go (SPEC 8 `-o`): stdout for `-`, a file for one format, a directory for several.

`plan` renders and decides; nothing is written here (the CLI tests cover the writing).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.errors import UsageError
from backlog_audit.model import AuditResult
from backlog_audit.output import STDOUT, plan
from backlog_audit.reports import ReportFormat

JSON, MD, CSV, XLSX = ReportFormat.JSON, ReportFormat.MD, ReportFormat.CSV, ReportFormat.XLSX


@pytest.mark.parametrize("fmt", [JSON, MD, CSV])
def test_dash_sends_one_text_report_to_stdout(result: AuditResult, fmt: ReportFormat) -> None:
    [only] = plan(result, (fmt,), STDOUT)
    assert only.path == "-"
    text = only.data.decode("utf-8-sig")
    first = {JSON: "{", MD: "# OKR alignment audit", CSV: "key,title,type,"}[fmt]
    assert text.startswith(first)


def test_dash_with_csv_is_the_items_table(result: AuditResult) -> None:
    [only] = plan(result, (CSV,), STDOUT)
    lines = only.data.decode("utf-8-sig").splitlines()
    # the header and one line per item in scope (12); no title in the fixture spans lines
    assert len(lines) == 1 + 12
    assert lines[1].startswith("APP-3,Guided setup wizard,")


def test_the_same_format_twice_to_stdout_is_one_report(result: AuditResult) -> None:
    [only] = plan(result, (JSON, JSON), STDOUT)
    assert json.loads(only.data)["schema_version"] == 1


@pytest.mark.parametrize("formats", [(XLSX,), (JSON, MD)])
def test_dash_refuses_a_workbook_or_several_reports(
    result: AuditResult, formats: tuple[ReportFormat, ...]
) -> None:
    with pytest.raises(UsageError, match="-o - writes one json, md, csv or html report to stdout"):
        plan(result, formats, STDOUT)


def test_one_format_goes_to_the_named_file(result: AuditResult, tmp_path: Path) -> None:
    target = tmp_path / "audit.md"
    [only] = plan(result, (MD,), str(target))
    assert only.path == str(target)


def test_several_formats_go_to_a_directory(result: AuditResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = [p.path for p in plan(result, (JSON, MD, CSV), str(out))]
    assert paths[:2] == [str(out / "backlog-audit.json"), str(out / "backlog-audit.md")]
    tables = [Path(p) for p in paths[2:]]
    assert {t.parent for t in tables} == {out / "backlog-audit-csv"}
    assert {"items.csv", "summary.csv", "fix_list.csv"} <= {t.name for t in tables}


def test_several_formats_refuse_an_existing_file(result: AuditResult, tmp_path: Path) -> None:
    existing = tmp_path / "report.json"
    existing.write_text("{}")
    with pytest.raises(UsageError, match="several formats need a directory"):
        plan(result, (JSON, MD), str(existing))


def test_json_and_the_items_table_are_written_while_rendered(
    result: AuditResult, tmp_path: Path
) -> None:
    """The JSON report and items.csv go to their files in pieces (issue 15): planned as
    pieces to render, not as bytes; the bytes written are the report's."""
    from backlog_audit.output import publish
    from backlog_audit.reports import csv as csv_report
    from backlog_audit.reports import json as json_report

    planned = plan(result, (JSON, CSV, MD), str(tmp_path))
    bodies = {Path(p.path).name: p.body for p in planned}
    assert callable(bodies["backlog-audit.json"]) and callable(bodies["items.csv"])
    assert isinstance(bodies["backlog-audit.md"], bytes)
    assert isinstance(bodies["summary.csv"], bytes)
    publish(planned, contextlib.nullcontext())
    assert (tmp_path / "backlog-audit.json").read_bytes() == json_report.render(result)
    items = tmp_path / "backlog-audit-csv" / "items.csv"
    assert items.read_bytes() == csv_report.render(result)


def test_a_report_that_fails_while_written_replaces_nothing(
    result: AuditResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A streamed report that fails half way leaves the earlier report as it was and no
    temporary file; the other reports of the run are not replaced either."""
    from backlog_audit.output import publish
    from backlog_audit.reports import json_rows

    (tmp_path / "backlog-audit.json").write_bytes(b"earlier json")
    (tmp_path / "backlog-audit.md").write_bytes(b"earlier md")
    planned = plan(result, (MD, JSON), str(tmp_path))
    monkeypatch.setattr(json_rows, "_ROWS_PER_CHUNK", 2)
    encode = json_rows._lines
    calls = []

    def fails_second_time(frame: Any) -> Any:
        calls.append(frame.height)
        if len(calls) == 2:
            raise RuntimeError("the engine fell over")
        return encode(frame)

    monkeypatch.setattr(json_rows, "_lines", fails_second_time)
    with pytest.raises(RuntimeError):
        publish(planned, contextlib.nullcontext())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backlog-audit.json", "backlog-audit.md"]
    assert (tmp_path / "backlog-audit.json").read_bytes() == b"earlier json"
    assert (tmp_path / "backlog-audit.md").read_bytes() == b"earlier md"


def test_the_items_table_alone_is_written_while_rendered(
    result: AuditResult, tmp_path: Path
) -> None:
    """`-o items.csv` (the items table alone) goes to its file in pieces, as in a directory."""
    from backlog_audit.output import publish
    from backlog_audit.reports import csv as csv_report

    [only] = plan(result, (CSV,), str(tmp_path / "items.csv"))
    assert callable(only.body)
    publish([only], contextlib.nullcontext())
    assert (tmp_path / "items.csv").read_bytes() == csv_report.render(result)
