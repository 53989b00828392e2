"""Run the `backlog-audit` command line in-process, the one way every CLI test does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from backlog_audit.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
OKRS = str(EXAMPLES / "okrs.yaml")
JIRA = str(EXAMPLES / "jira-export.csv")


def invoke(args: Sequence[str], code: int = 0, **kwargs: Any) -> Result:
    """Run `backlog-audit ARGS` and assert that it exits with `code`.

    Anything raised but the CLI's own exit is re-raised with its traceback, so that a crash
    is never taken for an exit code. `kwargs` go to `CliRunner.invoke` (`env`, `obj`, ...).
    """
    result = CliRunner().invoke(main, list(args), **kwargs)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, result.output
    return result


def audit(*args: str, input: str | Path = JIRA, code: int = 0, **kwargs: Any) -> Result:
    """`backlog-audit audit --okrs examples/okrs.yaml --input INPUT ARGS`, exit code asserted.

    INPUT is the bundled Jira export unless a test writes its own.
    """
    return invoke(["audit", "--okrs", OKRS, "--input", str(input), *args], code, **kwargs)
