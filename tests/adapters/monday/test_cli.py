"""`backlog-audit` against the fake monday.com server, end to end through the command line.
Figures are the hand-declared ones of `account`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests import cli_runner
from tests.adapters.monday.account import TOKEN
from tests.adapters.monday.fake_server import FakeMonday

OKR_FILE = """\
cycle: 2026-Q4
objectives:
  - id: O1
    title: Activate tech leads
    key_results:
      - {id: KR1.1, title: Tech lead activation from 50% to 70%, baseline: 50, target: 70}
      - {id: KR1.2, title: Invites sent per lead from 1 to 3, baseline: 1, target: 3}
  - id: O2
    title: Reduce churn
    key_results:
      - {id: KR2.1, title: Churn from 5% to 3%, baseline: 5, target: 3}
retired: [KR0.3]
exempt: [BAU]
"""
BOARDS = ("--monday-board", "5001", "--monday-board", "5002", "--monday-board", "5003")


@pytest.fixture()
def okr_file(tmp_path: Path) -> str:
    path = tmp_path / "okrs.yaml"
    path.write_text(OKR_FILE, encoding="utf-8")
    return str(path)


def invoke(fake: FakeMonday, *args: str, code: int, token: str = TOKEN) -> Result:
    """Run the CLI with the fake's URL and a token in the environment; check the exit code."""
    env = {"MONDAY_API_TOKEN": token, "MONDAY_API_URL": fake.url}
    return cli_runner.invoke(args, code, env=env)


def audit_json(fake: FakeMonday, okrs: str, *args: str, code: int = 0) -> dict[str, Any]:
    """`audit --source monday` of the three boards (unless `args` name others), JSON on stdout."""
    boards = () if "--monday-board" in args else BOARDS
    result = invoke(
        fake,
        "audit",
        "--source",
        "monday",
        *boards,
        "--okrs",
        okrs,
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


def test_audit_of_three_boards(fake: FakeMonday, okr_file: str) -> None:
    report = audit_json(fake, okr_file)

    summary = report["summary"]
    assert report["source"] == {"kind": "monday", "scope": "board=5001,5002,5003"}
    assert (summary["items"], summary["exempt_items"], summary["linked_items"]) == (17, 1, 10)
    assert summary["coverage"] == 0.625  # 10 / 16
    assert (summary["points"], summary["linked_points"]) == (43.0, 26.0)
    assert report["orphans"] == ["104", "202", "304"]
    assert report["dangling_links"] == [
        {"key": "107", "reference": "RK1.2", "suggestion": "KR1.2", "affected_items": 1},
        {"key": "205", "reference": "KR9.9", "suggestion": None, "affected_items": 1},
    ]
    by_sprint = {row["value"]: row["items"] for row in report["breakdowns"]["by_sprint"]}
    assert by_sprint == {"Backlog": 4, "Q4": 4, "Sprint 12": 6, "Sprint 13": 3}
    assert fake.counts() == {"Boards": 1, "Items": 3}


def test_audit_of_one_group_with_subitems(fake: FakeMonday, okr_file: str) -> None:
    report = audit_json(
        fake,
        okr_file,
        "--monday-board",
        "5001",
        "--monday-group",
        "Sprint 12",
        "--include-types",
        "Subitem",
    )

    # 101-104 and their subitems 1011 (inherits KR1.1 from 101) and 1041 (orphaned).
    summary = report["summary"]
    assert (summary["items"], summary["linked_items"], summary["inherited_items"]) == (6, 3, 1)
    inherited = {i["key"]: i["inherited_from"] for i in report["items"] if i["inherited_from"]}
    assert inherited == {"1011": "101"}
    assert fake.counts() == {"Boards": 1, "GroupItems": 1}


def test_fields_lists_the_columns(fake: FakeMonday) -> None:
    result = invoke(fake, "fields", "--source", "monday", "--monday-board", "5003", code=0)

    assert result.stdout.splitlines() == [
        "status\tStatus\tstatus [Roadmap (5003)]",
        *[f"    option {i}\t{label}" for i, label in enumerate(_STATUS_LABELS)],
        "connect\tOKR\tboard_relation [Roadmap (5003)]  <- likely okr field",
        "estimate\tEstimate\tnumbers [Roadmap (5003)]  <- likely points field",
    ]


_STATUS_LABELS = ("Working on it", "Done", "Stuck", "Review", "Planned", "Ready for QA")


def test_no_secret_in_any_report_or_output(fake: FakeMonday, okr_file: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = invoke(
        fake,
        "audit",
        "--source",
        "monday",
        *BOARDS,
        "--okrs",
        okr_file,
        *("--format", "xlsx", "--format", "json", "--format", "md", "--format", "csv"),
        *("-o", str(out), "-v", "--no-history"),
        code=0,
    )

    assert TOKEN not in result.output
    written = [path for path in out.rglob("*") if path.is_file()]
    assert len(written) >= 4
    for path in written:
        assert TOKEN.encode() not in path.read_bytes(), path.name


def test_a_refused_token_exits_3_with_one_line(fake: FakeMonday, okr_file: str) -> None:
    result = invoke(
        fake,
        "audit",
        "--source",
        "monday",
        *BOARDS,
        "--okrs",
        okr_file,
        "--no-history",
        code=3,
        token="not-the-token",
    )

    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "HTTP 401" in lines[0] and "not-the-token" not in result.output


def test_an_error_at_http_200_exits_3_with_one_line(fake: FakeMonday, okr_file: str) -> None:
    fake.inject(200, "InternalServerException", "Internal server error")

    result = invoke(
        fake, "audit", "--source", "monday", *BOARDS, "--okrs", okr_file, "--no-history", code=3
    )

    assert result.stderr.strip().splitlines() == [
        "backlog-audit: error: monday.com answered boards with an error (InternalServerException): "
        "Internal server error"
    ]


def test_a_monday_flag_with_another_source_is_refused(okr_file: str) -> None:
    result = cli_runner.invoke(
        ["audit", "--okrs", okr_file, "--input", cli_runner.JIRA, "--monday-board", "5001"], 2
    )

    assert "--monday-board is read by --source monday only, not --source csv" in result.stderr


def test_points_map_in_the_config_file_reads_t_shirt_sizes(
    fake: FakeMonday, okr_file: str, tmp_path: Path
) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text("[points_map]\nS = 1\nM = 3\nL = 5\n", encoding="utf-8")

    report = audit_json(fake, okr_file, "--monday-board", "5006", "--config", str(config))

    summary = report["summary"]
    assert (summary["points"], summary["linked_points"], summary["unestimated_items"]) == (
        9.0,
        6.0,
        2,
    )


def test_the_selectors_are_config_file_keys(
    fake: FakeMonday, okr_file: str, tmp_path: Path
) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(
        'source = "monday"\nmonday_board = ["5001", "5002"]\nmonday_group = "Sprint 12"\n',
        encoding="utf-8",
    )

    result = cli_runner.invoke(
        ["audit", "--config", str(config), "--okrs", okr_file, "--format", "json", "-o", "-",
         "-q", "--no-history"],
        0,
        env={"MONDAY_API_TOKEN": TOKEN, "MONDAY_API_URL": fake.url},
    )  # fmt: skip

    report = json.loads(result.stdout)
    assert report["source"] == {"kind": "monday", "scope": "board=5001,5002 group=Sprint 12"}
    assert report["summary"]["items"] == 6
