"""The bundled example audits, checked against figures worked out by hand.

The expected numbers come from the design of the example backlog (examples/), counted item
by item; they are typed in here, never computed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def audit_json(*args: str) -> dict[str, Any]:
    result = invoke(
        [
            "audit",
            "--source",
            "csv",
            "--okrs",
            str(EXAMPLES / "okrs.yaml"),
            "--format",
            "json",
            "-o",
            "-",
            "-q",
            *args,
        ],
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture(scope="module")
def jira() -> dict[str, Any]:
    return audit_json("--input", str(EXAMPLES / "jira-export.csv"))


def test_jira_example_summary(jira: dict[str, Any]) -> None:
    summary = jira["summary"]
    open_view = summary.pop("open")
    assert summary == {
        "items": 52,
        "exempt_items": 6,
        "exempt_share": pytest.approx(6 / 52),
        "linked_items": 32,  # 22 linked + 3 objective-only + 7 inherited
        "coverage": pytest.approx(32 / 46),
        "points": 154.0,
        "exempt_points": 11.0,
        "linked_points": 113.0,
        "points_coverage": pytest.approx(113 / 143),
        "orphaned_items": 8,
        "dangling_items": 3,
        "stale_items": 3,
        "objective_only_items": 3,
        "inherited_items": 7,
        "unestimated_items": 5,
        "key_results": 6,
        "uncovered_key_results": 1,
    }
    assert open_view == {
        "items": 41,
        "linked_items": 25,
        "coverage": pytest.approx(25 / 38),  # 3 open exempt items out of the denominator
        "points": 123.0,
        "linked_points": 88.0,
        "points_coverage": pytest.approx(88 / 117),
    }


def test_jira_example_key_results(jira: dict[str, Any]) -> None:
    rows = {
        r["id"]: (r["items"], r["points"], r["todo"], r["in_progress"], r["done"])
        for r in jira["key_results"]
    }
    assert rows == {
        "KR1.1": (7, 25.0, 3, 2, 2),
        "KR1.2": (8, 25.0, 4, 2, 2),
        "KR2.1": (6, 25.0, 3, 1, 2),
        "KR2.2": (5, 23.0, 2, 2, 1),
        "KR3.1": (4, 14.0, 3, 1, 0),
        "KR3.2": (0, 0.0, 0, 0, 0),
    }
    kr11 = jira["key_results"][0]
    assert kr11["objective_id"] == "O1"
    assert (kr11["baseline"], kr11["target"], kr11["current"]) == (50, 70, 55)
    assert kr11["share"] == pytest.approx(7 / 52)
    assert kr11["points_share"] == pytest.approx(25 / 154)
    assert jira["uncovered_key_results"] == ["KR3.2"]


def test_jira_example_objectives(jira: dict[str, Any]) -> None:
    rows = {r["id"]: (r["items"], r["points"]) for r in jira["objectives"]}
    # O1: KR1.1 (7 items, 25 pts) + KR1.2 (8, 25) + objective-only ONB-40 (2) and ONB-53 (-).
    # O2: KR2.1 (6, 25) + KR2.2 (5, 23) + objective-only ONB-13 (2); ONB-16 (KR2.2 and KR1.1)
    # counts in O1 and in O2.
    # O3: KR3.1 (4, 14) + ONB-54 (3), which names O3 beside KR1.1.
    assert rows == {"O1": (17, 52.0), "O2": (12, 50.0), "O3": (5, 17.0)}


def test_jira_example_link_tables(jira: dict[str, Any]) -> None:
    assert jira["dangling_links"] == [
        {"key": "ONB-5", "reference": "KR12", "suggestion": "KR1.2", "affected_items": 1},
        {"key": "ONB-36", "reference": "KR9.9", "suggestion": None, "affected_items": 1},
        {"key": "ONB-37", "reference": "RK1.2", "suggestion": "KR1.2", "affected_items": 1},
        {"key": "ONB-38", "reference": "KR2.3", "suggestion": None, "affected_items": 1},
        {"key": "ONB-39", "reference": "KR9.8", "suggestion": None, "affected_items": 1},
    ]
    assert jira["stale_links"] == [
        {"key": "ONB-4", "reference": "KR0.3", "affected_items": 2},
        {"key": "ONB-23", "reference": "KR0.4", "affected_items": 1},
        {"key": "ONB-41", "reference": "KR0.3", "affected_items": 1},
        {"key": "ONB-56", "reference": "KR0.4", "affected_items": 1},
    ]
    assert jira["inheritance_conflicts"] == [
        {"key": "ONB-10", "own": ["KR1.1"], "inherited": ["KR1.2"]},
        {"key": "ONB-13", "own": ["O2"], "inherited": ["KR1.2"]},
    ]
    assert jira["orphans"] == [
        "ONB-21",
        "ONB-22",
        "ONB-24",
        "ONB-26",
        "ONB-34",
        "ONB-35",
        "ONB-45",
        "ONB-48",
    ]


def test_jira_example_items(jira: dict[str, Any]) -> None:
    items = {i["key"]: i for i in jira["items"]}
    assert "ONB-1" not in items and "ONB-57" not in items  # epics and sub-tasks: carriers only
    assert items["ONB-7"]["link_state"] == "inherited"
    assert items["ONB-7"]["inherited_from"] == "ONB-1"
    assert items["ONB-7"]["key_results"] == ["KR1.2"]
    assert items["ONB-18"]["link_state"] == "exempt"
    assert items["ONB-18"]["inherited_from"] == "ONB-3"
    assert items["ONB-29"]["key_results"] == ["KR1.1"]  # through the alias
    assert items["ONB-54"]["objectives"] == ["O1", "O3"]
    assert items["ONB-55"]["references"] == ["KR1.2"]  # the okr: label
    assert items["ONB-49"]["sprints"] == ["ONB Sprint 21", "ONB Sprint 22"]
    assert items["ONB-49"]["sprint"] == "ONB Sprint 22"
    assert list(items)[:4] == ["ONB-7", "ONB-8", "ONB-9", "ONB-10"]  # natural order


def test_jira_example_breakdown_by_sprint(jira: dict[str, Any]) -> None:
    rows = {
        r["value"]: (r["items"], r["linked_items"], r["points"], r["linked_points"])
        for r in jira["breakdowns"]["by_sprint"]
    }
    assert rows == {
        "(no sprint)": (6, 2, 11.0, 8.0),
        "ONB Sprint 21": (6, 5, 21.0, 20.0),
        "ONB Sprint 22": (23, 15, 67.0, 46.0),
        "ONB Sprint 23": (17, 10, 55.0, 39.0),
    }


def test_asana_example_top_level_tasks() -> None:
    report = audit_json("--input", str(EXAMPLES / "asana-export.csv"))
    s = report["summary"]
    # 37 top-level tasks: the 6 epic-like parents count here (Asana has no epics), the 24
    # subtasks do not; completed tasks are done, everything else to do.
    assert (s["items"], s["exempt_items"], s["linked_items"]) == (37, 4, 21)
    assert (s["points"], s["linked_points"], s["exempt_points"]) == (92.0, 70.0, 5.0)
    assert (s["orphaned_items"], s["dangling_items"], s["stale_items"]) == (5, 4, 3)
    assert (s["open"]["items"], s["open"]["linked_items"]) == (31, 17)


def test_asana_example_with_subtasks_counted() -> None:
    report = audit_json("--input", str(EXAMPLES / "asana-export.csv"), "--include-types", "Subtask")
    s = report["summary"]
    assert (s["items"], s["exempt_items"], s["linked_items"]) == (61, 7, 36)
    assert (s["inherited_items"], s["orphaned_items"]) == (9, 10)
    assert (s["points"], s["linked_points"], s["exempt_points"]) == (160.0, 118.0, 11.0)
    assert s["coverage"] == pytest.approx(36 / 54)
