"""The Markdown report: a golden file for the whole text, and the escaping rules."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from backlog_audit.model import AuditResult, BadLink, InheritanceConflict, ItemResult, LinkState
from backlog_audit.reports.markdown import TOP_ORPHANS, escape, link, render, table

GOLDEN = Path(__file__).parent / "golden" / "report.md"
# A cell border: a `|` not escaped with a backslash.
BORDER = re.compile(r"(?<!\\)\|")


def scrub(text: str) -> str:
    """The report with its generation time replaced, so the golden file never goes stale."""
    return re.sub(r"(?m)^(- \*\*Generated:\*\* ).*$", r"\1<timestamp>", text)


def text_of(result: AuditResult) -> str:
    return render(result).decode("utf-8")


def test_report_matches_the_golden_file(result: AuditResult) -> None:
    text = scrub(text_of(result))
    if os.environ.get("UPDATE_GOLDEN"):  # regenerate deliberately, then review the diff
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_timestamp_is_utc_and_is_what_gets_scrubbed(result: AuditResult) -> None:
    text = text_of(result)
    assert "- **Generated:** 2026-11-22 10:00 UTC\n" in text
    assert "2026-11-22 10:00" not in scrub(text)


def test_escape_pipes_and_markup_and_flattens_lines() -> None:
    assert escape("a | b") == r"a \| b"
    assert escape("[x](y) *bold* `code` <b>") == r"\[x\](y) \*bold\* \`code\` \<b\>"
    assert escape("two\nlines\r\n  here") == "two lines here"
    assert escape(None) == ""


def test_underscores_tildes_and_entities_are_escaped_only_where_they_are_markup() -> None:
    # `__init__` rendered bold, `~~old~~` struck through, `&amp;` as `&`
    assert escape("Fix __init__ import") == r"Fix \_\_init\_\_ import"
    assert escape("~~old~~ plan") == r"\~\~old\~\~ plan"
    assert escape("Q&A: &amp; &#169;") == r"Q&A: \&amp; \&#169;"
    # inside a word an underscore is never emphasis: identifiers stay readable
    assert escape("customfield_10020 and snake_case") == "customfield_10020 and snake_case"


def test_table_rows_keep_their_columns_when_cells_hold_pipes() -> None:
    text = table(["A", "B"], [[escape("x|y"), "1"], ["z", escape("||")]], right=(1,))
    assert [len(BORDER.findall(line)) for line in text.splitlines()] == [3, 3, 3, 3]
    # both columns are as wide as their widest cell, `x\|y` and `\|\|` (4 characters)
    assert text.splitlines()[1] == "| ---- | ---: |"


def test_a_pipe_in_a_reference_does_not_break_the_links_table(result: AuditResult) -> None:
    odd = replace(result, dangling_links=(BadLink("APP-11", "KR|21", 1, "KR2.1"),))
    lines = [line for line in text_of(odd).splitlines() if line.startswith("| [APP-11]")]
    assert len(lines) == 1
    assert len(BORDER.findall(lines[0])) == 6  # five columns
    assert r"KR\|21" in lines[0]


def test_links_only_for_web_urls_with_parentheses_encoded() -> None:
    assert link("APP-1", "https://x.example/a(b)") == "[APP-1](https://x.example/a%28b%29)"
    assert link("APP-1", "javascript:alert(1)") == "APP-1"
    assert link("APP-1", None) == "APP-1"


def test_a_pipe_in_a_link_target_does_not_split_the_table_cell(result: AuditResult) -> None:
    # The dangling-links table links APP-11 to its item; a `|` in that URL ended the cell.
    items = list(result.items)
    app11 = items[8]
    items[8] = replace(app11, item=replace(app11.item, url="https://x.example/b?q=a|b"))
    lines = [
        line for line in text_of(replace(result, items=tuple(items))).splitlines()
        if line.startswith("| [APP-11]")
    ]  # fmt: skip
    assert len(lines) == 1
    assert len(BORDER.findall(lines[0])) == 6  # five columns
    assert lines[0].startswith("| [APP-11](https://x.example/b?q=a%7Cb) ")


def test_link_targets_encode_what_markdown_would_read_as_markup() -> None:
    assert link("K", "https://x.example/a<b>`c`\\d") == (
        "[K](https://x.example/a%3Cb%3E%60c%60%5Cd)"
    )


def test_a_lone_surrogate_from_a_source_is_replaced_not_fatal(result: AuditResult) -> None:
    # Jira's JSON may escape half an emoji ("\ud83d"); UTF-8 cannot encode it alone.
    items = list(result.items)
    app9 = items[6]
    items[6] = replace(app9, item=replace(app9.item, title="cut \ud83d emoji"))
    assert "- [APP-9](" in text_of(replace(result, items=tuple(items)))
    assert "cut \ufffd emoji" in text_of(replace(result, items=tuple(items)))


def test_orphan_list_is_cut_after_the_top_ones(result: AuditResult) -> None:
    template: ItemResult = result.items[6]  # APP-9, orphaned
    orphans = tuple(
        replace(template, item=replace(template.item, key=f"OLD-{n}", url=None))
        for n in range(1, TOP_ORPHANS + 6)
    )
    text = text_of(replace(result, items=orphans))
    assert f"## Orphaned work ({TOP_ORPHANS + 5})" in text
    assert "- OLD-20 " in text and "- OLD-21 " not in text
    assert "... and 5 more orphaned items (see the workbook or the CSV files)." in text


def test_long_change_lists_are_cut(result: AuditResult) -> None:
    assert result.changes is not None
    many = replace(result.changes, new_orphans=tuple(f"APP-{n}" for n in range(1, 26)))
    text = text_of(replace(result, changes=many))
    assert "- New orphans: APP-1, APP-2," in text
    assert "APP-20 and 5 more\n" in text


def test_inheritance_conflicts_are_cut_after_the_top_ones(result: AuditResult) -> None:
    # A 100,000-item backlog had 28,183 conflicts: 1.5 MB of a "chat post" before the cut.
    many = tuple(InheritanceConflict(f"APP-{n}", ("KR2.1",), ("KR1.1",)) for n in range(1, 26))
    text = text_of(replace(result, inheritance_conflicts=many))
    assert "## Inheritance conflicts (25)" in text
    assert "- APP-20: own link" in text and "- APP-21: own link" not in text
    assert "... and 5 more conflicts (see the workbook or the CSV files)." in text


def test_a_big_fix_group_lists_its_first_keys_but_keeps_its_whole_jql(
    result: AuditResult,
) -> None:
    template: ItemResult = result.items[6]  # APP-9, orphaned, no parent, Chloé Martin
    orphans = tuple(
        replace(template, item=replace(template.item, key=f"APP-{n}", id=str(n)))
        for n in range(101, 126)
    )
    text = text_of(replace(result, items=orphans))
    keys = ", ".join(f"APP-{n}" for n in range(101, 121))
    assert f"- **(no parent)** (25 items): {keys} and 5 more\n" in text
    whole = ", ".join(f"APP-{n}" for n in range(101, 126))
    assert f"  `key in ({whole})`" in text


def test_fix_list_has_jql_only_for_jira(result: AuditResult) -> None:
    assert "`key in (APP-10, APP-11)`" in text_of(result)
    assert "key in (" not in text_of(replace(result, supports_jql=False))


def test_status_against_thresholds(result: AuditResult) -> None:
    text = text_of(replace(result, fail_under=40))
    assert "- **Status:** On track (green): every threshold holds\n" in text


def test_nothing_to_report_reads_as_good_news(result: AuditResult) -> None:
    clean = replace(
        result,
        items=tuple(r for r in result.items if r.link_state is not LinkState.ORPHANED),
        dangling_links=(),
        stale_links=(),
        lint=(),
    )
    text = text_of(clean)
    assert "None: every item has an OKR link." in text
    assert "None: every link names a current KR." in text
    assert "No findings: the OKR set passed every check." in text
