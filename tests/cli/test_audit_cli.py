"""`backlog-audit audit` on the command line: exit codes, outputs, config (SPEC 8)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import Result

from tests import cli_runner
from tests.cli_runner import JIRA, OKRS, audit


def invoke(*args: str, code: int) -> Result:
    """Run the CLI and assert its exit code; anything unexpected is re-raised."""
    return cli_runner.invoke(args, code)


def test_thresholds_that_hold_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = audit("--format", "json", "-o", str(out), "--fail-under", "69.5", "--max-orphans", "8")
    assert "coverage 69.6%" in result.stdout
    assert json.loads(out.read_text())["summary"]["items"] == 52


def test_breached_threshold_exits_1_and_still_writes(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = audit("--format", "json", "-o", str(out), "--fail-under", "70", code=1)
    assert "coverage 69.6% is under --fail-under 70%" in result.stderr
    assert out.exists()


def test_fail_under_is_unrounded() -> None:
    # coverage is 32/46 = 69.565...%: 69.57 must fail although it rounds to 69.6
    audit("--format", "json", "-o", "-", "-q", "--fail-under", "69.57", code=1)


def test_max_orphans_counts_orphaned_items_only() -> None:
    result = audit("--format", "json", "-o", "-", "-q", "--max-orphans", "7", code=1)
    assert "8 orphaned items exceed --max-orphans 7" in result.stderr


def test_fail_under_with_no_items_in_scope_exits_1(tmp_path: Path) -> None:
    export = tmp_path / "epics.csv"
    export.write_text("key,type,okr\nA-1,Epic,KR1.1\n")
    result = audit(
        "--format",
        "json",
        "-o",
        "-",
        "--fail-under",
        "10",
        input=export,
        code=1,
    )
    assert "no countable items" in result.stderr
    assert "1 items read, none in scope" in result.stderr
    assert "no items" not in result.stdout  # the JSON report alone goes to stdout
    assert json.loads(result.stdout)["summary"]["coverage"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--okrs", "missing.yaml", "--input", JIRA], "missing.yaml"),
        (["--okrs", OKRS, "--input", "missing.csv"], "missing.csv: no such file"),
        (["--okrs", OKRS, "--input", JIRA, "--okr-field", "Goal"], "no column 'Goal'"),
        (["--okrs", OKRS, "--input", JIRA, "--format", "xlsx", "-o", "-"], "-o - writes one"),
        (["--okrs", OKRS], "--source csv needs --input"),
        # An empty value (an unset shell variable) is refused, not read as "every label" or
        # as "the default report name".
        (["--okrs", OKRS, "--input", JIRA, "--label-prefix", ""], "--label-prefix must not be"),
        (
            ["--okrs", OKRS, "--input", JIRA, "--label-prefix", "okr:", "--label-prefix", " "],
            "--label-prefix must not be",
        ),
        (["--okrs", OKRS, "--input", JIRA, "--format", "json", "-o", ""], "-o needs a file"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = invoke("audit", *args, code=2)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--okrs", OKRS, "--input", "gone\nfile.csv"],
            "backlog-audit: error: gone\\nfile.csv: no such file\n",
        ),
        (
            ["--okrs", "\x1b[31mred.yaml", "--input", JIRA],
            "backlog-audit: error: \\x1b[31mred.yaml: no such file\n",
        ),
        (
            ["--okrs", OKRS, "--input", JIRA, "--okr-field", "O\r\nKR"],
            "backlog-audit: error: " + JIRA + ": no column 'O\\r\\nKR' (--okr-field); likely: ",
        ),
    ],
    ids=["newline-in-file-name", "terminal-escape", "crlf-in-value"],
)
def test_a_line_break_in_a_name_does_not_break_the_one_error_line(
    args: list[str], line: str
) -> None:
    # Regression: the name was printed as typed, so the error took two lines (or coloured
    # the terminal); control characters are now shown as escapes.
    result = invoke("audit", *args, "--format", "json", "-o", "-", code=2)
    assert result.stderr.startswith(line)
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr


def test_malformed_okr_file_exits_2_naming_file_and_place(tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yaml"
    okrs.write_text(
        "objectives:\n  - id: O1\n    title: T\n    key_results:\n"
        "      - id: KR1\n        title: K\n        baseline: lots\n"
    )
    result = invoke("audit", "--okrs", str(okrs), "--input", JIRA, code=2)
    assert str(okrs) in result.stderr and "baseline" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_failing_run_leaves_the_earlier_report_untouched(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    audit("--format", "json", "-o", str(out), "-q")
    before = out.read_bytes()
    audit("--format", "json", "-o", str(out), input=tmp_path / "gone.csv", code=2)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp files left


@pytest.mark.parametrize(
    ("target", "what"),
    [("export.csv", "the --input export"), ("okrs.yaml", "the --okrs file")],
)
def test_a_report_never_overwrites_what_the_run_reads(
    tmp_path: Path, target: str, what: str
) -> None:
    # Regression: `-o export.csv` replaced the export with the JSON report, exit 0.
    export, okrs = tmp_path / "export.csv", tmp_path / "okrs.yaml"
    export.write_text("key,okr\nA-1,KR1.1\n")
    okrs.write_text(Path(OKRS).read_text())
    before = {p: p.read_bytes() for p in (export, okrs)}
    args = ["--okrs", str(okrs), "--input", str(export), "--no-history", "--format", "json"]
    # Reached through another spelling of the same file: `..` in the name.
    other_name = tmp_path / "sub" / ".." / target
    (tmp_path / "sub").mkdir()
    result = invoke("audit", *args, "-o", str(other_name), code=2)
    assert result.stderr == (
        f"backlog-audit: error: -o {other_name}: the report would overwrite {what}\n"
    )
    assert {p: p.read_bytes() for p in (export, okrs)} == before


def test_a_report_never_overwrites_the_history_file(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite3"
    args = ["--format", "json", "--history", str(history), "-o", str(history)]
    result = audit(*args, code=2)
    assert "the report would overwrite the history file" in result.stderr
    assert not history.exists()  # a first run: the history is not created either


def test_several_formats_go_to_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = audit("--format", "json", "--format", "csv", "-o", str(out))
    assert (out / "backlog-audit.json").is_file()
    tables = sorted(p.name for p in (out / "backlog-audit-csv").iterdir())
    assert {
        "summary.csv",
        "key_results.csv",
        "items.csv",
        "orphans.csv",
        "dangling_links.csv",
        "by_sprint.csv",
    } <= set(tables)
    assert f"wrote {out / 'backlog-audit.json'}" in result.stdout


def test_csv_file_output_is_the_items_table(tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    audit("--format", "csv", "-o", str(out), "-q")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 52
    assert rows[0]["key"] == "ONB-7" and rows[0]["link_state"] == "inherited"


def test_formula_looking_source_strings_are_text_in_csv(tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    export.write_text('key,title,okr\nA-1,"=HYPERLINK(""http://evil"")",KR1.1\nA-2,@cmd,\n')
    result = invoke(
        "audit", "--okrs", OKRS, "--input", str(export), "--format", "csv", "-o", "-", "-q", code=0
    )
    assert "'=HYPERLINK" in result.stdout and "'@cmd" in result.stdout


def test_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    result = audit("--format", "json", "-o", str(tmp_path / "r.json"), "-q")
    assert result.output == ""


def test_default_output_is_an_xlsx_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    audit("-q")
    assert (tmp_path / "backlog-audit.xlsx").stat().st_size > 0


def test_config_file_sets_defaults_and_flags_win(tmp_path: Path) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text(
        f'okrs = "{OKRS}"\ninput = "{JIRA}"\nformat = "json"\noutput = "-"\n'
        "fail_under = 90\nquiet = true\n"
    )
    invoke("audit", "--config", str(config), code=1)
    invoke("audit", "--config", str(config), "--fail-under", "50", code=0)


def test_config_in_the_current_directory_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "backlog-audit.toml").write_text(
        f'okrs = "{OKRS}"\ninput = "{JIRA}"\nmax-orphans = 1\nquiet = true\nformat = ["json"]\n'
    )
    invoke("audit", code=1)
    assert (tmp_path / "backlog-audit.json").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail_undr = 3\n", "unknown key 'fail_undr' (did you mean 'fail_under'?)"),
        ("fail_under = 'x'\n", "Invalid value for '--fail-under': 'x' is not a valid float"),
        ("max-orphans = -1\n", "Invalid value for '--max-orphans': -1 is not in the range"),
        ("[status_map]\nShipped = 'finished'\n", "expected one of todo, in_progress, done"),
        ("[lint]\nmax_krs = 3\n", "[lint] unknown key 'max_krs'"),
        ("okrs = \n", "invalid TOML"),
        # Regression: tomllib recursed into a RecursionError traceback.
        ("okrs = " + "[" * 20_000 + "]" * 20_000 + "\n", "invalid TOML: nested too deeply"),
    ],
)
def test_bad_config_exits_2(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)
    result = invoke(
        "audit",
        "--config",
        str(config),
        "--okrs",
        OKRS,
        "--input",
        JIRA,
        "--format",
        "json",
        "-o",
        "-",
        code=2,
    )
    # One line that names the config file, whichever part of it is wrong.
    assert result.stderr.startswith(f"backlog-audit: error: {config}: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'label_prefix = [""]\n',
            "label_prefix must not be empty (to read every label, use --okr-field labels)",
        ),
        (
            'output = ""\n',
            "output needs a file or directory name (or - for stdout), got an empty one",
        ),
        ('history = " "\n', "history needs a file name, got an empty one"),
        ("history_path = 3\n", "history_path must be a file name"),
        ("input = 3\n", "input must be a file name"),
        ("completed-since = 2026\n", "completed-since must be a date (YYYY-MM-DD)"),
    ],
)
def test_a_bad_config_value_is_named_by_the_file_not_by_a_flag(
    tmp_path: Path, text: str, message: str
) -> None:
    # Regression: these named a flag never typed (`--label-prefix`, `-o`, `--history`), or
    # were a traceback (a number where a file name or a date goes).
    config = tmp_path / "c.toml"
    config.write_text(text)
    result = invoke("audit", "--config", str(config), "--okrs", OKRS, "--format", "json", code=2)
    assert result.stderr == f"backlog-audit: error: {config}: {message}\n"


@pytest.mark.parametrize(
    ("text", "typed", "drop", "no_history"),
    [
        ("fail_on_drop = 5\n", ["--no-history"], "fail_on_drop", "--no-history"),
        ("no_history = true\n", ["--fail-on-drop", "5"], "--fail-on-drop", "no_history"),
        ("fail_on_drop = 5\nno_history = true\n", [], "fail_on_drop", "no_history"),
    ],
)
def test_fail_on_drop_without_history_names_the_config_file_and_keys(
    tmp_path: Path, text: str, typed: list[str], drop: str, no_history: str
) -> None:
    # Regression: a setting from the config was named by a flag never typed (docs/semantics.md
    # Configuration: config errors name the key).
    config = tmp_path / "c.toml"
    config.write_text(text)
    result = audit("--config", str(config), "--format", "json", "-o", "-", *typed, code=2)
    assert result.stderr == (
        f"backlog-audit: error: {config}: {drop} compares with the history: drop {no_history}\n"
    )


def test_fail_on_drop_without_history_typed_names_the_flags() -> None:
    result = audit("--format", "json", "-o", "-", "--no-history", "--fail-on-drop", "5", code=2)
    assert result.stderr == (
        "backlog-audit: error: --fail-on-drop compares with the history: drop --no-history\n"
    )


def test_a_report_never_replaces_the_config_file(tmp_path: Path) -> None:
    # Regression: `--config x.toml -o x.toml` replaced the config with the report, exit 0.
    config = tmp_path / "x.toml"
    config.write_text('format = "json"\n')
    result = audit("--config", str(config), "--no-history", "-o", str(config), code=2)
    assert result.stderr == (
        f"backlog-audit: error: -o {config}: the report would overwrite the config file\n"
    )
    assert config.read_text() == 'format = "json"\n'


@pytest.mark.parametrize(
    "command", [["audit"], ["fields"], ["okrs"], ["okrs", "lint"], ["history"], []]
)
def test_help_shows_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help", code=0)
    assert "Example" in result.stdout and "backlog-audit " in result.stdout


def test_fields_lists_csv_columns() -> None:
    result = invoke("fields", "--source", "csv", "--input", JIRA, "--search", "okr", code=0)
    assert "Custom field (OKR)" in result.stdout and "likely okr" in result.stdout


def test_label_prefix_flag_decides_which_labels_are_links(tmp_path: Path) -> None:
    export = tmp_path / "labels.csv"
    export.write_text("key,okr,labels\nA-1,,goal:KR1.1\nA-2,,okr:KR1.1\n")
    result = audit(
        "--label-prefix",
        "goal:",
        "--format",
        "json",
        "-o",
        "-",
        "-q",
        input=export,
        code=0,
    )
    states = {i["key"]: i["link_state"] for i in json.loads(result.stdout)["items"]}
    assert states == {"A-1": "linked", "A-2": "orphaned"}


def test_bad_lint_table_fails_before_fetching(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[lint]\nmax_kr = 3\n")
    result = invoke(
        "audit",
        "--config",
        str(config),
        "--okrs",
        OKRS,
        "--input",
        str(tmp_path / "not-read.csv"),
        code=2,
    )
    assert "max_kr" in result.stderr and "not-read.csv" not in result.stderr


def test_output_with_a_trailing_slash_is_a_directory(tmp_path: Path) -> None:
    audit("--format", "json", "-o", f"{tmp_path / 'new'}/", "-q")
    assert (tmp_path / "new" / "backlog-audit.json").is_file()


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "backlog_audit", "audit", "--okrs", OKRS, "--input", JIRA,
         "--format", "json", "-o", "-", "-q", "--no-history"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["items"] == 52
    assert done.stderr == ""
