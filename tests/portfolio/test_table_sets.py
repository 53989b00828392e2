"""Team sets in CSV and XLSX files with `aligns_to` on their KR rows, through the CLI
(SPEC 11 "Roll-up": a KR's own `aligns_to`, YAML key or CSV column, wins over its
objective's; chains, cycles and unknown targets as with YAML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.cli_runner import EXAMPLES, invoke

COMPANY = EXAMPLES / "portfolio" / "okrs" / "company.yaml"
HEADER = ["objective_id", "objective", "key_result_id", "key_result", "Aligns to"]
# TK1 and TK2 share an objective but support different company KRs; TK3 chains through TK1.
ROWS = [
    ["T1", "Grow self-serve", "TK1", "Sign-ups per week from 4 to 6", "CKR-1.2"],
    ["T1", "", "TK2", "Upgrades from 5% to 8%", "CKR-1.1"],
    ["T2", "Fewer failed builds", "TK3", "Builds green on day one from 30% to 50%", "TK1"],
]
EXPORT = "key,title,type,status,points,okr\n" + (
    "W-1,Form,Story,To Do,3,TK1\nW-2,Prompt,Story,To Do,5,TK2\nW-3,Checks,Story,To Do,2,TK3\n"
)


def write_set(folder: Path, kind: str, rows: list[list[str]]) -> str:
    if kind == "csv":
        path = folder / "team.csv"
        path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
        return str(path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    path = folder / "team.xlsx"
    book.save(path)
    return str(path)


def run(tmp_path: Path, kind: str, rows: list[list[str]], code: int = 0) -> Any:
    (tmp_path / "w.csv").write_text(EXPORT, encoding="utf-8")
    team_set = write_set(tmp_path, kind, rows)
    config = tmp_path / "backlog-audit.toml"
    config.write_text(
        f'okrs = "{COMPANY}"\n[[teams]]\nname = "Web"\nokrs = "{team_set}"\nsource = "csv"\n'
        'input = "w.csv"\n',
        encoding="utf-8",
    )
    args = ["audit", "--config", str(config), "--no-history", "-q", "--format", "json", "-o", "-"]
    result = invoke(args, code)
    return json.loads(result.stdout) if code == 0 else (team_set, result.output)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_kr_row_rolls_up_to_its_own_company_kr(tmp_path: Path, kind: str) -> None:
    report = run(tmp_path, kind, ROWS)
    cells = {c["key_result"]: (c["items"], c["points"]) for c in report["matrix"]}
    # W-1 (TK1) and W-3 (TK3 -> TK1, a chain) to CKR-1.2; W-2 (TK2) to CKR-1.1.
    assert cells["CKR-1.2"] == (2, 5.0)
    assert cells["CKR-1.1"] == (1, 5.0)
    assert cells["CKR-2.1"] == (0, 0.0)
    # T1's KRs support two company KRs, so T1 itself aligns to nothing; T2's one KR row
    # names one target, which is T2's too (objective-only work on T2 follows it).
    assert [(u["id"], u["kind"]) for u in report["unaligned"]] == [("T1", "objective")]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cycle_through_kr_rows_is_exit_2(tmp_path: Path, kind: str) -> None:
    rows = [*ROWS[:2], ["T2", "Fewer failed builds", "TK3", "Green builds from 30% to 50%", "TK4"],
            ["T2", "", "TK4", "Build minutes from 40 to 10", "TK3"]]  # fmt: skip
    team_set, output = run(tmp_path, kind, rows, code=2)
    assert output.strip().endswith(
        f"team 'Web': {team_set}: aligns_to makes a cycle: TK3 -> TK4 -> TK3"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_unknown_target_on_a_kr_row_is_exit_2(tmp_path: Path, kind: str) -> None:
    rows = [ROWS[0], ["T1", "", "TK2", "Upgrades from 5% to 8%", "CKR-9"], ROWS[2]]
    team_set, output = run(tmp_path, kind, rows, code=2)
    assert output.strip().endswith(
        f"team 'Web': {team_set}: TK2 aligns to 'CKR-9', which is no id of the company set "
        "nor of this set"
    )
