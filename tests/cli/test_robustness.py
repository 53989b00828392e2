"""The command line used carelessly or unluckily (SPEC 8): bad input exits 2 with one line,
a failing source exits 3 with one line, and neither writes a report nor records a run.

Report-writing failures that need a read-only directory are made with a path that runs
through a regular file (`file/report.json`): that fails the same way for root, who may write
into read-only directories, as for everyone else.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from backlog_audit import output
from backlog_audit.adapters import settings as source_settings
from tests import cli_runner
from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, build_workspace
from tests.adapters.jira import scenario as jira_scenario
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJiraServer
from tests.cli_runner import JIRA, OKRS, audit


@pytest.fixture(autouse=True)
def _no_leftover_log_handlers() -> Iterator[None]:
    """`-v` adds a handler on the captured stderr of one run: drop it after the test."""
    logger = logging.getLogger("backlog_audit")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def invoke(*args: str, code: int, env: dict[str, str] | None = None) -> Result:
    """Run the CLI and assert its exit code; an unexpected exception is re-raised."""
    return cli_runner.invoke(args, code, env=env)


def one_error_line(result: Result, *fragments: str) -> str:
    """The run's single stderr line, which must contain every fragment."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# --- report files -------------------------------------------------------------------------


def test_report_under_a_path_that_is_a_file_exits_2_naming_it(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("not a directory")
    out = tmp_path / "notes" / "r.json"
    result = audit("--format", "json", "-o", str(out), "--no-history", code=2)
    one_error_line(result, f"cannot write report {out}")


def test_a_report_that_cannot_be_written_leaves_every_report_as_it_was(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    earlier = reports / "backlog-audit.json"
    earlier.write_text("earlier report")
    # The CSV tables go to reports/backlog-audit-csv/, here a file: the second report fails.
    (reports / "backlog-audit-csv").write_text("in the way")
    result = audit("--format", "json", "--format", "csv", "-o", str(reports), code=2)
    one_error_line(result, "backlog-audit-csv")
    assert earlier.read_text() == "earlier report"
    assert sorted(p.name for p in reports.iterdir()) == ["backlog-audit-csv", "backlog-audit.json"]


def test_a_new_report_is_as_readable_as_the_umask_allows(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        audit("--format", "json", "-o", str(tmp_path / "r.json"), "-q")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


def test_a_replaced_report_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("{}")
    out.chmod(0o640)
    audit("--format", "json", "-o", str(out), "-q")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert json.loads(out.read_text())["summary"]["items"] == 52


def test_a_symlinked_report_is_written_through_the_link(tmp_path: Path) -> None:
    target = tmp_path / "archive" / "week-47.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    audit("--format", "json", "-o", str(link), "-q")
    assert link.is_symlink()
    assert json.loads(target.read_text())["summary"]["items"] == 52


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    # -o /dev/stdout or a named pipe: renaming a temp file over it would replace the device
    # (as root: /dev/null itself) with a plain file.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        audit("--format", "md", "-o", str(fifo), "-q")
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received.startswith(b"#")
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_a_link_to_a_pipe_like_dev_stdout_is_written_into() -> None:
    # /dev/stdout links to /proc/self/fd/1, which names a pipe under cron or `| tee`: it
    # must be opened and written, not resolved to 'pipe:[...]' and renamed over.
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader:
        try:
            audit("--format", "md", "-o", f"/proc/self/fd/{write_end}", "--no-history", "-q")
        finally:
            os.close(write_end)
        received = reader.read()
    assert received.startswith(b"# OKR alignment audit")


def test_ctrl_c_while_writing_leaves_no_temp_file_and_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.json"
    out.write_text("earlier report")

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    # 130 as a shell reports Ctrl-C: exit 1 would read as a breached threshold (SPEC 8).
    result = audit("--format", "json", "-o", str(out), "-q", code=130)
    assert result.stderr == "backlog-audit: interrupted\n"
    assert out.read_text() == "earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_ctrl_c_the_moment_the_temp_file_exists_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A signal can land between the temporary file's creation and the line that records its
    # name (SIGTERM from a busy cron did, once): the cleanup must know the name already.
    out = tmp_path / "r.json"
    out.write_text("earlier report")
    real_open = os.open

    def open_then_interrupted(path: str, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        if str(path).endswith(".tmp"):
            os.close(fd)
            raise KeyboardInterrupt  # the file exists; its name is not handed back yet
        return fd

    monkeypatch.setattr(output.os, "open", open_then_interrupted)
    result = audit("--format", "json", "-o", str(out), "-q", code=130)
    assert result.stderr == "backlog-audit: interrupted\n"
    assert out.read_text() == "earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# --- history ------------------------------------------------------------------------------


def runs_in(history: Path) -> int:
    with sqlite3.connect(history) as conn:
        return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_a_history_that_cannot_be_created_stops_the_run_before_any_report(
    tmp_path: Path,
) -> None:
    (tmp_path / "state").write_text("a file, not a directory")
    out = tmp_path / "r.json"
    history = tmp_path / "state" / "history.sqlite3"
    result = audit("--format", "json", "-o", str(out), "--history", str(history), code=2)
    one_error_line(result, f"history {history}")
    assert not out.exists()


def test_a_history_that_is_not_sqlite_exits_2_and_leaves_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("earlier report")
    history = tmp_path / "history.sqlite3"
    history.write_text("not a database, just text that happens to be here\n" * 50)
    result = audit("--format", "json", "-o", str(out), "--history", str(history), code=2)
    one_error_line(result, f"history {history}", "not a database")
    assert out.read_text() == "earlier report"


def test_a_run_whose_report_cannot_be_written_records_nothing(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite3"
    audit("--format", "json", "-o", str(tmp_path / "ok.json"), "--history", str(history), "-q")
    assert runs_in(history) == 1
    (tmp_path / "notes").write_text("not a directory")
    bad = str(tmp_path / "notes" / "r.json")
    audit("--format", "json", "-o", bad, "--history", str(history), code=2)
    assert runs_in(history) == 1


def test_fail_on_drop_without_history_names_both_flags() -> None:
    result = audit("--format", "json", "-o", "-", "--fail-on-drop", "5", "--no-history", code=2)
    one_error_line(result, "--fail-on-drop", "--no-history")


def test_history_listing_of_a_file_that_is_not_sqlite_exits_2(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite3"
    history.write_bytes(b"\x00\x01garbage" * 100)
    result = invoke("history", "--history", str(history), code=2)
    one_error_line(result, str(history))


# --- flags click refuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["audit", "--okrs", OKRS, "--input", JIRA, "--format", "pdf"], ["'--format'", "'pdf'"]),
        (["audit", "--input", JIRA], ["Missing option '--okrs'"]),
        (["audit", "--okrs", OKRS, "--input", "."], ["'--input'", "is a directory"]),
        (["audit", "--okrs", OKRS, "--input", JIRA, "--source", "gitlab"], ["'--source'"]),
        (["audit", "--okrs", OKRS, "--input", JIRA, "--fail-under", "-5"], ["'--fail-under'"]),
        (["audit", "--okrs", OKRS, "--input", JIRA, "--history", "."], ["'--history'"]),
        (["audit", "--okrs", OKRS, "--input", JIRA, "--bogus"], ["No such option '--bogus'"]),
        (["okrs", "lint"], ["Missing argument 'FILE'", "okrs lint --help'"]),
        (["--bogus"], ["No such option '--bogus'", " --help'"]),
        (["audits"], ["No such command 'audits'"]),
    ],
)
def test_a_flag_click_refuses_is_one_line_exit_2(args: list[str], fragments: list[str]) -> None:
    result = invoke(*args, code=2)
    line = one_error_line(result, *fragments)
    assert line.startswith("backlog-audit: error: ")


def test_a_bare_command_group_still_shows_its_help() -> None:
    result = invoke("okrs", code=2)
    assert "lint" in result.output and "Usage:" in result.output


# --- the TOML config ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"\xff\xfeokrs = 1\n", ["invalid TOML", "not UTF-8"]),
        (b"[input]\npath = 'x.csv'\n", ["input must be a single value, not a table"]),
        (b"okrs = ['a.yaml', 'b.yaml']\n", ["okrs must be a single value, not a list"]),
        (b"include_types = [{name = 'Epic'}]\n", ["include_types must be a value or a list"]),
    ],
    ids=["not-utf8", "table", "list", "list-of-tables"],
)
def test_a_config_value_of_the_wrong_shape_is_one_line_exit_2(
    tmp_path: Path, content: bytes, fragments: list[str]
) -> None:
    config = tmp_path / "team.toml"
    config.write_bytes(content)
    result = audit("--config", str(config), "--format", "json", "-o", "-", code=2)
    one_error_line(result, str(config), *fragments)


def test_a_toml_date_sets_completed_since(tmp_path: Path) -> None:
    # TOML has dates: `completed_since = 2026-10-01` unquoted is what a user writes.
    config = tmp_path / "team.toml"
    config.write_text("completed_since = 2026-10-01\n")
    result = audit("--config", str(config), "--format", "json", "-o", "-", "-q")
    assert json.loads(result.stdout)["summary"]["items"] == 52


# --- API sources ----------------------------------------------------------------------------


def free_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


JIRA_SCOPE = ("--source", "jira", "--jql", "project = APP")
ASANA_SCOPE = ("--source", "asana", "--asana-project", "2001")


@pytest.mark.parametrize(
    ("scope", "env", "fragments"),
    [
        (
            JIRA_SCOPE,
            {"JIRA_URL": "http://127.0.0.1:99999", "JIRA_PAT": "pat-SECRET"},
            ["Jira URL is not a valid URL", "127.0.0.1:99999"],
        ),
        (
            JIRA_SCOPE,
            {"JIRA_URL": "https://", "JIRA_PAT": "pat-SECRET"},
            ["Jira URL names no host"],
        ),
        (
            JIRA_SCOPE,
            {"JIRA_URL": "https://sm:hunter2-SECRET@jira.example.com", "JIRA_PAT": "pat-SECRET"},
            ["must not contain a user name or password", "https://jira.example.com"],
        ),
        (JIRA_SCOPE, {"JIRA_URL": "http://127.0.0.1:1"}, ["Jira needs credentials"]),
        (
            ASANA_SCOPE,
            {
                "ASANA_ACCESS_TOKEN": "tok-SECRET",
                "ASANA_BASE_URL": "http://proxy:pw-SECRET@127.0.0.1:99999/api/1.0",
            },
            ["ASANA_BASE_URL is not a valid URL", "http://127.0.0.1:99999/api/1.0"],
        ),
        (ASANA_SCOPE, {"ASANA_BASE_URL": "http://127.0.0.1:1"}, ["ASANA_ACCESS_TOKEN"]),
    ],
    ids=[
        "jira-port",
        "jira-no-host",
        "jira-userinfo",
        "jira-no-creds",
        "asana-port",
        "asana-no-token",
    ],
)
def test_a_source_url_or_credential_problem_is_exit_2_and_shows_no_secret(
    tmp_path: Path, scope: tuple[str, ...], env: dict[str, str], fragments: list[str]
) -> None:
    clean = dict.fromkeys(
        (
            "JIRA_URL",
            "JIRA_EMAIL",
            "JIRA_API_TOKEN",
            "JIRA_PAT",
            "ASANA_ACCESS_TOKEN",
            "ASANA_BASE_URL",
        )
    )
    result = invoke(
        "audit",
        "--okrs",
        OKRS,
        *scope,
        "--format",
        "json",
        "-o",
        "-",
        "-vv",
        code=2,
        env={**clean, **env},
    )
    one_error_line(result, *fragments)
    assert "SECRET" not in result.output


def assert_failed_cleanly(result: Result, code: int, secrets: tuple[str, ...], logs: str) -> None:
    """Exit `code`, one error line among the -vv log lines, no secret anywhere."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("backlog-audit: error:")]
    assert len(errors) == 1, result.stderr
    assert result.stdout == ""
    for secret in secrets:
        assert secret not in result.output and secret not in logs


def leaves_no_trace(tmp_path: Path) -> tuple[Path, Path]:
    """An earlier report and a history with one run, which a failing run must not change."""
    out, history = tmp_path / "r.json", tmp_path / "history.sqlite3"
    audit("--format", "json", "-o", str(out), "--history", str(history), "-q")
    out.write_text("earlier report")
    return out, history


def test_jira_that_nobody_answers_is_exit_3(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {
        "JIRA_URL": f"http://127.0.0.1:{free_port()}",
        "JIRA_EMAIL": "sm@example.com",
        "JIRA_API_TOKEN": "api-token-SECRET",
    }
    result = invoke(
        "audit",
        "--okrs",
        OKRS,
        *JIRA_SCOPE,
        "--format",
        "json",
        "-o",
        str(tmp_path / "r.json"),
        "-vv",
        code=3,
        env=env,
    )
    assert_failed_cleanly(result, 3, ("api-token-SECRET",), caplog.text)
    assert "cannot reach Jira" in result.stderr
    assert not (tmp_path / "r.json").exists()


@dataclass(frozen=True)
class FailingSource:
    """A fake Jira or Asana that answers every search with one HTTP error."""

    scope: tuple[str, ...]
    env: dict[str, str]
    secrets: tuple[str, ...]


@contextmanager
def failing_source(source: str, status: int) -> Iterator[FailingSource]:
    """`source` ("jira-cloud", "jira-dc" or "asana") answering `status` until it is closed."""
    if source == "asana":
        fake = FakeAsana(build_workspace(), token=TOKEN)
        try:
            fake.inject(status, times=99, path="/tasks")
            env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}
            yield FailingSource(ASANA_SCOPE, env, (TOKEN,))
        finally:
            fake.close()
        return
    site = jira_scenario.site(source.removeprefix("jira-"))
    site.fail(status, path="/search", times=99)
    with FakeJiraServer(site) as server:
        yield FailingSource(JIRA_SCOPE, env_for(site, server.url), (site.token, site.pat))


@pytest.mark.parametrize("status", [500, 401])
@pytest.mark.parametrize("source", ["jira-cloud", "jira-dc", "asana"])
def test_a_source_answering_an_error_is_exit_3_with_no_report_no_run_no_secret(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    status: int,
) -> None:
    out, history = leaves_no_trace(tmp_path)
    waits: list[float] = []
    monkeypatch.setattr(source_settings, "SLEEP", waits.append)  # every source retries a 5xx
    caplog.set_level(logging.DEBUG)
    with failing_source(source, status) as failing:
        result = invoke(
            "audit",
            "--okrs",
            OKRS,
            *failing.scope,
            "--format",
            "json",
            "-o",
            str(out),
            "--history",
            str(history),
            "-vv",
            code=3,
            env=failing.env,
        )
    assert_failed_cleanly(result, 3, failing.secrets, caplog.text)
    assert out.read_text() == "earlier report"
    assert runs_in(history) == 1
    # One retry policy: a 500 is retried by every source, a 401 by none.
    assert waits == ([1.0, 2.0, 4.0, 8.0] if status == 500 else [])
    if source != "asana":
        hint = {500: "(server error, retries exhausted) to", 401: "(credentials refused) to"}
        assert f"HTTP {status} {hint[status]}" in result.stderr


@pytest.mark.parametrize("flag", ["--fail-under", "--fail-on-drop"])
def test_a_nan_threshold_is_refused(flag: str) -> None:
    # FloatRange accepts "nan", and coverage compared with NaN is never under it.
    result = audit("--format", "json", "-o", "-", flag, "nan", code=2)
    one_error_line(result, f"'{flag}'", "nan is not a number")


# --- conflicting and incomplete scope flags -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--input", JIRA, "--board", "7"], ["--board is read by --source jira only"]),
        (["--input", JIRA, "--jql", "project = APP"], ["--jql", "not --source csv"]),
        (
            ["--source", "jira", "--input", JIRA, "--jql", "x"],
            ["--input", "--source csv, trello only"],
        ),
        (["--input", JIRA, "--asana-section", "Sprint 1"], ["--asana-section"]),
        (
            ["--source", "jira", "--jql", "x", "--completed-since", "2026-10-01"],
            ["--completed-since is read by --source asana only"],
        ),
    ],
    ids=["board-csv", "jql-csv", "input-jira", "section-csv", "since-jira"],
)
def test_a_selector_for_another_source_is_refused(args: list[str], fragments: list[str]) -> None:
    result = invoke("audit", "--okrs", OKRS, *args, "--format", "json", "-o", "-", code=2)
    one_error_line(result, *fragments)


def test_selectors_of_other_sources_in_a_config_file_are_only_defaults(tmp_path: Path) -> None:
    # A team's config may hold its Jira board and its CSV runs alike: not a conflict.
    config = tmp_path / "team.toml"
    config.write_text("board = 7\nsprint = 'next'\n")
    result = audit("--config", str(config), "--format", "json", "-o", "-", "-q")
    assert json.loads(result.stdout)["summary"]["items"] == 52


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sprint", "active"], "--sprint needs --board"),
        ([], "Jira needs a scope"),
    ],
)
def test_a_jira_audit_without_a_scope_is_exit_2_before_any_request(
    args: list[str], message: str
) -> None:
    # Nobody listens on the port: were a request made first, this would be exit 3.
    env = {"JIRA_URL": f"http://127.0.0.1:{free_port()}", "JIRA_PAT": "pat-SECRET"}
    result = invoke(
        "audit",
        "--okrs",
        OKRS,
        "--source",
        "jira",
        *args,
        "--format",
        "json",
        "-o",
        "-",
        code=2,
        env=env,
    )
    one_error_line(result, message)


# --- story points -------------------------------------------------------------------------


@pytest.mark.parametrize("points", ["nan", "inf", "-inf", "-3"])
def test_points_that_are_not_a_finite_number_are_unestimated_with_a_warning(
    tmp_path: Path, points: str
) -> None:
    # Issue 11, point 6: the same rule in every source (a warning, not exit 2)
    export = tmp_path / "export.csv"
    export.write_text(f"key,okr,points\nA-1,KR1.1,{points}\n")
    result = audit("--format", "json", "-o", "-", "--no-history", input=export)
    assert json.loads(result.stdout)["items"][0]["points"] is None
    assert result.stderr.splitlines()[0] == (
        f"backlog-audit: warning: {export}: A-1: 'points' {points!r} is not a number of points "
        "from 0 to 1,000,000,000: counted as unestimated"
    )


# --- browse links in CSV exports ------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"JIRA_URL": "https://sm:hunter2-SECRET@jira.example.com"}, []),
        ({}, ["--jira-url", "javascript:alert('SECRET')//"]),
    ],
    ids=["password-in-url", "javascript-url"],
)
def test_a_jira_url_for_csv_browse_links_is_checked_like_the_jira_source(
    env: dict[str, str], args: list[str]
) -> None:
    result = audit(
        *args,
        "--format",
        "json",
        "-o",
        "-",
        "--no-history",
        code=2,
        env=env,
    )
    one_error_line(result, "Jira URL")
    assert "SECRET" not in result.output


# --- signals --------------------------------------------------------------------------------


def test_sigterm_while_writing_leaves_no_temp_file(tmp_path: Path) -> None:
    # cron's timeout, systemd and CI runners stop a job with SIGTERM. Here the run blocks
    # while writing: the JSON report is a FIFO nobody reads, and the Markdown report is
    # already staged as a temporary file beside it.
    reports = tmp_path / "reports"
    reports.mkdir()
    os.mkfifo(reports / "backlog-audit.json")
    args = [
        "audit",
        "--okrs",
        OKRS,
        "--input",
        JIRA,
        "--format",
        "json",
        "--format",
        "md",
        "-o",
        str(reports),
        "--no-history",
        "-q",
    ]
    cli = Path(sys.executable).with_name("backlog-audit")

    def staged() -> bool:
        # The temporary file gets the report's mode (0o644 under umask 022) last, once all of
        # it is written: from then on the run is staged and about to block on the FIFO. (Its
        # mere existence was waited for once, and a signal the moment it was created raced
        # the recording of its name: see test_ctrl_c_the_moment_the_temp_file_exists_...)
        modes = [stat.S_IMODE(p.stat().st_mode) for p in reports.glob(".*.tmp")]
        return modes == [0o644]

    with subprocess.Popen([str(cli), *args], stderr=subprocess.PIPE, umask=0o022) as proc:
        deadline = time.monotonic() + 60
        while not staged():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)  # waiting for the child, not for the code under test
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert sorted(p.name for p in reports.iterdir()) == ["backlog-audit.json"]


@pytest.mark.parametrize(
    "project", ["https://app.asana.com/0/1205551234567/list", "Onboarding", "12/../34"]
)
def test_an_asana_project_that_is_not_a_gid_is_exit_2_before_any_request(project: str) -> None:
    # Nobody listens on the port: were a request made first, this would be exit 3.
    env = {"ASANA_ACCESS_TOKEN": "tok-SECRET", "ASANA_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    result = invoke(
        "audit",
        "--okrs",
        OKRS,
        "--source",
        "asana",
        "--asana-project",
        project,
        "--format",
        "json",
        "-o",
        "-",
        code=2,
        env=env,
    )
    one_error_line(result, "--asana-project", "is not a project gid")


# --- odd but valid exports ----------------------------------------------------------------


def test_parents_that_point_at_themselves_or_in_a_circle_end_orphaned(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("key,okr,parent\nA-1,,A-1\nA-2,,A-3\nA-3,,A-2\nA-4,KR1.1,A-4\n")
    result = audit(
        "--format",
        "json",
        "-o",
        "-",
        "--no-history",
        "-q",
        input=export,
        code=0,
    )
    report = json.loads(result.stdout)
    states = {item["key"]: item["link_state"] for item in report["items"]}
    assert states == {"A-1": "orphaned", "A-2": "orphaned", "A-3": "orphaned", "A-4": "linked"}
    assert report["summary"]["coverage"] == 0.25


def test_the_same_key_twice_in_an_export_counts_once(tmp_path: Path) -> None:
    # SPEC 6: the same item reached twice counts once (overlapping exports pasted together).
    export = tmp_path / "export.csv"
    export.write_text("key,okr\nA-1,KR1.1\nA-2,\nA-1,KR1.1\n")
    result = audit(
        "--format",
        "json",
        "-o",
        "-",
        "--no-history",
        "-q",
        input=export,
        code=0,
    )
    summary = json.loads(result.stdout)["summary"]
    assert (summary["items"], summary["linked_items"], summary["orphaned_items"]) == (2, 1, 1)


def test_history_and_no_history_typed_together_contradict(tmp_path: Path) -> None:
    history = str(tmp_path / "h.sqlite3")
    result = audit("--format", "json", "-o", "-", "--history", history, "--no-history", code=2)
    one_error_line(result, "--history and --no-history")


def test_no_history_overrides_a_history_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text(f"history = '{tmp_path / 'h.sqlite3'}'\n")
    audit("--config", str(config), "--format", "json", "-o", "-", "--no-history", "-q")
    assert not (tmp_path / "h.sqlite3").exists()


def run_cli(args: list[str], stdout: int) -> subprocess.CompletedProcess[bytes]:
    """The real console script, with its stdout on the given file descriptor."""
    cli = Path(sys.executable).with_name("backlog-audit")
    return subprocess.run(
        [str(cli), *args], stdout=stdout, stderr=subprocess.PIPE, timeout=120, check=False
    )


STDOUT_JSON = [
    "audit",
    "--okrs",
    OKRS,
    "--input",
    JIRA,
    "--format",
    "json",
    "-o",
    "-",
    "--no-history",
]


def test_a_report_to_a_closed_pipe_is_exit_2_with_one_line() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone: every write fails with EPIPE
    try:
        done = run_cli(STDOUT_JSON, write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert (
        done.stderr.decode()
        == "backlog-audit: error: cannot write the report to stdout: Broken pipe\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_report_to_a_full_stdout_is_exit_2_with_one_line() -> None:
    with open("/dev/full", "wb") as full:
        done = run_cli(STDOUT_JSON, full.fileno())
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "backlog-audit: error: cannot write the report to stdout: No space left on device"
    ]


# --- bad OKR files and exports (already one line: kept so) -------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("okrs.yaml", b"\x00\x01\xff\xfe binary", "not UTF-8 text"),
        ("okrs.yaml", b"", "empty file"),
        ("okrs.yaml", b"objectives: [\n", "invalid YAML"),
        ("okrs.yaml", b"- just\n- a list\n", "must be a mapping"),
        ("okrs.csv", b"objective_id;objective;key_result_id;key_result\n", "unknown column"),
        ("okrs.xlsx", b"PK\x03\x04 not really a zip", "not a readable .xlsx workbook"),
        ("okrs.txt", b"objectives: []\n", "unknown OKR file type"),
    ],
    ids=["binary", "empty", "yaml-syntax", "yaml-list", "csv-semicolons", "xlsx-not-zip", "txt"],
)
def test_an_unusable_okr_file_is_one_line_naming_it(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    okrs = tmp_path / name
    okrs.write_bytes(content)
    result = invoke(
        "audit",
        "--okrs",
        str(okrs),
        "--input",
        JIRA,
        "--format",
        "json",
        "-o",
        "-",
        "--no-history",
        code=2,
    )
    one_error_line(result, str(okrs), fragment)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a workbook (.xlsx/.ods), not a CSV"),
        (bytes(range(256)) * 4, "not text in an encoding spreadsheets write"),
        (b"Summary,Assignee\nx,y\n", "not a Jira, Asana or plain CSV export"),
        (b"key,okr\n,KR1.1\n", "row 2: no value in 'key'"),
    ],
    ids=["empty", "xlsx", "binary", "unknown-dialect", "no-key"],
)
def test_an_unusable_export_is_one_line_naming_it(
    tmp_path: Path, content: bytes, fragment: str
) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(content)
    result = audit(
        "--format",
        "json",
        "-o",
        "-",
        "--no-history",
        input=export,
        code=2,
    )
    one_error_line(result, str(export), fragment)


def test_a_report_whose_name_is_near_the_length_limit_is_written(tmp_path: Path) -> None:
    # 250 characters is a valid name; '.NAME.XXXXXXXX.tmp' around it would not be.
    out = tmp_path / ("r" * 245 + ".json")
    audit("--format", "json", "-o", str(out), "--no-history", "-q")
    assert json.loads(out.read_text())["summary"]["items"] == 52
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_report_path_in_a_loop_of_links_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    result = audit("--format", "json", "-o", str(tmp_path / "a.json"), "--no-history", code=2)
    one_error_line(result, "a.json", "loop")
