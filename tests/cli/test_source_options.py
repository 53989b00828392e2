"""The source options come from the registry: each source's own flags, under its heading."""

from __future__ import annotations

import re

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
