"""`backlog-audit` against the fake Trello server and a board's export, end to end through the
command line. Figures are the hand-worked ones of `test_audit.py`; no secret appears in any
output, log or report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result

from tests import cli_runner
from tests.adapters.trello.boards import GROWTH, KEY, OKRS, TOKEN, growth_board
from tests.adapters.trello.fake_server import FakeTrello


def invoke(fake: FakeTrello | None, *args: str, code: int = 0) -> Result:
    """Run the CLI with the fake's URL and the credentials in the environment."""
    env = {"TRELLO_API_KEY": KEY, "TRELLO_TOKEN": TOKEN}
    if fake is not None:
        env["TRELLO_BASE_URL"] = fake.base_url
    return cli_runner.invoke(args, code, env=env)


def audit_json(fake: FakeTrello | None, *args: str, code: int = 0) -> dict[str, Any]:
    """`audit --source trello ARGS`, the JSON report on stdout."""
    result = invoke(
        fake,
        "audit",
        "--source",
        "trello",
        "--okrs",
        str(OKRS),
        "--format",
        "json",
        "-o",
        "-",
        "-q",
        "--no-history",
        *args,
        code=code,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _export(tmp_path: Path) -> str:
    path = tmp_path / "board.json"
    path.write_text(json.dumps(growth_board().export()), encoding="utf-8")
    return str(path)


def test_audit_of_a_board(fake: FakeTrello) -> None:
    report = audit_json(fake, "--trello-board", GROWTH)

    summary = report["summary"]
    assert report["source"] == {"kind": "trello", "scope": "board=GrWth123"}
    assert (summary["items"], summary["exempt_items"], summary["linked_items"]) == (10, 1, 5)
    assert (summary["points"], summary["linked_points"]) == (25.5, 14.5)
    assert (summary["orphaned_items"], summary["dangling_items"]) == (2, 1)
    assert (summary["stale_items"], summary["objective_only_items"]) == (1, 1)
    assert report["dangling_links"] == [
        {"key": "A06", "reference": "KR12", "suggestion": "KR1.2", "affected_items": 1}
    ]


def test_audit_of_chosen_lists(fake: FakeTrello) -> None:
    report = audit_json(fake, "--trello-board", GROWTH, "--trello-list", "Doing")

    assert [i["key"] for i in report["items"]] == ["A03", "A07"]
    assert report["source"]["scope"] == "board=GrWth123 lists=Doing"


def test_the_export_reports_what_the_api_reports(fake: FakeTrello, tmp_path: Path) -> None:
    from_api = audit_json(fake, "--trello-board", GROWTH)
    from_export = audit_json(None, "--input", _export(tmp_path))

    for report in (from_api, from_export):
        del report["generated_at"]
    assert from_export == from_api


def test_no_secret_in_any_output_log_or_report(fake: FakeTrello, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = invoke(
        fake,
        "audit",
        "--source",
        "trello",
        "--trello-board",
        GROWTH,
        "--okrs",
        str(OKRS),
        "--format",
        "json",
        "--format",
        "md",
        "--format",
        "csv",
        "--format",
        "xlsx",
        "-o",
        str(out),
        "-vv",
        "--no-history",
    )
    texts = [result.output, result.stderr]
    texts += [p.read_bytes().decode("latin-1") for p in sorted(out.rglob("*")) if p.is_file()]

    assert len(texts) > 8  # output, stderr, json, md, xlsx and the csv tables
    assert "GET /boards/{id}/cards/open" in result.stderr  # the log was on
    for text in texts:
        assert KEY not in text and TOKEN not in text


def test_refused_token_exits_3_with_one_line(fake: FakeTrello) -> None:
    fake.token = "another"

    result = invoke(
        fake, "audit", "--source", "trello", "--trello-board", GROWTH, "--okrs", str(OKRS), code=3
    )

    assert result.stderr.count("\n") == 1
    assert "HTTP 401" in result.stderr and "TRELLO_API_KEY and TRELLO_TOKEN" in result.stderr
    assert TOKEN not in result.output


def test_fields_of_a_board(fake: FakeTrello) -> None:
    result = invoke(fake, "fields", "--source", "trello", "--trello-board", GROWTH)

    lines = result.stdout.splitlines()
    assert any(line.endswith("OKR\tdropdown  <- likely okr field") for line in lines)
    assert any(line.endswith("Story Points\tnumber  <- likely points field") for line in lines)
    assert sum(line.startswith("    option ") for line in lines) == 7 + 56


def test_a_trello_selector_with_another_source_is_exit_2() -> None:
    result = cli_runner.audit("--trello-board", GROWTH, code=2)

    assert "--trello-board is read by --source trello only, not --source csv" in result.stderr


def test_a_report_may_not_replace_the_export(tmp_path: Path) -> None:
    export = _export(tmp_path)

    result = invoke(
        None,
        "audit",
        "--source",
        "trello",
        "--input",
        export,
        "--okrs",
        str(OKRS),
        "--format",
        "json",
        "-o",
        export,
        code=2,
    )

    assert "the report would overwrite the --input export" in result.stderr


def test_help_shows_the_trello_options() -> None:
    result = cli_runner.invoke(["audit", "--help"])

    assert "--trello-board" in result.output and "--trello-list" in result.output


def test_the_selectors_and_maps_are_config_file_keys(fake: FakeTrello, tmp_path: Path) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(
        'source = "trello"\ntrello_board = "GrWth123"\ntrello_list = ["To Do", "Review"]\n'
        '[status_map]\nreview = "done"\n',
        encoding="utf-8",
    )

    report = audit_json(fake, "--config", str(config))

    assert report["source"] == {"kind": "trello", "scope": "board=GrWth123 lists=To Do,Review"}
    # To Do: A01 A04 A06 A08 A09 A10; Review: A05, done by the [status_map].
    assert report["summary"]["items"] == 7
    a05 = next(i for i in report["items"] if i["key"] == "A05")
    assert (a05["status"], a05["status_category"]) == ("Review", "done")


def test_the_export_as_a_config_file_key(tmp_path: Path) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(f'source = "trello"\ninput = "{_export(tmp_path)}"\n', encoding="utf-8")

    report = audit_json(None, "--config", str(config))

    assert report["source"] == {"kind": "trello", "scope": "board=GrWth123"}
    assert report["summary"]["items"] == 10


def test_the_export_given_as_a_csv_says_to_use_trello(tmp_path: Path) -> None:
    export = _export(tmp_path)

    result = cli_runner.audit("--source", "csv", input=export, code=2)

    assert result.stderr.strip() == (
        f"backlog-audit: error: {export}: a Trello board export (JSON), not a CSV: use "
        "--source trello --input FILE"
    )
