"""CSV and XLSX OKR sets (SPEC 3): what a valid file yields, and one case per invalid file."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlog_audit.model import KeyResult
from backlog_audit.okrs import load_okrs
from tests.okrs.okr_files import FIXTURES, HEADER, refused, write, xlsx


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


ALIGN_HEAD = "objective_id,objective,key_result_id,key_result,Aligns to\n"


def _aligns(spec: str) -> list[tuple[str, str | None, list[tuple[str, str | None]]]]:
    okrs = load_okrs(spec)
    return [
        (o.id, o.aligns_to, [(kr.id, kr.aligns_to) for kr in o.key_results])
        for o in okrs.objectives
    ]


def test_aligns_to_on_kr_rows_that_differ_is_each_krs_own(tmp_path: Path) -> None:
    spec = write(tmp_path, "team.csv", ALIGN_HEAD + (
        "T1,Grow,TK1,Sign-ups per week from 4 to 6,CKR-1.2\n"
        "T1,,TK2,Upgrades from 5% to 8%,CKR-1.1\n"
        "T1,,TK3,Referrals from 1 to 2,\n"
    ))  # fmt: skip
    # No objective row and no single value: the objective aligns to nothing of its own, so
    # TK3 (no value) follows it to nothing.
    assert _aligns(spec) == [("T1", None, [("TK1", "CKR-1.2"), ("TK2", "CKR-1.1"), ("TK3", None)])]


def test_aligns_to_on_an_objective_row_is_the_objectives(tmp_path: Path) -> None:
    spec = write(tmp_path, "team.csv", ALIGN_HEAD + (
        "T1,Grow,,,CO-1\n"
        "T1,,TK1,Sign-ups per week from 4 to 6,CKR-1.2\n"
        "T1,,TK2,Upgrades from 5% to 8%,\n"
    ))  # fmt: skip
    assert _aligns(spec) == [("T1", "CO-1", [("TK1", "CKR-1.2"), ("TK2", None)])]


def test_one_value_repeated_on_the_kr_rows_is_the_objectives(tmp_path: Path) -> None:
    # A set written one row per KR repeats the objective's columns (and valid.csv gives it
    # on one row only): the objective aligns, the KRs follow it.
    spec = write(tmp_path, "team.csv", ALIGN_HEAD + (
        "T1,Grow,TK1,Sign-ups per week from 4 to 6,CO-1\n"
        "T1,,TK2,Upgrades from 5% to 8%,CO-1\n"
    ))  # fmt: skip
    assert _aligns(spec) == [("T1", "CO-1", [("TK1", None), ("TK2", None)])]


def test_two_objective_rows_with_different_aligns_to_are_refused(tmp_path: Path) -> None:
    spec = write(tmp_path, "team.csv", ALIGN_HEAD + "T1,Grow,,,CO-1\nT1,,,,CO-2\n")
    error = refused(spec)
    assert (error.where, error.problem) == (
        "row 3",
        "objective T1 has two different aligns_to values: 'CO-1' and 'CO-2'",
    )


def test_xlsx_reads_aligns_to_on_kr_rows_as_csv_does(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Objective ID", "Objective", "Key Result ID", "Key Result", "Aligns To"],
        ["T1", "Grow", "TK1", "Sign-ups per week from 4 to 6", "CKR-1.2"],
        ["T1", None, "TK2", "Upgrades from 5% to 8%", "CKR-1.1"],
    ]
    assert _aligns(xlsx(tmp_path, {"OKRs": rows})) == [
        ("T1", None, [("TK1", "CKR-1.2"), ("TK2", "CKR-1.1")])
    ]
