"""Each `audit` flag of SPEC 8, through the command line, on one small hand-worked export.

The export and the OKR set are written below; the figures each flag gives are worked out by
hand in the comments, not computed by the code under test.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests import cli_runner

OKRS = """\
objectives:
  - id: O1
    title: Tech leads get value in their first week
    key_results:
      - {id: KR1.1, title: Activation rate from 50% to 70%, baseline: 50, target: 70}
  - id: O2
    title: Billing runs itself
    key_results:
      - {id: KR2.1, title: Self-serve upgrades from 5% to 20%, baseline: 5, target: 20}
exempt: [BAU]
"""

# key, type, status, points, est(imate), okr, parent, labels
EXPORT = """\
key,title,type,status_category,points,est,okr,parent,labels
EP-1,Onboarding epic,Epic,todo,,,KR1.1,,
A-1,Guided setup,Story,done,3,1,KR1.1,,
A-2,Template picker,Story,todo,5,2,,EP-1,
A-3,Fix login,Bug,in_progress,2,3,BAU,,
A-4,Write copy,Sub-task,todo,1,4,,A-1,
A-5,Upgrade page,Story,todo,,5,,,goal:KR2.1
"""
# Default scope: A-1 linked, A-2 inherited (EP-1), A-3 exempt, A-5 orphaned (goal: is not a
# default label prefix); EP-1 (an epic) and A-4 (a sub-task) are not counted.
# items 4, exempt 1, linked 2 -> coverage 2 / (4 - 1) = 0.6667
# points 3 + 5 + 2 + 0 = 10, exempt 2, linked 8 -> points coverage 8 / 8 = 1.0


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    """The OKR file and the export, as paths."""
    okrs, export = tmp_path / "okrs.yaml", tmp_path / "export.csv"
    okrs.write_text(OKRS, encoding="utf-8")
    export.write_text(EXPORT, encoding="utf-8")
    return str(okrs), str(export)


def run(files: tuple[str, str], *flags: str, code: int = 0) -> Result:
    """`backlog-audit audit` on the export with the JSON report on stdout."""
    okrs, export = files
    args = ["audit", "--okrs", okrs, "--input", export, "--no-history", "--format", "json"]
    return cli_runner.invoke([*args, "-o", "-", *flags], code)


def summary(result: Result) -> dict[str, Any]:
    """The JSON report's summary, plus each item's link state under `states`."""
    report = json.loads(result.stdout)
    found: dict[str, Any] = dict(report["summary"])
    found["states"] = {item["key"]: item["link_state"] for item in report["items"]}
    return found


def test_defaults(files: tuple[str, str]) -> None:
    s = summary(run(files))
    assert s["states"] == {"A-1": "linked", "A-2": "inherited", "A-3": "exempt", "A-5": "orphaned"}
    assert (s["items"], s["exempt_items"], s["linked_items"]) == (4, 1, 2)
    assert s["coverage"] == pytest.approx(2 / 3)
    assert (s["points"], s["exempt_points"], s["linked_points"]) == (10.0, 2.0, 8.0)
    assert s["points_coverage"] == 1.0
    assert s["unestimated_items"] == 1


def test_no_inherit_orphans_items_that_only_inherit(files: tuple[str, str]) -> None:
    s = summary(run(files, "--no-inherit"))
    assert s["states"]["A-2"] == "orphaned"
    assert (s["linked_items"], s["orphaned_items"]) == (1, 2)
    assert s["coverage"] == pytest.approx(1 / 3)


def test_include_types_adds_sub_tasks(files: tuple[str, str]) -> None:
    # A-4 joins and inherits KR1.1 from A-1: items 5, linked 3, coverage 3 / 4.
    s = summary(run(files, "--include-types", "sub-task"))
    assert s["states"]["A-4"] == "inherited"
    assert (s["items"], s["linked_items"], s["coverage"]) == (5, 3, 0.75)


def test_include_types_takes_a_comma_list_and_repeats(files: tuple[str, str]) -> None:
    # EP-1 (linked to KR1.1 itself) and A-4: items 6, linked 4, coverage 4 / 5.
    s = summary(run(files, "--include-types", "Epic, Sub-task"))
    assert (s["items"], s["linked_items"], s["coverage"]) == (6, 4, 0.8)
    again = summary(run(files, "--include-types", "epic", "--include-types", "SUB-TASK"))
    assert again == s


def test_exclude_types_drops_a_type(files: tuple[str, str]) -> None:
    # Without the bug A-3 nothing is exempt: items 3, linked 2, points 8 of 8.
    s = summary(run(files, "--exclude-types", "Bug"))
    assert set(s["states"]) == {"A-1", "A-2", "A-5"}
    assert (s["items"], s["exempt_items"], s["coverage"]) == (3, 0, pytest.approx(2 / 3))


def test_label_prefix_replaces_the_default_prefixes(files: tuple[str, str]) -> None:
    # goal:KR2.1 now links A-5: linked 3 of 3 countable.
    s = summary(run(files, "--label-prefix", "goal:"))
    assert s["states"]["A-5"] == "linked"
    assert s["coverage"] == 1.0


def test_okr_field_and_points_field_pick_columns(files: tuple[str, str]) -> None:
    # Estimates from `est`: A-1 1, A-2 2, A-3 3, A-5 5 -> points 11, exempt 3, linked 3 of 8.
    s = summary(run(files, "--okr-field", "OKR", "--points-field", "EST"))
    assert (s["points"], s["exempt_points"], s["linked_points"]) == (11.0, 3.0, 3.0)
    assert s["points_coverage"] == 0.375
    assert s["unestimated_items"] == 0


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        (["--fail-under", "66.66"], 0),  # 66.666...% holds
        (["--fail-under", "66.67"], 1),  # and is not rounded up
        (["--max-orphans", "1"], 0),  # one orphan: A-5
        (["--max-orphans", "0"], 1),
        (["--no-inherit", "--max-orphans", "1"], 1),  # A-2 orphaned too
    ],
)
def test_thresholds(files: tuple[str, str], flags: list[str], code: int) -> None:
    result = run(files, *flags, code=code)
    assert json.loads(result.stdout)["schema_version"] == 1  # the report is written either way
    assert ("backlog-audit: threshold: " in result.stderr) is (code == 1)


def test_verbose_logs_to_stderr_and_keeps_stdout_for_the_report(files: tuple[str, str]) -> None:
    result = run(files, "-v")
    assert "INFO backlog_audit.run: fetched 6 items" in result.stderr
    assert json.loads(result.stdout)["summary"]["items"] == 4


def test_each_run_in_one_process_logs_to_its_own_stderr(files: tuple[str, str]) -> None:
    # Regression: the -v handler kept the stderr of the first verbose run, so a later run in
    # the same process (click's runner, an embedding app) logged nowhere it could be seen,
    # and a run without -v kept the earlier run's log level.
    for _ in range(2):
        assert "INFO backlog_audit.run: fetched 6 items" in run(files, "-v").stderr
        assert run(files, "-q").stderr == ""


def test_a_run_without_verbose_keeps_the_level_an_embedding_app_set(
    files: tuple[str, str],
) -> None:
    # Regression: every run without -v set the backlog_audit logger to NOTSET.
    logger = logging.getLogger("backlog_audit")
    before = logger.level
    try:
        logger.setLevel(logging.ERROR)
        run(files, "-q")
        assert logger.level == logging.ERROR
        # -v sets its own level for its run; the next run without -v gives the app's back.
        assert "INFO backlog_audit.run: fetched 6 items" in run(files, "-v").stderr
        run(files, "-q")
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before)


def test_quiet_prints_nothing_but_the_report(files: tuple[str, str]) -> None:
    result = run(files, "-q")
    assert result.stderr == ""
    assert json.loads(result.stdout)["summary"]["items"] == 4


def test_version_is_the_installed_distributions() -> None:
    # The metadata pip installed from pyproject.toml, not the code's own __version__: a
    # release that bumps one and forgets the other fails here.
    installed = importlib.metadata.version("backlog-audit")
    result = cli_runner.invoke(["--version"])
    assert result.stdout == f"backlog-audit, version {installed}\n"


def test_config_file_sets_every_kind_of_option_and_flags_win(
    files: tuple[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(
        'no-inherit = true\nexclude-types = ["Bug"]\nlabel-prefix = "goal:"\n'
        "max-orphans = 0\npoints_field = 'est'\n"
    )
    # From the file: A-3 out, A-2 orphaned, A-5 linked; points from `est` (1 + 2 + 5).
    s = summary(run(files, "--config", str(config), code=1))
    assert s["states"] == {"A-1": "linked", "A-2": "orphaned", "A-5": "linked"}
    assert s["points"] == 8.0
    # Typed flags win over the file: another list of types, another threshold.
    s = summary(
        run(files, "--config", str(config), "--exclude-types", "Story", "--max-orphans", "5")
    )
    assert s["states"] == {"A-3": "exempt"}
    # A flag the file switched on can be switched off again: --inherit over no-inherit.
    s = summary(run(files, "--config", str(config), "--inherit", "--max-orphans", "5"))
    assert s["states"]["A-2"] == "inherited"
