"""`backlog-audit audit|fields --source jira` against the fake server, through `CliRunner`."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
from click.testing import Result

from tests import cli_runner
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJira, FakeJiraServer, custom_field
from tests.adapters.jira.scenario import public_fields

OKRS_YAML = """\
cycle: 2026-Q4
objectives:
  - id: O1
    title: Increase the activation rate of technical leaders
    key_results:
      - {id: KR1.1, title: Activation from 50% to 70%}
      - {id: KR1.2, title: Time to first audit under 5 min}
  - id: O2
    title: Make audits trustworthy
    key_results:
      - {id: KR2.1, title: Zero wrong figures}
retired: [KR0.3]
exempt: [BAU]
"""


def invoke(server: FakeJiraServer, tmp_path: Path, *args: str, code: int, **env: str) -> Result:
    """Run the CLI with the site's credentials; assert the exit code; re-raise the unexpected."""
    return cli_runner.invoke(args, code, env={**env_for(server.jira, server.url), **env})


def audit(server: FakeJiraServer, tmp_path: Path, *args: str, code: int = 0, **env: str) -> Result:
    okrs = tmp_path / "okrs.yaml"
    okrs.write_text(OKRS_YAML, encoding="utf-8")
    history = str(tmp_path / "history.sqlite3")
    base = ("audit", "--source", "jira", "--okrs", str(okrs), "--history", history)
    return invoke(server, tmp_path, *base, *args, code=code, **env)


def test_an_epic_nobody_may_read_stays_named_as_the_parent(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    # Issue 11, point 9: with inheritance on, APP-10 lost its parent when epic APP-1 was hidden
    site.hidden.add("10001")
    args = ("--board", "7", "--sprint", "active", "--format", "json", "-o", "-", "-q")
    result = audit(jira_server, tmp_path, *args)
    report = json.loads(result.stdout)
    item = next(i for i in report["items"] if i["key"] == "APP-10")
    assert (item["parent"], item["link_state"]) == ("APP-1", "orphaned")
    assert "parent issue(s) could not be read (no permission, or deleted): APP-1" in result.stderr


def test_sprint_audit_json_has_the_hand_worked_figures(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    result = audit(
        jira_server,
        tmp_path,
        "--board",
        "7",
        "--sprint",
        "active",
        "--format",
        "json",
        "-o",
        "-",
        "-q",
    )
    report = json.loads(result.stdout)
    summary = report["summary"]
    # Sprint 42: 5 items, APP-14 exempt, APP-11 linked, APP-10 inherited from epic APP-1
    assert (summary["items"], summary["exempt_items"], summary["linked_items"]) == (5, 1, 2)
    assert summary["coverage"] == 0.5
    assert (summary["points"], summary["linked_points"]) == (19.0, 8.0)
    assert report["source"] == {"kind": "jira", "scope": "board=7 sprint=active"}
    urls = {i["key"]: i["url"] for i in report["items"]}
    assert urls["APP-10"] == f"{jira_server.url}/browse/APP-10"
    assert report["orphans"] == ["APP-13"]


def test_an_ambiguous_field_name_is_exit_2_listing_every_candidate(
    jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    jira_server.jira = FakeJira("cloud", custom_fields=public_fields()["Jira"])
    result = audit(
        jira_server, tmp_path, "--jql", "project = APP", "--points-field", "Story Points", code=2
    )
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("backlog-audit: error: ")
    for fid in ("customfield_10623", "customfield_10571", "customfield_10653"):
        assert fid in line
    assert not (tmp_path / "history.sqlite3").exists()


def test_a_refused_token_is_exit_3_in_one_line_without_the_token(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    wrong = (
        {"JIRA_API_TOKEN": "leaked-token-123"}
        if site.mode == "cloud"
        else {"JIRA_PAT": "leaked-token-123"}
    )
    result = audit(jira_server, tmp_path, "--jql", "project = APP", "-v", code=3, **wrong)
    assert "HTTP 401" in result.stderr
    assert "leaked-token-123" not in result.output + result.stderr
    assert site.token not in result.stderr and site.pat not in result.stderr
    assert len([ln for ln in result.stderr.splitlines() if "error" in ln]) == 1


def test_a_429_is_retried(site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path) -> None:
    site.fail(429, path="/field", headers={"Retry-After": "0"})
    result = audit(
        jira_server, tmp_path, "--jql", "key = APP-11", "--format", "json", "-o", "-", "-q"
    )
    assert json.loads(result.stdout)["summary"]["linked_items"] == 1
    assert site.count("/field") == 2


@pytest.mark.parametrize("mode", ["cloud"])
def test_fields_lists_ids_types_and_options(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    result = invoke(jira_server, tmp_path, "fields", "--source", "jira", "--search", "OKR", code=0)
    assert result.stdout.splitlines() == [
        "customfield_10100\tOKR\tselect [global]  <- likely okr field",
        "    option 20001\tKR1.1",
        "    option 20002\tKR0.3 (disabled)",
        "customfield_10200\tOKR notes\ttextarea [global]  <- likely okr field",
    ]


def test_debug_logs_of_a_whole_audit_never_show_a_credential(
    site: FakeJira,
    jira_server: FakeJiraServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, urllib3's, the jira library's
    site.fail(429, path="/search", headers={"Retry-After": "0"})  # a retry is logged too
    result = audit(jira_server, tmp_path, "--board", "7", "--format", "json", "-o", "-", "-vv")
    logs = caplog.text + result.stderr
    assert "GET /rest/agile/1.0/board/7/configuration" in logs and "retry 1/4" in logs
    basic = base64.b64encode(f"{site.email}:{site.token}".encode()).decode()
    for secret in (site.token, site.pat, basic):
        assert secret not in logs and secret not in result.stdout
    assert "authorization" not in logs.casefold()


@pytest.mark.parametrize("mode", ["cloud"])
def test_fields_search_lists_project_copies_with_their_scope(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    site.fields += [
        custom_field("customfield_10300", "Story point estimate", "jsw-story-points", "10001"),
        custom_field("customfield_10301", "Sprint goal", "textfield", "10002"),
    ]
    result = invoke(
        jira_server, tmp_path, "fields", "--source", "jira", "--search", "POINT", code=0
    )
    mark = "  <- likely points field"
    assert result.stdout.splitlines() == [
        f"customfield_10016\tStory point estimate\tjsw-story-points [global]{mark}",
        f"customfield_10300\tStory point estimate\tjsw-story-points [project 10001]{mark}",
    ]


def _sprint_points(jira_server: FakeJiraServer, tmp_path: Path) -> tuple[float, str]:
    args = ("--board", "7", "--sprint", "active", "--format", "json", "-o", "-", "-q")
    result = audit(jira_server, tmp_path, *args)
    return json.loads(result.stdout)["summary"]["points"], result.stderr


def test_the_points_field_that_holds_estimates_is_read(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    # Issue 11, point 2: a Cloud site has both `Story point estimate` (jsw-story-points) and a
    # number field "Story Points"; a team that fills the second read "points n/a" before.
    if site.mode != "cloud":
        pytest.skip("Data Center has one story-point field here")
    site.fields.append(custom_field("customfield_10500", "Story Points", "float"))
    for issue in site.issues:
        value = issue.custom.pop("customfield_10016", None)  # type: ignore[union-attr]
        if value is not None:
            issue.custom["customfield_10500"] = value  # type: ignore[union-attr]
    assert _sprint_points(jira_server, tmp_path) == (19.0, "")


def test_two_points_fields_that_disagree_warn_and_name_the_one_used(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    if site.mode != "cloud":
        pytest.skip("Data Center has one story-point field here")
    site.fields.append(custom_field("customfield_10500", "Story Points", "float"))
    site.issue_by_id("APP-10").custom["customfield_10500"] = 8.0  # type: ignore[union-attr]
    points, stderr = _sprint_points(jira_server, tmp_path)
    assert points == 19.0  # APP-10 keeps its 5 from `Story point estimate`, the fuller field
    assert (
        "1 items have different estimates in 'Story point estimate' and 'Story Points' "
        "(first: APP-10: 5.0 vs 8.0); 'Story point estimate' is used"
    ) in stderr
