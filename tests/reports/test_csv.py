"""CSV reports: one table per file, formula-looking text defused (SPEC 10)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from backlog_audit.core.bad_links import BadLinks
from backlog_audit.model import AuditResult
from backlog_audit.reports import csv as csv_report
from backlog_audit.reports import json as json_report


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_table_is_written(result: AuditResult) -> None:
    tables = csv_report.tables(result)
    # In writing order; the paths planned before the fetch follow `TABLES`.
    assert list(tables) == [
        "summary.csv", "key_results.csv", "objectives.csv", "items.csv", "orphans.csv",
        "dangling_links.csv", "stale_links.csv", "uncovered_key_results.csv",
        "inheritance_conflicts.csv", "lint.csv", "by_sprint.csv", "by_assignee.csv",
        "by_project.csv", "fix_list.csv", "fix_list_groups.csv", "warnings.csv",
    ]  # fmt: skip
    assert list(tables) == list(csv_report.TABLES)
    assert all(data.startswith("\ufeff".encode()) for data in tables.values())


def test_a_table_built_but_not_named_in_tables_is_an_error_not_a_silent_drop(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_report, "TABLES", csv_report.TABLES[:-1])
    with pytest.raises(AssertionError, match="disagree"):
        csv_report.tables(result)


def test_summary_table(result: AuditResult) -> None:
    summary = {r["figure"]: r["value"] for r in rows(csv_report.tables(result)["summary.csv"])}
    assert summary["items"] == "12"
    assert summary["linked_items"] == "6"
    assert summary["open_items"] == "10"
    assert float(summary["coverage"]) == 6 / 11


def test_items_table_joins_lists_and_defuses_formulas(result: AuditResult) -> None:
    items = {r["key"]: r for r in rows(csv_report.render(result))}
    assert items["APP-6"]["key_results"] == "KR2.1; KR1.2"
    assert items["APP-9"]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert items["APP-14"]["title"].startswith("'@channel")
    assert items["APP-14"]["assignee"] == ""
    assert items["APP-10"]["title"] == "Refactor invoice PDF | export"


def test_link_tables(result: AuditResult) -> None:
    tables = csv_report.tables(result)
    assert rows(tables["orphans.csv"]) == [{"key": "APP-9"}, {"key": "APP-10"}, {"key": "APP-14"}]
    dangling = rows(tables["dangling_links.csv"])
    assert dangling[1] == {
        "key": "APP-11", "reference": "KR21", "suggestion": "KR2.1", "affected_items": "1",
    }  # fmt: skip


def test_link_tables_are_written_from_the_links_columns(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from their columns (`BadLinks.frame`), as the JSON report reads them: a million
    items' 400,000 dangling links are never a `BadLink`, then a dict, each (issue 15). The
    fix list too, for its problems' words."""
    expected = {name: csv_report.tables(result)[name] for name in _LINK_TABLES}
    monkeypatch.setattr(BadLinks, "__iter__", _not_one_by_one)
    monkeypatch.setattr(BadLinks, "__getitem__", _not_one_by_one)
    audited = replace(
        result,
        dangling_links=BadLinks(BadLinks.of(result.dangling_links).frame),
        stale_links=BadLinks(BadLinks.of(result.stale_links).frame),
    )
    tables = csv_report.tables(audited)
    assert {name: tables[name] for name in _LINK_TABLES} == expected


_LINK_TABLES = (
    "dangling_links.csv",
    "stale_links.csv",
    "orphans.csv",
    "fix_list.csv",
    "fix_list_groups.csv",
)


def _not_one_by_one(*_args: object) -> None:
    raise AssertionError("a link table read its links one by one")


def test_fix_list_groups_orphans_and_dangling_by_parent_and_assignee(result: AuditResult) -> None:
    fix = rows(csv_report.tables(result)["fix_list.csv"])
    by_parent = {(r["group"], r["key"]) for r in fix if r["group_by"] == "parent"}
    # APP-10 (orphaned) and APP-11 (dangling) share the epic APP-2
    assert ("APP-2", "APP-10") in by_parent and ("APP-2", "APP-11") in by_parent
    assert {r["key"] for r in fix} == {"APP-9", "APP-10", "APP-11", "APP-14"}


def test_each_fix_list_group_and_its_query_is_one_row_of_its_own_table(
    result: AuditResult,
) -> None:
    # A group's JQL names every key of the group: repeated on each of its rows, it made
    # fix_list.csv 86 MB for 200,000 items.
    tables = csv_report.tables(result)
    fix, groups = rows(tables["fix_list.csv"]), rows(tables["fix_list_groups.csv"])
    assert "jql" not in fix[0]
    assert groups[0] == {
        "group_by": "parent", "group": "APP-2", "items": "2", "orphaned": "1", "dangling": "1",
        "points": "1.0", "jql": "key in (APP-10, APP-11)",
    }  # fmt: skip
    named = [(g["group_by"], g["group"]) for g in groups]
    assert len(set(named)) == len(named) == 5
    # every item row finds its group, and every group has its items
    assert {(r["group_by"], r["group"]) for r in fix} == set(named)
    sizes = {(g["group_by"], g["group"]): int(g["items"]) for g in groups}
    for name, size in sizes.items():
        assert sum(1 for r in fix if (r["group_by"], r["group"]) == name) == size


def test_fix_list_groups_have_an_empty_query_without_jira(result: AuditResult) -> None:
    groups = rows(csv_report.tables(replace(result, supports_jql=False))["fix_list_groups.csv"])
    assert {g["jql"] for g in groups} == {""}


def test_a_lone_surrogate_from_a_source_is_replaced_not_fatal(result: AuditResult) -> None:
    # Jira's JSON may escape half an emoji ("\ud83d"); UTF-8 cannot encode it alone.
    items = list(result.items)
    app9 = items[6]
    items[6] = replace(app9, item=replace(app9.item, title="cut \ud83d emoji"))
    odd = replace(result, items=tuple(items))
    assert {r["key"]: r["title"] for r in rows(csv_report.render(odd))}["APP-9"] == (
        "cut \ufffd emoji"
    )
    assert {r["key"] for r in rows(csv_report.tables(odd)["fix_list.csv"])} >= {"APP-9"}


def header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_tables_keep_their_header_when_empty(result: AuditResult) -> None:
    # An OKR set without key results (Asana goals without a metric) left key_results.csv
    # with the header "id" alone.
    empty = replace(result, key_results=(), objectives=(), items=(), lint=())
    tables = csv_report.tables(empty)
    assert header(tables["key_results.csv"]) == [
        "id", "objective_id", "title", "baseline", "target", "current", "items", "points",
        "share", "points_share", "todo", "in_progress", "done",
    ]  # fmt: skip
    assert header(tables["objectives.csv"]) == [
        "id", "title", "items", "points", "share", "points_share", "todo", "in_progress", "done",
    ]  # fmt: skip
    assert header(tables["items.csv"])[:3] == ["key", "title", "type"]
    assert rows(tables["key_results.csv"]) == []


def test_row_tables_have_exactly_the_json_reports_keys_in_its_order(result: AuditResult) -> None:
    # The CSV headers are spelled out (an empty table keeps them): a key added to the JSON
    # rows and not to the CSV would otherwise go missing from the CSV without a word.
    report = json_report.to_dict(result)
    tables = csv_report.tables(result)
    for table in ("key_results", "objectives", "items"):
        assert report[table], f"the fixture has {table}"
        assert header(tables[f"{table}.csv"]) == list(report[table][0]), table


def test_kr_table_columns_follow_the_json_report(result: AuditResult) -> None:
    kr = rows(csv_report.tables(result)["key_results.csv"])[0]
    assert kr == {
        "id": "KR1.1", "objective_id": "O1",
        "title": "Net activation rate of tech leads from 50% to 70%",
        "baseline": "50", "target": "70", "current": "55", "items": "2", "points": "8.0",
        "share": str(2 / 12), "points_share": str(8 / 30), "todo": "1", "in_progress": "1",
        "done": "0",
    }  # fmt: skip


def test_figures_that_are_not_numbers_are_empty_cells(result: AuditResult) -> None:
    # Points past float's range add up to inf: empty, like JSON's null (the share is unknown).
    weird = replace(result.summary.all, points=float("inf"), linked_points=float("inf"))
    odd = replace(result, summary=replace(result.summary, all=weird))
    assert odd.summary.all.points_coverage is None
    summary = {r["figure"]: r["value"] for r in rows(csv_report.tables(odd)["summary.csv"])}
    assert [summary["points"], summary["points_coverage"]] == ["", ""]


def test_warnings_have_a_table(result: AuditResult) -> None:
    warned = replace(result, warnings=("Jira counted 41 issues but sent 40",))
    assert rows(csv_report.tables(warned)["warnings.csv"]) == [
        {"warning": "Jira counted 41 issues but sent 40"}
    ]


def test_the_items_table_from_columns_follows_the_csv_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """items.csv is built by the engine from the items table (issue 15): the same bytes as
    each item's JSON fields through `csv_rule`, for text made to hurt (formulas, quotes,
    commas, line ends, control characters, half an emoji, odd numbers), a slice at a time."""
    from datetime import datetime, timezone

    from backlog_audit.core.audit import audit
    from backlog_audit.reports import csv_rule
    from tests.builders import backlog, item, standard_okrs
    from tests.reports.xlsx.test_frame_rows import hurtful

    odd = (item("APP-90", title='a, "b"\r\nc', sprints=("=S", "a;b")),
           item("APP-91", title="cut \ud83d", points=1e-9))  # fmt: skip
    result = audit(backlog(*hurtful(), *odd), standard_okrs(),
                   now=datetime(2026, 11, 22, tzinfo=timezone.utc))  # fmt: skip
    columns = csv_report.ITEM_COLUMNS
    records = [
        [csv_report._cell(json_report.item_dict(r)[c]) for c in columns] for r in result.items
    ]
    expected = ("\ufeff" + csv_rule.table(columns, records)).encode("utf-8", "surrogatepass")
    expected = expected.replace("\ud83d".encode("utf-8", "surrogatepass"), "\ufffd".encode())
    monkeypatch.setattr(csv_report, "_ROWS_PER_CHUNK", 4)
    assert csv_report.render(result) == expected
    assert csv_report.tables(result)[csv_report.ITEMS_TABLE] == expected


def test_the_fix_list_from_columns_follows_the_csv_rule() -> None:
    """fix_list.csv (a row per item to fix, per grouping) is built by the engine: the same
    bytes as its rows through `csv_rule`, for items made to hurt."""
    from datetime import datetime, timezone

    from backlog_audit.core.audit import audit
    from backlog_audit.core.fixlist import fix_groups
    from tests.builders import backlog, standard_okrs
    from tests.reports.xlsx.test_frame_rows import hurtful

    result = audit(
        backlog(*hurtful()), standard_okrs(), now=datetime(2026, 11, 22, tzinfo=timezone.utc)
    )
    header = ["group_by", "group", "key", "title", "link_state", "problem"]
    rows = [
        dict(zip(header, (g.by.value, g.value, e.key, e.title, e.link_state.value, e.problem),
                 strict=True))
        for g in fix_groups(result)
        for e in g.entries
    ]  # fmt: skip
    assert len(rows) > 10
    assert csv_report.tables(result)["fix_list.csv"] == csv_report._table(rows, header)
