"""`okrs lint` findings as text, JSON or Markdown (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from backlog_audit.model import LintFinding, OkrSet
from backlog_audit.okrs.lint import count_by_severity
from backlog_audit.reports.figures import count
from backlog_audit.reports.json import lint_dict
from backlog_audit.reports.markdown import escape


class LintFormat(str, Enum):
    """How `okrs lint` prints its findings."""

    TEXT = "text"
    JSON = "json"
    MD = "md"


def _count(n: int, noun: str) -> str:
    """`1 error`, `1,200 errors`; "info" has no plural."""
    return f"{count(n)} {noun}{'' if n == 1 or noun == 'info' else 's'}"


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
        "lint": [lint_dict(f) for f in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_markdown(okr_set: OkrSet, findings: Sequence[LintFinding]) -> str:
    """A heading, the tally and a table, for a wiki page or a chat message."""
    lines = [f"## OKR lint: {escape(okr_set.source)}", "", _tally(okr_set, findings).capitalize()]
    if findings:
        lines += ["", "| Id | Severity | Rule | Message |", "|---|---|---|---|"]
        lines += [
            f"| {escape(f.id)} | {f.severity} | {f.rule} | {escape(f.message)} |" for f in findings
        ]
    return "\n".join(lines) + "\n"


RENDERERS: dict[LintFormat, Callable[[OkrSet, Sequence[LintFinding]], str]] = {
    LintFormat.TEXT: render_text,
    LintFormat.JSON: render_json,
    LintFormat.MD: render_markdown,
}
