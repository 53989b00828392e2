"""The CSV source: Jira exports, Asana exports and plain CSV files (SPEC 7).

The dialect is recognised from the header: `Issue key` is Jira, `Task ID` + `Name` is Asana,
`key` is plain. Each dialect says which columns hold what; the rows become the core's item
table directly (`items`, `core.rows.ItemRows.of_columns`): no Python object per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.checks import check_ids, resolve_parent_keys, resolve_parent_names
from backlog_audit.adapters.csv.columns import likely, samples
from backlog_audit.adapters.csv.dialects import ASANA, JIRA, detect
from backlog_audit.adapters.csv.items import ColumnReader
from backlog_audit.adapters.csv.table import read_table
from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.core.rows import ItemRows, RawCell
from backlog_audit.errors import UsageError
from backlog_audit.model import Backlog

_NO_CELL: RawCell = ((), (), ())


class CsvSource(BacklogSource):
    """Items from a CSV export file."""

    def __init__(
        self,
        settings: SourceSettings,
        config: CsvConfig,
        credentials: Mapping[str, str],
    ) -> None:
        if not config.input_path:
            raise UsageError("--source csv needs --input FILE")
        self._settings = settings
        # A Jira export's keys link to --jira-url, else to $JIRA_URL.
        self._jira_url = config.jira_url or credentials.get("JIRA_URL")
        self._path = config.input_path

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Read the export into items; parents named by Asana task name are resolved."""
        table = read_table(self._path)
        dialect = detect(table)
        reader = ColumnReader(table, dialect, self._settings, self._jira_url)
        del table  # the reader holds the rows, and lets go of the cells it has read
        columns = reader.read(progress)
        warnings = reader.warnings()
        # The columns share the reader's cells: let go of them before `_contiguous`.
        del reader
        items, cells = columns.frame, list(columns.cells)
        del columns
        warnings += check_ids(self._path, dialect.name, items)
        if not items.height:
            warnings.append(f"{self._path}: no items in the export")
        if dialect is ASANA:
            items = resolve_parent_names(items)
        else:
            # A parent outside the export carries no link: the cell with nothing in it.
            empty = cells.index(_NO_CELL) if _NO_CELL in cells else len(cells)
            height = items.height
            items = resolve_parent_keys(items, empty)
            if items.height > height and empty == len(cells):
                cells.append(_NO_CELL)
        items = items.drop("parent_key")
        # The engine's reader gives each column in pieces (one per block of the file read),
        # which every query of the audit would align again: each is laid out in one piece,
        # one after another, so that a column's pieces are let go before the next is copied
        # (all at once, the copies stood beside every piece: 135 MiB at a million items).
        for name in items.columns:
            if items[name].n_chunks() > 1:
                items = items.with_columns(items[name].rechunk())
        rows = ItemRows.of_columns(items, cells)
        return Backlog(
            kind="csv",
            scope=f"{dialect.name} export {self._path}",
            # One file is one scope in the history, however its path was typed.
            scope_id=f"{dialect.name} export {Path(self._path).resolve()}",
            items=rows.items,
            warnings=tuple(warnings),
            supports_jql=dialect is JIRA,
        )

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The export's columns (a repeated column once), as fields; the likely link and
        points columns marked, judged by name and by values (`columns.likely`)."""
        table = read_table(self._path)
        wanted = (search or "").casefold()
        return [
            FieldInfo(id=h, name=h, type="column", likely=likely(h, values))
            for h, values in samples(table).items()
            if wanted in h.casefold()
        ]
