"""The portfolio counts by the single audit's rule (SPEC 11, "Figures": section 6 over the
portfolio): one team against the company set alone gives the single audit's figures."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import JIRA, OKRS, invoke

# The figures a single audit and a portfolio both report (section 9), as JSON.
SHARED = ("summary", "key_results", "objectives", "breakdowns", "orphans",
          "uncovered_key_results")  # fmt: skip


def _report(args: list[str], out: Path) -> dict:
    invoke([*args, "--format", "json", "--no-history", "-q", "-o", str(out)])
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_portfolio_of_one_team_reports_the_single_audits_figures(tmp_path: Path) -> None:
    config = tmp_path / "portfolio.toml"
    config.write_text(
        f'okrs = "{Path(OKRS).as_posix()}"\n\n[[teams]]\nname = "Only"\nsource = "csv"\n'
        f'input = "{Path(JIRA).as_posix()}"\n',
        encoding="utf-8",
    )
    single = _report(["audit", "--source", "csv", "--input", JIRA, "--okrs", OKRS],
                     tmp_path / "single.json")  # fmt: skip
    whole = _report(["audit", "--config", str(config)], tmp_path / "portfolio.json")
    assert single["summary"]["items"] > 20  # the bundled export: every link state
    for name in SHARED:
        # byte for byte as JSON: an empty KR's points are 0.0 in both, never the integer 0
        assert json.dumps(whole[name]) == json.dumps(single[name]), name
    cells = [(c["key_result"], c["items"], c["points"]) for c in whole["matrix"]]
    assert cells == [(r["id"], r["items"], r["points"]) for r in single["key_results"]]
    assert [(i["key"], i["link_state"]) for i in whole["items"]] == [
        (i["key"], i["link_state"]) for i in single["items"]
    ]
