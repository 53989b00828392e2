"""The CSV source: a Jira or Asana CSV export, or a plain CSV (README, "Sources").

Only the plugin is declared here; `source.py` holds the reader, imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

from backlog_audit.adapters.interface import SourcePlugin
from backlog_audit.adapters.shared_options import INPUT, INPUT_FILES, JIRA_URL

__all__ = ["PLUGIN", "CsvConfig"]


@dataclass(frozen=True)
class CsvConfig:
    """What to read: the export file, and the Jira site its issue keys link to."""

    input_path: str | None = None
    # A Jira export's keys become links to <jira_url>/browse/KEY (default: $JIRA_URL).
    jira_url: str | None = None


PLUGIN = SourcePlugin(
    kind="csv",
    title="CSV export",
    config_class=CsvConfig,
    options=(INPUT, JIRA_URL),
    environment=("JIRA_URL",),
    factory="backlog_audit.adapters.csv.source:CsvSource",
    fields_params=("input_path",),
    input_files=INPUT_FILES,
)
