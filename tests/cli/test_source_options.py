"""The source options come from the registry: each source's own flags, under its heading."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backlog_audit.adapters import kinds, plugin
from backlog_audit.cli.options import plugin_params
from tests.cli_runner import JIRA, OKRS, audit, invoke


def flags(help_text: str) -> set[str]:
    """The long flags a --help text lists."""
    return set(re.findall(r"^\s+(?:-\w, )?(--[\w-]+)", help_text, flags=re.MULTILINE))


def test_fields_help_lists_only_the_options_fields_reads() -> None:
    # `fields` lists a source's fields: it reads where the source is, not what to audit.
    shown = flags(invoke(["fields", "--help"]).stdout)
    where = {
        max(param.opts, key=len)
        for kind in kinds()
        for param in plugin_params(plugin(kind))
        if param.name in plugin(kind).fields_params
    }
    assert shown == {"--source", "--search", "--verbose", "--help"} | where
    assert {"--input", "--jira-url", "--asana-project"} <= where
    unused = {"--label-prefix", "--completed-since", "--jql", "--board", "--sprint", "--okr-field"}
    assert not shown & unused


@pytest.mark.parametrize(
    "flag", ["--label-prefix", "--completed-since", "--jql", "--board", "--okr-field"]
)
def test_fields_refuses_an_option_it_would_not_read(flag: str) -> None:
    result = invoke(["fields", "--input", JIRA, flag, "x"], code=2)
    assert f"No such option '{flag}'" in result.stderr


def test_audit_help_lists_each_sources_options_under_its_heading() -> None:
    text = invoke(["audit", "--help"]).stdout
    for kind in kinds():
        found = plugin(kind)
        section = text.split(f"\n{found.title} options:\n", 1)[1].split("\n\n", 1)[0]
        assert flags(section) == {max(p.opts, key=len) for p in plugin_params(found)}


def test_a_flag_two_sources_read_is_refused_for_a_third() -> None:
    # --jira-url is read by the Jira source and, for its links, by the CSV source.
    result = invoke(
        ["audit", "--okrs", OKRS, "--source", "asana", "--asana-project", "1", "--jira-url",
         "https://jira.example.com", "--format", "json", "-o", "-"],
        code=2,
    )  # fmt: skip
    assert "--jira-url is read by --source csv, jira only, not --source asana" in result.stderr
    audit("--jira-url", "https://jira.example.com", "--format", "json", "-o", "-", "-q")


def test_every_source_config_key_of_before_the_plugins_still_works(tmp_path: Path) -> None:
    # Config files written before the sources became plug-ins keep their keys: each option's
    # long flag and its param name. The CSV audit reads its own; the others are defaults.
    config = tmp_path / "team.toml"
    config.write_text(
        f'input = "{JIRA}"\njira_url = "https://jira.example.com"\njql = "project = APP"\n'
        'board = 7\nsprint = "next"\nasana_project = ["1204567890"]\n'
        'asana_section = "Sprint 12"\ncompleted_since = 2026-10-01\n'
    )
    result = invoke(
        ["audit", "--okrs", OKRS, "--config", str(config), "--format", "json", "-o", "-", "-q"]
    )
    report = json.loads(result.stdout)
    assert report["summary"]["items"] == 52
    assert report["items"][0]["url"].startswith("https://jira.example.com/browse/")
