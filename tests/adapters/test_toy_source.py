"""A source is one folder plus one registry line: a toy source from tests/ is audited
through the CLI once the test has registered it (nothing else in backlog_audit is edited)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backlog_audit.adapters import SOURCES
from tests.adapters.toy_source import ToyConfig, source
from tests.cli_runner import OKRS, invoke

ENV = {"TOY_TOKEN": "toy-secret", "JIRA_PAT": "not-for-the-toy"}


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one registry line a new source adds."""
    monkeypatch.setitem(SOURCES, "toy", "tests.adapters.toy_source")
    source.SEEN.clear()


def audit_toy(*args: str, code: int = 0) -> dict[str, object]:
    result = invoke(
        ["audit", "--okrs", OKRS, "--source", "toy", "--format", "json", "-o", "-", "-q",
         "--no-history", *args],
        code,
        env=ENV,
    )  # fmt: skip
    return json.loads(result.stdout) if code == 0 else {"stderr": result.stderr}


def test_an_audit_through_the_cli_reads_the_toy_source() -> None:
    report = audit_toy("--toy-items", "T-1=KR1.1,T-2=KR2.1,T-3", "--okr-field", "Reference")
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert (summary["items"], summary["linked_items"]) == (3, 2)
    [(settings, config, credentials)] = source.SEEN
    assert config == ToyConfig(toy_items="T-1=KR1.1,T-2=KR2.1,T-3")
    assert settings.okr_field == "Reference"
    # Only the variables the plugin lists: not the Jira token also in the environment.
    assert credentials == {"TOY_TOKEN": "toy-secret"}


def test_the_toy_option_is_in_audit_and_fields_help_under_its_heading() -> None:
    for command in ("audit", "fields"):
        text = invoke([command, "--help"]).stdout
        # The flags of every section share one column: the spaces depend on the widest.
        assert re.search(r"\nToy options:\n  --toy-items KEY=REF,\.\.\. +Toy: the items\.", text)
        assert "|toy]" in text  # a --source choice, the last registered


def test_the_toy_option_is_a_config_key(tmp_path: Path) -> None:
    config = tmp_path / "toy.toml"
    config.write_text('toy_items = "T-1=KR1.1"\n')
    report = audit_toy("--config", str(config))
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["linked_items"] == 1


def test_the_toy_option_for_another_source_is_refused() -> None:
    result = invoke(
        ["audit", "--okrs", OKRS, "--input", "x.csv", "--toy-items", "T-1", "--no-history"],
        2,
    )
    assert "--toy-items is read by --source toy only, not --source csv" in result.stderr


def test_fields_lists_the_toy_sources_fields() -> None:
    result = invoke(["fields", "--source", "toy", "--toy-items", "T-1"], env=ENV)
    assert result.stdout == "ref\tReference\ttext  <- likely okr field\n"
