"""Items across teams are identified by source site and key (SPEC 11 "Items"): an item
without a link of its own is of the site its team names (`jira_url`), else of the file its
team reads. Unrelated exports never merge; one export read by two teams, or an export of a
Jira site also read live, does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli_runner import EXAMPLES, invoke
from tests.portfolio.conftest import Portfolio

COMPANY = EXAMPLES / "portfolio" / "okrs" / "company.yaml"
HEADER = "key,title,type,status,points,okr\n"
ONE = HEADER + "APP-1,Sign-up form,Story,To Do,3,CKR-1.2\nAPP-2,Prompt,Story,Done,2,\n"
OTHER = HEADER + "APP-1,Build cache,Story,To Do,5,CKR-3.1\n"


def team(name: str, export: str, more: str = "") -> str:
    return f'\n[[teams]]\nname = "{name}"\nsource = "csv"\ninput = "{export}"\n{more}'


def items(tmp_path: Path, teams: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(f'okrs = "{COMPANY}"\n{teams}', encoding="utf-8")
    args = ["audit", "--config", str(config), "--no-history", "-q", "--format", "json", "-o", "-"]
    report: dict[str, Any] = json.loads(invoke(args, env=env or {}).stdout)
    return report


def keyed(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(item["key"], item["teams"]) for item in report["items"]]


def test_two_exports_with_the_same_keys_never_merge(tmp_path: Path) -> None:
    (tmp_path / "one.csv").write_text(ONE, encoding="utf-8")
    (tmp_path / "other.csv").write_text(OTHER, encoding="utf-8")
    report = items(tmp_path, team("Web", "one.csv") + team("Infra", "other.csv"))
    # Two APP-1s of two unknown sites: two items, each its team's.
    assert keyed(report) == [("APP-1", ["Web"]), ("APP-1", ["Infra"]), ("APP-2", ["Web"])]
    assert report["summary"]["items"] == 3
    cells = {(c["team"], c["key_result"]): c["items"] for c in report["matrix"]}
    assert (cells[("Web", "CKR-1.2")], cells[("Infra", "CKR-3.1")]) == (1, 1)


def test_one_export_read_by_two_teams_is_one_set_of_items(tmp_path: Path) -> None:
    (tmp_path / "one.csv").write_text(ONE, encoding="utf-8")
    # The same file, named two ways.
    report = items(tmp_path, team("Web", "one.csv") + team("Mobile", f"{tmp_path}/./one.csv"))
    assert keyed(report) == [("APP-1", ["Web", "Mobile"]), ("APP-2", ["Web", "Mobile"])]


def test_exports_that_name_one_jira_site_merge_by_key(tmp_path: Path) -> None:
    (tmp_path / "one.csv").write_text(ONE, encoding="utf-8")
    (tmp_path / "other.csv").write_text(OTHER, encoding="utf-8")
    site = 'jira_url = "https://acme.atlassian.net"\n'
    other_site = 'jira_url = "HTTPS://ACME.atlassian.net/"\n'  # the same site, written otherwise
    report = items(tmp_path, team("Web", "one.csv", site) + team("Infra", "other.csv", other_site))
    assert keyed(report) == [("APP-1", ["Web", "Infra"]), ("APP-2", ["Web"])]
    elsewhere = 'jira_url = "https://other.atlassian.net"\n'
    report = items(tmp_path, team("Web", "one.csv", site) + team("Infra", "other.csv", elsewhere))
    assert keyed(report) == [("APP-1", ["Web"]), ("APP-1", ["Infra"]), ("APP-2", ["Web"])]


def test_an_export_of_a_site_also_read_live_merges_with_it(portfolio: Portfolio) -> None:
    # Docs reads a plain export of the fake Jira's site holding APP-11, which App's board
    # has too: one item, both teams.
    export = portfolio.config.parent / "docs.csv"
    export.write_text(HEADER + "APP-11,Shared story,Story,To Do,1,KR1.2\n", encoding="utf-8")
    text = portfolio.config.read_text(encoding="utf-8")
    url = portfolio.env["JIRA_URL"]
    portfolio.config.write_text(
        text.replace('input = "docs.csv"', f'input = "docs.csv"\njira_url = "{url}"'),
        encoding="utf-8",
    )
    args = ["audit", "--config", str(portfolio.config), "--no-history", "-q", "--team", "App",
            "--team", "Docs", "--format", "json", "-o", "-"]  # fmt: skip
    report = json.loads(invoke(args, env=portfolio.env).stdout)
    teams = dict(keyed(report))
    assert teams["APP-11"] == ["App", "Docs"]
    assert sum(1 for key, _teams in keyed(report) if key == "APP-11") == 1
