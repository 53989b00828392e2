"""`--help` reads by purpose: audit's options in groups, each source under its heading, and
the exit codes at the end of every command's help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from backlog_audit.adapters import kinds, plugin
from backlog_audit.cli import main
from backlog_audit.cli.help import EXIT_CODES
from tests.cli_runner import EXAMPLES, invoke

GROUPS = ["Sources", "Scope", "Output", "Thresholds", "History", "General"]


def headings(text: str) -> list[str]:
    """The section headings of a help text, in order."""
    return re.findall(r"^(\w[\w .-]*):$", text, flags=re.MULTILINE)


def section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}:\n", 1)[1].split("\n\n", 1)[0]


def test_audit_help_groups_options_by_purpose_with_each_source_after_sources() -> None:
    text = invoke(["audit", "--help"]).stdout
    titles = [f"{plugin(kind).title} options" for kind in kinds()]
    shown = headings(text)
    assert shown[: 1 + len(titles)] == ["Sources", *titles]
    assert [h for h in shown if h in GROUPS] == GROUPS
    assert "Other options" not in shown  # every audit option has a purpose
    assert "--okrs" in section(text, "Sources") and "--source" in section(text, "Sources")
    assert "--include-types" in section(text, "Scope")
    assert "--fail-under" in section(text, "Thresholds")
    assert "--no-history" in section(text, "History")
    output = section(text, "Output")
    assert "--format FORMAT" in output and "xlsx, csv, json, md, html" in output
    assert "--color / --no-color" in output


def test_flags_line_up_across_every_group() -> None:
    text = invoke(["audit", "--help"]).stdout
    options = [line for line in text.splitlines() if re.match(r"^  -", line)]
    # Where each one-line option's help starts: the same column in every section.
    starts = {re.search(r"\S  +(?=\S)", line).end() for line in options if "  " in line.strip()}  # type: ignore[union-attr]
    assert len(starts) == 1


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words, the group itself included."""
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


@pytest.mark.parametrize("words", commands(main), ids=" ".join)
def test_every_commands_help_ends_with_the_exit_codes(words: tuple[str, ...]) -> None:
    text = invoke([*words, "--help"]).stdout
    assert text.rstrip().endswith(EXIT_CODES.split("\n", 1)[1].splitlines()[-1].strip())
    for code, meaning in [("0", "success"), ("1", "threshold"), ("2", "usage"), ("3", "source")]:
        assert re.search(rf"^    {code} +.*{meaning}", text, flags=re.MULTILINE), (code, text)
    assert "130  interrupted (Ctrl-C)" in text


def modules_loaded(*args: str) -> set[str]:
    """The top-level modules a fresh `backlog-audit ARGS` process has loaded at its end
    (its stdout is not a terminal)."""
    probe = (
        "import sys\nfrom backlog_audit.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=EXAMPLES
    )
    return set(done.stdout.splitlines()[-1].split())


def test_help_loads_no_terminal_library_nor_report_writer() -> None:
    # Start-up (issue 15): --help pays for click and the registry, not for what it does not use.
    loaded = modules_loaded("audit", "--help")
    assert not loaded & {"rich", "openpyxl", "platformdirs", "tqdm", "requests"}


def test_an_audit_off_a_terminal_loads_no_rich(tmp_path: Path) -> None:
    # No progress display and click's styles for the summary: rich is for terminals only.
    loaded = modules_loaded(
        "audit", "--okrs", "okrs.yaml", "--input", "jira-export.csv", "--format", "json",
        "-o", str(tmp_path / "r.json"), "--no-history",
    )  # fmt: skip
    assert "backlog_audit" in loaded and "rich" not in loaded
