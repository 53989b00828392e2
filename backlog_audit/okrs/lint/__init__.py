"""OKR quality lint: outcomes over outputs, measurable KRs, focus and alignment (issue 6).

`lint()` runs the enabled rules of `rules.RULES` and returns the findings in OKR-file order.
Phrasing is judged by word lists and a simple grammar (`phrasing`), never by guesswork, and
every list is tunable through `LintSettings` (`settings`, the `[lint]` table of the config
file). docs/lint.md explains each rule to users.
"""

from __future__ import annotations

from collections.abc import Iterable

from backlog_audit.model import KeyResult, LintFinding, Objective, OkrSet
from backlog_audit.okrs.lint.phrasing import has_metric, output_verb
from backlog_audit.okrs.lint.rules import ERROR, INFO, RULE_IDS, RULES, SEVERITIES, WARNING, Rule
from backlog_audit.okrs.lint.settings import (
    DEFAULT_IMPACT_WORDS,
    DEFAULT_METRIC_PATTERNS,
    DEFAULT_OUTPUT_VERBS,
    LintSettings,
)

__all__ = [
    "DEFAULT_IMPACT_WORDS",
    "DEFAULT_METRIC_PATTERNS",
    "DEFAULT_OUTPUT_VERBS",
    "ERROR",
    "INFO",
    "RULES",
    "RULE_IDS",
    "WARNING",
    "LintSettings",
    "Rule",
    "count_by_severity",
    "is_output_phrased",
    "lint",
]


def lint(
    okrs: OkrSet, parent: OkrSet | None = None, settings: LintSettings | None = None
) -> tuple[LintFinding, ...]:
    """Every finding of the enabled rules, in OKR-file order (objective, then its KRs)."""
    settings = settings or LintSettings()
    findings = [
        finding
        for rule in RULES
        if rule.id not in settings.disabled
        for finding in rule.findings(okrs, parent, settings)
    ]
    position = _positions(okrs.objectives)
    # sorted() is stable, so findings on one id keep the order of RULES.
    return tuple(sorted(findings, key=lambda f: position.get(f.id, len(position))))


def _positions(objectives: Iterable[Objective]) -> dict[str, int]:
    """File order of every objective and KR id."""
    order: list[Objective | KeyResult] = []
    for obj in objectives:
        order.append(obj)
        order.extend(obj.key_results)
    return {entry.id: i for i, entry in reversed(list(enumerate(order)))}


def count_by_severity(findings: Iterable[LintFinding]) -> dict[str, int]:
    """How many findings of each severity (every severity present, possibly 0)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts


def is_output_phrased(title: str, settings: LintSettings | None = None) -> bool:
    """A KR title that opens with an output verb and names no metric (see docs/lint.md)."""
    settings = settings or LintSettings()
    return output_verb(title, settings.output_verbs) is not None and not has_metric(title, settings)
