"""`[status_map]`, `[points_map]` and `[lint]` per team (`[teams.status_map]` ...): a team's
own keys over the top-level table's, errors naming the file, the team and the key (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli_runner import EXAMPLES, invoke

PORTFOLIO = EXAMPLES / "portfolio"
EXPORT = "key,title,type,status,points,okr\nT-1,One,Story,Ready for QA,M,CKR-1.1\n" + (
    "T-2,Two,Story,To Do,S,\n"
)
TOP = f"""okrs = "{PORTFOLIO}/okrs/company.yaml"
[status_map]
"Ready for QA" = "in_progress"
[points_map]
M = 3
S = 1
"""


def team(name: str, more: str = "", okrs: bool = False) -> str:
    own = f'okrs = "{PORTFOLIO}/okrs/growth.yaml"\n' if okrs else ""
    return f'\n[[teams]]\nname = "{name}"\nsource = "csv"\ninput = "t.csv"\n{own}{more}'


def write(tmp_path: Path, teams: str) -> str:
    (tmp_path / "t.csv").write_text(EXPORT, encoding="utf-8")
    config = tmp_path / "backlog-audit.toml"
    config.write_text(TOP + teams, encoding="utf-8")
    return str(config)


def report(config: str) -> dict[str, Any]:
    args = ["audit", "--config", config, "--no-history", "--format", "json", "-o", "-", "-q"]
    data: dict[str, Any] = json.loads(invoke(args).stdout)
    return data


def error(config: str) -> str:
    result = invoke(["audit", "--config", config, "--no-history"], 2)
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


def test_a_team_status_map_remaps_a_status_of_the_top_level_table(tmp_path: Path) -> None:
    # A maps "Ready for QA" by the top-level table (in progress: open work); B's own table,
    # in another case, makes it done: B has one open item left, A two.
    own = '[teams.status_map]\n"ready for qa" = "done"\n'
    teams = {t["name"]: t for t in report(write(tmp_path, team("A") + team("B", own)))["teams"]}
    assert teams["A"]["summary"]["open"]["items"] == 2
    assert teams["B"]["summary"]["open"]["items"] == 1


def test_a_team_points_map_overrides_a_label_and_keeps_the_others(tmp_path: Path) -> None:
    own = "[teams.points_map]\nM = 5\n"
    teams = {t["name"]: t for t in report(write(tmp_path, team("A") + team("B", own)))["teams"]}
    assert teams["A"]["summary"]["points"] == 3 + 1
    assert teams["B"]["summary"]["points"] == 5 + 1  # S = 1 from the top-level table


def test_a_team_lint_table_tunes_the_lint_of_its_own_set_only(tmp_path: Path) -> None:
    # Growth's set has an objective with 3 KRs (too-many-krs); B switches the rule off.
    own = '[teams.lint]\ndisable = ["too-many-krs"]\n'
    config = write(tmp_path, team("A", okrs=True) + team("B", own, okrs=True))
    findings = [(f["rule"], f["message"].split(":")[0]) for f in report(config)["lint"]]
    assert ("too-many-krs", "A") in findings
    assert ("too-many-krs", "B") not in findings
    assert ("unaligned", "B") in findings  # B's other rules still run


def test_an_inline_team_table_is_the_same_as_a_sub_table(tmp_path: Path) -> None:
    own = 'status_map = { "Ready for QA" = "done" }\n'
    teams = report(write(tmp_path, team("B", own)))["teams"]
    assert teams[0]["summary"]["open"]["items"] == 1


def test_a_bad_value_in_a_team_table_names_the_file_the_team_and_the_key(
    tmp_path: Path,
) -> None:
    config = write(tmp_path, team("A") + team("B", '[teams.status_map]\nQA = "doing"\n'))
    assert error(config) == (
        f"backlog-audit: error: {config}: team 'B': status_map: 'QA' maps to 'doing'; "
        "expected one of todo, in_progress, done"
    )
    config = write(tmp_path, team("B", '[teams.points_map]\nXL = "big"\n'))
    assert error(config).endswith(
        f"{config}: team 'B': points_map: 'XL' = 'big' must be a number of points"
    )
    config = write(tmp_path, team("B", '[teams.lint]\ndisabel = ["x"]\n', okrs=True))
    assert error(config).endswith(
        f"{config}: team 'B': [lint] unknown key 'disabel' (did you mean 'disable'?)"
    )


def test_a_team_table_that_is_no_table_is_refused(tmp_path: Path) -> None:
    config = write(tmp_path, team("B", 'status_map = "done"\n'))
    assert error(config).endswith(
        f"{config}: team 'B': key 'status_map': must be a table ([teams.status_map] after "
        "[[teams]])"
    )


def test_a_lint_table_for_a_team_without_its_own_set_is_refused(tmp_path: Path) -> None:
    config = write(tmp_path, team("B", '[teams.lint]\ndisable = ["unaligned"]\n'))
    assert error(config).endswith(
        f"{config}: team 'B': key 'lint': the team has no OKR set of its own (okrs = ...) to "
        "lint; the company set is linted with the top-level [lint]"
    )


def test_a_misspelt_team_table_gets_a_suggestion(tmp_path: Path) -> None:
    config = write(tmp_path, team("B", '[teams.status_mapp]\nQA = "done"\n'))
    assert error(config).endswith(
        f"{config}: team 'B': key 'status_mapp': unknown key (did you mean 'status_map'?)"
    )
