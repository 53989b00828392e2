"""Turning Jira issue JSON into `model.Item`s, with the fields a plan says to read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.jira.fields import LogicalField
from backlog_audit.adapters.jira.values import (
    ValueKind,
    choose_sprint,
    free_text,
    issue_level,
    parse_sprints,
    references_from,
    status_category,
)
from backlog_audit.adapters.points import BadPoints, InvalidPoints, parse_points
from backlog_audit.model import Item

__all__ = ["BASE_FIELDS", "ParentRef", "ReadPlan", "parent_ref", "to_item"]

# The system fields every item needs; the plan adds the OKR, points, sprint and epic fields.
BASE_FIELDS = ("summary", "issuetype", "status", "parent", "labels", "assignee", "project")


@dataclass(frozen=True)
class ReadPlan:
    """Which fields hold the OKR link, the points, the sprints and (Data Center) the epic."""

    okr: LogicalField | None
    points: LogicalField | None
    sprint: LogicalField | None
    epic_link: LogicalField | None
    label_prefixes: tuple[str, ...]
    # `[points_map]`: estimate labels -> points (`points.parse_points`)
    points_map: Mapping[str, float] = field(default_factory=dict)

    def request_fields(self) -> list[str]:
        """The `fields` to ask Jira for: only what the audit reads."""
        extra = (
            f for lf in (self.okr, self.points, self.sprint, self.epic_link) if lf for f in lf.ids
        )
        return list(dict.fromkeys((*BASE_FIELDS, *extra)))


@dataclass(frozen=True)
class ParentRef:
    """An issue's parent as Jira names it: by id (parent field) or by key (DC epic link)."""

    id: str | None = None
    key: str | None = None

    @property
    def handle(self) -> str:
        """What to fetch it by."""
        return self.id or self.key or ""


def parent_ref(issue: Mapping[str, Any], plan: ReadPlan) -> ParentRef | None:
    """The parent issue: `parent` (Cloud, sub-tasks everywhere), else the DC epic link."""
    fields = issue.get("fields") or {}
    parent = fields.get("parent")
    if isinstance(parent, Mapping) and (parent.get("id") or parent.get("key")):
        pid = str(parent["id"]) if parent.get("id") else None
        return ParentRef(id=pid, key=str(parent.get("key")) if parent.get("key") else None)
    epic = plan.epic_link.first_value(fields) if plan.epic_link else None
    if isinstance(epic, str) and epic.strip():
        return ParentRef(key=epic.strip())
    return None


def _free_text(fields: Mapping[str, Any], plan: ReadPlan) -> tuple[str, ...]:
    """A text link field's value, whole: the core tries it whole, then splits it (SPEC 4)."""
    if plan.okr is None or plan.okr.kind is not ValueKind.TEXT:
        return ()
    text = free_text(plan.okr.first_value(fields)).strip()
    return (text,) if text else ()


def _references(
    fields: Mapping[str, Any], plan: ReadPlan, labels: tuple[str, ...]
) -> tuple[str, ...]:
    if plan.okr is None or plan.okr.kind is ValueKind.TEXT:
        return ()
    if plan.okr.kind is ValueKind.LABELS and plan.okr.ids == ("labels",):
        # The OKR field is the labels field itself: the labels are read by the one label rule
        # of the core (`core.references`: a prefix, or a label naming the OKR set exactly),
        # so that "important" or "sms" is ignored, not a dangling link (SPEC 4).
        return ()
    return references_from(plan.okr.first_value(fields), plan.okr.kind)


def _points(
    fields: Mapping[str, Any], plan: ReadPlan, key: str, bad_points: BadPoints | None
) -> float | None:
    """The estimate; a value that is none (`points.parse_points`) goes to `bad_points`."""
    if plan.points is None:
        return None
    value = plan.points.first_value(fields)
    try:
        return parse_points(value, plan.points_map)
    except InvalidPoints:
        if bad_points is not None:
            bad_points.add(plan.points.name, key, value)
        return None


def _name(value: Any, *keys: str) -> str | None:
    if not isinstance(value, Mapping):
        return None
    for key in keys:
        if value.get(key):
            return str(value[key])
    return None


def to_item(
    issue: Mapping[str, Any],
    plan: ReadPlan,
    base_url: str,
    in_scope_sprints: frozenset[int],
    carrier_only: bool = False,
    bad_points: BadPoints | None = None,
) -> Item:
    """An `Item` from one issue; `parent` is filled in later, once parents are known by id.

    A points value that is no estimate is noted in `bad_points` (when given) by issue key.
    """
    fields = issue.get("fields") or {}
    key = str(issue.get("key") or issue["id"])
    labels = tuple(str(label) for label in fields.get("labels") or [])
    sprints = parse_sprints(plan.sprint.first_value(fields)) if plan.sprint else ()
    return Item(
        id=str(issue["id"]),
        key=key,
        title=str(fields.get("summary") or ""),
        type=_name(fields.get("issuetype"), "name") or "",
        status=_name(fields.get("status"), "name") or "",
        status_category=status_category(fields.get("status")),
        points=_points(fields, plan, key, bad_points),
        references=_references(fields, plan, labels),
        free_text=_free_text(fields, plan),
        labels=labels,
        sprints=tuple(s.name for s in sprints),
        sprint=choose_sprint(sprints, in_scope_sprints),
        assignee=_name(fields.get("assignee"), "displayName", "name"),
        project=_name(fields.get("project"), "key"),
        url=f"{base_url}/browse/{key}",
        level=issue_level(fields.get("issuetype")),
        carrier_only=carrier_only,
    )
