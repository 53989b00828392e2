"""One audit run, from request to written reports and an exit code.

This is the glue between the pure parts: load the OKR set, fetch the backlog, audit, lint,
render, check thresholds, write. The CLI only builds an `AuditRequest` and prints.

With a history file the order is: audit -> read history (changes, trend) -> render with them
-> stage the reports -> add the run to the history -> put the reports in place -> commit the
run (`output.publish`). A history that cannot take the run fails before any report is
replaced; a report that cannot be written rolls the run back; a commit that fails puts the
earlier reports back: a run that fails (exit 2 or 3) writes no report and records nothing.
"""

from __future__ import annotations

import logging
import operator
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from backlog_audit.adapters import Progress, SourceSettings, make_source, plugin
from backlog_audit.core.audit import audit
from backlog_audit.errors import EXIT_OK, EXIT_THRESHOLD, UsageError
from backlog_audit.history import coverage_drop, recording, with_history
from backlog_audit.model import AuditOptions, AuditResult, OkrSet
from backlog_audit.okrs import load_audited_okrs
from backlog_audit.okrs.lint import LintSettings, lint
from backlog_audit.output import (
    STDOUT,
    Planned,
    Target,
    plan_paths,
    publish,
    render_targets,
)
from backlog_audit.reports import ReportFormat
from backlog_audit.reports.figures import breaches, shown_against

LOG = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Told the name of each step of a run as it starts ("Reading export.csv", "Auditing"...).
Phase = Callable[[str], None]


def utc_now() -> datetime:
    """The real clock; tests pass their own `now` to simulate weeks."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Thresholds:
    """What makes a run exit 1 (SPEC 8)."""

    fail_under: float | None = None  # percent
    max_orphans: int | None = None
    fail_on_drop: float | None = None  # percentage points since the last run of the scope

    def breaches(self, result: AuditResult) -> list[str]:
        """Human sentences for each threshold the result breaks."""
        found = [b.message for b in breaches(result, self.fail_under, self.max_orphans)]
        drop = coverage_drop(result.changes)
        if self.fail_on_drop is not None and drop is not None and drop > self.fail_on_drop:
            assert result.changes is not None  # a drop exists only with changes
            fell = shown_against(drop, self.fail_on_drop, operator.gt)
            found.append(
                f"coverage fell {fell} points since {result.changes.since:%Y-%m-%d %H:%M} UTC,"
                f" more than --fail-on-drop {self.fail_on_drop:g}"
            )
        return found


@dataclass(frozen=True)
class AuditRequest:
    """Everything one `backlog-audit audit` needs, already validated."""

    okrs: str
    # The --source kind, the settings every source honours, and the source's own option
    # values by param name (its config class's fields).
    source: str
    source_settings: SourceSettings
    source_params: Mapping[str, Any] = field(default_factory=dict)
    # The environment variables the source (and an OKR set it hosts) may read, chosen by the
    # caller from the plugins' `environment` lists: never the whole environment.
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    options: AuditOptions = AuditOptions()
    formats: tuple[ReportFormat, ...] = (ReportFormat.XLSX,)
    output: str | None = None
    thresholds: Thresholds = Thresholds()
    lint_settings: Mapping[str, Any] = field(default_factory=dict)
    # The history file to compare with and record into; None: no history (--no-history).
    history: Path | None = None
    # The config file the options were read from: a report must not replace it either.
    config: str | None = None
    # --scope-name: the scope's name in the history instead of the source's own identity.
    scope_name: str | None = None


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
    return load_audited_okrs(request.okrs, request.credentials)


def _source_settings(request: AuditRequest, okrs: OkrSet) -> SourceSettings:
    """The source settings, with the OKR set (its cycle start, what it holds) for the source.

    The audit's options decide what the source fetches (parents only when inheriting, and
    only up to where inheritance stops, which depends on the label prefixes; Asana subtasks
    only when counted), whoever built the request.
    """
    options = request.options
    return replace(
        request.source_settings,
        okr_set=okrs,
        inherit=options.inherit,
        label_prefixes=options.label_prefixes,
        include_types=options.include_types,
        exclude_types=options.exclude_types,
    )


def run_audit(
    request: AuditRequest,
    progress: Progress | None = None,
    now: Clock = utc_now,
    phase: Phase | None = None,
) -> tuple[AuditResult, list[Planned], tuple[str, ...]]:
    """Audit and render, writing nothing yet: a failure here leaves every file untouched.

    Where the reports go is checked before the fetch: against Jira or Asana that is minutes
    of requests, which a report that may not be written should not cost. `phase` is told
    each step as it starts (reading or fetching, auditing, writing each report).
    """
    say = phase or _quiet
    if request.thresholds.fail_on_drop is not None and request.history is None:
        raise UsageError("--fail-on-drop compares with the history: drop --no-history")
    targets = plan_paths(request.formats, request.output)
    _refuse_overwriting_inputs(targets, request)
    okrs = load_okr_set(request)
    source = make_source(
        request.source,
        _source_settings(request, okrs),
        request.source_params,
        request.credentials,
    )
    say(_fetching(request))
    backlog = source.fetch(progress)
    LOG.info("fetched %d items from %s", len(backlog.items), backlog.scope)
    say("Auditing")
    result = audit(backlog, okrs, request.options, now())
    findings = lint(okrs, settings=LintSettings.from_mapping(request.lint_settings))
    thresholds = request.thresholds
    result = replace(
        result,
        lint=findings,
        fail_under=thresholds.fail_under,
        max_orphans=thresholds.max_orphans,
        scope_id=request.scope_name or result.scope_id,
    )
    if request.history is not None:
        result = with_history(result, request.history)
    planned = render_targets(result, targets, lambda path: say(f"Writing {_named(path)}"))
    return result, planned, tuple(request.thresholds.breaches(result))


def _quiet(_label: str) -> None:
    """No one is told of the phases."""


def _named(path: str) -> str:
    return "the report to stdout" if path == STDOUT else path


def _fetching(request: AuditRequest) -> str:
    """The first phase's name: reading the file a source reads, else fetching from it."""
    found = plugin(request.source)
    files = [request.source_params.get(name) for name in found.input_files]
    named = next((str(path) for path in files if path), None)
    return f"Reading {named}" if named else f"Fetching from {found.title}"


def _refuse_overwriting_inputs(targets: list[Target], request: AuditRequest) -> None:
    """Exit 2 when a report would replace a file the run reads.

    That is the export, the OKR file, the history and the config file.
    """
    files = plugin(request.source).input_files
    inputs = {
        **{what: request.source_params.get(name) for name, what in files.items()},
        "the --okrs file": request.okrs,
        "the history file": str(request.history) if request.history else None,
        "the config file": request.config,
    }
    for report in targets:
        for what, path in inputs.items():
            if path and report.path != "-" and _same_file(report.path, path):
                raise UsageError(f"-o {report.path}: the report would overwrite {what}")


def _same_file(a: str, b: str) -> bool:
    """Whether two names reach one file (through links and `..`; hard links when both exist).

    A history file that does not exist yet is created by this run, so names are compared too.
    """
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # one does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def execute(
    request: AuditRequest,
    progress: Progress | None = None,
    now: Clock = utc_now,
    phase: Phase | None = None,
) -> Outcome:
    """Run an audit, then write its reports and record it in the history (if any) as one
    commit: both, or neither (`output.publish`). `phase` is told each step as it starts."""
    result, planned, breaches = run_audit(request, progress, now, phase)
    if phase is not None:
        phase("Saving the reports" + (" and the history" if request.history else ""))
    exit_code = Outcome(result, (), breaches).exit_code
    written = publish(planned, _recording(request, result, exit_code))
    return Outcome(result, tuple(written), breaches)


def _recording(
    request: AuditRequest, result: AuditResult, exit_code: int
) -> AbstractContextManager[None]:
    """Record the run around writing its reports; nothing to do without a history."""
    if request.history is None:
        return nullcontext()
    return recording(result, request.history, exit_code)
