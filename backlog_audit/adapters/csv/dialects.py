"""The kinds of CSV export the source reads, told apart by their header (SPEC 7).

`Issue key` is Jira (Cloud or Server/Data Center), `Task ID` + `Name` is Asana, `key` is a
plain CSV. Each dialect says which columns hold what.
"""

from __future__ import annotations

from dataclasses import dataclass

from backlog_audit.adapters.csv.table import Table
from backlog_audit.errors import InputError

PLAIN_COLUMNS = "key,title,type,status,status_category,points,okr,parent,sprint,assignee,project"


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
    parent: tuple[str, ...]  # the parent's id (or key), first column that has one
    sprint: str
    assignee: str
    project: str
    labels: str
    points: tuple[str, ...]  # tried in order when --points-field is not given
    required: tuple[str, ...]  # the columns that identify the dialect
    url: str = "url"
    epic_link: str | None = None  # Data Center exports: the epic's key, when Parent is empty
    # The parent's key, beside a parent id (Server/Data Center: `Parent id` + `Parent key`):
    # a parent outside the export is named by it.
    parent_key: str | None = None

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
    # Cloud: `Parent` (the id); Server/Data Center: `Parent id`, with `Parent key` beside it.
    parent=("Parent", "Parent id"),
    parent_key="Parent key",
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
    parent=("Parent task",),
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
    parent=("parent",),
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
    shown = ", ".join(f"'{h}'" for h in table.headers[:4])
    more = ", ..." if len(table.headers) > 4 else ""
    raise InputError(
        f"{table.path}: not a Jira, Asana or plain CSV export: no 'Issue key', 'Task ID' or "
        f"'key' column (found {shown}{more})"
    )
