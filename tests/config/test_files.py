"""Which config file a command reads (SPEC 8): --config, else the nearest backlog-audit.toml
up to the repository root, else [tool.backlog-audit] in the nearest pyproject.toml that has
it, else the user-level file in the platform's config directory."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from backlog_audit.config.files import discover, project_folders, user_config_file
from backlog_audit.errors import UsageError


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake repository (a folder with .git) with a subfolder to run from; no user file."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "team" / "web").mkdir(parents=True)
    monkeypatch.setattr(
        platformdirs, "user_config_path", lambda *_a, **_k: tmp_path / "user-config"
    )
    return root


def test_the_nearest_file_up_to_the_repository_root(repo: Path) -> None:
    (repo / "backlog-audit.toml").write_text('okrs = "root.yaml"\n')
    found = discover(None, repo / "team" / "web").found
    assert found is not None and found.path == repo / "backlog-audit.toml"
    assert found.data == {"okrs": "root.yaml"} and found.how == "nearest backlog-audit.toml"
    (repo / "team" / "backlog-audit.toml").write_text('okrs = "team.yaml"\n')
    nearer = discover(None, repo / "team" / "web").found
    assert nearer is not None and nearer.path == repo / "team" / "backlog-audit.toml"


def test_nothing_above_the_repository_root_is_read(repo: Path) -> None:
    (repo.parent / "backlog-audit.toml").write_text('okrs = "outside.yaml"\n')
    assert discover(None, repo / "team").found is None
    assert project_folders(repo / "team" / "web") == (repo / "team" / "web", repo / "team", repo)


def test_outside_a_repository_only_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "backlog-audit.toml").write_text("")
    (tmp_path / "sub").mkdir()
    assert project_folders(tmp_path / "sub") == (tmp_path / "sub",)


def test_a_git_file_marks_a_worktree_root(repo: Path) -> None:
    (repo / "team" / ".git").write_text("gitdir: ../.git/worktrees/team\n")
    assert project_folders(repo / "team" / "web")[-1] == repo / "team"


def test_pyproject_table_when_there_is_no_backlog_audit_toml(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.backlog-audit]\nokrs = "okrs.yaml"\n'
        '[tool.backlog-audit.status_map]\n"Ready for QA" = "in_progress"\n'
    )
    (repo / "team" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 99\n")
    found = discover(None, repo / "team" / "web")
    assert found.found is not None and found.found.path == repo / "pyproject.toml"
    assert found.found.data == {
        "okrs": "okrs.yaml",
        "status_map": {"Ready for QA": "in_progress"},
    }
    assert found.found.label == f"{repo / 'pyproject.toml'} [tool.backlog-audit]"
    # A pyproject.toml without the table is read and passed over.
    assert found.read == (repo / "team" / "pyproject.toml", repo / "pyproject.toml")


def test_backlog_audit_toml_anywhere_up_wins_over_a_nearer_pyproject(repo: Path) -> None:
    (repo / "backlog-audit.toml").write_text('okrs = "toml.yaml"\n')
    (repo / "team" / "pyproject.toml").write_text('[tool.backlog-audit]\nokrs = "py.yaml"\n')
    found = discover(None, repo / "team").found
    assert found is not None and found.data == {"okrs": "toml.yaml"}


def test_a_tool_entry_that_is_no_table_is_exit_2(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool]\nbacklog-audit = "yes"\n')
    with pytest.raises(UsageError, match=r"pyproject.toml: \[tool.backlog-audit\] must be a table"):
        discover(None, repo)


def test_the_user_level_file_last(repo: Path, tmp_path: Path) -> None:
    user = user_config_file()
    assert user == tmp_path / "user-config" / "config.toml"
    user.parent.mkdir()
    user.write_text('okrs = "mine.yaml"\n')
    found = discover(None, repo / "team")
    assert found.found is not None and found.found.path == user
    assert found.found.how == "user-level file"
    (repo / "pyproject.toml").write_text('[tool.backlog-audit]\nokrs = "project.yaml"\n')
    project = discover(None, repo / "team").found
    assert project is not None and project.data == {"okrs": "project.yaml"}


def test_the_user_level_file_is_in_the_platforms_config_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert user_config_file() == tmp_path / "xdg-config" / "backlog-audit" / "config.toml"


def test_an_explicit_file_is_the_only_one_read(repo: Path, tmp_path: Path) -> None:
    (repo / "backlog-audit.toml").write_text('okrs = "found.yaml"\n')
    chosen = tmp_path / "ci.toml"
    chosen.write_text('okrs = "ci.yaml"\n')
    found = discover(str(chosen), repo)
    assert found.found is not None and found.found.data == {"okrs": "ci.yaml"}
    assert found.read == (chosen,) and found.found.how == "--config"
    with pytest.raises(UsageError, match="no such config file"):
        discover(str(tmp_path / "missing.toml"), repo)
