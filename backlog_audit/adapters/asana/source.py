"""The Asana source: tasks of one or more projects, or of one section in them (issue 4).

A project's task list holds every task ever completed, so only incomplete tasks and those
completed since `completed_since` (the cycle start, else 90 days back) are asked for. A task in
several audited projects is one item, seen from the first project that lists it. Parents that
are not in the listing are fetched as carriers, so that subtasks can inherit their links (not
with --no-inherit: nothing would read them). With --include-types Subtask, the subtasks of the
listed tasks are read too: a project's listing holds only its member tasks.
With `--okrs asana-goals:...`, goals' supporting work is added to the tasks' references.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any

from backlog_audit.adapters.asana import AsanaConfig
from backlog_audit.adapters.asana.batch import read_batched
from backlog_audit.adapters.asana.client import AsanaClient, AsanaHttpError, client_from
from backlog_audit.adapters.asana.fields import (
    OKR_FIELD_TYPES,
    ProjectFields,
    fetch_project_fields,
    field_infos,
    field_key,
    raw_points,
    text_values,
)
from backlog_audit.adapters.asana.goal_graph import (
    GoalGraph,
    GoalSpec,
    fetch_goal_graph,
    is_goal_spec,
)
from backlog_audit.adapters.asana.goals import goal_links
from backlog_audit.adapters.asana.subtasks import Subtasks, read_subtasks
from backlog_audit.adapters.asana.tasks import SUBTASK_FIELDS, TASK_FIELDS, TaskReader
from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.parallel import in_order, interleaved
from backlog_audit.adapters.points import BadPoints, choose_points_fields
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.core.references import own_references
from backlog_audit.errors import UsageError
from backlog_audit.model import MAX_INHERIT_DEPTH, Backlog

__all__ = ["DEFAULT_LOOKBACK", "AsanaSource"]

LOG = logging.getLogger(__name__)

Json = dict[str, Any]

DEFAULT_LOOKBACK = timedelta(days=90)  # SPEC 7: without a cycle start, 90 days of done work
_MAX_PARENT_DEPTH = MAX_INHERIT_DEPTH
SUBTASK_TYPE = "Subtask"  # `tasks.task_kind`'s name for a task with a parent


def _utc_today() -> date:
    return datetime.now(timezone.utc).date()


def _check_gids(projects: tuple[str, ...]) -> None:
    """Refuse a project that is not a gid (a pasted project URL, a name) before any request."""
    for project in projects:
        gid = project.strip()
        if not (gid.isascii() and gid.isdigit()):
            raise UsageError(
                f"--asana-project {project!r} is not a project gid: use the digits of the "
                "project's URL (https://app.asana.com/0/GID/list)"
            )


class AsanaSource(BacklogSource):
    """Backlog items from Asana projects (`asana_project`), optionally one section of them."""

    def __init__(
        self,
        settings: SourceSettings,
        config: AsanaConfig,
        credentials: Mapping[str, str],
        *,
        today: Callable[[], date] = _utc_today,
    ) -> None:
        if not config.asana_project:
            raise UsageError("--source asana needs --asana-project GID (repeatable)")
        _check_gids(config.asana_project)
        self._settings = settings
        self._config = config
        self._today = today
        self._client: AsanaClient = client_from(
            credentials,
            timeout=settings.timeout,
            sleep=settings.sleep,
            answer_within=settings.deadline,
        )
        self._project_gids = tuple(dict.fromkeys(p.strip() for p in config.asana_project))
        okrs = settings.okrs
        self._goal_spec = GoalSpec.parse(okrs) if okrs and is_goal_spec(okrs) else None

    @property
    def scope(self) -> str:
        """The scope as typed: `project=123 section=Sprint 12`."""
        scope = f"project={','.join(self._project_gids)}"
        return (
            f"{scope} section={self._config.asana_section}" if self._config.asana_section else scope
        )

    def completed_since(self, cycle_start: date | None = None) -> date:
        """The oldest completion date still audited: `--completed-since`, else the cycle start
        of the OKR set (or of the goals' time period, when goals are the OKRs), else 90 days
        back (SPEC 7)."""
        okrs = self._settings.okr_set
        return (
            self._config.completed_since
            or (okrs.cycle_start if okrs is not None else None)
            or cycle_start
            or self._today() - DEFAULT_LOOKBACK
        )

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The custom fields of the audited projects, with types and enum options."""
        return field_infos(self._projects(), search)

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Tasks in scope, their parents as carriers, and goal links when goals are the OKRs."""
        projects = self._projects()
        graph = self._goal_graph()
        reader, warnings = self._reader(projects, graph)
        warnings.extend(graph.warnings if graph else ())
        since = self.completed_since(graph.cycle_start if graph else None)
        tasks = self._tasks(projects, since, progress)
        subtasks = (
            read_subtasks(self._client, tasks, since, warnings, progress)
            if self._with_subtasks
            else Subtasks()
        )
        carriers = self._carriers(tasks, subtasks.skipped, reader, warnings)
        reader = self._points_order(reader, [task for task, _ in tasks.values()], warnings)
        bad_points = BadPoints()
        items = [
            reader.item(task, project, host=subtasks.hosts.get(gid), bad_points=bad_points)
            for gid, (task, project) in tasks.items()
        ]
        warnings.extend(bad_points.warnings())
        if not items:
            warnings.append(f"Asana {self.scope}: no tasks in scope")
        items += [reader.item(task, None, carrier_only=True) for task in carriers]
        return Backlog(kind="asana", scope=self.scope, items=tuple(items), warnings=tuple(warnings))

    def _points_order(
        self, reader: TaskReader, tasks: list[Json], warnings: list[str]
    ) -> TaskReader:
        """With several usual points fields and none named, the one that holds most
        estimates is read first (`points.choose_points_fields`, as in every source)."""
        if len(reader.points_fields) < 2:
            return reader
        candidates = {
            name: [(f"task {t['gid']}", raw_points(t, name)) for t in tasks]
            for name in reader.points_fields
        }
        choice = choose_points_fields(candidates, self._settings.points_map)
        warnings.extend([choice.warning] if choice.warning else [])
        return replace(reader, points_fields=choice.order)

    @property
    def _with_subtasks(self) -> bool:
        """Whether the audit counts subtasks (--include-types Subtask), so they are read."""
        return self._settings.includes_type(SUBTASK_TYPE)

    # --- steps of fetch ------------------------------------------------------------------

    def _projects(self) -> list[ProjectFields]:
        """Every audited project's name and fields, several projects at once."""
        return in_order(partial(fetch_project_fields, self._client), self._project_gids)

    def _reader(
        self, projects: list[ProjectFields], graph: GoalGraph | None
    ) -> tuple[TaskReader, list[str]]:
        """Check the OKR and points fields in every project (exit 2 if missing); the reader."""
        warnings: list[str] = []
        points_fields: dict[str, None] = {}
        for project in projects:
            self._check_okr_field(project, warnings)
            points = (
                [project.require(self._settings.points_field, "--points-field", ("number", "enum"))]
                if self._settings.points_field
                else project.detect_points()
            )
            points_fields.update(dict.fromkeys(field_key(p.get("name")) for p in points))
        reader = TaskReader(
            okr_fields=frozenset({field_key(self._settings.okr_field)}),
            points_fields=tuple(points_fields),
            points_map=self._settings.points_map,
            goal_links=goal_links(graph) if graph else None,
        )
        return reader, warnings

    def _check_okr_field(self, project: ProjectFields, warnings: list[str]) -> None:
        name = self._settings.okr_field
        if self._goal_spec is not None and project.named(name) is None:
            # Teams that link natively in Asana need no OKR field: goal links are enough.
            warnings.append(
                f"Asana project {project.project_name} has no custom field '{name}': "
                "only goals' supporting work counts as links there"
            )
            return
        project.require(name, "--okr-field", OKR_FIELD_TYPES)

    def _tasks(
        self, projects: list[ProjectFields], since: date, progress: Progress | None
    ) -> dict[str, tuple[Json, str]]:
        """Every task in scope by gid, with the audited project it was first seen in.

        The listings (one per project, or per asked-for section of each project) are read
        several at once, each page after page; the tasks are then taken in the order of the
        sequential read (project by project, section by section), so that a task in two
        projects is always seen from the first. Progress counts the distinct tasks received.
        """
        name = self._config.asana_section
        # Every project's sections first: a name missing from the last project is exit 2
        # before any task is read, not after the other projects' listings.
        sections = self._sections_named(projects, name) if name else {}
        listings = [
            (project, section)
            for project in projects
            for section in sections.get(project.project_gid, [None])
        ]
        pages: list[list[list[Json]]] = [[] for _ in listings]
        seen: set[str] = set()
        readers = [partial(self._task_pages, p, since, s) for p, s in listings]
        for index, page in interleaved(readers):
            pages[index].append(page)
            seen.update(str(task["gid"]) for task in page)
            if progress:
                progress(len(seen), None)
        tasks: dict[str, tuple[Json, str]] = {}
        for (project, _), listing in zip(listings, pages, strict=True):
            for page in listing:
                for task in page:
                    tasks.setdefault(str(task["gid"]), (task, project.project_gid))
        return tasks

    def _task_pages(
        self, project: ProjectFields, since: date, section: str | None
    ) -> Iterator[list[Json]]:
        """The pages of the project's tasks, or of one of its sections."""
        client = self._client
        opts = {
            "completed_since": f"{since.isoformat()}T00:00:00.000Z",
            "opt_fields": SUBTASK_FIELDS if self._with_subtasks else TASK_FIELDS,
        }
        if section is None:
            return client.pages(
                f"tasks of project {project.project_gid}",
                lambda o: client.tasks.get_tasks_for_project(
                    project.project_gid, o, **client.request_options
                ),
                opts,
            )
        return client.pages(
            f"tasks of section {section}", partial(self._section_tasks, section), opts
        )

    def _section_tasks(self, section: str, opts: Json) -> Any:
        client = self._client
        return client.tasks.get_tasks_for_section(section, opts, **client.request_options)

    def _sections_named(self, projects: list[ProjectFields], name: str) -> dict[str, list[str]]:
        """By project gid, the gids of its sections called `name` (case-insensitive), or
        exit 2 naming the first project (in the order given) that has none.

        Asana allows two sections of one project to share a name (a copied sprint): both are
        audited, rather than whichever the listing happens to give first. The projects'
        section lists are read several at once.
        """
        wanted = field_key(name)
        listed = in_order(self._sections, projects)
        found: dict[str, list[str]] = {}
        for project, sections in zip(projects, listed, strict=True):
            found[project.project_gid] = [
                str(s["gid"]) for s in sections if field_key(s.get("name")) == wanted
            ]
            if not found[project.project_gid]:
                names = ", ".join(str(s.get("name")) for s in sections) or "(none)"
                raise UsageError(
                    f"Asana project {project.project_name} ({project.project_gid}) has no "
                    f"section '{name}' (--asana-section); its sections: {names}"
                )
        return found

    def _sections(self, project: ProjectFields) -> list[Json]:
        client = self._client
        return client.records(
            f"sections of project {project.project_gid}",
            lambda o: client.sections.get_sections_for_project(
                project.project_gid, o, **client.request_options
            ),
            {"opt_fields": "name"},
        )

    def _carriers(
        self,
        tasks: dict[str, tuple[Json, str]],
        read: dict[str, Json],
        reader: TaskReader,
        warnings: list[str],
    ) -> list[Json]:
        """The link carriers: subtasks `read` but not audited, and parents missing from the
        listing, up to 3 levels up, read a level at a time (not with --no-inherit: nothing
        would read their links).

        Every audited task's parent is read (its links may conflict with the task's own); a
        parent's parent only when that parent has no references: inheritance stops at the
        first ancestor that has any (SPEC 5, `core.references`), so reading further up
        would cost requests for nothing.
        """
        carriers = list(read.values())
        if not self._settings.inherit:
            return carriers
        known = set(tasks) | set(read)
        wanted = [task for task, _ in tasks.values()]
        for _ in range(_MAX_PARENT_DEPTH):
            missing = list(
                dict.fromkeys(p for p in map(_parent_gid, wanted) if p and p not in known)
            )
            if not missing:
                break
            known.update(missing)
            parents = self._parents(missing, warnings)
            carriers.extend(parents)
            wanted = [task for task in parents if not self._has_references(task, reader)]
        return carriers

    def _has_references(self, task: Json, reader: TaskReader) -> bool:
        """Whether the audit will find references on `task` (its OKR field, or goal links)."""
        refs = reader.references(task)
        text = text_values(task, reader.okr_fields)
        return bool(own_references(refs, (), self._settings.label_prefixes, text))

    def _parents(self, gids: list[str], warnings: list[str]) -> list[Json]:
        """The parent tasks `gids`, ten to a batch request rather than one request each.

        A parent the token may not read (403/404) is a warning: its children inherit nothing.
        An action that hit a rate limit or an outage is read again alone, with retries.
        """
        client = self._client

        def batch(wanted: list[str]) -> list[Json | AsanaHttpError]:
            return client.get_many(
                "parent tasks",
                lambda path: f"task {path.rsplit('/', 1)[-1]}",
                [f"/tasks/{gid}" for gid in wanted],
                TASK_FIELDS,
            )

        def alone(gid: str) -> Json:
            return client.get(
                f"task {gid}",
                lambda o: client.tasks.get_task(gid, o, **client.request_options),
                {"opt_fields": TASK_FIELDS},
            )

        # A parent in a project the token cannot see: its children simply inherit nothing.
        found = read_batched(
            gids,
            batch,
            alone,
            lambda gid, status: (
                f"parent task {gid} could not be read (HTTP {status}): not inherited"
            ),
            warnings,
        )
        return list(found.values())

    def _goal_graph(self) -> GoalGraph | None:
        if self._goal_spec is None:
            return None
        loaded = self._settings.okr_set.native if self._settings.okr_set else None
        if isinstance(loaded, GoalGraph):  # read once with the OKR set: 1 + N requests saved
            return loaded
        return fetch_goal_graph(self._client, self._goal_spec)


def _parent_gid(task: Json) -> str | None:
    parent = task.get("parent")
    return str(parent["gid"]) if isinstance(parent, dict) and parent.get("gid") else None
