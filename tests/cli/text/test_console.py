"""Colour (SPEC 8, no-color.org): --color/--no-color decide, else NO_COLOR turns it off,
else only a terminal gets it."""

from __future__ import annotations

import io

import pytest

from backlog_audit.cli.text.console import colour_wanted, console
from tests.cli_runner import JIRA, OKRS, audit, invoke

ANSI = "\x1b["


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "no_color", "choice", "wanted"),
    [
        (True, None, None, True),  # a terminal
        (False, None, None, False),  # a pipe, a file, cron
        (True, "1", None, False),  # NO_COLOR set to anything...
        (True, "", None, True),  # ...but empty
        (True, "1", True, True),  # --color wins over NO_COLOR
        (False, None, True, True),  # --color into a file
        (True, None, False, False),  # --no-color on a terminal
    ],
)
def test_colour_rule(
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    no_color: str | None,
    choice: bool | None,
    wanted: bool,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    stream = FakeTty() if tty else io.StringIO()
    assert colour_wanted(stream, choice) is wanted


def test_the_rich_console_follows_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    stream = FakeTty()
    console(stream).print("text", style="bold red")
    assert ANSI not in stream.getvalue()
    forced = io.StringIO()
    console(forced, colour=True).print("text", style="bold red")
    assert ANSI in forced.getvalue()


def test_the_summary_is_plain_off_a_terminal() -> None:
    result = audit("--format", "json", "-o", "/dev/null", "--no-history")
    assert "coverage 69.6%" in result.stdout and ANSI not in result.output


@pytest.mark.parametrize(
    "words",
    [
        ["audit", "--color"],  # on the command
        ["--color", "audit"],  # before it, for every command
    ],
)
def test_color_forces_colour_into_a_pipe(words: list[str]) -> None:
    result = invoke(
        [
            *words,
            "--okrs",
            OKRS,
            "--input",
            JIRA,
            "--format",
            "json",
            "-o",
            "/dev/null",
            "--no-history",
        ]  # fmt: skip
    )
    # The coverage in the traffic light's colour (69.6% is amber: yellow).
    assert "coverage \x1b[33m\x1b[1m69.6%\x1b[0m" in result.stdout


def test_no_color_and_no_color_env_win_over_nothing() -> None:
    args = ["--okrs", OKRS, "--input", JIRA, "--format", "json", "-o", "/dev/null"]
    plain = invoke(["audit", *args, "--no-history", "--no-color"]).stdout
    assert ANSI not in plain and "coverage 69.6%" in plain
    assert ANSI not in invoke(["--no-color", "audit", *args, "--no-history"]).stdout
    # NO_COLOR does not beat a typed --color: the flag is the later, nearer choice.
    forced = invoke(["audit", *args, "--no-history", "--color"], env={"NO_COLOR": "1"})
    assert ANSI in forced.stdout
