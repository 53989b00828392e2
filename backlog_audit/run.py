"""One audit run, from request to written reports and an exit code.

This is the glue between the pure parts: load the OKR set, fetch the backlog, audit, lint,
render, check thresholds, write. The CLI only builds an `AuditRequest` and prints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from backlog_audit.adapters import Progress, SourceConfig, SourceKind, make_source
from backlog_audit.audit import audit
from backlog_audit.errors import EXIT_OK, EXIT_THRESHOLD
from backlog_audit.lint import LintSettings, lint
from backlog_audit.model import AuditOptions, AuditResult, OkrSet
from backlog_audit.okrs import load_okrs
from backlog_audit.output import Planned, plan, write
from backlog_audit.reports import ReportFormat

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    """What makes a run exit 1 (SPEC 8)."""

    fail_under: float | None = None  # percent
    max_orphans: int | None = None

    def breaches(self, result: AuditResult) -> list[str]:
        """Human sentences for each threshold the result breaks."""
        found = []
        coverage = result.summary.all.coverage
        if self.fail_under is not None:
            if coverage is None:
                found.append(f"--fail-under {self.fail_under:g}: no countable items in scope")
            elif coverage * 100 < self.fail_under:
                found.append(
                    f"coverage {coverage * 100:.1f}% is under --fail-under {self.fail_under:g}%"
                )
        orphans = result.summary.orphaned_items
        if self.max_orphans is not None and orphans > self.max_orphans:
            found.append(f"{orphans} orphaned items exceed --max-orphans {self.max_orphans}")
        return found


@dataclass(frozen=True)
class AuditRequest:
    """Everything one `backlog-audit audit` needs, already validated."""

    okrs: str
    source: SourceKind
    source_config: SourceConfig
    options: AuditOptions = AuditOptions()
    formats: tuple[ReportFormat, ...] = (ReportFormat.XLSX,)
    output: str | None = None
    thresholds: Thresholds = Thresholds()
    lint_settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a run produced."""

    result: AuditResult
    written: tuple[str, ...]
    breaches: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        """0 when every threshold holds, else 1."""
        return EXIT_THRESHOLD if self.breaches else EXIT_OK


def load_okr_set(request: AuditRequest) -> OkrSet:
    """The OKR set of a request (a file, or asana-goals:...)."""
    return load_okrs(request.okrs, request.source_config.env)


def run_audit(
    request: AuditRequest,
    progress: Progress | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> tuple[AuditResult, list[Planned], tuple[str, ...]]:
    """Audit and render, writing nothing yet: a failure here leaves every file untouched."""
    okrs = load_okr_set(request)
    backlog = make_source(request.source, request.source_config).fetch(progress)
    LOG.info("fetched %d items from %s", len(backlog.items), backlog.scope)
    result = audit(backlog, okrs, request.options, now())
    findings = lint(okrs, settings=LintSettings.from_mapping(request.lint_settings))
    result = replace(result, lint=findings)
    planned = plan(result, request.formats, request.output)
    return result, planned, tuple(request.thresholds.breaches(result))


def execute(request: AuditRequest, progress: Progress | None = None) -> Outcome:
    """Run an audit and write its reports."""
    result, planned, breaches = run_audit(request, progress)
    written = write(planned)
    return Outcome(result, tuple(written), breaches)
