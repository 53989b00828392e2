"""Every `--source` kind has an implementation (a new kind cannot fall through silently)."""

from __future__ import annotations

from importlib import import_module

import pytest

from backlog_audit.adapters import _IMPLEMENTATIONS as IMPLEMENTATIONS
from backlog_audit.adapters import BacklogSource, SourceConfig, SourceKind, make_source
from backlog_audit.adapters.csv_export import CsvSource


@pytest.mark.parametrize("kind", list(SourceKind))
def test_every_kind_names_a_source_class(kind: SourceKind) -> None:
    module, name = IMPLEMENTATIONS[kind]
    assert issubclass(getattr(import_module(module), name), BacklogSource)


def test_make_source_builds_the_named_kind() -> None:
    source = make_source(SourceKind.CSV, SourceConfig(input="x.csv", env={}))
    assert isinstance(source, CsvSource)
