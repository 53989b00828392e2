"""A toy source, registered by tests only: what a new source adds is this one folder.

It is a complete plugin (config class, own option, environment, factory), built as
docs/architecture.md's "Adding a source" says, and audited through the CLI in
tests/adapters/test_toy_source.py once the test has put it in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from backlog_audit.adapters.interface import SourcePlugin

__all__ = ["PLUGIN", "ToyConfig"]


@dataclass(frozen=True)
class ToyConfig:
    """The toy's only selector: its items as `KEY=REF,KEY=REF` (a KEY alone: no link)."""

    toy_items: str | None = None


PLUGIN = SourcePlugin(
    kind="toy",
    title="Toy",
    config_class=ToyConfig,
    options=(click.option("--toy-items", metavar="KEY=REF,...", help="Toy: the items."),),
    environment=("TOY_TOKEN",),
    factory="tests.adapters.toy_source.source:ToySource",
    fields_params=("toy_items",),
)
