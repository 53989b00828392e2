"""load_okrs (SPEC 3): which reader a spec goes to, and files that cannot be read at all."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from pathlib import Path

import pytest

from backlog_audit.errors import EXIT_USAGE, OkrFileError
from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.okrs import load_audited_okrs, load_okrs
from tests.okrs.okr_files import refused, write


def test_asana_goals_spec_is_handed_to_the_asana_goals_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Mapping[str, str] | None]] = []
    kr = KeyResult(id="KR1", title="A metric goal", objective_id="O1")
    objective = Objective(id="O1", title="A goal", key_results=(kr,))
    wanted = OkrSet(objectives=(objective,), source="asana-goals:123")

    def load_goal_okrs(spec: str, env: Mapping[str, str] | None) -> OkrSet:
        calls.append((spec, env))
        return wanted

    fake = types.ModuleType("backlog_audit.adapters.asana.goals")
    fake.load_goal_okrs = load_goal_okrs  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "backlog_audit.adapters.asana.goals", fake)

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


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty-list.yaml", "objectives: []\n"),
        ("empty-key.yaml", "objectives:\n"),
        ("no-krs.yaml", "objectives:\n  - id: O1\n    title: Grow\n"),
        ("header-only.csv", "objective_id,objective,key_result_id,key_result\n"),
        (
            "retired-only.csv",
            "objective_id,objective,key_result_id,key_result,status\nO1,Grow,KR0.1,Old,retired\n",
        ),
    ],
)
def test_a_set_without_any_key_result_is_refused(tmp_path: Path, name: str, text: str) -> None:
    # Every reference would be dangling and coverage 0: a wrong or truncated file, not a set.
    path = write(tmp_path, name, text)
    with pytest.raises(OkrFileError) as caught:
        load_audited_okrs(path)
    assert str(caught.value) == (
        f"{path}: no key results: an OKR set needs at least one (every link would be dangling)"
    )
    assert caught.value.exit_code == EXIT_USAGE
    load_okrs(path)  # a parent set (lint --parent, a portfolio's company set) may have none


# --- invalid YAML: one case per error ---------------------------------------------------------
