"""Progress in phases on a terminal (SPEC 8): never off one, never with -q."""

from __future__ import annotations

import io
import re

import pytest

from backlog_audit.cli.text.progress import phases


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def screen(stream: io.StringIO) -> str:
    """What was drawn, without the cursor and colour controls."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())


def test_no_display_off_a_terminal_or_when_quiet() -> None:
    with phases(True, io.StringIO()) as shown:
        assert shown is None
    with phases(False, FakeTty()) as shown:
        assert shown is None


def test_phases_with_a_bar_where_the_size_is_known() -> None:
    stream = FakeTty()
    with phases(True, stream) as shown:
        assert shown is not None
        shown.phase("Reading big.csv")
        shown.progress(2_000, 200_000)
        shown.progress(200_000, 200_000)
        shown.phase("Auditing")
        shown.phase("Writing out/backlog-audit.xlsx")
    drawn = screen(stream)
    assert "Reading big.csv" in drawn and "200,000 of 200,000" in drawn
    assert "━" in drawn  # the bar
    assert "Auditing" in drawn and "Writing out/backlog-audit.xlsx" in drawn
    assert "✓ Reading big.csv" in drawn  # a finished phase is ticked


def test_a_count_without_a_total() -> None:
    # Asana does not say how many tasks a project has: the count runs, with no "of".
    stream = FakeTty()
    with phases(True, stream) as shown:
        assert shown is not None
        shown.phase("Fetching from Asana")
        shown.progress(12_345, None)
    drawn = screen(stream)
    assert "12,345" in drawn and "12,345 of" not in drawn


def test_no_colour_codes_when_colour_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    stream = FakeTty()
    with phases(True, stream) as shown:
        assert shown is not None
        shown.phase("Auditing")
    assert not re.search(r"\x1b\[[0-9;]*m", stream.getvalue())
