"""The CSV source as it was before it read columns: one `Item` per row (issue 15).

Kept as the test oracle of the columnar reader (`backlog_audit/adapters/csv/items.py`):
`tests/adapters/csv/test_columnar.py` checks that both give the same items and warnings on
every real-export fixture. It reads the same `Table` (its rows one by one) and is not used by
backlog_audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.columns import likely_columns, missing_column
from backlog_audit.adapters.csv.dialects import ASANA, JIRA, Dialect, detect
from backlog_audit.adapters.csv.table import Row, Table, read_table
from backlog_audit.adapters.interface import Progress
from backlog_audit.adapters.points import (
    BadPoints,
    InvalidPoints,
    choose_points_fields,
    parse_points,
)
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.statuses import categorise, guessed_statuses_warning, is_known
from backlog_audit.adapters.urls import check_base_url
from backlog_audit.errors import InputError
from backlog_audit.model import Backlog, Item, StatusCategory

# An id a spreadsheet showed in scientific notation and saved that way: 1.20658E+15.
_ROUNDED = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def check_ids(path: str, tool: str, items: list[Item]) -> None:
    """Exit 2 when a spreadsheet rounded the ids: then many different items share one id.

    Asana's 16-digit task ids, opened and saved in Excel, become `1.20658E+15`: 141 tasks
    would be read as one item (coverage 100%). Ids in scientific notation, or one id on rows
    with different names, are never real.
    """
    rounded = [item.id for item in items if _ROUNDED.match(item.id)]
    names: dict[str, set[str]] = {}
    for item in items:
        names.setdefault(item.id, set()).add(item.title)
    clashing = [item_id for item_id, titles in names.items() if len(titles) > 1]
    if not rounded and not clashing:
        return
    example = rounded[0] if rounded else clashing[0]
    raise InputError(
        f"{path}: ids such as '{example}' were rounded by a spreadsheet, so different items "
        f"share one id; export the CSV again from {tool} and audit it without re-saving it"
    )


def repeats(path: str, items: list[Item]) -> tuple[str, ...]:
    """A warning when rows share an id: the audit counts each item once (SPEC 6)."""
    seen: set[str] = set()
    repeated = []
    for item in items:
        if item.id in seen:
            repeated.append(item.key)
        seen.add(item.id)
    if not repeated:
        return ()
    return (
        f"{path}: {len(repeated)} rows repeat an item already read (first: {repeated[0]}); "
        "each item is counted once",
    )


def resolve_parent_names(items: list[Item]) -> list[Item]:
    """Asana exports name the parent task; point `parent` at its id when the name is unique."""
    by_name: dict[str, list[str]] = {}
    for item in items:
        by_name.setdefault(item.title, []).append(item.id)
    unique: Mapping[str, str] = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}
    return [_with_parent(item, unique) for item in items]


def _with_parent(item: Item, ids_by_name: Mapping[str, str]) -> Item:
    if item.parent is None or item.parent not in ids_by_name:
        return item
    return replace(item, parent=ids_by_name[item.parent])


def resolve_parent_keys(items: list[Item], parent_keys: Mapping[str, str]) -> list[Item]:
    """Jira's Parent column holds the parent's id, Epic Link and plain CSVs a key: use ids.

    A parent that is not in the export becomes a carrier named by its key (`parent_keys`:
    item id -> the `Parent key` column, Server/Data Center), so that the reports and the fix
    list say `CR-284` where they would say `10963`; it carries no link.
    """
    ids = {item.id for item in items}
    by_key = {item.key: item.id for item in items}
    resolved = [
        replace(item, parent=by_key[item.parent])
        if item.parent and item.parent not in ids and item.parent in by_key
        else item
        for item in items
    ]
    stubs: dict[str, Item] = {}
    for item in resolved:
        if item.parent and item.parent not in ids and item.parent not in stubs:
            key = parent_keys.get(item.id) or item.parent
            stubs[item.parent] = Item(id=item.parent, key=key, carrier_only=True)
    return resolved + list(stubs.values())


_LABEL_FIELDS = frozenset({"labels", "tags"})
DEFAULT_OKR_FIELD = "OKR"


class CsvSource:
    """Items from a CSV export file, one `Item` per row."""

    def __init__(
        self,
        settings: SourceSettings,
        config: CsvConfig,
        credentials: Mapping[str, str],
    ) -> None:
        self._settings = settings
        self._jira_url = config.jira_url or credentials.get("JIRA_URL")
        assert config.input_path
        self._path = config.input_path

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Read the export into items; parents named by Asana task name are resolved."""
        table = read_table(self._path)
        dialect = detect(table)
        reader = _RowReader(table, dialect, self._settings, self._jira_url)
        items = _items(table, reader, progress)
        check_ids(self._path, dialect.name, items)
        warnings = [*reader.warnings(), *repeats(self._path, items)]
        if not items:
            warnings.append(f"{self._path}: no items in the export")
        if dialect is ASANA:
            items = resolve_parent_names(items)
        else:
            items = resolve_parent_keys(items, reader.parent_keys)
        return Backlog(
            kind="csv",
            scope=f"{dialect.name} export {self._path}",
            # One file is one scope in the history, however its path was typed.
            scope_id=f"{dialect.name} export {Path(self._path).resolve()}",
            items=tuple(items),
            warnings=tuple(warnings),
            supports_jql=dialect is JIRA,
        )


# Rows read between two progress reports: a bar that moves, at no cost to the reading.
PROGRESS_EVERY = 2_000


def _items(table: Table, reader: _RowReader, progress: Progress | None) -> list[Item]:
    """Every row as an item; `progress` hears the rows read, of the export's, as they go."""
    if progress is None:
        return [reader.item(row) for row in table]
    total = len(table)
    progress(0, total)
    items = []
    for read, row in enumerate(table, start=1):
        items.append(reader.item(row))
        if read % PROGRESS_EVERY == 0:
            progress(read, total)
    progress(len(items), len(items))  # blank rows are no items: the total is what was read
    return items


class _RowReader:
    """Turns rows of one table into items, with the columns resolved once."""

    def __init__(
        self, table: Table, dialect: Dialect, settings: SourceSettings, jira_url: str | None
    ) -> None:
        self.table = table
        self.dialect = dialect
        self.settings = settings
        self.okr_column = _link_column(table, dialect, settings.okr_field)
        self.labels_are_links = (self.okr_column or "").casefold() in _LABEL_FIELDS
        self.points_columns, self._points_warning = _points_columns(table, dialect, settings)
        self.url_of = _url_builder(dialect, jira_url)
        self.bad_points = BadPoints()
        # Status names read as to do for want of a category (no Status Category column).
        self.guessed: list[str] = []
        self.has_category = table.has(dialect.status_category)
        # item id -> the key of its parent, from `Parent key` (Server/Data Center)
        self.parent_keys: dict[str, str] = {}

    def warnings(self) -> list[str]:
        """What the rows read so far gave reason to say, once each."""
        path = self.table.path
        found = []
        if self.okr_column is None:
            hint = likely_columns(self.table, "okr")
            hint = f" ({hint})" if hint.startswith("likely") else ""
            found.append(
                f"{path}: no column '{self.settings.okr_field}': reading labels only; "
                f"--okr-field names the link column{hint}"
            )
        if self._points_warning:
            found.append(f"{path}: {self._points_warning}")
        found += [f"{path}: {warning}" for warning in self.bad_points.warnings()]
        guessed = guessed_statuses_warning(path, self.guessed)
        return [*found, guessed] if guessed else found

    def item(self, row: Row) -> Item:
        d = self.dialect
        key = row.value(d.key)
        if key is None:
            raise InputError(f"{row.table.path}: row {row.number}: no value in '{d.key}'")
        item_id = row.value(d.id) or key
        parent = _first(row, d.parent) or (row.value(d.epic_link) if d.epic_link else None)
        if d.parent_key and (parent_key := row.value(d.parent_key)):
            self.parent_keys[item_id] = parent_key
        sprints = row.values(d.sprint)
        return Item(
            id=item_id,
            key=key,
            title=row.value(d.title) or "",
            type=row.value(d.type) or self._asana_type(row),
            status=row.value(d.status) or self._asana_status(row),
            status_category=self._category(row),
            points=self._points(row, key),
            # CSV cells are free text: the core tries each whole, then splits it (SPEC 4)
            free_text=self._link_cells(row),
            labels=_labels(row, d),
            parent=parent,
            sprints=sprints,
            # Exports list sprints oldest first; the last is the one the item is in now.
            sprint=sprints[-1] if sprints else None,
            assignee=row.value(d.assignee),
            project=row.value(d.project),
            url=row.value(d.url) or self.url_of(row, key),
            level=(-1 if parent else 0) if d is ASANA else None,
        )

    def _asana_type(self, row: Row) -> str:
        if self.dialect is not ASANA:
            return ""
        return "Subtask" if _first(row, ASANA.parent) else "Task"

    def _asana_status(self, row: Row) -> str:
        if self.dialect is not ASANA:
            return ""
        return "Completed" if row.value(ASANA.status_category) else "Incomplete"

    def _link_cells(self, row: Row) -> tuple[str, ...]:
        if self.labels_are_links or self.okr_column is None:
            # The labels are the link field: the core's label rule reads them (SPEC 4).
            return ()
        return row.values(self.okr_column)

    def _category(self, row: Row) -> StatusCategory:
        d = self.dialect
        if d is ASANA:
            done = row.value(d.status_category) is not None
            return StatusCategory.DONE if done else StatusCategory.TODO
        named = row.value(d.status_category) or row.value(d.status)
        if not self.has_category and not is_known(named, self.settings.status_map):
            self.guessed.append(named or "")
        return categorise(named, self.settings.status_map)

    def _points(self, row: Row, key: str) -> float | None:
        """The first estimate of the points columns; one that is none warns (aggregated)."""
        for column in self.points_columns:
            text = row.value(column)
            if text is None:
                continue
            try:
                return parse_points(text, self.settings.points_map)
            except InvalidPoints:
                self.bad_points.add(f"'{column}'", key, text)
                return None
        return None


def _first(row: Row, columns: tuple[str, ...]) -> str | None:
    """The first non-empty value among `columns`."""
    return next((value for column in columns if (value := row.value(column))), None)


def _link_column(table: Table, dialect: Dialect, asked: str) -> str | None:
    """The link column; None when the default `OKR` is absent but labels are there (SPEC 4:
    a source with no link field reads its labels, and says so)."""
    if table.has(asked):
        return asked
    if asked.strip().casefold() == DEFAULT_OKR_FIELD.casefold() and table.has(dialect.labels):
        return None
    raise missing_column(table, asked, "--okr-field", "okr")


def _points_columns(
    table: Table, dialect: Dialect, settings: SourceSettings
) -> tuple[tuple[str, ...], str | None]:
    """The points columns, in the order an item's estimate is looked for, and a warning.

    `--points-field` names one. Without it, the dialect's usual names that the export has are
    ordered by the one points rule (`points.choose_points_fields`): most estimates first.
    """
    if settings.points_field:
        if not table.has(settings.points_field):
            raise missing_column(table, settings.points_field, "--points-field", "points")
        return (settings.points_field,), None
    present: dict[tuple[int, ...], str] = {}
    for name in dialect.points:  # `Story Points` and `Story points` are one column
        if table.has(name):
            present.setdefault(table.positions(name), name)
    if len(present) < 2:  # nothing to choose between: no extra pass over the rows
        return tuple(present.values()), None
    candidates = {
        name: [(row.value(dialect.key) or "", row.value(name)) for row in table]
        for name in present.values()
    }
    choice = choose_points_fields(candidates, settings.points_map)
    return choice.order, choice.warning


def _labels(row: Row, dialect: Dialect) -> tuple[str, ...]:
    values = row.values(dialect.labels)
    if dialect is ASANA:  # Asana puts all tags in one comma-separated cell
        return tuple(tag.strip() for cell in values for tag in cell.split(",") if tag.strip())
    return tuple(label for cell in values for label in cell.split())


def _url_builder(dialect: Dialect, jira_url: str | None) -> Callable[[Row, str], str | None]:
    base = (jira_url or "").rstrip("/")
    if dialect is JIRA and base:
        # Checked as the Jira source checks it: no password or javascript: in the reports.
        base = check_base_url(base, "Jira URL").rstrip("/")
        return lambda _row, key: f"{base}/browse/{key}"
    if dialect is ASANA:
        # app.asana.com/0/0/<gid> opens a task whatever project it is in.
        return lambda _row, key: f"https://app.asana.com/0/0/{key}"
    return lambda _row, _key: None
