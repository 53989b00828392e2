"""Scheduled audits on the command line (issue 7): three weekly audits of the example export
with edits between them, the `history` listing, `--fail-on-drop`, and fitness for cron.

The example export has 52 items in scope: 6 exempt, 32 linked, 8 orphaned; 154 points of
which 11 exempt and 113 linked. The weeks, audited a week apart from WEEK_1:

- week 1: the export as shipped. Coverage 32/46, points 113/143.
- week 2: ONB-34 (orphan, 1 pt) linked to KR3.1; ONB-35 (orphan, no estimate) linked to KR3.2,
  the one KR nobody worked on; ONB-45 (orphan, 2 pts) given the unknown KR7.7.
  Coverage 34/46, points 114/143, 5 orphans.
- week 3: ONB-35's link removed again; a new unlinked story ONB-62 (3 pts) added.
  Coverage 33/47, points 114/146, 7 orphans.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import Result

from backlog_audit.cli.text.progress import phases
from tests import cli_runner

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OKRS = str(EXAMPLES / "okrs.yaml")
WEEK_1 = datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc)
OKR_COLUMN, POINTS_COLUMN = "Custom field (OKR)", "Custom field (Story point estimate)"


def at_week(week: int) -> datetime:
    return WEEK_1 + timedelta(weeks=week - 1)


def invoke(*args: str, code: int, now: datetime | None = None) -> Result:
    """Run the CLI at a simulated time; assert the exit code; re-raise anything unexpected."""
    clock: Callable[[], datetime] = lambda: now or WEEK_1  # noqa: E731
    return cli_runner.invoke(args, code, obj={"now": clock})


# --- The example export, edited week by week -------------------------------------------------


class Export:
    """A copy of examples/jira-export.csv whose cells a test edits between runs."""

    def __init__(self, path: Path) -> None:
        shutil.copy(EXAMPLES / "jira-export.csv", path)
        self.path = path

    def _read(self) -> list[list[str]]:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))

    def _write(self, rows: list[list[str]]) -> None:
        with self.path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)

    def set(self, key: str, column: str, value: str) -> None:
        """Set the first `column` cell of the row of issue `key`."""
        rows = self._read()
        index, key_index = rows[0].index(column), rows[0].index("Issue key")
        (row,) = [row for row in rows[1:] if row[key_index] == key]
        row[index] = value
        self._write(rows)

    def add_story(self, key: str, issue_id: str, title: str, points: str) -> None:
        """Append an unlinked To Do story without parent or sprint."""
        rows = self._read()
        header = rows[0]
        row = [""] * len(header)
        cells = {
            "Summary": title,
            "Issue key": key,
            "Issue id": issue_id,
            "Issue Type": "Story",
            "Status": "To Do",
            "Status Category": "To Do",
            "Project key": "ONB",
            POINTS_COLUMN: points,
        }
        for column, value in cells.items():
            row[header.index(column)] = value
        self._write([*rows, row])

    def week_2(self) -> None:
        self.set("ONB-34", OKR_COLUMN, "KR3.1")
        self.set("ONB-35", OKR_COLUMN, "KR3.2")
        self.set("ONB-45", OKR_COLUMN, "KR7.7")

    def week_3(self) -> None:
        self.set("ONB-35", OKR_COLUMN, "")
        self.add_story("ONB-62", "10062", "Keyboard shortcuts in the editor", "3")


@pytest.fixture
def export(tmp_path: Path) -> Export:
    return Export(tmp_path / "export.csv")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "history.sqlite3"


def audit(export: Export, db: Path, week: int, *args: str, code: int = 0) -> Result:
    return invoke(
        "audit", "--okrs", OKRS, "--input", str(export.path), "--history", str(db), *args,
        code=code, now=at_week(week),
    )  # fmt: skip


def audit_json(export: Export, db: Path, week: int, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / f"week-{week}.json"
    audit(export, db, week, "--format", "json", "-o", str(out), "-q")
    report: dict[str, object] = json.loads(out.read_text())
    return report


# --- Done when: three audits with edits between them ----------------------------------------


def test_three_weekly_audits_give_changes_history_and_a_trend_chart(
    export: Export, db: Path, tmp_path: Path
) -> None:
    first = audit_json(export, db, 1, tmp_path)
    assert first["changes"] is None

    export.week_2()
    second = audit_json(export, db, 2, tmp_path)
    assert second["changes"] == {
        "since": "2026-11-02T07:00:00Z",
        "coverage_delta": pytest.approx(2 / 46),  # 32/46 -> 34/46
        "points_coverage_delta": pytest.approx(1 / 143),  # 113/143 -> 114/143
        "new_orphans": [],
        "fixed_orphans": ["ONB-34", "ONB-35"],  # ONB-45 now dangles: not fixed
        "new_dangling_links": ["ONB-45: KR7.7"],
        "newly_covered_key_results": ["KR3.2"],
        "newly_uncovered_key_results": [],
    }

    export.week_3()
    reports = tmp_path / "week-3"
    formats = ("--format", "xlsx", "--format", "json", "--format", "md")
    audit(export, db, 3, *formats, "-o", str(reports), "-q")
    third = json.loads((reports / "backlog-audit.json").read_text())
    assert third["summary"]["items"] == 53
    assert third["changes"] == {
        "since": "2026-11-09T07:00:00Z",
        # 34/46 -> 33/47: (33 * 46 - 34 * 47) / (47 * 46) = -80/2162
        "coverage_delta": pytest.approx(-80 / 2162),
        # 114/143 -> 114/146: 114 * (143 - 146) / (146 * 143) = -342/20878
        "points_coverage_delta": pytest.approx(-342 / 20878),
        "new_orphans": ["ONB-35", "ONB-62"],
        "fixed_orphans": [],
        "new_dangling_links": [],
        "newly_covered_key_results": [],
        "newly_uncovered_key_results": ["KR3.2"],
    }

    listing = invoke("history", "--history", str(db), code=0).stdout
    assert listing.splitlines() == [
        f"csv: Jira export {export.path}, OKR cycle 2026-Q4",
        "  when (UTC)          items  coverage  change  points cov.  orphans  exit",
        "  2026-11-02 07:00       52     69.6%                79.0%        8     0",
        "  2026-11-09 07:00       52     73.9%    +4.3        79.7%        5     0",
        "  2026-11-16 07:00       53     70.2%    -3.7        78.1%        7     0",
    ]

    _check_workbook(reports / "backlog-audit.xlsx")
    markdown = (reports / "backlog-audit.md").read_text()
    changes_part = markdown[markdown.index("## Changes since 2026-11-09") :]
    assert "ONB-62" in changes_part and "KR3.2" in changes_part


def _check_workbook(path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path)
    assert "Trend" in wb.sheetnames
    trend = wb["Trend"]
    rows = [row for row in trend.iter_rows(min_row=2, values_only=True) if row[0] is not None]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        (datetime(2026, 11, 2, 7, 0), 52, 8),
        (datetime(2026, 11, 9, 7, 0), 52, 5),
        (datetime(2026, 11, 16, 7, 0), 53, 7),
    ]
    assert [r[2] for r in rows] == pytest.approx([32 / 46, 34 / 46, 33 / 47])
    assert len(trend._charts) == 1  # the native line chart
    assert trend._charts[0].tagname == "lineChart"
    summary = [c for row in wb["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "Changes since" in summary
    assert "ONB-35, ONB-62" in " | ".join(map(str, summary))


# --- The history listing --------------------------------------------------------------------


@pytest.fixture
def two_weeks(export: Export, db: Path) -> Path:
    audit(export, db, 1, "--format", "json", "-o", "-")
    export.week_2()
    audit(export, db, 2, "--format", "json", "-o", "-")
    return db


def test_history_as_csv_has_one_row_per_run(two_weeks: Path, export: Export) -> None:
    out = invoke("history", "--history", str(two_weeks), "--format", "csv", code=0).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["recorded_at"] for r in rows] == ["2026-11-02T07:00:00Z", "2026-11-09T07:00:00Z"]
    assert {r["scope"] for r in rows} == {f"Jira export {export.path}"}
    assert [(r["items"], r["linked_items"], r["orphaned_items"]) for r in rows] == [
        ("52", "32", "8"),
        ("52", "34", "5"),
    ]
    assert [float(r["coverage"]) for r in rows] == pytest.approx([32 / 46, 34 / 46])


def test_history_as_json_groups_runs_by_scope(two_weeks: Path, export: Export) -> None:
    out = invoke("history", "--history", str(two_weeks), "--format", "json", code=0).stdout
    (scope,) = json.loads(out)["scopes"]
    assert (scope["source"], scope["scope"], scope["okr_cycle"]) == (
        "csv",
        f"Jira export {export.path}",
        "2026-Q4",
    )
    assert [run["points_coverage"] for run in scope["runs"]] == pytest.approx(
        [113 / 143, 114 / 143]
    )
    assert [run["exit_code"] for run in scope["runs"]] == [0, 0]


def test_history_scope_filter(two_weeks: Path) -> None:
    assert invoke("history", "--history", str(two_weeks), "--scope", "EXPORT.CSV", code=0).stdout
    none = invoke("history", "--history", str(two_weeks), "--scope", "board=7", code=0)
    assert none.stdout == ""
    assert "no audits recorded" in none.stderr


def test_history_of_a_missing_file_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    text = invoke("history", "--history", str(missing), code=0)
    assert (text.stdout, text.stderr) == ("", f"backlog-audit: no audits recorded in {missing}\n")
    as_json = invoke("history", "--history", str(missing), "--format", "json", code=0)
    assert json.loads(as_json.stdout) == {"scopes": []}
    assert not missing.exists()


def test_history_of_a_file_that_is_not_sqlite_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "history.sqlite3"
    bad.write_text("not a database\n" * 200)
    result = invoke("history", "--history", str(bad), code=2)
    assert result.stderr.startswith(f"backlog-audit: error: history {bad}: ")
    assert result.stderr.count("\n") == 1


def test_history_reads_the_database_the_audits_config_names(
    two_weeks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The crontab of docs/scheduling.md keeps `history = ...` in backlog-audit.toml; the
    # `history` command looked only at the default file and said nothing was recorded.
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "backlog-audit.toml"
    config.write_text(f'okrs = "okrs.yaml"\nfail-under = 70\nhistory = "{two_weeks}"\n')
    listed = invoke("history", "--format", "csv", code=0).stdout
    assert len(list(csv.DictReader(io.StringIO(listed)))) == 2
    other = tmp_path / "other.toml"
    other.write_text(f'history = "{tmp_path / "none.sqlite3"}"\n')
    empty = invoke("history", "--config", str(other), code=0)
    assert empty.stderr == f"backlog-audit: no audits recorded in {tmp_path / 'none.sqlite3'}\n"
    # A typed --history wins over the config.
    assert invoke("history", "--config", str(other), "--history", str(two_weeks), code=0).stdout


@pytest.mark.parametrize("key", ["history", "history_path", "history-path"])
def test_history_reads_every_spelling_the_audit_accepts(
    two_weeks: Path, tmp_path: Path, key: str
) -> None:
    # Regression: `history_path = ...` recorded the audits but `history` looked elsewhere.
    config = tmp_path / "audit.toml"
    config.write_text(f'{key} = "{two_weeks}"\nformat = ["xlsx", "json"]\n')
    audit_runs = invoke("audit", "--config", str(config), "--format", "json", code=2)
    # The audit takes the key; what it misses is --okrs.
    assert audit_runs.stderr.startswith("backlog-audit: error: Missing option '--okrs'")
    listed = invoke("history", "--config", str(config), "--format", "csv", code=0).stdout
    assert len(list(csv.DictReader(io.StringIO(listed)))) == 2


def test_history_has_one_config_option() -> None:
    help_text = invoke("history", "--help", code=0).stdout
    assert help_text.count("--config") == 1


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--history", ""], "", "--history needs a file name, got an empty one"),
        (["--config", "{cfg}"], "history = 3\n", "{cfg}: history must be a file name"),
        (["--config", "{cfg}"], "history = [\n", "{cfg}: invalid TOML"),
        # Regression: an empty name fell back to the default database without a word.
        (["--config", "{cfg}"], 'history = ""\n', "{cfg}: history needs a file name"),
        # Regression: a key the audits refuse was ignored here.
        (["--config", "{cfg}"], 'histroy = "h.db"\n', "{cfg}: unknown key 'histroy'"),
        (
            ["--config", "{cfg}"],
            '[stauts_map]\nShipped = "done"\n',
            "{cfg}: unknown key 'stauts_map' (did you mean 'status_map'?)",
        ),
    ],
)
def test_history_bad_location_exits_2_with_one_line(
    tmp_path: Path, args: list[str], config: str, message: str
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(config)
    result = invoke("history", *(a.format(cfg=cfg) for a in args), code=2)
    assert result.stderr.startswith(f"backlog-audit: error: {message.format(cfg=cfg)}")
    assert result.stderr.count("\n") == 1


def test_history_help_shows_an_example() -> None:
    assert "backlog-audit history --scope" in invoke("history", "--help", code=0).stdout


# --- --fail-on-drop --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "code"),
    [
        ("3.7", 1),  # 73.913% -> 70.213%: a drop of 3.7003 points, more than 3.7
        ("3.71", 0),
    ],
)
def test_fail_on_drop_compares_with_the_last_run_of_the_scope(
    export: Export, db: Path, points: str, code: int
) -> None:
    export.week_2()
    audit(export, db, 2, "--format", "json", "-o", "-", "--fail-on-drop", "0")
    export.week_3()
    result = audit(
        export, db, 3, "--format", "json", "-o", "-", "--fail-on-drop", points, code=code
    )
    if code:
        # "fell 3.7 points, more than 3.7" would read as false: the decimals that show it.
        assert "threshold: coverage fell 3.7003 points since 2026-11-09 07:00 UTC" in result.stderr
    # A breached threshold still writes the report and records the run, with its exit code.
    assert json.loads(result.stdout)["summary"]["items"] == 53
    codes = sqlite3.connect(db).execute("SELECT exit_code FROM runs ORDER BY id").fetchall()
    assert codes == [(0,), (code,)]


def test_fail_on_drop_holds_on_a_first_run_and_when_coverage_rises(
    export: Export, db: Path
) -> None:
    audit(export, db, 1, "--format", "json", "-o", "-", "--fail-on-drop", "0")
    export.week_2()
    audit(export, db, 2, "--format", "json", "-o", "-", "--fail-on-drop", "0")


def _plain(path: Path, items: int, linked: int) -> None:
    rows = "".join(f"P-{n},{'KR1.1' if n < linked else ''}\n" for n in range(items))
    path.write_text("key,okr\n" + rows)


@pytest.mark.parametrize(("points", "code"), [("5", 0), ("4.99", 1)])
def test_fail_on_drop_of_exactly_the_threshold_holds(
    tmp_path: Path, db: Path, points: str, code: int
) -> None:
    # 3 of 4 linked (75%), then 14 of 20 (70%): a drop of exactly 5 points, which in floats
    # is 5.000000000000004 and must not breach --fail-on-drop 5.
    plain = tmp_path / "plain.csv"
    args = ("audit", "--okrs", OKRS, "--input", str(plain), "--history", str(db), "-q")
    fmt = ("--format", "json", "-o", str(tmp_path / "r.json"))
    _plain(plain, 4, 3)
    invoke(*args, *fmt, code=0, now=at_week(1))
    _plain(plain, 20, 14)
    invoke(*args, *fmt, "--fail-on-drop", points, code=code, now=at_week(2))


def test_fail_on_drop_with_no_history_is_a_usage_error(export: Export) -> None:
    result = invoke(
        "audit", "--okrs", OKRS, "--input", str(export.path), "--no-history",
        "--fail-on-drop", "5", code=2,
    )  # fmt: skip
    assert "--fail-on-drop" in result.stderr
    assert result.stderr.count("\n") == 1


# --- Fit for cron ---------------------------------------------------------------------------


def test_quiet_prints_nothing_on_success(export: Export, db: Path, tmp_path: Path) -> None:
    result = audit(export, db, 1, "-q", "-o", str(tmp_path / "r.xlsx"))
    assert (result.stdout, result.stderr) == ("", "")
    assert (tmp_path / "r.xlsx").exists()
    assert db.exists()


def test_no_colour_and_no_progress_bar_off_a_terminal(export: Export, db: Path) -> None:
    result = audit(export, db, 1, "--format", "json", "-o", str(db.parent / "r.json"))
    assert "coverage 69.6%" in result.stdout
    assert "\x1b[" not in result.output  # no ANSI colour codes
    assert "Fetching" not in result.output
    with phases(True, stream=io.StringIO()) as shown:
        assert shown is None  # a stream that is not a tty gets no progress display


def test_a_failing_run_records_nothing(export: Export, db: Path, tmp_path: Path) -> None:
    audit(export, db, 1, "--format", "json", "-o", "-")
    missing_okrs = str(tmp_path / "missing.yaml")
    invoke(
        "audit", "--okrs", missing_okrs, "--input", str(export.path), "--history", str(db),
        code=2, now=at_week(2),
    )  # fmt: skip
    invoke(
        "audit", "--okrs", OKRS, "--input", str(tmp_path / "gone.csv"), "--history", str(db),
        code=2, now=at_week(2),
    )  # fmt: skip
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)


def test_a_failing_first_run_creates_no_history_file(export: Export, db: Path) -> None:
    missing = str(db.parent / "missing.yaml")
    invoke("audit", "--okrs", missing, "--input", str(export.path), "--history", str(db), code=2)
    assert not db.exists()


def test_the_default_history_is_under_xdg_data_home(
    export: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    args = ("audit", "--okrs", OKRS, "--input", str(export.path), "--format", "json", "-o", "-")
    invoke(*args, "--no-history", code=0)
    assert not (tmp_path / "data").exists()
    invoke(*args, code=0)
    default = tmp_path / "data" / "backlog-audit" / "history.sqlite3"
    assert sqlite3.connect(default).execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
    assert "69.6%" in invoke("history", code=0).stdout


def test_history_and_fail_on_drop_can_come_from_the_config_file(
    export: Export, db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(f'history = "{db}"\nfail-on-drop = 3.7\n')
    args = ("audit", "--config", str(config), "--okrs", OKRS, "--input", str(export.path))
    export.week_2()
    invoke(*args, "--format", "json", "-o", "-", code=0, now=at_week(2))
    export.week_3()
    invoke(*args, "--format", "json", "-o", "-", code=1, now=at_week(3))
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)


def test_an_unusable_history_file_exits_2_before_any_report(export: Export, tmp_path: Path) -> None:
    bad = tmp_path / "history.sqlite3"
    bad.write_text("not a database\n" * 200)
    out = tmp_path / "r.json"
    result = audit(export, bad, 1, "--format", "json", "-o", str(out), code=2)
    assert result.stderr.startswith(f"backlog-audit: error: history {bad}: ")
    assert not out.exists()


def test_a_typed_history_beats_no_history_from_the_config_file(
    export: Export, db: Path, tmp_path: Path
) -> None:
    # Regression: `no-history = true` in the config silently dropped a typed --history.
    config = tmp_path / "backlog-audit.toml"
    config.write_text("no-history = true\n")
    args = ("audit", "--config", str(config), "--okrs", OKRS, "--input", str(export.path))
    invoke(*args, "--format", "json", "-o", "-", code=0)
    assert not db.exists()
    invoke(*args, "--history", str(db), "--format", "json", "-o", "-", code=0)
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)


def test_an_empty_history_name_exits_2_and_records_nowhere(
    export: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--history "$UNSET_VARIABLE"` used to record into the default file instead.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    args = ("audit", "--okrs", OKRS, "--input", str(export.path), "--format", "json", "-o", "-")
    result = invoke(*args, "--history", "", code=2)
    assert result.stderr == "backlog-audit: error: --history needs a file name, got an empty one\n"
    assert not (tmp_path / "data").exists()
