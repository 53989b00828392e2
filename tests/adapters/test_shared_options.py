"""A flag several sources share is one definition shown under each source's heading of
`audit --help`, so its help must name what every one of those sources reads."""

from __future__ import annotations

from collections import defaultdict

import click
import pytest

from backlog_audit.adapters import kinds, plugin
from backlog_audit.cli.options import plugin_params


def shared_flags() -> dict[str, tuple[click.Option, list[str]]]:
    """Each flag listed by more than one source, with those sources' kinds."""
    users: dict[str, list[str]] = defaultdict(list)
    flags: dict[str, click.Option] = {}
    for kind in kinds():
        for param in plugin_params(plugin(kind)):
            if isinstance(param, click.Option) and param.name:
                users[param.name].append(kind)
                flags[param.name] = param
    return {name: (flags[name], found) for name, found in users.items() if len(found) > 1}


def test_there_are_shared_flags() -> None:
    assert {"input_path", "jira_url"} <= set(shared_flags())


@pytest.mark.parametrize("name", sorted(shared_flags()))
def test_a_shared_flag_names_every_source_that_reads_it(name: str) -> None:
    option, sources = shared_flags()[name]
    text = (option.help or "").casefold()
    assert all(kind in text for kind in sources), (option.opts, sources, option.help)
