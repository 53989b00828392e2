"""OKR set files (SPEC 3): what a valid file yields, and one case per kind of invalid file."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from backlog_audit.errors import EXIT_USAGE, OkrFileError
from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.okrs import load_okrs

FIXTURES = Path(__file__).parent / "fixtures" / "okrs"


def write(tmp_path: Path, name: str, text: str) -> str:
    """Write a fixture file into tmp_path and return its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def refused(spec: str) -> OkrFileError:
    """Load a file that must be refused and return the error."""
    with pytest.raises(OkrFileError) as caught:
        load_okrs(spec)
    assert caught.value.exit_code == EXIT_USAGE
    assert "\n" not in str(caught.value)
    return caught.value


# --- valid files ------------------------------------------------------------------------------


def test_yaml_set_reads_every_field() -> None:
    okrs = load_okrs(str(FIXTURES / "valid.yaml"))

    assert okrs.cycle == "2026-Q4"
    assert okrs.cycle_start == date(2026, 10, 1)
    assert okrs.cycle_end == date(2026, 12, 31)
    assert okrs.level == "team"
    assert okrs.retired == ("KR0.3", "KR0.4")
    assert okrs.exempt == ("BAU", "KTLO", "Tech debt")
    assert okrs.source == str(FIXTURES / "valid.yaml")
    o1, o2 = okrs.objectives
    assert (o1.id, o1.owner, o1.aligns_to) == ("O1", "Growth squad", "CO-2")
    assert o1.key_results[0] == KeyResult(
        id="KR1.1",
        objective_id="O1",
        title="Net activation rate of tech leads from 50% to 70%",
        metric="activation rate (tech leads)",
        baseline=50.0,
        target=70.0,
        unit="%",
        indicator="leading",
        current=55.5,
        aliases=("Activation tech leads", "TL activation"),
    )
    # The raw text of an id is kept: 1.10 is not the float 1.1.
    assert o1.key_results[1].id == "KR1.10"
    assert o2 == Objective(
        id="O2",
        title="Teams trust the weekly report",
        key_results=(
            KeyResult(
                id="KR2.1",
                objective_id="O2",
                title="Weekly report opens per team",
                aliases=("Report opens",),
            ),
        ),
    )


def test_csv_set_headers_case_insensitive_aliases_split_retired_rows() -> None:
    okrs = load_okrs(str(FIXTURES / "valid.csv"))

    assert [o.id for o in okrs.objectives] == ["O1", "O2", "O3"]
    o1 = okrs.objectives[0]
    assert (o1.title, o1.owner, o1.aligns_to) == (
        "Tech leads get value in their first week",
        "Growth squad",
        "CO-2",
    )
    kr11, kr12 = o1.key_results
    assert kr11.aliases == ("Activation tech leads", "TL activation")
    assert (kr11.baseline, kr11.target, kr11.current, kr11.unit) == (50.0, 70.0, 55.0, "%")
    assert (kr11.metric, kr11.indicator) == ("activation rate", "leading")
    assert (kr12.id, kr12.objective_id, kr12.indicator, kr12.current) == (
        "KR1.2",
        "O1",
        "lagging",
        None,
    )
    assert okrs.retired == ("KR0.3",)
    assert okrs.exempt == ()
    # A row with objective columns only declares an objective with no KRs (lint flags it).
    assert okrs.objectives[2].key_results == ()


def xlsx(tmp_path: Path, sheets: Mapping[str, list[list[object]]]) -> str:
    """Write a workbook with the given sheets (name -> rows) and return its path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "okrs.xlsx"
    workbook.save(path)
    return str(path)


HEADER: list[object] = [
    "Objective_ID",
    "Objective",
    "Key_Result_ID",
    "Key_Result",
    "Baseline",
    "Target",
]


def test_xlsx_prefers_the_okrs_sheet_over_the_first(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        {
            "Notes": [["not", "an", "okr", "table"]],
            "OKRs": [HEADER, ["O1", "Activation", "KR1.1", "Activation rate", 50, 70.5]],
        },
    )

    okrs = load_okrs(path)

    assert okrs.key_results == (
        KeyResult(
            id="KR1.1",
            objective_id="O1",
            title="Activation rate",
            baseline=50.0,
            target=70.5,
        ),
    )


def test_xlsx_without_an_okrs_sheet_reads_the_first(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        {
            "Q4": [HEADER, ["O1", "Activation", "KR1.1", "Activation rate", None, None]],
            "Other": [["nothing"]],
        },
    )

    assert [kr.id for kr in load_okrs(path).key_results] == ["KR1.1"]


def test_asana_goals_spec_is_handed_to_the_asana_goals_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Mapping[str, str] | None]] = []
    wanted = OkrSet(objectives=(), source="asana-goals:123")

    def load_goal_okrs(spec: str, env: Mapping[str, str] | None) -> OkrSet:
        calls.append((spec, env))
        return wanted

    fake = types.ModuleType("backlog_audit.adapters.asana_goals")
    fake.load_goal_okrs = load_goal_okrs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "backlog_audit.adapters.asana_goals", fake)

    assert load_okrs("asana-goals:123:456", {"ASANA_ACCESS_TOKEN": "x"}) is wanted
    assert calls == [("asana-goals:123:456", {"ASANA_ACCESS_TOKEN": "x"})]


# --- invalid files: unreadable ----------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")
    assert str(refused(path)) == f"{path}: no such file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    path = str(tmp_path / "dir.yaml")
    assert str(refused(path)) == f"{path}: is a directory, not an OKR file"


def test_unknown_file_type(tmp_path: Path) -> None:
    path = write(tmp_path, "okrs.txt", "objectives: []\n")
    assert refused(path).problem == (
        "unknown OKR file type '.txt': expected .yaml, .yml, .csv or .xlsx"
    )


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "okrs.csv"
    path.write_bytes(b"objective_id,objective,key_result_id,key_result\nO1,Caf\xe9,KR1,x\n")
    assert refused(str(path)).problem.startswith("not UTF-8 text")


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path, "okrs.xlsx", "objective_id,objective\n")
    assert refused(path).problem.startswith("not a readable .xlsx workbook")


# --- invalid YAML: one case per error ---------------------------------------------------------

GOOD_KR = """\
objectives:
  - id: O1
    title: Activation
    key_results:
      - id: KR1.1
        title: Activation rate from 50% to 70%
"""

_TOO_DEEP = sys.getrecursionlimit() // 2 + 100

# (file text, expected "where", expected problem); line numbers counted by hand.
YAML_CASES = {
    "bad syntax": (
        "objectives:\n  - id: O1\n    title: [unclosed\n",
        "line 4",
        "invalid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    "empty file": ("", None, "empty file: expected a mapping with 'objectives'"),
    # Regression: PyYAML recursed once per level and the stack overflowed into a traceback.
    # It takes about two frames a level, so half the recursion limit plus a margin is enough
    # (its scanner is quadratic in depth: 20,000 levels took 2.5 s to say the same).
    "nested deeper than the parser can go": (
        "objectives: " + "[" * _TOO_DEEP + "]" * _TOO_DEEP + "\n",
        None,
        "invalid YAML: nested too deeply",
    ),
    "top level is a list": (
        "- id: O1\n  title: Activation\n",
        "line 1",
        "the top level must be a mapping of keys to values",
    ),
    "no objectives key": (
        "cycle: 2026-Q4\n",
        "line 1",
        "missing 'objectives': the list of objectives",
    ),
    "objectives not a list": (
        "objectives: O1\n",
        "line 1 (objectives)",
        "objectives must be a list",
    ),
    "objective not a mapping": (
        "objectives:\n  - O1\n",
        "line 2 (objectives[0])",
        "an objective must be a mapping of keys to values",
    ),
    "objective without id": (
        "objectives:\n  - title: Activation\n",
        "line 2 (objectives[0].id)",
        "missing id",
    ),
    "key result with empty id": (
        GOOD_KR.replace("id: KR1.1", "id: ''"),
        "line 5 (objectives[0].key_results[0].id)",
        "missing id",
    ),
    "key result without title": (
        GOOD_KR.replace("        title: Activation rate from 50% to 70%\n", ""),
        "line 5 (objectives[0].key_results[0].title)",
        "missing title",
    ),
    "duplicate ids across objective and KR": (
        GOOD_KR + "  - id: kr 1.1\n    title: Retention\n",
        "line 7 (objectives[1])",
        "duplicate id 'kr 1.1' (first used at line 5 (objectives[0].key_results[0]))",
    ),
    "duplicate KR ids in two objectives": (
        GOOD_KR
        + "  - id: O2\n    title: Retention\n    key_results:\n"
        + "      - id: KR1.1\n        title: Weekly retention\n",
        "line 10 (objectives[1].key_results[0])",
        "duplicate id 'KR1.1' (first used at line 5 (objectives[0].key_results[0]))",
    ),
    "non-numeric baseline": (
        GOOD_KR + "        baseline: fifty\n",
        "line 7 (objectives[0].key_results[0].baseline)",
        "baseline must be a number, got 'fifty'",
    ),
    "percent-sign target": (
        GOOD_KR + "        target: 70%\n",
        "line 7 (objectives[0].key_results[0].target)",
        "target must be a number, got '70%' (put the unit in 'unit')",
    ),
    "boolean current": (
        GOOD_KR + "        current: yes\n",
        "line 7 (objectives[0].key_results[0].current)",
        "current must be a number, got 'yes'",
    ),
    "unknown key with suggestion": (
        GOOD_KR + "        basline: 50\n",
        "line 7 (objectives[0].key_results[0].basline)",
        "unknown key 'basline' in a key result (did you mean 'baseline'?)",
    ),
    "a KR without an objective (key_results at the top level)": (
        GOOD_KR + "key_results:\n  - id: KR2.1\n    title: Retention\n",
        "line 7 (key_results)",
        "unknown key 'key_results' in the top level "
        "(key results belong in an objective's key_results list)",
    ),
    "a KR field on an objective": (
        "objectives:\n  - id: O1\n    title: Activation\n    target: 70\n",
        "line 4 (objectives[0].target)",
        "unknown key 'target' in an objective "
        "('target' belongs to a key result, in an objective's key_results list)",
    ),
    "unknown top-level key without suggestion": (
        GOOD_KR + "zebra: 1\n",
        "line 7 (zebra)",
        "unknown key 'zebra' in the top level",
    ),
    "repeated key": (
        GOOD_KR + "        title: Again\n",
        "line 7 (objectives[0].key_results[0].title)",
        "key 'title' appears twice in a key result",
    ),
    "bad level": (
        "level: squad\n" + GOOD_KR,
        "line 1 (level)",
        "level must be one of company, department, team, got 'squad'",
    ),
    "bad indicator": (
        GOOD_KR + "        indicator: lagind\n",
        "line 7 (objectives[0].key_results[0].indicator)",
        "indicator must be one of leading, lagging, got 'lagind' (did you mean 'lagging'?)",
    ),
    "bad date": (
        "cycle_start: 2026-13-01\n" + GOOD_KR,
        "line 1 (cycle_start)",
        "cycle_start must be a date as YYYY-MM-DD, got '2026-13-01'",
    ),
    "cycle ends before it starts": (
        "cycle_start: 2026-10-01\ncycle_end: 2026-09-30\n" + GOOD_KR,
        "line 2 (cycle_end)",
        "cycle_end is before cycle_start",
    ),
    "alias equals another KR's title": (
        GOOD_KR
        + "      - id: KR1.2\n        title: Weekly retention\n"
        + "        aliases: ['activation RATE from 50% to 70%']\n",
        "line 9 (objectives[0].key_results[1].aliases[0])",
        "alias of key result KR1.2 'activation RATE from 50% to 70%' is the same as title of "
        "key result KR1.1 'Activation rate from 50% to 70%' (line 5 (objectives[0]"
        ".key_results[0])) once normalised ('activationratefrom50%to70'); every id, alias, "
        "title, retired and exempt value must be distinct",
    ),
    "retired id equals a current KR id": (
        GOOD_KR + "retired: [KR0.3, 'KR 1.1']\n",
        "line 7 (retired[1])",
        "duplicate id 'KR 1.1' (first used at line 5 (objectives[0].key_results[0]))",
    ),
    "exempt value equals a retired id": (
        GOOD_KR + "retired: [BAU]\nexempt: [bau]\n",
        "line 8 (exempt[0])",
        "exempt value 'bau' is the same as retired id 'BAU' (line 7 (retired[0])) once "
        "normalised ('bau'); every id, alias, title, retired and exempt value must be distinct",
    ),
    "objective title equals a KR id": (
        "objectives:\n  - id: O1\n    title: KR1.1\n"
        "    key_results:\n      - id: KR1.1\n        title: Activation rate\n",
        "line 5 (objectives[0].key_results[0])",
        "id of key result KR1.1 'KR1.1' is the same as title of objective O1 'KR1.1' "
        "(line 2 (objectives[0])) once normalised ('kr1.1'); every id, alias, title, retired "
        "and exempt value must be distinct",
    ),
    "id with nothing to match on": (
        "objectives:\n  - id: '--'\n    title: Activation\n",
        "line 2 (objectives[0])",
        "id of objective -- '--' has no letters or digits to match on",
    ),
    "empty alias": (
        GOOD_KR + "        aliases: [Activation, '']\n",
        "line 7 (objectives[0].key_results[0].aliases[1])",
        "empty entry in aliases",
    ),
    "key results given as text": (
        "objectives:\n  - id: O1\n    title: Activation\n    key_results: KR1.1\n",
        "line 4 (objectives[0].key_results)",
        "key_results must be a list",
    ),
}


@pytest.mark.parametrize("text, where, problem", YAML_CASES.values(), ids=YAML_CASES.keys())
def test_invalid_yaml_names_place_and_problem(
    tmp_path: Path, text: str, where: str | None, problem: str
) -> None:
    path = write(tmp_path, "okrs.yaml", text)

    error = refused(path)

    assert (error.path, error.where, error.problem) == (path, where, problem)
    assert str(error) == (f"{path}:{where}: {problem}" if where else f"{path}: {problem}")


# --- invalid CSV: one case per error ----------------------------------------------------------

CSV_HEAD = "objective_id,objective,key_result_id,key_result,baseline,target,status,indicator\n"
CSV_ROW = "O1,Activation,KR1.1,Activation rate,50,70,,\n"

CSV_CASES = {
    "KR without an objective": (
        CSV_HEAD + CSV_ROW + ",,KR1.2,Retention,,,,\n",
        "row 3",
        "key result 'KR1.2' has no objective: objective_id is empty",
    ),
    "missing KR id": (
        CSV_HEAD + "O1,Activation,,Activation rate,50,70,,\n",
        "row 2",
        "missing key_result_id",
    ),
    "missing KR title": (
        CSV_HEAD + "O1,Activation,KR1.1,,50,70,,\n",
        "row 2",
        "missing key_result (the title of KR1.1)",
    ),
    "objective never given a title": (
        CSV_HEAD + "O1,,KR1.1,Activation rate,50,70,,\n",
        "row 2",
        "objective O1 has no title",
    ),
    "objective with two titles": (
        CSV_HEAD + CSV_ROW + "O1,Retention,KR1.2,Weekly retention,,,,\n",
        "row 3",
        "objective O1 has two different objective values: 'Activation' and 'Retention'",
    ),
    "duplicate KR id in two rows": (
        CSV_HEAD + CSV_ROW + "O2,Retention,kr1.1,Weekly retention,,,,\n",
        "row 3",
        "duplicate id 'kr1.1' (first used at row 2)",
    ),
    "non-numeric baseline": (
        CSV_HEAD + "O1,Activation,KR1.1,Activation rate,half,70,,\n",
        "row 2",
        "baseline must be a number, got 'half'",
    ),
    "an objective id that is a KR id": (
        CSV_HEAD + CSV_ROW + "KR1.1,Retention,KR2.1,Weekly retention,,,,\n",
        "row 3",
        "duplicate id 'KR1.1' (first used at row 2)",
    ),
    "a title that normalises like another KR's title": (
        CSV_HEAD + CSV_ROW + "O1,Activation,KR1.2,ACTIVATION  rate,,,,\n",
        "row 3",
        "title of key result KR1.2 'ACTIVATION  rate' is the same as title of key result KR1.1 "
        "'Activation rate' (row 2) once normalised ('activationrate'); every id, alias, title, "
        "retired and exempt value must be distinct",
    ),
    "non-numeric target": (
        CSV_HEAD + "O1,Activation,KR1.1,Activation rate,50,seventy,,\n",
        "row 2",
        "target must be a number, got 'seventy'",
    ),
    "bad status": (
        CSV_HEAD + "O1,Activation,KR1.1,Activation rate,50,70,done,\n",
        "row 2",
        "status must be one of active, retired, got 'done'",
    ),
    "bad indicator": (
        CSV_HEAD + "O1,Activation,KR1.1,Activation rate,50,70,,leadin\n",
        "row 2",
        "indicator must be one of leading, lagging, got 'leadin' (did you mean 'leading'?)",
    ),
    "retired row without KR id": (
        CSV_HEAD + CSV_ROW + ",,,Old KR,,,retired,\n",
        "row 3",
        "a retired row needs its key_result_id",
    ),
    "retired id equals a current KR id": (
        CSV_HEAD + CSV_ROW + ",,KR 1.1,Old KR,,,retired,\n",
        "row 3",
        "duplicate id 'KR 1.1' (first used at row 2)",
    ),
    "unknown column with suggestion": (
        "objective_id,objective,key_result_id,key_result,basline\n",
        "row 1",
        "unknown column 'basline' (did you mean 'baseline'?)",
    ),
    "missing required column": (
        "objective_id,key_result_id,key_result\n",
        "row 1",
        "missing column(s): objective",
    ),
    "repeated column": (
        "objective_id,objective,key_result_id,key_result,Target,TARGET\n",
        "row 1",
        "column 'target' appears twice",
    ),
    "row longer than the header": (
        CSV_HEAD + "O1,Activation,KR1.1,Activation rate,50,70,,,extra\n",
        "row 2",
        "more cells than header columns",
    ),
    "empty file": ("", None, "empty file: expected a header row"),
}


@pytest.mark.parametrize("text, where, problem", CSV_CASES.values(), ids=CSV_CASES.keys())
def test_invalid_csv_names_row_and_problem(
    tmp_path: Path, text: str, where: str | None, problem: str
) -> None:
    path = write(tmp_path, "okrs.csv", text)

    error = refused(path)

    assert (error.where, error.problem) == (where, problem)


def test_invalid_xlsx_names_the_cell_that_is_no_number(tmp_path: Path) -> None:
    path = xlsx(tmp_path, {"OKRs": [HEADER, ["O1", "Activation", "KR1.1", "Rate", "50%", 70]]})

    error = refused(path)

    assert (
        str(error) == f"{path}:row 2: baseline must be a number, got '50%' (put the unit in 'unit')"
    )


def test_invalid_xlsx_names_an_unknown_column(tmp_path: Path) -> None:
    path = xlsx(tmp_path, {"OKRs": [[*HEADER, "Traget"], ["O1", "A", "KR1.1", "Rate", 1, 2, 3]]})

    error = refused(path)

    assert str(error) == f"{path}:row 1: unknown column 'traget' (did you mean 'target'?)"


def test_invalid_xlsx_names_the_spreadsheet_row(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        {
            "OKRs": [
                HEADER,
                ["O1", "Activation", "KR1.1", "Activation rate", 50, 70],
                [None, None, None, None, None, None],
                [None, None, "KR1.2", "Retention", None, None],
            ]
        },
    )

    error = refused(path)

    # The blank row 3 is skipped but still counted, as a spreadsheet shows it.
    assert (error.where, error.problem) == (
        "row 4",
        "key result 'KR1.2' has no objective: objective_id is empty",
    )
