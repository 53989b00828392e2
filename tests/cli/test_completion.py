"""`backlog-audit completion SHELL` prints click's completion script, which calls back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backlog_audit.cli.completion import complete_var
from tests.cli_runner import invoke


@pytest.mark.parametrize(
    ("shell", "marks"),
    [
        ("bash", ["complete -o nosort -F _backlog_audit_completion backlog-audit"]),
        ("zsh", ["#compdef backlog-audit", "compdef _backlog_audit_completion backlog-audit"]),
        ("fish", ["complete --no-files --command backlog-audit"]),
    ],
)
def test_completion_prints_the_shells_script(shell: str, marks: list[str]) -> None:
    script = invoke(["completion", shell]).stdout
    assert f"_BACKLOG_AUDIT_COMPLETE={shell}_complete" in script
    for mark in marks:
        assert mark in script


def test_an_unknown_shell_is_exit_2() -> None:
    result = invoke(["completion", "tcsh"], code=2)
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def test_the_variable_is_the_one_click_reads() -> None:
    assert complete_var() == "_BACKLOG_AUDIT_COMPLETE"


def complete(words: str) -> list[str]:
    """What click's bash completion answers for the words typed so far."""
    env = {"_BACKLOG_AUDIT_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    result = invoke([], prog_name="backlog-audit", env=env)
    return result.stdout.splitlines()


def test_commands_options_and_source_kinds_complete() -> None:
    assert {"plain,audit", "plain,config", "plain,completion"} <= set(complete("backlog-audit "))
    assert "plain,--source" in complete("backlog-audit audit --so")
    assert "plain,--input" in complete("backlog-audit audit --in")  # a source's own option
    assert {"plain,csv", "plain,jira", "plain,asana"} <= set(
        complete("backlog-audit audit --source ")
    )
    assert "plain,html" in complete("backlog-audit audit --format ")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_through_the_installed_command(tmp_path: Path) -> None:
    # The script, sourced in a real bash, calls the installed command back.
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "backlog-audit").exists():
        pytest.skip("the backlog-audit command is not installed beside this Python")
    script = invoke(["completion", "bash"]).stdout
    (tmp_path / "completion.bash").write_text(script)
    probe = (
        f"source {tmp_path / 'completion.bash'}; COMP_WORDS=(backlog-audit audit --sour); "
        "COMP_CWORD=2; _backlog_audit_completion backlog-audit; echo ${COMPREPLY[@]}"
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "--norc", "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["--source"]
