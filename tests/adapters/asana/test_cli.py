"""`backlog-audit` against the fake Asana server, end to end through the command line (issue 4,
"Done when"). Figures are the hand-worked ones of `test_audit.py`."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests import cli_runner
from tests.adapters.asana.fake_server import AsanaData, FakeAsana
from tests.adapters.asana.workspace import TOKEN, source_for

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


@pytest.fixture()
def okr_file(tmp_path: Path) -> str:
    path = tmp_path / "okrs.yaml"
    path.write_text(OKR_FILE, encoding="utf-8")
    return str(path)


def invoke(fake: FakeAsana, *args: str, code: int, token: str = TOKEN) -> Result:
    """Run the CLI with the fake's URL and a token in the environment; check the exit code."""
    env = {"ASANA_ACCESS_TOKEN": token, "ASANA_BASE_URL": fake.base_url}
    return cli_runner.invoke(args, code, env=env)


def audit_json(fake: FakeAsana, okrs: str, *args: str, code: int = 0) -> dict[str, Any]:
    """`audit --source asana` of both projects, JSON report on stdout."""
    result = invoke(
        fake,
        "audit",
        "--source",
        "asana",
        "--asana-project",
        "2001",
        "--asana-project",
        "2002",
        "--completed-since",
        "2026-10-01",
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


def test_audit_of_two_projects(fake: FakeAsana, okr_file: str) -> None:
    report = audit_json(fake, okr_file)

    summary = report["summary"]
    assert report["source"] == {"kind": "asana", "scope": "project=2001,2002"}
    assert (summary["items"], summary["exempt_items"], summary["linked_items"]) == (11, 1, 6)
    assert summary["coverage"] == pytest.approx(0.6)
    assert (summary["points"], summary["linked_points"]) == (30, 15)
    assert report["orphans"] == ["4004", "4022"]
    urls = {item["key"]: item["url"] for item in report["items"]}
    assert urls["4001"] == "https://app.asana.com/1/1000/task/4001"  # each item's permalink


def test_audit_of_one_section(fake: FakeAsana, okr_file: str) -> None:
    report = audit_json(fake, okr_file, "--asana-section", "Sprint 12")

    summary = report["summary"]
    assert report["source"]["scope"] == "project=2001,2002 section=Sprint 12"
    assert (summary["items"], summary["linked_items"], summary["linked_points"]) == (7, 4, 15)


def test_audit_with_goals_as_okrs(fake: FakeAsana) -> None:
    report = audit_json(fake, "asana-goals:1000:6001", "--okr-field", "Goal")

    summary = report["summary"]
    assert (summary["items"], summary["linked_items"], summary["objective_only_items"]) == (
        11,
        7,
        1,
    )
    assert summary["linked_points"] == 20
    assert report["okr_cycle"] == "Q4 FY26"
    rows = {
        row["id"]: (row["items"], row["baseline"], row["target"]) for row in report["key_results"]
    }
    assert rows == {
        "Tech lead activation rate": (2, 50, 70),
        "Weekly active teams": (4, 20, 35),
        "Cut infra cost": (1, 100000, 80000),
    }


def test_goals_are_read_once_per_audit(fake: FakeAsana) -> None:
    audit_json(fake, "asana-goals:1000:6001", "--okr-field", "Goal")

    goal_lists = [r for r in fake.requests if r.path.rstrip("/").endswith("/goals")]
    relationships = [str(r.query) for r in fake.requests if "goal_relationships" in r.path]
    # The OKR loader's goal graph is reused for the supporting-work links: each goal's
    # relationships are asked for once, not once for the OKRs and again for the links.
    assert len(goal_lists) == 1
    assert relationships and len(relationships) == len(set(relationships))


def test_a_429_is_retried(fake: FakeAsana, okr_file: str) -> None:
    fake.inject(429, times=1, retry_after="0", path="/projects/2002/tasks")

    report = audit_json(fake, okr_file)

    assert report["summary"]["items"] == 11
    assert fake.paths().count("/projects/2002/tasks") == 2


def test_a_401_exits_3_with_one_line(fake: FakeAsana, okr_file: str) -> None:
    result = invoke(
        fake,
        "audit",
        "--source",
        "asana",
        "--asana-project",
        "2001",
        "--okrs",
        okr_file,
        "--no-history",
        code=3,
        token="expired-" + TOKEN,
    )

    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "HTTP 401" in result.stderr
    assert TOKEN not in result.output


def test_unknown_okr_field_exits_2(fake: FakeAsana, okr_file: str) -> None:
    result = invoke(
        fake, "audit", "--source", "asana", "--asana-project", "2001", "--okrs", okr_file,
        "--okr-field", "Objective", "--no-history", code=2,
    )  # fmt: skip

    assert "its custom fields: OKR (enum), Story Points (number)" in result.stderr


def test_fields_lists_the_projects_custom_fields(fake: FakeAsana) -> None:
    result = invoke(fake, "fields", "--source", "asana", "--asana-project", "2001", code=0)

    lines = result.stdout.splitlines()
    assert lines[0] == "501\tOKR\tenum [Growth]  <- likely okr field"
    assert "    option 600\tKR1.1" in lines
    assert "503\tStory Points\tnumber [Growth]  <- likely points field" in lines


def test_fields_marks_disabled_options_and_a_disabled_option_still_links() -> None:
    # "KR0.9" was switched off in the field's settings after task 41 chose it: Asana keeps the
    # value on the task, so the task keeps its reference.
    data = AsanaData()
    data.add_field("51", "OKR", "enum", [("61", "KR1.1"), ("62", "KR0.9")], disabled=["KR0.9"])
    data.add_field("52", "Estimate", "number")
    data.add_field("53", "Notes", "text")
    data.add_project("2", "Growth", ["51", "52"])
    data.add_project("3", "Platform", ["52", "53"])
    data.add_section("2", "31", "Untitled section")
    data.add_task("41", "Old work", [("2", "31")], values={"51": "KR0.9", "52": None})
    fake = FakeAsana(data, token=TOKEN)
    try:
        listing = invoke(
            fake, "fields", "--source", "asana", "--asana-project", "2", "--asana-project", "3",
            code=0,
        )  # fmt: skip
        backlog = source_for(fake.base_url, asana_project=("2",)).fetch()
    finally:
        fake.close()

    assert listing.stdout.splitlines() == [
        "51\tOKR\tenum [Growth]  <- likely okr field",
        "    option 61\tKR1.1",
        "    option 62\tKR0.9 (disabled)",
        "52\tEstimate\tnumber [Growth, Platform]  <- likely points field",
        "53\tNotes\ttext [Platform]",
    ]
    (item,) = backlog.items
    assert (item.references, item.points) == (("KR0.9",), None)  # a null estimate: unestimated


def test_debug_logging_never_shows_the_token(
    fake: FakeAsana, okr_file: str, caplog: pytest.LogCaptureFixture
) -> None:
    # -vv is what a user pastes into a bug report: a retried 429, then a refused token.
    caplog.set_level(logging.DEBUG)  # every logger: ours, the SDK's, urllib3's
    fake.inject(429, times=1, retry_after="0", path="/projects/2001/tasks")

    ok = invoke(
        fake, "audit", "--source", "asana", "--asana-project", "2001", "--okrs", okr_file,
        "--format", "json", "-o", "-", "--no-history", "-vv", code=0,
    )  # fmt: skip
    refused = invoke(
        fake, "audit", "--source", "asana", "--asana-project", "2001", "--okrs", okr_file,
        "--no-history", "-vv", code=3, token=TOKEN + "-revoked",
    )  # fmt: skip

    assert any(r.name.startswith("backlog_audit.adapters") for r in caplog.records)
    assert "retry 1/4" in caplog.text
    for text in (ok.output, refused.output, caplog.text):
        assert TOKEN not in text
        assert "bearer" not in text.casefold()


def test_the_okr_files_cycle_start_is_the_default_completed_since(
    fake: FakeAsana, tmp_path: Path
) -> None:
    # 4002 was completed on 2026-11-10: before a cycle starting 2026-11-15, so not audited
    # (11 items in scope become 10); --completed-since wins over the file.
    path = tmp_path / "okrs.yaml"
    path.write_text(OKR_FILE + "cycle_start: 2026-11-15\n", encoding="utf-8")
    args = ["audit", "--source", "asana", "--asana-project", "2001", "--asana-project", "2002",
            "--okrs", str(path), "--format", "json", "-o", "-", "-q", "--no-history"]  # fmt: skip

    from_file = json.loads(invoke(fake, *args, code=0).stdout)
    since = {r.query["completed_since"] for r in fake.requests if r.path.endswith("/tasks")}
    overridden = json.loads(invoke(fake, *args, "--completed-since", "2026-10-01", code=0).stdout)

    assert since == {"2026-11-15T00:00:00.000Z"}
    assert from_file["summary"]["items"] == 10
    assert "4002" not in {item["key"] for item in from_file["items"]}
    assert overridden["summary"]["items"] == 11


def test_unknown_section_exits_2_listing_the_sections(fake: FakeAsana, okr_file: str) -> None:
    result = invoke(
        fake, "audit", "--source", "asana", "--asana-project", "2001", "--okrs", okr_file,
        "--asana-section", "Sprint 99", "--no-history", code=2,
    )  # fmt: skip

    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert (
        "no section 'Sprint 99' (--asana-section); its sections: Sprint 12, Sprint 13, Backlog"
        in (result.stderr)
    )


def test_a_proxy_page_instead_of_json_exits_3_with_one_line(fake: FakeAsana, okr_file: str) -> None:
    fake.inject(200, path="/projects/2001/tasks", body=b"<html><h1>Sign in to the proxy</h1>")

    result = invoke(
        fake, "audit", "--source", "asana", "--asana-project", "2001", "--okrs", okr_file,
        "--no-history", code=3,
    )  # fmt: skip

    assert result.stderr.count("\n") == 1
    assert "did not answer tasks of project 2001 with JSON: check ASANA_BASE_URL" in result.stderr
    assert "Traceback" not in result.output and TOKEN not in result.output


def test_okrs_lint_reads_goals_with_the_asana_variables(fake: FakeAsana) -> None:
    # The CLI hands the OKR loader the variables the Asana plugin lists (token, base URL).
    result = invoke(fake, "okrs", "lint", "asana-goals:1000:6001", "--format", "json", code=1)
    assert json.loads(result.stdout)["summary"]["error"] == 1  # an objective without KRs


def test_okrs_lint_of_goals_finds_no_missing_metric(fake: FakeAsana) -> None:
    # Issue 11, point 16: goals measured 50 -> 70 or in EUR were linted `no-metric`
    result = invoke(fake, "okrs", "lint", "asana-goals:1000:6001", "--format", "json", code=1)
    findings = json.loads(result.stdout)["lint"]
    assert [f for f in findings if f["rule"] == "no-metric"] == []


def test_goals_as_okrs_for_another_source_get_the_asana_variables(fake: FakeAsana) -> None:
    # --source csv reads no Asana variable itself; the goals are an Asana OKR set all the same.
    result = invoke(
        fake,
        "audit",
        "--okrs",
        "asana-goals:1000:6001",
        "--input",
        cli_runner.JIRA,
        "--format",
        "json",
        "-o",
        "-",
        "-q",
        "--no-history",
        code=0,
    )
    assert json.loads(result.stdout)["okr_cycle"] == "Q4 FY26"
