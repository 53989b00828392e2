"""The flags several sources read, defined once: `--input` (csv, trello) and `--jira-url` (csv,
jira).

Sources that share a param name must share its flag (`cli/options.py` refuses two sources that
disagree), so a shared flag is one definition that each plugin lists. Light: click only, as a
plugin's `__init__` must be.
"""

from __future__ import annotations

from collections.abc import Mapping

import click

__all__ = ["INPUT", "INPUT_FILES", "JIRA_URL"]

# An export file read instead of an API (the csv source's CSV, a Trello board's JSON).
# Its help is shown under every source that lists it, so it names what each one reads.
INPUT = click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False),
    help="Export file: csv reads a CSV export, trello a board's JSON export.",
)
# The config field naming that file, and how an error names it: no report may replace it.
INPUT_FILES: Mapping[str, str] = {"input_path": "the --input export"}
# The Jira site: the jira source's, and where a Jira CSV export's keys link to.
JIRA_URL = click.option(
    "--jira-url",
    help="Jira base URL (default: $JIRA_URL): jira's site; csv links the export's keys there.",
)
