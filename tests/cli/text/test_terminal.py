"""The terminal summary (SPEC 8): headline figures, counts with thousands separators."""

from __future__ import annotations

from dataclasses import replace

import click

from backlog_audit.cli.text.terminal import one_line, summary_lines
from backlog_audit.model import AuditResult
from tests.reports.conftest import build_result


def plain(result: AuditResult) -> str:
    return click.unstyle("\n".join(summary_lines(result)))


def test_summary_names_the_headline_figures() -> None:
    text = plain(build_result())
    assert "sprint = 42: 12 items, coverage 54.5% (points 82.8%; open items 55.6%)" in text
    assert "3 orphaned, 1 dangling, 1 stale, 1 exempt, 1 inherited" in text
    assert "1 of 4 KRs uncovered: KR2.2" in text
    assert "OKR lint: 3 findings (1 errors)" in text


def test_summary_tells_what_changed_since_the_last_run() -> None:
    text = plain(build_result())
    assert "since 2026-11-15 10:00 UTC: coverage +4.5 pts, 1 new orphans, 1 fixed" in text
    assert "since" not in plain(replace(build_result(), changes=None))


def test_every_count_has_thousands_separators() -> None:
    result = build_result()
    s = result.summary
    big = replace(
        s,
        all=replace(s.all, items=200_000, exempt_items=1_200),
        orphaned_items=3_256,
        dangling_items=12_345,
        stale_items=1_000,
        inherited_items=45_678,
        unestimated_items=150_000,
    )
    text = plain(replace(result, summary=big))
    assert "200,000 items" in text
    assert "3,256 orphaned, 12,345 dangling, 1,000 stale, 1,200 exempt, 45,678 inherited" in text
    assert "points n/a: 150,000 of 200,000 items unestimated" in text


def test_one_line_escapes_line_breaks_and_control_characters_only() -> None:
    text = "a\nb\r\nc\td\x00e\x1b[1m\u2028f \u00e9 \u6f22 \U0001f680"
    assert one_line(text) == "a\\nb\\r\\nc\\td\\x00e\\x1b[1m\\u2028f \u00e9 \u6f22 \U0001f680"
