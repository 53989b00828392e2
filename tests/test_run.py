"""One audit run end to end through `run.run_audit` (no CLI)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.adapters import BacklogSource, Progress, SourceSettings, make_source
from backlog_audit.errors import UsageError
from backlog_audit.model import AuditOptions, Backlog, Tally
from backlog_audit.reports import ReportFormat
from backlog_audit.reports import csv as csv_report
from backlog_audit.run import AuditRequest, Thresholds, execute, run_audit
from tests.reports.conftest import build_result

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def request(**changes: object) -> AuditRequest:
    base: dict[str, object] = {
        "okrs": str(EXAMPLES / "okrs.yaml"),
        "source": "csv",
        "source_settings": SourceSettings(),
        "source_params": {"input_path": str(EXAMPLES / "jira-export.csv")},
        "formats": (ReportFormat.JSON,),
        "output": "-",
    }
    return AuditRequest(**{**base, **changes})  # type: ignore[arg-type]


def test_thresholds_and_lint_reach_the_result() -> None:
    result, planned, breaches = run_audit(request(thresholds=Thresholds(fail_under=75)))
    assert (result.fail_under, result.max_orphans) == (75, None)
    assert breaches == ("coverage 69.6% is under --fail-under 75%",)
    assert result.lint == ()  # the example OKR set lints clean
    assert [p.path for p in planned] == ["-"]


class CountedSource:
    """A real source whose fetches are counted in `fetches`."""

    def __init__(self, kind: str, source: BacklogSource, fetches: list[str]) -> None:
        self.kind, self.source, self.fetches = kind, source, fetches

    def fetch(self, progress: Progress | None = None) -> Backlog:
        self.fetches.append(self.kind)
        return self.source.fetch(progress)


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of the sources the run fetched from, one entry per fetch."""
    fetched: list[str] = []

    def counted(kind: str, *args: Any) -> CountedSource:
        return CountedSource(kind, make_source(kind, *args), fetched)

    monkeypatch.setattr("backlog_audit.run.make_source", counted)
    return fetched


def test_a_report_never_replaces_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text('format = "json"\n')
    with pytest.raises(UsageError, match=r"would overwrite the config file$"):
        run_audit(request(config=str(config), output=str(tmp_path / "." / "audit.toml")))
    assert config.read_text() == 'format = "json"\n'


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"output": str(EXAMPLES / "okrs.yaml")}, "would overwrite the --okrs file"),
        ({"formats": (ReportFormat.JSON, ReportFormat.MD)}, "-o - writes one json, md, csv"),
        ({"formats": (ReportFormat.XLSX,)}, "-o - writes one json, md, csv"),
    ],
)
def test_where_reports_go_is_checked_before_the_fetch(
    fetches: list[str], changes: dict[str, object], message: str
) -> None:
    # Against Jira or Asana the fetch is minutes of requests: a refusal must not cost them.
    with pytest.raises(UsageError, match=message):
        run_audit(request(**changes))
    assert fetches == []
    run_audit(request())  # the same run with a good -o fetches once
    assert fetches == ["csv"]


def test_the_csv_files_planned_before_the_fetch_are_the_tables_rendered(tmp_path: Path) -> None:
    # The paths are planned before there is a result; each must get the table of its name.
    # An existing directory as -o with CSV: the tables go straight into it.
    result, planned, _breaches = run_audit(
        request(formats=(ReportFormat.CSV,), output=str(tmp_path))
    )
    names = [Path(p.path).name for p in planned]
    assert {Path(p.path).parent for p in planned} == {tmp_path}
    assert names == list(csv_report.tables(result))
    items = {Path(p.path).name: p.data for p in planned}["items.csv"]
    assert items.decode("utf-8-sig").startswith("key,title,type,")


def test_the_source_fetches_as_the_audit_options_say(monkeypatch: pytest.MonkeyPatch) -> None:
    # A library caller may leave the source's settings at their defaults and set only the
    # audit's options: the source must still stop climbing parents where inheritance stops,
    # which depends on the label prefixes (regression: they were left at okr:/kr:).
    configs: list[SourceSettings] = []

    def recording(kind: str, settings: SourceSettings, *args: Any) -> object:
        configs.append(settings)
        return make_source(kind, settings, *args)

    monkeypatch.setattr("backlog_audit.run.make_source", recording)
    options = AuditOptions(
        inherit=False,
        label_prefixes=("goal:",),
        include_types=frozenset({"Story"}),
        exclude_types=frozenset({"Bug"}),
    )
    run_audit(request(options=options))
    [config] = configs
    assert config.label_prefixes == ("goal:",)
    assert config.inherit is False
    assert (config.include_types, config.exclude_types) == ({"story"}, {"bug"})


# --- threshold messages read as true --------------------------------------------------------


def test_a_breach_shows_the_decimals_that_make_it_visibly_true() -> None:
    # 1999 of 2500 is 79.96%: "80.0% is under --fail-under 80%" would read as false.
    result = build_result()
    result = replace(result, summary=replace(result.summary, all=Tally(2500, 1999)))

    assert Thresholds(fail_under=80).breaches(result) == [
        "coverage 79.96% is under --fail-under 80%"
    ]
    assert Thresholds(fail_under=90).breaches(result) == [
        "coverage 80.0% is under --fail-under 90%"
    ]


def test_a_drop_shows_the_decimals_that_make_it_visibly_more_than_allowed() -> None:
    result = build_result()  # coverage rose 4.5 points since the last run; make it fall 5.04
    assert result.changes is not None
    result = replace(result, changes=replace(result.changes, coverage_delta=-0.0504))

    (breach,) = Thresholds(fail_on_drop=5).breaches(result)

    assert breach.startswith("coverage fell 5.04 points since 2026-11-15 10:00 UTC")
    assert breach.endswith("more than --fail-on-drop 5")


def test_each_phase_is_told_as_it_starts(tmp_path: Path) -> None:
    told: list[str] = []
    out = tmp_path / "out"
    run_audit(
        request(formats=(ReportFormat.JSON, ReportFormat.MD), output=f"{out}/"),
        phase=told.append,
    )
    assert told == [
        f"Reading {EXAMPLES / 'jira-export.csv'}",
        "Auditing",
        f"Writing {out / 'backlog-audit.json'}",
        f"Writing {out / 'backlog-audit.md'}",
    ]


def test_the_last_phase_saves_reports_and_history_together(tmp_path: Path) -> None:
    told: list[str] = []
    history = tmp_path / "history.sqlite3"
    execute(
        request(output=str(tmp_path / "r.json"), history=history),
        phase=told.append,
    )
    assert told[-2:] == [f"Writing {tmp_path / 'r.json'}", "Saving the reports and the history"]
    told.clear()
    execute(request(), phase=told.append)  # -o -: no history
    assert told[-2:] == ["Writing the report to stdout", "Saving the reports"]
