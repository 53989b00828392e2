"""Asana tasks as backlog items: which fields to ask for, and how a task becomes an `Item`.

Scope follows SPEC 2 through `Item.level`: a top-level task is 0 (counted), a subtask -1, a
milestone 1 (a marker in time, not work). Completed tasks are done, all others to do: Asana has
no "in progress" of its own. The sprint is the task's section in the audited project, since
teams that run sprints in Asana keep a sprint as a section (or as a project of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.asana.fields import points_value, reference_values, text_values
from backlog_audit.adapters.asana.goals import GoalLinks
from backlog_audit.adapters.points import BadPoints, InvalidPoints
from backlog_audit.model import Item, StatusCategory

__all__ = ["SUBTASK_FIELDS", "TASK_FIELDS", "TaskReader", "task_kind"]

Json = dict[str, Any]

# Only what the audit reads (issue 4: "request only the opt_fields the audit reads").
TASK_FIELDS = ",".join(
    (
        "name",
        "resource_subtype",
        "completed",
        "parent",
        "assignee.name",
        "permalink_url",
        "memberships.project.name",
        "memberships.section.name",
        "custom_fields.name",
        "custom_fields.resource_subtype",
        "custom_fields.enum_value.name",
        "custom_fields.multi_enum_values.name",
        "custom_fields.text_value",
        "custom_fields.number_value",
    )
)

# Only with --include-types Subtask: whether a task has subtasks to read (`num_subtasks`, so
# that tasks without any cost no request), and, for subtasks, when they were completed: the
# subtask listing has no `completed_since` of its own.
SUBTASK_FIELDS = f"{TASK_FIELDS},num_subtasks,completed_at"


def task_kind(task: Json) -> tuple[str, int]:
    """The type name and hierarchy level of a task (SPEC 2)."""
    if task.get("resource_subtype") == "milestone":
        return "Milestone", 1
    if task.get("parent"):
        return "Subtask", -1
    if task.get("resource_subtype") == "approval":
        return "Approval", 0
    return "Task", 0


def _memberships(task: Json) -> list[Json]:
    return [m for m in task.get("memberships") or () if isinstance(m, dict)]


def _membership_in(task: Json, project_gid: str | None) -> Json | None:
    """The task's membership in `project_gid`, if it is a member."""
    for membership in _memberships(task):
        if str((membership.get("project") or {}).get("gid")) == project_gid:
            return membership
    return None


def _membership(task: Json, project_gid: str | None) -> Json:
    """The task's membership in `project_gid`, else its first one, else {}."""
    memberships = _memberships(task)
    found = _membership_in(task, project_gid)
    if found is not None:
        return found
    return memberships[0] if memberships else {}


def _placement(task: Json, project_gid: str | None, host: Json | None) -> Json:
    """Where the task sits in the audit of `project_gid`: its own membership there; else,
    read through a listed ancestor (`host`), the ancestor's, even when the task is filed in
    another project (that project is not the one audited); else its first membership."""
    own = _membership_in(task, project_gid)
    if own is not None:
        return own
    return _membership(host if host is not None else task, project_gid)


def _name(record: Any) -> str | None:
    name = record.get("name") if isinstance(record, dict) else None
    return str(name) if name else None


@dataclass(frozen=True)
class TaskReader:
    """Turns task records into items; fields are named as `fields.field_key` folds them."""

    okr_fields: frozenset[str]
    points_fields: tuple[str, ...]  # field keys, the one read first first
    # With Asana Goals as the OKR set: the goals each task supports, directly or by project.
    goal_links: GoalLinks | None = None
    # `[points_map]`: estimate labels -> points (`points.parse_points`)
    points_map: Mapping[str, float] = field(default_factory=dict)

    def references(self, task: Json) -> tuple[str, ...]:
        """The OKR field's references, then those of the goals the task supports, each once."""
        own = reference_values(task, self.okr_fields)
        if self.goal_links is None:
            return own
        projects = [str((m.get("project") or {}).get("gid")) for m in _memberships(task)]
        goals = self.goal_links.references(str(task["gid"]), projects)
        return tuple(dict.fromkeys(own + goals))

    def points(self, task: Json, bad_points: BadPoints | None) -> float | None:
        """The task's estimate; one that is none is noted in `bad_points` (when given)."""
        try:
            return points_value(task, self.points_fields, self.points_map)
        except InvalidPoints as exc:
            if bad_points is not None:
                name = str(task.get("name") or "")
                bad_points.add("points", f"task {task['gid']} ({name})", exc.value)
            return None

    def item(
        self,
        task: Json,
        project_gid: str | None,
        *,
        carrier_only: bool = False,
        host: Json | None = None,
        bad_points: BadPoints | None = None,
    ) -> Item:
        """The item for one task, as seen from the audited project `project_gid`.

        A subtask that is not a member of `project_gid` (read through a listed ancestor,
        `host`) sits where that ancestor sits: its sprint and project are the ancestor's,
        whether it is in no project or in another one. A points value that is no
        estimate is noted in `bad_points` (when given).
        """
        kind, level = task_kind(task)
        done = bool(task.get("completed"))
        membership = _placement(task, project_gid, host)
        section = _name(membership.get("section"))
        parent = task.get("parent")
        gid = str(task["gid"])
        return Item(
            id=gid,
            key=gid,
            title=str(task.get("name") or ""),
            type=kind,
            status="Completed" if done else "Incomplete",
            status_category=StatusCategory.DONE if done else StatusCategory.TODO,
            points=self.points(task, bad_points),
            references=self.references(task),
            free_text=text_values(task, self.okr_fields),
            parent=str(parent["gid"]) if isinstance(parent, dict) and parent.get("gid") else None,
            sprints=(section,) if section else (),
            sprint=section,
            assignee=_name(task.get("assignee")),
            project=_name(membership.get("project")),
            url=task.get("permalink_url") or None,
            level=level,
            carrier_only=carrier_only,
        )
