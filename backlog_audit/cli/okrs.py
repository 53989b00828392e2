"""`backlog-audit okrs lint`: check an OKR set file's quality (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import click

from backlog_audit.config import DEFAULT_CONFIG, read_config
from backlog_audit.errors import EXIT_OK, EXIT_THRESHOLD, UsageError
from backlog_audit.lint import ERROR, WARNING, LintSettings, count_by_severity, lint
from backlog_audit.model import LintFinding, OkrSet
from backlog_audit.okrs import load_okrs

EXAMPLE = """
\b
Examples:
  backlog-audit okrs lint examples/okrs.yaml
  backlog-audit okrs lint okrs.yaml --parent company-okrs.yaml --strict
  backlog-audit okrs lint okrs.yaml --disable too-many-krs --format json
"""


class LintFormat(str, Enum):
    """How `okrs lint` prints its findings."""

    TEXT = "text"
    JSON = "json"
    MD = "md"


@click.group("okrs", epilog="\b\nExample:\n  backlog-audit okrs lint examples/okrs.yaml")
def okrs() -> None:
    """Work with OKR set files."""


@okrs.command("lint", epilog=EXAMPLE)
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
    help=f"TOML file whose [lint] table tunes the rules (default: ./{DEFAULT_CONFIG}).",
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

    Exits 0 when clean, 1 on any error finding (with --strict: any warning too), 2 when a
    file cannot be used.
    """
    settings = _settings(config_path).disable(_split(disabled))
    okr_set = load_okrs(file)
    parent_set = load_okrs(parent) if parent else None
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
    path = config_path or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    if path is None:
        return LintSettings()
    table = read_config(path).get("lint", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [lint] must be a table")
    try:
        return LintSettings.from_mapping(table)
    except UsageError as e:
        raise UsageError(f"{path}: {e}") from None


def _split(values: Sequence[str]) -> list[str]:
    """`--disable a,b --disable c` -> [a, b, c]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# --- rendering --------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    """`1 error`, `2 errors`; "info" has no plural."""
    return f"{n} {noun}{'' if n == 1 or noun == 'info' else 's'}"


def _tally(okr_set: OkrSet, findings: Sequence[LintFinding]) -> str:
    """`3 findings (1 error, 2 warnings, 0 info; 2 objectives, 4 key results)`."""
    checked = (
        f"{_count(len(okr_set.objectives), 'objective')}, "
        f"{_count(len(okr_set.key_results), 'key result')}"
    )
    if not findings:
        return f"no findings ({checked} checked)"
    parts = ", ".join(_count(n, sev) for sev, n in count_by_severity(findings).items())
    return f"{_count(len(findings), 'finding')} ({parts}; {checked})"


def render_text(okr_set: OkrSet, findings: Sequence[LintFinding]) -> str:
    """One aligned line per finding, then a tally."""
    id_width = max((len(f.id) for f in findings), default=0)
    rule_width = max((len(f.rule) for f in findings), default=0)
    lines = [
        f"{f.id:<{id_width}}  {f.severity:<7}  {f.rule:<{rule_width}}  {f.message}"
        for f in findings
    ]
    lines.append(f"{okr_set.source}: {_tally(okr_set, findings)}")
    return "\n".join(lines) + "\n"


def render_json(okr_set: OkrSet, findings: Sequence[LintFinding]) -> str:
    """The findings as in the audit's JSON report (SPEC 9 `lint`), with the file and counts."""
    document: dict[str, Any] = {
        "okrs": okr_set.source,
        "summary": count_by_severity(findings),
        "lint": [
            {"id": f.id, "rule": f.rule, "severity": f.severity, "message": f.message}
            for f in findings
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _md_cell(text: str) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened."""
    return " ".join(text.replace("|", "\\|").split())


def render_markdown(okr_set: OkrSet, findings: Sequence[LintFinding]) -> str:
    """A heading, the tally and a table, for a wiki page or a chat message."""
    lines = [f"## OKR lint: {_md_cell(okr_set.source)}", "", _tally(okr_set, findings).capitalize()]
    if findings:
        lines += ["", "| Id | Severity | Rule | Message |", "|---|---|---|---|"]
        lines += [
            f"| {_md_cell(f.id)} | {f.severity} | {f.rule} | {_md_cell(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n"


RENDERERS: dict[LintFormat, Callable[[OkrSet, Sequence[LintFinding]], str]] = {
    LintFormat.TEXT: render_text,
    LintFormat.JSON: render_json,
    LintFormat.MD: render_markdown,
}
