"""The registry: every `--source` kind names a package whose PLUGIN builds its source."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from importlib import import_module

import pytest

from backlog_audit.adapters import (
    BacklogSource,
    SourcePlugin,
    SourceSettings,
    kinds,
    make_source,
    plugin,
)
from backlog_audit.adapters.csv.source import CsvSource


@pytest.mark.parametrize("kind", kinds())
def test_every_kind_names_a_plugin_and_a_source_class(kind: str) -> None:
    found = plugin(kind)
    module, _, name = found.factory.partition(":")
    assert isinstance(found, SourcePlugin)
    assert found.kind == kind
    assert issubclass(getattr(import_module(module), name), BacklogSource)


@pytest.mark.parametrize("kind", kinds())
def test_a_plugins_fields_options_and_input_files_are_its_config_fields(kind: str) -> None:
    found = plugin(kind)
    names = {f.name for f in fields(found.config_class)}
    assert set(found.fields_params) <= names
    assert set(found.input_files) <= names
    found.config_class()  # every field has a default


def test_make_source_builds_the_named_kind() -> None:
    source = make_source("csv", SourceSettings(), {"input_path": "x.csv"}, {})
    assert isinstance(source, CsvSource)


def test_make_source_passes_only_the_variables_the_plugin_lists() -> None:
    credentials = {"JIRA_URL": "https://jira.example.com", "ASANA_ACCESS_TOKEN": "secret"}
    source = make_source("csv", SourceSettings(), {"input_path": "x.csv"}, credentials)
    assert isinstance(source, CsvSource)
    assert source._jira_url == "https://jira.example.com"
    assert "secret" not in repr(vars(source))


def test_a_param_the_config_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="board"):
        make_source("csv", SourceSettings(), {"input_path": "x.csv", "board": 7}, {})


def test_reading_the_plugins_imports_no_http_client() -> None:
    # A CSV audit must not pay for (or need) the Jira and Asana clients: in a fresh process,
    # reading every plugin (as --help and --source do) imports neither.
    code = (
        "import sys\n"
        "from backlog_audit.adapters import SOURCES, plugin\n"
        "for kind in SOURCES: plugin(kind)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'jira', 'asana', 'requests'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
