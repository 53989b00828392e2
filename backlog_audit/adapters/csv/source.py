"""The CSV source: Jira exports, Asana exports and plain CSV files (SPEC 7).

The dialect is recognised from the header: `Issue key` is Jira, `Task ID` + `Name` is Asana,
`key` is plain. Each dialect says which columns hold what; rows become `Item`s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.table import Row, Table, read_table
from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.points import POINTS_RULE, InvalidPoints, parse_points
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.statuses import categorise
from backlog_audit.adapters.urls import check_base_url
from backlog_audit.core.linking import labels_field_references, split_free_text
from backlog_audit.errors import InputError, UsageError
from backlog_audit.model import Backlog, Item, StatusCategory

PLAIN_COLUMNS = "key,title,type,status,status_category,points,okr,parent,sprint,assignee,project"
_LABEL_FIELDS = frozenset({"labels", "tags"})


@dataclass(frozen=True)
class Dialect:
    """Where one kind of export keeps each property of an item."""

    name: str
    key: str
    id: str
    title: str
    type: str
    status: str
    status_category: str
    parent: str
    sprint: str
    assignee: str
    project: str
    labels: str
    points: tuple[str, ...]  # tried in order when --points-field is not given
    required: tuple[str, ...]  # the columns that identify the dialect
    url: str = "url"
    epic_link: str | None = None  # Data Center exports: the epic's key, when Parent is empty

    def matches(self, table: Table) -> bool:
        """Whether the export carries this dialect's identifying columns."""
        return all(table.has(column) for column in self.required)


JIRA = Dialect(
    name="Jira",
    key="Issue key",
    id="Issue id",
    title="Summary",
    type="Issue Type",
    status="Status",
    status_category="Status Category",
    parent="Parent",
    sprint="Sprint",
    assignee="Assignee",
    project="Project key",
    labels="Labels",
    points=("Story point estimate", "Story Points", "Story points"),
    required=("Issue key", "Summary"),
    epic_link="Epic Link",
)
ASANA = Dialect(
    name="Asana",
    key="Task ID",
    id="Task ID",
    title="Name",
    type="Type",
    status="Status",
    status_category="Completed At",
    parent="Parent task",
    sprint="Section/Column",
    assignee="Assignee",
    project="Projects",
    labels="Tags",
    points=("Story Points", "Points", "Estimate"),
    required=("Task ID", "Name"),
)
PLAIN = Dialect(
    name="plain",
    key="key",
    id="key",
    title="title",
    type="type",
    status="status",
    status_category="status_category",
    parent="parent",
    sprint="sprint",
    assignee="assignee",
    project="project",
    labels="labels",
    points=("points", "story points"),
    required=("key",),
)


def detect(table: Table) -> Dialect:
    """The dialect of an export, or exit 2 naming the columns that were expected."""
    for dialect in (JIRA, ASANA, PLAIN):
        if dialect.matches(table):
            return dialect
    raise InputError(
        f"{table.path}: not a Jira export (needs 'Issue key', 'Summary'), an Asana export "
        f"(needs 'Task ID', 'Name') or a plain CSV (header {PLAIN_COLUMNS}); "
        f"found: {', '.join(table.headers[:12])}{_separator_hint(table)}"
    )


def _separator_hint(table: Table) -> str:
    """A hint when the header is one cell holding `;` or tabs: not comma-separated."""
    if len(table.headers) != 1:
        return ""
    for char, name in ((";", "semicolons"), ("\t", "tabs")):
        if char in table.headers[0]:
            return f" (the columns are separated by {name}: export with commas)"
    return ""


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
        reader = _RowReader(table, dialect, self._settings, self._jira_url)
        items = [reader.item(row) for row in table]
        items = _resolve_parent_names(items) if dialect is ASANA else _resolve_parent_keys(items)
        if progress:
            progress(len(items), len(items))
        warnings = (
            _repeats(self._path, items) if items else (f"{self._path}: no items in the export",)
        )
        return Backlog(
            kind="csv",
            scope=f"{dialect.name} export {self._path}",
            items=tuple(items),
            warnings=warnings,
            supports_jql=dialect is JIRA,
        )

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The export's columns (a repeated column once), as fields."""
        table = read_table(self._path)
        seen = dict.fromkeys(table.headers)
        wanted = (search or "").casefold()
        return [
            FieldInfo(id=h, name=h, type="column", likely=_likely(h))
            for h in seen
            if wanted in h.casefold()
        ]


def _repeats(path: str, items: list[Item]) -> tuple[str, ...]:
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


def _likely(header: str) -> str | None:
    low = header.casefold()
    if "okr" in low or "key result" in low:
        return "okr"
    if "point" in low or "estimate" in low:
        return "points"
    return None


class _RowReader:
    """Turns rows of one table into items, with the columns resolved once."""

    def __init__(
        self, table: Table, dialect: Dialect, settings: SourceSettings, jira_url: str | None
    ) -> None:
        self.dialect = dialect
        self.settings = settings
        self.okr_column = _require(table, settings.okr_field, "--okr-field")
        self.labels_are_links = self.okr_column.casefold() in _LABEL_FIELDS
        self.points_column = _points_column(table, dialect, settings.points_field)
        self.url_of = _url_builder(dialect, jira_url)

    def item(self, row: Row) -> Item:
        d = self.dialect
        key = row.value(d.key)
        if key is None:
            raise InputError(f"{row.table.path}: row {row.number}: no value in '{d.key}'")
        labels = _labels(row, d)
        sprints = row.values(d.sprint)
        return Item(
            id=row.value(d.id) or key,
            key=key,
            title=row.value(d.title) or "",
            type=row.value(d.type) or self._asana_type(row),
            status=row.value(d.status) or self._asana_status(row),
            status_category=self._category(row),
            points=_points(row, self.points_column),
            references=self._references(row, labels),
            labels=labels,
            parent=row.value(d.parent) or (row.value(d.epic_link) if d.epic_link else None),
            sprints=sprints,
            # Exports list sprints oldest first; the last is the one the item is in now.
            sprint=sprints[-1] if sprints else None,
            assignee=row.value(d.assignee),
            project=row.value(d.project),
            url=row.value(d.url) or self.url_of(row, key),
            level=(-1 if row.value(d.parent) else 0) if d is ASANA else None,
        )

    def _asana_type(self, row: Row) -> str:
        if self.dialect is not ASANA:
            return ""
        return "Subtask" if row.value(ASANA.parent) else "Task"

    def _asana_status(self, row: Row) -> str:
        if self.dialect is not ASANA:
            return ""
        return "Completed" if row.value(ASANA.status_category) else "Incomplete"

    def _references(self, row: Row, labels: tuple[str, ...]) -> tuple[str, ...]:
        if self.labels_are_links:
            # Every label is a reference; a matching prefix is removed (as the Jira source does).
            return labels_field_references(labels, self.settings.label_prefixes)
        return tuple(ref for cell in row.values(self.okr_column) for ref in split_free_text(cell))

    def _category(self, row: Row) -> StatusCategory:
        d = self.dialect
        if d is ASANA:
            done = row.value(d.status_category) is not None
            return StatusCategory.DONE if done else StatusCategory.TODO
        named = row.value(d.status_category) or row.value(d.status)
        return categorise(named, self.settings.status_map)


def _require(table: Table, column: str, flag: str) -> str:
    if not table.has(column):
        raise InputError(
            f"{table.path}: no column '{column}' ({flag}); columns: "
            f"{', '.join(dict.fromkeys(table.headers))}"
        )
    return column


def _points_column(table: Table, dialect: Dialect, asked: str | None) -> str | None:
    if asked:
        return _require(table, asked, "--points-field")
    return next((name for name in dialect.points if table.has(name)), None)


def _points(row: Row, column: str | None) -> float | None:
    text = row.value(column) if column else None
    try:
        return parse_points(text)
    except InvalidPoints:
        raise InputError(
            f"{row.table.path}: row {row.number}: points {text!r} in '{column}' "
            f"is not {POINTS_RULE}"
        ) from None


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


def _resolve_parent_names(items: list[Item]) -> list[Item]:
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


def _resolve_parent_keys(items: list[Item]) -> list[Item]:
    """Jira's Parent column holds the parent's id, Epic Link and plain CSVs a key: use ids."""
    ids = {item.id for item in items}
    by_key = {item.key: item.id for item in items}
    return [
        replace(item, parent=by_key[item.parent])
        if item.parent and item.parent not in ids and item.parent in by_key
        else item
        for item in items
    ]
