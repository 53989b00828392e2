"""`--keep-going` (SPEC 11 "Failures", issue 12): a team's usage error at fetch time is that
team's failure like an outage and the run, which reports the other teams, exits 3 (SPEC 11;
SPEC 8 keeps 2 for a run that writes nothing); the audited teams are recorded, the portfolio
under a partial scope of its own."""

from __future__ import annotations

import json
from typing import Any

from backlog_audit.history import list_runs
from tests.cli_runner import invoke
from tests.portfolio.conftest import Portfolio


def audit(portfolio: Portfolio, code: int, *args: str, **env: str) -> tuple[Any, dict[str, Any]]:
    out = portfolio.config.parent / "report.json"
    history = portfolio.config.parent / "history.sqlite3"
    args = ("audit", "--config", str(portfolio.config), "-o", str(out), "-q", "--history",
            str(history), *args)  # fmt: skip
    result = invoke(args, code, env={**portfolio.env, **env})
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return result, report


def unknown_sprint(portfolio: Portfolio) -> None:
    """Web's sprint named as no sprint of board 9 is: a usage error found by a request."""
    text = portfolio.config.read_text(encoding="utf-8")
    text = text.replace('board = 9\nsprint = "active"', 'board = 9\nsprint = "Sprint 99"')
    portfolio.config.write_text(text, encoding="utf-8")


def test_a_usage_error_at_fetch_time_is_the_teams_failure(portfolio: Portfolio) -> None:
    unknown_sprint(portfolio)
    result, report = audit(portfolio, 3, "--keep-going")
    teams = {t["name"]: t for t in report["teams"]}
    assert teams["Web"]["error"] == "board 9 has no sprint named 'Sprint 99'"
    assert all(teams[name]["error"] is None for name in ("App", "Growth", "Docs"))
    assert report["coverage_note"] == "figures cover the audited teams only: Web failed"
    assert result.stderr.count("team Web failed:") == 1  # its line, not a warning too


def test_a_usage_error_and_an_outage_reported_exit_3(portfolio: Portfolio) -> None:
    unknown_sprint(portfolio)
    _result, report = audit(portfolio, 3, "--keep-going", ASANA_ACCESS_TOKEN="wrong-token")
    failed = [t["name"] for t in report["teams"] if t["error"]]
    assert failed == ["Web", "Growth"]


def test_without_keep_going_a_usage_error_at_fetch_time_stops_the_run(
    portfolio: Portfolio,
) -> None:
    unknown_sprint(portfolio)
    result, report = audit(portfolio, 2)
    assert "team 'Web': board 9 has no sprint named 'Sprint 99'" in result.stderr
    assert report == {}
    assert not (portfolio.config.parent / "history.sqlite3").exists()


def test_a_partial_run_records_the_audited_teams_and_a_partial_portfolio(
    portfolio: Portfolio,
) -> None:
    history = portfolio.config.parent / "history.sqlite3"
    _result, partial = audit(portfolio, 3, "--keep-going", ASANA_ACCESS_TOKEN="wrong-token")
    assert partial["changes"] is None
    scopes = {run.scope.scope: run.exit_code for run in list_runs(history)}
    whole = f"portfolio {portfolio.config.resolve()} [App, Web, Growth, Docs]"
    assert scopes == {
        f"{whole} partial: Growth failed": 3,
        **{s: 3 for s in scopes if s.startswith(("team App:", "team Web:", "team Docs:"))},
    }
    assert len(scopes) == 4  # the portfolio and App, Web and Docs; Growth was not audited
    # The next whole run: the partial portfolio is no baseline of the whole one's, while
    # each audited team compares with its own record of the partial run.
    _result, first = audit(portfolio, 0)
    assert first["changes"] is None
    changes = {t["name"]: t["changes"] for t in first["teams"]}
    assert changes["Growth"] is None
    assert all(changes[name]["coverage_delta"] == 0.0 for name in ("App", "Web", "Docs"))
    _result, second = audit(portfolio, 0)
    assert second["changes"]["coverage_delta"] == 0.0
    listing = invoke(["history", "--history", str(history)]).stdout
    assert "[App, Web, Growth, Docs] partial: Growth failed" in listing


def test_when_every_team_fails_nothing_is_written_or_recorded(portfolio: Portfolio) -> None:
    # Only Web (an unknown sprint: a usage error) and Growth (a refused token) are audited.
    unknown_sprint(portfolio)
    out = portfolio.config.parent / "report.json"
    out.write_text('{"earlier": "report"}\n', encoding="utf-8")
    result, report = audit(
        portfolio, 2, "--keep-going", "--team", "Web", "--team", "Growth",
        ASANA_ACCESS_TOKEN="wrong-token",
    )  # fmt: skip
    assert result.stderr.strip().endswith(
        "team 'Web': board 9 has no sprint named 'Sprint 99' (every team failed; also Growth)"
    )
    assert report == {"earlier": "report"}
    assert not (portfolio.config.parent / "history.sqlite3").exists()
