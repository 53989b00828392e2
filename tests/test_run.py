"""One audit run end to end through `run.run_audit` (no CLI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from backlog_audit.adapters import SourceConfig, SourceKind
from backlog_audit.okrs import load_okrs
from backlog_audit.reports import ReportFormat
from backlog_audit.run import AuditRequest, Thresholds, _source_config, run_audit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def request(**changes: object) -> AuditRequest:
    config = SourceConfig(input=str(EXAMPLES / "jira-export.csv"), env={})
    base: dict[str, object] = {
        "okrs": str(EXAMPLES / "okrs.yaml"),
        "source": SourceKind.CSV,
        "source_config": config,
        "formats": (ReportFormat.JSON,),
        "output": "-",
    }
    return AuditRequest(**{**base, **changes})  # type: ignore[arg-type]


def test_completed_work_since_the_cycle_start_is_in_scope_by_default() -> None:
    okrs = load_okrs(str(EXAMPLES / "okrs.yaml"))
    assert _source_config(request(), okrs).completed_since == date(2026, 10, 1)
    chosen = SourceConfig(completed_since=date(2026, 11, 1), env={})
    assert _source_config(request(source_config=chosen), okrs).completed_since == date(2026, 11, 1)


def test_thresholds_and_lint_reach_the_result() -> None:
    result, planned, breaches = run_audit(request(thresholds=Thresholds(fail_under=75)))
    assert (result.fail_under, result.max_orphans) == (75, None)
    assert breaches == ("coverage 69.6% is under --fail-under 75%",)
    assert result.lint == ()  # the example OKR set lints clean
    assert [p.path for p in planned] == ["-"]
