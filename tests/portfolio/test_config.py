"""`[[teams]]` configuration (SPEC 11): every error names the file, the team and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import EXAMPLES, invoke

PORTFOLIO = EXAMPLES / "portfolio"


def write_config(tmp_path: Path, teams: str, top: str = "") -> str:
    """A config in tmp_path naming the example's files by absolute path."""
    path = tmp_path / "backlog-audit.toml"
    text = f'okrs = "{PORTFOLIO}/okrs/company.yaml"\n{top}\n{teams}'
    path.write_text(text, encoding="utf-8")
    return str(path)


GROWTH = f"""
[[teams]]
name = "Growth"
okrs = "{PORTFOLIO}/okrs/growth.yaml"
source = "csv"
input = "{PORTFOLIO}/exports/growth-jira.csv"
"""
PLATFORM = f"""
[[teams]]
name = "Platform"
source = "trello"
input = "{PORTFOLIO}/exports/platform-trello.json"
"""


def error(config: str, *args: str) -> str:
    result = invoke(["audit", "--config", config, "--no-history", *args], 2)
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


def test_unknown_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH.replace('source = "csv"', 'source = "csv"\ninptu = "x"'))
    assert error(config) == (
        f"backlog-audit: error: {config}: team 'Growth': key 'inptu': unknown key"
        " (did you mean 'input'?)"
    )


def test_a_portfolio_wide_key_in_a_team_says_where_it_belongs(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH + "fail_under = 80\n")
    assert error(config).endswith(
        "team 'Growth': key 'fail_under': applies to the whole portfolio: set it at the top "
        "level of the file"
    )


def test_duplicate_team_names(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH + GROWTH)
    assert error(config).endswith(
        "team 'Growth': key 'name': duplicate team name: every team needs its own"
    )


def test_missing_selector(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[teams]]\nname = "Core"\nsource = "jira"\n')
    assert error(config).endswith(f"{config}: team 'Core': source jira needs jql or board")


def test_a_selector_of_another_source(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH.replace("input =", "board = 7\ninput ="))
    assert error(config).endswith("team 'Growth': key 'board': is read by source jira, not csv")


def test_unknown_source_with_a_suggestion(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH.replace('"csv"', '"jria"'))
    assert "team 'Growth': key 'source': needs one of csv, jira" in error(config)
    assert "(did you mean 'jira'?)" in error(config)


@pytest.mark.parametrize("flags", [["--source", "csv"], ["--input", "x.csv"], ["--board", "7"]])
def test_source_flags_with_teams_are_refused(tmp_path: Path, flags: list[str]) -> None:
    config = write_config(tmp_path, GROWTH)
    assert f"cannot be combined with the [[teams]] of {config}" in error(config, *flags)


def test_team_selects_a_subset(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH + PLATFORM)
    out = tmp_path / "r.json"
    invoke(["audit", "--config", config, "--no-history", "--team", "platform", "--format",
            "json", "-o", str(out)])  # fmt: skip
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [t["name"] for t in report["teams"]] == ["Platform"]
    assert report["summary"]["items"] == 6


def test_unknown_team_is_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH + PLATFORM)
    assert error(config, "--team", "Growht").endswith(
        f"--team Growht: no such team in {config} (did you mean 'Growth'?)"
    )


def test_team_flags_need_teams() -> None:
    result = invoke(["audit", "--okrs", str(EXAMPLES / "okrs.yaml"), "--input",
                     str(EXAMPLES / "jira-export.csv"), "--team", "A"], 2)  # fmt: skip
    assert "--team needs a config file with [[teams]]" in result.output


def test_clashing_sets_name_both_files(tmp_path: Path) -> None:
    clash = tmp_path / "team.yaml"
    clash.write_text(
        "objectives:\n  - id: CO-1\n    title: Another first objective\n"
        "    key_results:\n      - id: T1\n        title: Something measurable\n",
        encoding="utf-8",
    )
    config = write_config(tmp_path, GROWTH.replace(f"{PORTFOLIO}/okrs/growth.yaml", str(clash)))
    assert error(config).endswith(
        f"team 'Growth': {clash}: objective id CO-1 clashes with objective id CO-1 of "
        f"{PORTFOLIO}/okrs/company.yaml: a reference to it would be ambiguous; rename one of them"
    )


def test_fail_under_team_names_the_teams(tmp_path: Path) -> None:
    config = write_config(tmp_path, GROWTH + PLATFORM)
    result = invoke(["audit", "--config", config, "--no-history", "--fail-under-team", "70",
                     "-o", str(tmp_path / "r.json"), "--format", "json"], 1)  # fmt: skip
    assert "team coverage under --fail-under-team 70%: Platform 60.0%" in result.output
    assert "Growth" not in result.output.split("threshold:")[1].splitlines()[0]


def test_fail_under_and_max_orphans_hold_for_the_portfolio() -> None:
    config = str(PORTFOLIO / "backlog-audit.toml")
    # The example portfolio: coverage 14 / 18 = 77.8%, 3 orphans (GRO-5, a Docs task, a card)
    args = ["audit", "--config", config, "--no-history", "--format", "json", "-o", "-"]
    invoke([*args, "--fail-under", "77.7", "--max-orphans", "3"], 0)
    under = invoke([*args, "--fail-under", "78"], 1)
    assert "threshold: coverage 77.8% is under --fail-under 78" in under.stderr
    over = invoke([*args, "--max-orphans", "2"], 1)
    assert "threshold: 3 orphaned items" in over.stderr


def test_html_report_shows_teams_and_matrix_first_and_escapes_names(tmp_path: Path) -> None:
    config = write_config(tmp_path, PLATFORM.replace('"Platform"', '"<script>x</script>"'))
    out = tmp_path / "r.html"
    invoke(["audit", "--config", config, "--no-history", "--format", "html", "-o", str(out)])
    page = out.read_text(encoding="utf-8")
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    teams, matrix, summary = (page.index(f'id="{a}"') for a in ("teams", "matrix", "summary"))
    assert teams < matrix < summary
    assert '<a href="#teams">Teams</a>' in page


def test_config_command_lists_the_teams() -> None:
    text = invoke(["config", "--config", str(PORTFOLIO / "backlog-audit.toml")]).stdout
    line = next(line for line in text.splitlines() if line.split()[:1] == ["teams"])
    assert "Growth, Onboarding, Platform" in line
