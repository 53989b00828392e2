"""The terminal summary and progress bar (SPEC 8)."""

from __future__ import annotations

import io
from dataclasses import replace

import click

from backlog_audit.cli.text.terminal import one_line, progress_bar, summary_lines
from backlog_audit.model import AuditResult
from tests.reports.conftest import build_result


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


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


def test_progress_bar_only_on_a_terminal() -> None:
    with progress_bar(True, io.StringIO()) as progress:
        assert progress is None
    with progress_bar(False, FakeTty()) as progress:
        assert progress is None
    stream = FakeTty()
    with progress_bar(True, stream) as progress:
        assert progress is not None
        progress(50, 200)
        progress(200, 200)
    assert "200/200" in stream.getvalue()


def test_one_line_escapes_line_breaks_and_control_characters_only() -> None:
    text = "a\nb\r\nc\td\x00e\x1b[1m\u2028f \u00e9 \u6f22 \U0001f680"
    assert one_line(text) == "a\\nb\\r\\nc\\td\\x00e\\x1b[1m\\u2028f \u00e9 \u6f22 \U0001f680"
