"""The `backlog-audit` command line: thin click commands over the library."""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from backlog_audit import __version__
from backlog_audit.cli.help import EXIT_CODES, EXIT_INTERRUPTED
from backlog_audit.cli.text.console import color_option
from backlog_audit.cli.text.terminal import one_line
from backlog_audit.config import CONFIG_PATH
from backlog_audit.errors import BacklogAuditError

# Each command's module, imported only when the command runs (or help lists it): an audit
# does not pay for importing `history`, `okrs` or `fields` (issue 15, point 6).
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("backlog_audit.cli.audit", "audit"),
    "fields": ("backlog_audit.cli.fields", "fields"),
    "okrs": ("backlog_audit.cli.okrs", "okrs"),
    "history": ("backlog_audit.cli.history", "history"),
    "config": ("backlog_audit.cli.config", "config_command"),
    "completion": ("backlog_audit.cli.completion", "completion"),
}


class _Group(click.Group):
    """A group that turns `BacklogAuditError` into one line on stderr and its exit code.

    Flags click refuses (a bad choice, a missing option, a directory for a file) get one line
    too, instead of click's usage block: cron mails and CI logs show the problem, not noise.
    Its commands are loaded on first use (`COMMANDS`).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), name)
            self.add_command(command, cmd_name)
        return self.commands[cmd_name]

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            _usage_exit(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BacklogAuditError as exc:
            click.echo(f"backlog-audit: error: {one_line(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:
            _usage_exit(exc)
        except KeyboardInterrupt:
            # click's own handling exits 1, which SPEC 8 reserves for a breached threshold.
            click.echo("backlog-audit: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _usage_exit(exc: click.UsageError) -> NoReturn:
    """Print click's usage error as one line naming the flag and where help is; exit 2."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        raise exc  # a bare command group: its help is the answer
    message = one_line(_config_file_of(exc) + " ".join(exc.format_message().split()))
    hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
    click.echo(f"backlog-audit: error: {message}{hint}", err=True)
    raise click.exceptions.Exit(exc.exit_code)


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES
)
@click.version_option(__version__, prog_name="backlog-audit")
@color_option
def main() -> None:
    """Audit how well a backlog is tied to its OKRs.

    \b
    Example:
      backlog-audit audit --source csv --input examples/jira-export.csv \\
          --okrs examples/okrs.yaml --format xlsx --format json -o reports/
    """
    logging.getLogger("backlog_audit").addHandler(logging.NullHandler())
    _exit_on_sigterm()


def _config_file_of(exc: click.UsageError) -> str:
    """`FILE: ` when the bad value came from the config file, so that it names the file."""
    param = getattr(exc, "param", None)
    ctx = exc.ctx
    if ctx is None or param is None or not param.name:
        return ""
    if ctx.get_parameter_source(param.name) is not ParameterSource.DEFAULT_MAP:
        return ""
    path = ctx.meta.get(CONFIG_PATH)
    return f"{path}: " if path else ""


def _exit_on_sigterm() -> None:
    """Make SIGTERM (cron's timeout, systemd, CI) unwind like Ctrl-C, exiting 128 + 15.

    Its default action kills the process on the spot: temporary report files and openpyxl's
    sheet files would stay behind, where an exception runs every cleanup on its way out.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set signal handlers (an embedding app's worker)

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
