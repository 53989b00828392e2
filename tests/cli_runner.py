"""Run the `backlog-audit` command line in-process, the one way every CLI test does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from click.testing import CliRunner, Result

from backlog_audit.cli import main


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
