"""Config discovery through the commands, and `backlog-audit config` showing what is read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import platformdirs
import pytest

from tests.cli_runner import EXAMPLES, invoke


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake repository holding the example export and OKR set; the test runs in a
    subfolder of it. The user-level config directory is an empty folder of the test's."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "team" / "web").mkdir(parents=True)
    shutil.copy(EXAMPLES / "okrs.yaml", root / "okrs.yaml")
    shutil.copy(EXAMPLES / "jira-export.csv", root / "export.csv")
    monkeypatch.setattr(
        platformdirs, "user_config_path", lambda *_a, **_k: tmp_path / "user-config"
    )
    monkeypatch.chdir(root / "team" / "web")
    return root


SETTINGS = 'okrs = "okrs.yaml"\ninput = "export.csv"\nformat = "json"\nno_history = true\n'


def test_an_audit_in_a_subfolder_reads_the_repository_roots_file(repo: Path) -> None:
    # File names in it are read from its own folder, wherever the audit runs.
    (repo / "backlog-audit.toml").write_text(SETTINGS + 'output = "reports/"\n')
    result = invoke(["audit", "-q"])
    assert result.stdout == ""
    report = json.loads((repo / "reports" / "backlog-audit.json").read_text())
    assert report["summary"]["items"] == 52


def test_an_audit_reads_the_pyproject_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "web"\n\n[tool.backlog-audit]\n' + SETTINGS
    )
    report = json.loads(invoke(["audit", "-o", "-", "-q"]).stdout)
    assert report["summary"]["items"] == 52


def test_an_audit_reads_the_user_level_file(repo: Path, tmp_path: Path) -> None:
    user = tmp_path / "user-config" / "config.toml"
    user.parent.mkdir()
    user.write_text(
        f'okrs = "{repo / "okrs.yaml"}"\ninput = "{repo / "export.csv"}"\nformat = "json"\n'
        "no_history = true\n"
    )
    report = json.loads(invoke(["audit", "-o", "-", "-q"]).stdout)
    assert report["summary"]["items"] == 52


def test_an_error_in_the_pyproject_table_names_the_file_and_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.backlog-audit]\nokr = "okrs.yaml"\n')
    result = invoke(["audit"], code=2)
    assert result.stderr == (
        f"backlog-audit: error: {repo / 'pyproject.toml'} [tool.backlog-audit]: "
        "unknown key 'okr' (did you mean 'okrs'?)\n"
    )


def test_okrs_lint_reads_the_lint_table_it_finds(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.backlog-audit.lint]\ndisable = ["output-phrased"]\nmax_krs = 3\n'
    )
    result = invoke(["okrs", "lint", str(repo / "okrs.yaml")], code=2)
    assert f"{repo / 'pyproject.toml'} [tool.backlog-audit]: [lint] unknown key" in result.stderr


def test_config_shows_the_file_in_use_and_the_settings(repo: Path) -> None:
    (repo / "backlog-audit.toml").write_text(
        SETTINGS + 'jira_url = "https://bob:hunter2@jira.example.com"\n'
        '[status_map]\n"Ready for QA" = "in_progress"\n'
    )
    text = invoke(["config"], env={"JIRA_API_TOKEN": "tok-s3cret", "COLUMNS": "200"}).stdout
    assert f"{repo / 'backlog-audit.toml'}  in use (nearest backlog-audit.toml)" in text
    assert f"searched: {repo / 'team' / 'web'}, {repo / 'team'}, {repo} (repository root)" in text
    lines = {line.split("=")[0].strip(): line for line in text.splitlines() if " = " in line}
    assert lines["okrs"].split() == ["okrs", "=", '"../../okrs.yaml"', "config", "file"]
    assert lines["format"].split()[2:] == ['["json"]', "config", "file"]
    assert lines["okr_field"].split() == ["okr_field", "=", '"OKR"']  # a default
    assert lines["fail_under"].split()[2:] == ["(not", "set)"]
    assert '"Ready for QA" = "in_progress"' in text
    # Secrets: a URL's password is cut, a variable's value never shown.
    assert "hunter2" not in text and "https://jira.example.com" in text
    assert "tok-s3cret" not in text
    assert [line.split() for line in text.splitlines() if "JIRA_API_TOKEN" in line] == [
        ["JIRA_API_TOKEN", "set"]
    ]


def test_config_without_any_file(repo: Path, tmp_path: Path) -> None:
    text = invoke(["config"]).stdout
    assert "(none: every setting is its default)" in text
    history = Path(os.environ["XDG_DATA_HOME"]) / "backlog-audit" / "history.sqlite3"
    assert f"History file: {history} (not yet created)" in text
    assert f"user-level file: {tmp_path / 'user-config' / 'config.toml'} (not present)" in text


def test_config_of_a_named_file(repo: Path, tmp_path: Path) -> None:
    named = tmp_path / "ci.toml"
    named.write_text("fail_under = 80\n")
    text = invoke(["config", "--config", str(named)]).stdout
    assert f"{named}  in use (--config)" in text
    assert [line.split() for line in text.splitlines() if line.split()[:1] == ["fail_under"]] == [
        ["fail_under", "=", "80", "config", "file"]
    ]
    named.write_text("fail_undr = 80\n")
    assert "unknown key 'fail_undr'" in invoke(["config", "--config", str(named)], 2).stderr
