"""`backlog-audit completion SHELL`: print click's shell completion script for the command."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from backlog_audit.cli.help import epilog

PROG_NAME = "backlog-audit"
SHELLS = ("bash", "zsh", "fish")

EXAMPLE = """
\b
Examples (once, in the shell's start-up file):
  eval "$(backlog-audit completion bash)"        # ~/.bashrc
  eval "$(backlog-audit completion zsh)"         # ~/.zshrc
  backlog-audit completion fish > ~/.config/fish/completions/backlog-audit.fish
"""


def complete_var(prog_name: str = PROG_NAME) -> str:
    """The environment variable click's completion calls the command back with.

    The same name click derives in `BaseCommand.main`, so the script and the command agree.
    """
    return f"_{prog_name}_COMPLETE".replace("-", "_").replace(".", "_").upper()


@click.command(epilog=epilog(EXAMPLE))
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    Commands, options, --source kinds, formats and file names complete; the script calls
    backlog-audit back, so it follows the installed version.
    """
    script_class = get_completion_class(shell)
    assert script_class is not None  # click knows every shell in SHELLS
    script = script_class(ctx.find_root().command, {}, PROG_NAME, complete_var())
    click.echo(script.source())
