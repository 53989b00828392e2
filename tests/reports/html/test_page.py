"""The HTML report read back with a parser: what it shows, and that source text stays text."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import pytest

from backlog_audit.model import AuditResult, InheritanceConflict, Summary, Tally
from backlog_audit.reports import ReportFormat, render
from backlog_audit.reports.html import page, tables
from backlog_audit.reports.xlsx import styles
from tests.reports.html.conftest import COMMENT, IMG, QUOTE, SCRIPT
from tests.reports.html.parsed import Node, parse


def doc(result: AuditResult) -> Node:
    return parse(page.render(result))


def tile(tree: Node, figure: str) -> tuple[str, str]:
    """A headline tile's value and note."""
    node = tree.find("div", data_figure=figure)
    return node.find(class_="tile-value").text, node.find(class_="tile-note").text


def test_html_is_a_report_format(result: AuditResult) -> None:
    assert ReportFormat("html").streamable
    assert render(ReportFormat.HTML, result) == page.render(result)


def test_headline_figures_and_status(result: AuditResult) -> None:
    tree = doc(result)
    # 6 of 11 countable items, 24 of 29 countable points (tests/reports/conftest.py)
    assert tile(tree, "cov-items") == ("54.5%", "6 of 11 items")
    assert tile(tree, "cov-points") == ("82.8%", "24 of 29 points")
    assert tile(tree, "orphaned")[0] == "3"
    assert tile(tree, "uncovered") == ("1", "of 4 key results")
    status = tree.find(id="status")
    assert "light-red" in (status.attrs["class"] or "")
    assert status.text == "Off trackcoverage 54.5% is under 60%"


def test_large_figures_have_thousands_separators(result: AuditResult) -> None:
    big = Tally(items=3_256, linked_items=2_000, exempt_items=0, points=587_729.0,
                linked_points=546_243.0)  # fmt: skip
    summary = replace(result.summary, all=big, orphaned_items=1_256)
    tree = doc(replace(result, summary=summary))
    assert tile(tree, "cov-items")[1] == "2,000 of 3,256 items"
    assert tile(tree, "cov-points")[1] == "546,243 of 587,729 points"
    assert tile(tree, "orphaned")[0] == "1,256"
    figures = {row.find("th").text: row.find("td").text for row in
               tree.find("table", id="figures").find("tbody").find_all("tr")}  # fmt: skip
    assert figures["Items in scope"] == "3,256"
    assert figures["Points"] == "587,729"


def test_key_result_table_in_file_order_with_sortable_numbers(result: AuditResult) -> None:
    table = doc(result).find("table", id="key-results-table")
    assert table.headers()[:4] == ["KR", "Key result", "Objective", "Items"]
    rows = table.rows()
    assert [row[0] for row in rows] == ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
    assert rows[0][3:7] == ["2", "16.7%", "8", "26.7%"]
    assert rows[0][-2:] == ["50 \u2192 70%", "55%"]
    assert rows[3][-2:] == ["not set", ""]
    # Numbers sort by value, not by their text: the share is a number of percent.
    share = table.find("tbody").find("tr").find_all("td")[4]
    assert float(share.attrs["data-v"] or "") == pytest.approx(100 * 2 / 12)
    assert table.find("th", data_kind="num").text == "Items"


def test_objective_orphan_link_and_fix_list_tables(result: AuditResult) -> None:
    tree = doc(result)
    assert [r[0] for r in tree.find("table", id="objectives-table").rows()] == ["O1", "O2"]
    assert [r[0] for r in tree.find("table", id="orphans-table").rows()] == ["APP-9", "APP-10",
                                                                        "APP-14"]  # fmt: skip
    links = tree.find("table", id="links-table").rows()
    assert [(r[0], r[2], r[3], r[4]) for r in links] == [
        ("APP-2", "KR9.9", "Unknown KR", ""),
        ("APP-11", "KR21", "Unknown KR", "KR2.1"),
        ("APP-12", "KR0.3", "Retired KR", ""),
    ]
    by_parent = tree.find("table", id="fix-parent-table").rows()
    assert by_parent[-1][0] == "(no parent)"
    assert by_parent[0][-1].startswith("key in (")
    assert [r[0] for r in tree.find("table", id="uncovered-table").rows()] == ["KR2.2"]


def test_item_keys_link_to_the_item(result: AuditResult) -> None:
    first = doc(result).find("table", id="items-table").find("tbody").find("a")
    assert first.text == "APP-3"
    assert first.attrs["href"] == "https://example.atlassian.net/browse/APP-3"
    assert first.attrs["rel"] == "noopener noreferrer"


def test_tables_of_items_are_capped_and_say_where_the_rest_is(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    section = doc(result).find("section", id="items")
    assert len(section.find("table").rows()) == 5
    note = section.find("p", class_="note").text
    assert "Showing the first 5 of 12 items" in note
    assert "--format xlsx" in note and "--format csv" in note and "--format json" in note


def test_inheritance_conflicts_are_capped_too(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    many = tuple(InheritanceConflict(f"APP-{n}", ("KR1.1",), ("KR2.1",)) for n in range(12))
    section = doc(replace(result, inheritance_conflicts=many)).find("section", id="conflicts")
    assert [row[0] for row in section.find("table").rows()] == [f"APP-{n}" for n in range(5)]
    assert "Showing the first 5 of 12 conflicts" in section.text


def test_changes_trend_lint_and_warnings(result: AuditResult) -> None:
    tree = doc(replace(result, warnings=("search said 41 issues, 40 received",)))
    changes = tree.find("div", class_="changes").text
    assert "Since 2026-11-15 10:00 UTC" in changes
    assert "Coverage (items): +4.5 pp" in changes
    assert "New orphans (1): APP-14" in changes
    trend = tree.find("table", id="trend-runs-table").rows()
    assert [row[2] for row in trend] == ["40.0%", "45.0%", "50.0%", "54.5%"]
    assert tree.find("section", id="trend").find("svg") is not None
    assert len(tree.find("table", id="lint-table").rows()) == 3
    assert tree.find("ul", class_="warnings").text.strip() == "search said 41 issues, 40 received"


def test_without_history_there_is_no_trend_and_the_changes_say_so(result: AuditResult) -> None:
    tree = doc(replace(result, changes=None, trend=()))
    assert not tree.find_all("section", id="trend")
    assert "#trend" not in [a.attrs["href"] for a in tree.find("nav").find_all("a")]
    assert "No earlier audit" in tree.find("section", id="summary").text


def test_every_navigation_link_has_its_section(result: AuditResult) -> None:
    tree = doc(result)
    for anchor in tree.find("nav").find_all("a"):
        assert tree.find_all(id=(anchor.attrs["href"] or "#")[1:]), anchor.attrs["href"]


def test_source_text_stays_text(hostile_result: AuditResult) -> None:
    tree = doc(hostile_result)
    # No element the payloads try to create, no event handler, one script: our own.
    tags = {node.tag for node in tree.iter()}
    assert "img" not in tags and "b" not in tags
    assert len(tree.find_all("script")) == 1
    assert len(tree.find_all("svg")) == len(tree.find_all("figure"))
    for node in tree.iter():
        assert not [name for name in node.attrs if name.startswith("on")], node
    # ... and the payloads are shown as they are.
    items = tree.find("table", id="items-table").rows()
    assert [row[1] for row in items[:4]] == [IMG, SCRIPT, QUOTE, COMMENT]
    assert IMG in tree.find("dl", class_="facts").text
    assert IMG in tree.find("ul", class_="warnings").text
    assert tree.find("table", id="key-results-table").rows()[0][1] == QUOTE


def test_only_safe_links_become_links(hostile_result: AuditResult) -> None:
    hrefs = [a.attrs["href"] or "" for a in doc(hostile_result).find_all("a")]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    # A quote in a URL stays inside the attribute: the link is whole, nothing else is made.
    assert any(h.endswith('APP-3"><script>alert(4)</script>') for h in hrefs)
    assert all(h.startswith(("#", "https://")) for h in hrefs)


def test_nothing_is_fetched_from_anywhere(result: AuditResult) -> None:
    tree = doc(result)
    for node in tree.iter():
        assert node.tag not in ("img", "link", "iframe", "object", "embed", "base"), node.tag
        assert "src" not in node.attrs and "srcset" not in node.attrs
        assert "style" not in node.attrs  # the policy allows no inline style attribute
    for style in tree.find_all("style"):
        assert not re.search(r"url\(|@import", style.text)


def test_the_policy_allows_exactly_the_page_s_own_style_and_script(result: AuditResult) -> None:
    tree = doc(result)
    meta = tree.find("meta", http_equiv="Content-Security-Policy")
    policy = meta.attrs["content"] or ""
    assert "default-src 'none'" in policy
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        body = tree.find(tag).text.encode("utf-8")
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
        assert f"{directive} 'sha256-{digest}'" in policy


def test_an_empty_audit_still_makes_a_page(result: AuditResult) -> None:
    nothing = Tally()
    summary = Summary(nothing, nothing, 0, 0, 0, 0, 0, 0, 0, 0)
    empty = replace(result, summary=summary, key_results=(), objectives=(), items=(),
                    orphans=(), dangling_links=(), stale_links=(), uncovered_key_results=(),
                    inheritance_conflicts=(), lint=(), changes=None, trend=())  # fmt: skip
    tree = doc(empty)
    assert tile(tree, "cov-items")[0] == "n/a"
    assert "No items in scope." in tree.find("section", id="items").text
    assert "light-grey" in (tree.find(id="status").attrs["class"] or "")


def test_ids_are_unique(result: AuditResult) -> None:
    # A section and its table once shared an id: `#items tbody tr` then found other tables.
    ids = [node.attrs["id"] for node in doc(result).iter() if "id" in node.attrs]
    assert len(ids) == len(set(ids)) > 20


def test_half_an_emoji_or_an_endless_sum_does_not_fail_the_page(result: AuditResult) -> None:
    first = result.items[0]
    cut = replace(first, item=replace(first.item, title="Rocket \ud83d", points=float("inf")))
    tree = doc(replace(result, items=(cut, *result.items[1:])))
    row = tree.find("table", id="items-table").rows()[0]
    assert row[1] == "Rocket \ufffd"
    assert "n/a" in row


def test_the_page_uses_the_workbook_s_colours() -> None:
    css = page.asset("report.css").lower()
    expected = {"navy": styles.NAVY, "green": styles.GREEN, "amber": styles.AMBER,
                "red": styles.RED, "grey": styles.GREY}  # fmt: skip
    for name, colour in expected.items():
        assert f"--{name}: #{colour.lower()};" in css
