"""`backlog-audit okrs lint`: check an OKR set file's quality (issue 6)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from backlog_audit.cli.help import epilog
from backlog_audit.cli.options import credentials, okrs_kinds
from backlog_audit.cli.text.lint import RENDERERS, LintFormat
from backlog_audit.config.files import discover
from backlog_audit.errors import EXIT_OK, EXIT_THRESHOLD, UsageError
from backlog_audit.model import LintFinding
from backlog_audit.okrs import load_okrs
from backlog_audit.okrs.lint import ERROR, WARNING, LintSettings, lint

EXAMPLE = """
\b
Examples:
  backlog-audit okrs lint examples/okrs.yaml
  backlog-audit okrs lint okrs.yaml --parent company-okrs.yaml --strict
  backlog-audit okrs lint okrs.yaml --disable too-many-krs --format json
"""


@click.group("okrs", epilog=epilog("\b\nExample:\n  backlog-audit okrs lint examples/okrs.yaml"))
def okrs() -> None:
    """Work with OKR set files."""


@okrs.command("lint", epilog=epilog(EXAMPLE))
@click.argument("file")
@click.option("--parent", metavar="FILE", help="Company/department OKR set to check aligns_to.")
@click.option(
    "--disable",
    "disabled",
    multiple=True,
    metavar="RULE",
    help="Switch a rule off (repeatable, or comma-separated).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in LintFormat]),
    default=LintFormat.TEXT.value,
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="TOML file whose [lint] table tunes the rules (default: found as `audit` finds "
    "it; see `backlog-audit config`).",
)
@click.pass_context
def lint_command(
    ctx: click.Context,
    file: str,
    parent: str | None,
    disabled: Sequence[str],
    fmt: str,
    strict: bool,
    config_path: str | None,
) -> None:
    """Check an OKR set for output-phrased, unmeasurable, unfocused or unaligned OKRs.

    Exits 1 on any error finding (with --strict: any warning too).
    """
    settings = _settings(config_path).disable(_split(disabled))
    okr_set = load_okrs(file, credentials(okrs_kinds(file)))
    parent_set = load_okrs(parent, credentials(okrs_kinds(parent))) if parent else None
    findings = lint(okr_set, parent_set, settings)
    click.echo(RENDERERS[LintFormat(fmt)](okr_set, findings), nl=False)
    ctx.exit(exit_code(findings, strict=strict))


def exit_code(findings: Sequence[LintFinding], *, strict: bool) -> int:
    """1 when an error (or, strictly, a warning) was found, else 0; info never fails."""
    failing = {ERROR, WARNING} if strict else {ERROR}
    return EXIT_THRESHOLD if any(f.severity in failing for f in findings) else EXIT_OK


def _settings(config_path: str | None) -> LintSettings:
    """Lint settings from the `[lint]` table of the config file, if there is one.

    Only that table is read: the other keys of a shared config are `audit` options.
    """
    found = discover(config_path).found
    if found is None:
        return LintSettings()
    table = found.data.get("lint", {})
    if not isinstance(table, dict):
        raise UsageError(f"{found.label}: [lint] must be a table")
    try:
        return LintSettings.from_mapping(table)
    except UsageError as e:
        raise UsageError(f"{found.label}: {e}") from None


def _split(values: Sequence[str]) -> list[str]:
    """`--disable a,b --disable c` -> [a, b, c]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
