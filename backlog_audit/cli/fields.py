"""`backlog-audit fields`: list a source's fields, to find the OKR and points field ids."""

from __future__ import annotations

from typing import Any

import click

from backlog_audit.adapters import FieldInfo, make_source
from backlog_audit.cli.help import epilog
from backlog_audit.cli.options import (
    FieldsCommand,
    configure_logging,
    credentials,
    fields_options,
    source_params,
    source_settings,
)

EXAMPLE = """
\b
Examples:
  backlog-audit fields --source jira --search OKR
  backlog-audit fields --source asana --asana-project 1204567890
  backlog-audit fields --source csv --input examples/jira-export.csv
"""


@click.command(cls=FieldsCommand, epilog=epilog(EXAMPLE))
@fields_options
@click.option("--search", help="Only fields whose name contains this text.")
def fields(**params: Any) -> None:
    """List a source's fields: ids, names, types, options; likely OKR/points fields marked."""
    configure_logging(params["verbose"])
    kind = params["source"]
    source = make_source(
        kind,
        source_settings(params, {}, None),
        source_params(params, for_fields=True),
        credentials([kind]),
    )
    for info in source.fields(params["search"]):
        click.echo(format_field(info))


def format_field(info: FieldInfo) -> str:
    """One field as a line, then its options indented."""
    mark = f"  <- likely {info.likely} field" if info.likely else ""
    scope = f" [{info.scope}]" if info.scope else ""
    lines = [f"{info.id}\t{info.name}\t{info.type}{scope}{mark}"]
    for option in info.options:
        disabled = " (disabled)" if option.disabled else ""
        lines.append(f"    option {option.id}\t{option.value}{disabled}")
    return "\n".join(lines)
