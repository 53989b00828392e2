"""The JSON report follows SPEC 9 (schema_version 1) key for key."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from backlog_audit.model import AuditResult
from backlog_audit.reports import ReportFormat, render

TOP_KEYS = [
    "schema_version", "generated_at", "source", "okr_cycle", "summary", "key_results",
    "objectives", "breakdowns", "items", "orphans", "dangling_links", "stale_links",
    "uncovered_key_results", "inheritance_conflicts", "lint", "changes",
]  # fmt: skip
SUMMARY_KEYS = {
    "items", "exempt_items", "exempt_share", "linked_items", "coverage", "points",
    "exempt_points", "linked_points", "points_coverage", "orphaned_items", "dangling_items",
    "stale_items", "objective_only_items", "inherited_items", "unestimated_items",
    "key_results", "uncovered_key_results", "open",
}  # fmt: skip
ITEM_KEYS = [
    "key", "title", "type", "status", "status_category", "points", "sprint", "sprints",
    "assignee", "parent", "url", "references", "key_results", "objectives", "link_state",
    "inherited_from",
]  # fmt: skip


@pytest.fixture
def report(result: AuditResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render(ReportFormat.JSON, result))
    return data


def test_top_level_shape(report: dict[str, Any]) -> None:
    assert list(report) == TOP_KEYS
    assert report["schema_version"] == 1
    assert report["generated_at"] == "2026-11-22T10:00:00Z"
    assert report["source"] == {"kind": "jira", "scope": "sprint = 42"}


def test_summary_figures(report: dict[str, Any]) -> None:
    summary = report["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["items"] == 12 and summary["linked_items"] == 6
    assert summary["coverage"] == pytest.approx(6 / 11)
    assert summary["exempt_share"] == pytest.approx(1 / 12)
    assert summary["points_coverage"] == pytest.approx(24 / 29)
    assert summary["open"] == {
        "items": 10, "linked_items": 5, "coverage": pytest.approx(5 / 9), "points": 26,
        "linked_points": 22, "points_coverage": pytest.approx(22 / 25),
    }  # fmt: skip


def test_rows_and_tables(report: dict[str, Any]) -> None:
    kr = report["key_results"][0]
    assert list(kr) == [
        "id", "objective_id", "title", "baseline", "target", "current", "items", "points",
        "share", "points_share", "todo", "in_progress", "done",
    ]  # fmt: skip
    assert (kr["id"], kr["items"], kr["points"]) == ("KR1.1", 2, 8.0)
    assert list(report["objectives"][0]) == [
        "id", "title", "items", "points", "share", "points_share", "todo", "in_progress", "done",
    ]  # fmt: skip
    assert report["breakdowns"]["by_assignee"][0] == {
        "value": "Ana Lima", "items": 4, "linked_items": 3, "coverage": 0.75, "points": 12,
        "linked_points": 11, "points_coverage": pytest.approx(11 / 12),
    }  # fmt: skip
    assert report["dangling_links"][1] == {
        "key": "APP-11", "reference": "KR21", "suggestion": "KR2.1", "affected_items": 1,
    }  # fmt: skip
    assert report["stale_links"] == [{"key": "APP-12", "reference": "KR0.3", "affected_items": 1}]
    assert report["inheritance_conflicts"] == [
        {"key": "APP-13", "own": ["KR2.1"], "inherited": ["KR1.1"]}
    ]
    assert report["lint"][0]["rule"] == "output-phrased"


def test_items(report: dict[str, Any]) -> None:
    item = report["items"][1]
    assert list(item) == ITEM_KEYS
    assert item["key"] == "APP-4" and item["link_state"] == "inherited"
    assert item["inherited_from"] == "APP-1" and item["parent"] == "APP-1"
    assert item["url"] == "https://example.atlassian.net/browse/APP-4"


def test_changes(report: dict[str, Any]) -> None:
    changes = report["changes"]
    assert changes["since"] == "2026-11-15T10:00:00Z"
    assert changes["coverage_delta"] == pytest.approx(6 / 11 - 0.5)
    assert changes["new_orphans"] == ["APP-14"]
    assert changes["newly_uncovered_key_results"] == ["KR2.2"]


def test_changes_is_null_without_history(result: AuditResult) -> None:
    report = json.loads(render(ReportFormat.JSON, replace(result, changes=None)))
    assert report["changes"] is None


def test_a_lone_surrogate_from_a_source_is_replaced_not_fatal(result: AuditResult) -> None:
    # Jira's JSON may escape half an emoji ("\ud83d"); UTF-8 cannot encode it alone.
    items = list(result.items)
    app9 = items[6]
    items[6] = replace(app9, item=replace(app9.item, title="cut \ud83d emoji"))
    report = json.loads(render(ReportFormat.JSON, replace(result, items=tuple(items))))
    assert report["items"][6]["title"] == "cut \ufffd emoji"
