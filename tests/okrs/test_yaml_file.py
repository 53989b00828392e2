"""YAML OKR sets (SPEC 3): what a valid file yields, and one case per kind of invalid file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from backlog_audit.model import KeyResult, Objective
from backlog_audit.okrs import load_okrs
from tests.okrs.okr_files import FIXTURES, refused, write

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
