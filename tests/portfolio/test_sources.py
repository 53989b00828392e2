"""A portfolio over the fake Jira (two boards, one issue in both), the fake Asana and a CSV
export in one run: dedup, failures with and without --keep-going, a bound per site, and
the history of two runs (SPEC 11)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.teams import fetch
from tests.cli_runner import invoke
from tests.portfolio.conftest import Portfolio


def run(portfolio: Portfolio, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
    out = portfolio.config.parent / "report.json"
    result = invoke(
        ["audit", "--config", str(portfolio.config), "-o", str(out), "--no-history", "-q", *args],
        code,
        env=env or portfolio.env,
    )
    return result, out


def report_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_an_issue_on_two_boards_counts_once_and_names_both_teams(portfolio: Portfolio) -> None:
    _result, out = run(portfolio)
    report = report_of(out)
    teams = {t["name"]: t for t in report["teams"]}
    # Board 7's active sprint 42: APP-10..APP-14 (APP-15 is a sub-task); board 9's: APP-11, APP-40
    assert teams["App"]["summary"]["items"] == 5
    assert teams["Web"]["summary"]["items"] == 2
    assert teams["Docs"]["summary"]["items"] == 2
    growth = teams["Growth"]["summary"]["items"]
    assert report["summary"]["items"] == 5 + 2 - 1 + growth + 2  # APP-11 once
    by_key = {item["key"]: item["teams"] for item in report["items"]}
    assert by_key["APP-11"] == ["App", "Web"]
    assert by_key["APP-40"] == ["Web"]
    assert by_key["DOC-1"] == ["Docs"]
    # The matrix counts each team's own items: APP-11 (KR1.2) is in App's and Web's cells.
    cells = {(c["team"], c["key_result"]): c["items"] for c in report["matrix"]}
    assert (cells[("App", "KR1.2")], cells[("Web", "KR1.2")]) == (1, 1)
    assert cells[("Web", "KR2.1")] == 1  # APP-40
    assert cells[("Docs", "KR2.1")] == 1 and cells[("Docs", "KR1.1")] == 0
    krs = {row["id"]: row["items"] for row in report["key_results"]}
    assert krs["KR1.2"] == sum(1 for i in report["items"] if "KR1.2" in i["key_results"])


def test_a_failing_team_fails_the_run_and_leaves_the_earlier_report(portfolio: Portfolio) -> None:
    out = portfolio.config.parent / "report.json"
    out.write_text("earlier report\n", encoding="utf-8")
    env = {**portfolio.env, "ASANA_ACCESS_TOKEN": "wrong-token"}
    history = portfolio.config.parent / "history.sqlite3"
    result = invoke(
        ["audit", "--config", str(portfolio.config), "-o", str(out), "-q",
         "--history", str(history)],
        3,
        env=env,
    )  # fmt: skip
    assert "team 'Growth':" in result.stderr
    assert "wrong-token" not in result.output
    assert out.read_text(encoding="utf-8") == "earlier report\n"
    assert not history.exists()


def test_keep_going_reports_the_other_teams_and_the_failure(portfolio: Portfolio) -> None:
    env = {**portfolio.env, "ASANA_ACCESS_TOKEN": "wrong-token"}
    result, out = run(portfolio, "--keep-going", code=3, env=env)
    report = report_of(out)
    teams = {t["name"]: t for t in report["teams"]}
    assert teams["Growth"]["summary"] is None
    assert "401" in teams["Growth"]["error"] or "refused" in teams["Growth"]["error"]
    assert all(teams[name]["error"] is None for name in ("App", "Web", "Docs"))
    assert report["coverage_note"] == "figures cover the audited teams only: Growth failed"
    assert report["summary"]["items"] == 5 + 2 - 1 + 2
    assert {c["team"] for c in report["matrix"]} == {"App", "Web", "Docs"}
    assert "team Growth failed:" in result.stderr


def test_team_option_audits_only_those_teams(portfolio: Portfolio) -> None:
    _result, out = run(portfolio, "--team", "Web", "--team", "Docs")
    report = report_of(out)
    assert [t["name"] for t in report["teams"]] == ["Web", "Docs"]
    assert portfolio.asana.requests == []  # Growth was not fetched


def test_one_site_never_gets_more_requests_at_once_than_its_bound(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    teams = "".join(
        f'\n[[teams]]\nname = "Team {n}"\nsource = "jira"\nboard = 7\nsprint = "active"\n'
        for n in range(5)
    )
    portfolio.config.write_text('okrs = "company.yaml"\nformat = ["json"]\n' + teams)
    portfolio.jira.delay = 0.02
    monkeypatch.setitem(fetch.SITE_LIMITS, "jira", 2)
    _result, out = run(portfolio, "--jobs", "5")
    assert portfolio.jira.most_in_flight == 2  # from five teams together
    assert len(report_of(out)["teams"]) == 5


def test_the_history_records_the_portfolio_and_each_team(portfolio: Portfolio) -> None:
    history = portfolio.config.parent / "history.sqlite3"
    out = portfolio.config.parent / "report.json"
    args = ["audit", "--config", str(portfolio.config), "-o", str(out), "-q",
            "--history", str(history)]  # fmt: skip
    invoke(args, env=portfolio.env)
    first = report_of(out)
    assert first["changes"] is None
    assert all(team["changes"] is None for team in first["teams"])
    invoke(args, env=portfolio.env)
    second = report_of(out)
    assert second["changes"]["coverage_delta"] == 0.0
    assert all(team["changes"]["coverage_delta"] == 0.0 for team in second["teams"])
    listing = invoke(["history", "--history", str(history)], env=portfolio.env).stdout
    for scope in ("App, Web, Growth, Docs", "team App:", "team Web:", "team Growth:", "team Docs:"):
        assert scope in listing


def test_keep_going_names_the_failed_team_in_every_report(portfolio: Portfolio) -> None:
    env = {**portfolio.env, "ASANA_ACCESS_TOKEN": "wrong-token"}
    folder = portfolio.config.parent / "reports"
    args = ["audit", "--config", str(portfolio.config), "-o", f"{folder}/", "--no-history",
            "-q", "--keep-going", "--format", "md", "--format", "html", "--format", "csv",
            "--format", "xlsx"]  # fmt: skip
    invoke(args, 3, env=env)
    note = "figures cover the audited teams only: Growth failed"
    markdown = (folder / "backlog-audit.md").read_text(encoding="utf-8")
    assert f"**Note:** {note}" in markdown
    assert "| Growth | asana |" in markdown.replace("  ", " ").replace("  ", " ")
    html = (folder / "backlog-audit.html").read_text(encoding="utf-8")
    assert note in html and "failed: " in html
    teams_csv = (folder / "backlog-audit-csv" / "teams.csv").read_text(encoding="utf-8-sig")
    growth = next(line for line in teams_csv.splitlines() if line.startswith("Growth,"))
    assert "401" in growth or "refused" in growth
    from openpyxl import load_workbook

    book = load_workbook(folder / "backlog-audit.xlsx", read_only=True)
    assert book.sheetnames[0] == "Portfolio"
    rows = list(book["Portfolio"].iter_rows(values_only=True))
    assert "Error" in rows[0]
    failed = next(row for row in rows if row[0] == "Growth")
    assert failed[rows[0].index("Error")]
    items = list(book["Items"].iter_rows(values_only=True, max_row=2))
    assert items[0][0] == "Team"
