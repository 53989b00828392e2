"""Turning Jira issue JSON into `model.Item`s, with the fields a plan says to read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
from backlog_audit.adapters.points import (
    BadPoints,
    InvalidPoints,
    choose_points_fields,
    parse_points,
)
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
    # Other usual points fields, read when no field was named: `choose_points` orders them.
    points_alternates: tuple[LogicalField, ...] = ()

    def request_fields(self) -> list[str]:
        """The `fields` to ask Jira for: only what the audit reads."""
        read = (self.okr, self.points, self.sprint, self.epic_link, *self.points_alternates)
        extra = (f for lf in read if lf for f in lf.ids)
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


def choose_points(
    issues: list[Any], plan: ReadPlan, items: dict[str, Item], bad_points: BadPoints
) -> str | None:
    """Each item's points from the usual points fields in the order of the one rule
    (`points.choose_points_fields`: most estimates first); the warning when they disagree.

    Only with `plan.points_alternates`: the items were built without points (`to_item`
    with `bad_points=None` reads the first field only; its estimates are replaced here).
    """
    fields = [lf for lf in (plan.points, *plan.points_alternates) if lf is not None]
    keyed = [(str(i.get("key") or i["id"]), str(i["id"]), i.get("fields") or {}) for i in issues]
    candidates = {lf.name: [(key, lf.first_value(f)) for key, _, f in keyed] for lf in fields}
    choice = choose_points_fields(candidates, plan.points_map)
    by_name = {lf.name: lf for lf in fields}
    for key, issue_id, found in keyed:
        value = next(
            (
                v
                for name in choice.order
                if (v := by_name[name].first_value(found)) not in (None, "")
            ),
            None,
        )
        points = None
        try:
            points = parse_points(value, plan.points_map)
        except InvalidPoints:
            bad_points.add(_field_of(value, found, choice.order, by_name), key, value)
        if issue_id in items:
            items[issue_id] = replace(items[issue_id], points=points)
    return choice.warning


def _field_of(
    value: Any, found: Mapping[str, Any], order: tuple[str, ...], by_name: Mapping[str, Any]
) -> str:
    return next((n for n in order if by_name[n].first_value(found) is value), order[0])


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
