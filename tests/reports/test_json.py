"""The JSON report follows SPEC 9 (schema_version 1) key for key."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditResult, Backlog, Item, StatusCategory
from backlog_audit.reports import ReportFormat, render
from backlog_audit.reports import json as json_report
from backlog_audit.reports.json import layout

TOP_KEYS = [
    "schema_version", "generated_at", "source", "okr_cycle", "summary", "key_results",
    "objectives", "breakdowns", "items", "orphans", "dangling_links", "stale_links",
    "uncovered_key_results", "inheritance_conflicts", "lint", "warnings", "changes",
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


# --- every key, in SPEC 9's order ---------------------------------------------------------

SUMMARY_ORDER = [
    "items", "exempt_items", "exempt_share", "linked_items", "coverage", "points",
    "exempt_points", "linked_points", "points_coverage", "orphaned_items", "dangling_items",
    "stale_items", "objective_only_items", "inherited_items", "unestimated_items",
    "key_results", "uncovered_key_results", "open",
]  # fmt: skip
TALLY_ORDER = ["items", "linked_items", "coverage", "points", "linked_points", "points_coverage"]
CHANGES_ORDER = [
    "since", "coverage_delta", "points_coverage_delta", "new_orphans", "fixed_orphans",
    "new_dangling_links", "newly_covered_key_results", "newly_uncovered_key_results",
]  # fmt: skip


def test_every_object_has_specs_keys_in_specs_order(report: dict[str, Any]) -> None:
    assert list(report["summary"]) == SUMMARY_ORDER
    assert list(report["summary"]["open"]) == TALLY_ORDER
    assert list(report["breakdowns"]) == ["by_sprint", "by_assignee", "by_project"]
    assert list(report["breakdowns"]["by_sprint"][0]) == ["value", *TALLY_ORDER]
    assert [list(row) for row in report["dangling_links"]] == [
        ["key", "reference", "suggestion", "affected_items"]
    ] * 2
    assert list(report["stale_links"][0]) == ["key", "reference", "affected_items"]
    assert list(report["inheritance_conflicts"][0]) == ["key", "own", "inherited"]
    assert list(report["lint"][0]) == ["id", "rule", "severity", "message"]
    assert list(report["changes"]) == CHANGES_ORDER


def test_lists_are_in_specs_order(report: dict[str, Any]) -> None:
    # KRs and objectives in OKR-file order; items and link tables by natural key.
    assert [r["id"] for r in report["key_results"]] == ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
    assert [r["key"] for r in report["items"]][4:8] == ["APP-7", "APP-8", "APP-9", "APP-10"]
    assert report["orphans"] == ["APP-9", "APP-10", "APP-14"]
    assert [r["key"] for r in report["dangling_links"]] == ["APP-2", "APP-11"]


# --- empty inputs, through the real audit -------------------------------------------------


def _story(key: str, points: float | None, *refs: str) -> Item:
    return Item(
        id=key, key=key, title=f"Story {key}", type="Story", status="To Do",
        status_category=StatusCategory.TODO, level=0, points=points, references=refs,
    )  # fmt: skip


def audited(result: AuditResult, *items: Item) -> dict[str, Any]:
    """The JSON report of a real audit of `items` against the fixture's OKR set."""
    backlog = Backlog("csv", "plain export backlog.csv", items)
    done = audit(backlog, result.okrs, now=datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc))
    data: dict[str, Any] = json.loads(render(ReportFormat.JSON, done))
    return data


def test_no_items_gives_null_shares_zero_counts_and_empty_lists(result: AuditResult) -> None:
    report = audited(result)
    assert list(report) == TOP_KEYS
    summary = report["summary"]
    assert list(summary) == SUMMARY_ORDER
    # nothing to divide by: every share is null, every count and sum zero
    assert [summary[k] for k in ("exempt_share", "coverage", "points_coverage")] == [None] * 3
    assert [summary[k] for k in ("items", "linked_items", "orphaned_items")] == [0, 0, 0]
    assert summary["points"] == 0.0 and isinstance(summary["points"], float)
    assert summary["open"] == dict.fromkeys(TALLY_ORDER, 0) | {
        "coverage": None, "points_coverage": None,
    }  # fmt: skip
    # every KR is still listed, with no work and null shares; all four are uncovered
    kr = report["key_results"][0]
    assert (kr["id"], kr["items"], kr["share"], kr["points_share"]) == ("KR1.1", 0, None, None)
    assert report["uncovered_key_results"] == ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
    assert summary["uncovered_key_results"] == 4
    empty_lists = ("items", "orphans", "dangling_links", "stale_links", "inheritance_conflicts")
    assert [report[k] for k in empty_lists] == [[]] * 5
    assert report["breakdowns"] == {"by_sprint": [], "by_assignee": [], "by_project": []}
    assert report["changes"] is None


def test_all_exempt_leaves_coverage_null_and_shows_the_exempt_share(
    result: AuditResult,
) -> None:
    report = audited(result, _story("A-1", 2.0, "BAU"), _story("A-2", None, "KTLO"))
    summary = report["summary"]
    # 2 items, both exempt: the denominator 2 - 2 is empty; points 2 - 2 likewise
    assert [summary[k] for k in ("items", "exempt_items", "exempt_share")] == [2, 2, 1.0]
    assert [summary["coverage"], summary["points_coverage"]] == [None, None]
    assert [summary["exempt_points"], summary["unestimated_items"]] == [2.0, 1]
    assert report["items"][0]["link_state"] == "exempt"


def test_no_kr_covered_is_zero_coverage_not_null(result: AuditResult) -> None:
    report = audited(result, _story("A-1", 3.0), _story("A-2", 1.0, "KR9.9"))
    summary = report["summary"]
    assert [summary["coverage"], summary["points_coverage"]] == [0.0, 0.0]
    assert report["orphans"] == ["A-1"]
    assert report["dangling_links"] == [
        {"key": "A-2", "reference": "KR9.9", "suggestion": None, "affected_items": 1}
    ]
    # KR rows: no work, share 0 of 2 items
    assert [(r["items"], r["share"]) for r in report["key_results"]] == [(0, 0.0)] * 4
    assert len(report["uncovered_key_results"]) == 4


def test_text_is_data_kept_verbatim_not_cut_or_defused_as_in_a_spreadsheet(
    result: AuditResult,
) -> None:
    # Excel's limits (32,767 characters, no control characters, no formulas) are the
    # workbook's business: JSON carries the source's text exactly, escaped as JSON.
    title = "=SUM(A1)\x07 \u2028 \U0001f642 " + "y" * 40_000
    items = list(result.items)
    app9 = items[6]
    items[6] = replace(app9, item=replace(app9.item, title=title))
    data = render(ReportFormat.JSON, replace(result, items=tuple(items)))
    assert json.loads(data)["items"][6]["title"] == title
    assert b"\\u0007" in data  # a control character is escaped, so every line stays one line


def test_figures_past_floats_range_are_null_not_a_crash(result: AuditResult) -> None:
    # Two items of 1e308 points (finite each, accepted from a CSV export) add up to inf;
    # the points coverage inf / inf is NaN. Neither is JSON: the run died with a traceback.
    report = audited(result, _story("A-1", 1e308, "KR1.1"), _story("A-2", 1e308, "KR1.1"))
    summary = report["summary"]
    assert [summary["points"], summary["linked_points"], summary["points_coverage"]] == [
        None, None, None,
    ]  # fmt: skip
    assert summary["coverage"] == 1.0  # the item figures are untouched
    assert report["items"][0]["points"] == 1e308


def test_warnings_reach_json_consumers(result: AuditResult) -> None:
    # Issue 14 point 9: warnings reached stderr, Markdown and the workbook, not the JSON.
    warned = replace(result, warnings=("Jira counted 41 issues but sent 40",))
    report = json.loads(render(ReportFormat.JSON, warned))
    assert report["warnings"] == ["Jira counted 41 issues but sent 40"]
    assert json.loads(render(ReportFormat.JSON, replace(result, warnings=())))["warnings"] == []


def test_a_list_of_texts_is_laid_out_one_per_line_whatever_the_texts_hold() -> None:
    """Lists of texts (orphans, uncovered KRs, warnings) are encoded in one call and split
    at the separators: quotes, commas and `", "` inside a text stay inside it."""
    texts = ['a", "b', '", "', "plain", 'back\\\\", "slash', "", "ü 😀", '\\"']
    laid = layout({"orphans": texts})
    assert json.loads(laid) == {"orphans": texts}
    shown = ["    " + json.dumps(t, ensure_ascii=False) for t in texts]
    assert laid.splitlines()[2:-2] == [line + "," for line in shown[:-1]] + shown[-1:]


def test_the_engine_encodes_the_whole_report_as_the_plain_data_reads() -> None:
    """`render` encodes the items and the bad links with the engine (issue 15): the same
    bytes as `layout` of the plain-data report, also for texts made to hurt."""
    from backlog_audit.model import BadLink
    from backlog_audit.reports.common import utf8
    from tests.builders import backlog, standard_okrs
    from tests.reports.xlsx.test_frame_rows import NOW, hurtful

    result = audit(backlog(*hurtful()), standard_okrs(), now=NOW)
    odd = ('quote " and \\\\ backslash', "tab\there\x01\x1f", "ü 😀 \u2028", "", "=cmd|' /C'")
    hurt = replace(
        result,
        dangling_links=tuple(BadLink(f"K-{n}", t, n, t or None) for n, t in enumerate(odd)),
        stale_links=(BadLink("S-1", odd[0], 7, "ignored"),),
    )  # fmt: skip
    for each in (result, hurt, replace(result, dangling_links=(), stale_links=())):
        assert render(ReportFormat.JSON, each) == utf8(
            layout(json_report.finite(json_report.to_dict(each))) + "\n"
        )
