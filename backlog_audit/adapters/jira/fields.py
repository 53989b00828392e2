"""Jira field discovery: names to ids, value kinds, the sprint and story-point fields.

Field names are not unique. Several global fields of one name are ambiguous and refused with
every candidate; team-managed projects each own a project-scoped copy of a field, and copies
of one name and one type are one logical field (a JQL across projects reads them all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.interface import FieldInfo
from backlog_audit.adapters.jira.values import ValueKind
from backlog_audit.errors import UsageError

__all__ = ["FieldCatalog", "JiraField", "LogicalField", "UnknownFieldError"]

_KINDS = {
    "select": ValueKind.OPTION,
    "radiobuttons": ValueKind.OPTION,
    "multiselect": ValueKind.OPTIONS,
    "multicheckboxes": ValueKind.OPTIONS,
    "cascadingselect": ValueKind.CASCADING,
    "textfield": ValueKind.TEXT,
    "textarea": ValueKind.TEXT,
    "labels": ValueKind.LABELS,
    "goals": ValueKind.GOALS,
}
SPRINT_TYPE = "gh-sprint"
EPIC_LINK_TYPE = "gh-epic-link"
STORY_POINTS_TYPE = "jsw-story-points"
# Board estimation fields that count time, not points.
TIME_FIELDS = frozenset(
    {"timeoriginalestimate", "timeestimate", "timespent", "aggregatetimeoriginalestimate"}
)
_OKR_HINTS = ("okr", "key result", "objective")
# Number fields named like story points that are not the estimate: Advanced Roadmaps keeps
# an issue's first estimate in "Original story points".
_NOT_ESTIMATES = frozenset({"jpo-custom-field-original-story-points"})


class UnknownFieldError(UsageError):
    """No field has the name or id a user gave."""


@dataclass(frozen=True)
class JiraField:
    """One entry of `GET /rest/api/{2,3}/field`."""

    id: str
    name: str
    type: str  # the custom type's short name (`select`), else the system name or JSON type
    json_type: str = ""
    project: str | None = None  # the project id of a project-scoped (team-managed) field

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JiraField:
        """Read a `/field` entry."""
        schema = data.get("schema") or {}
        custom = str(schema.get("custom") or "")
        short = custom.rsplit(":", 1)[-1] if custom else str(schema.get("system") or "")
        scope = data.get("scope") or {}
        project = (scope.get("project") or {}).get("id") if scope.get("type") == "PROJECT" else None
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or data["id"]),
            type=short or str(schema.get("type") or ""),
            json_type=str(schema.get("type") or ""),
            project=str(project) if project is not None else None,
        )

    @property
    def kind(self) -> ValueKind:
        """How this field's value is read as OKR references."""
        if self.id == "labels":
            return ValueKind.LABELS
        return _KINDS.get(self.type, ValueKind.OTHER)

    @property
    def scope(self) -> str:
        """`global`, or `project <id>` for a team-managed project's own field."""
        return f"project {self.project}" if self.project else "global"

    def describe(self) -> str:
        """`id (type, scope)`, as error messages list candidates."""
        return f"{self.id} ({self.type or self.json_type or 'unknown type'}, {self.scope})"


@dataclass(frozen=True)
class LogicalField:
    """A field the audit reads: one id, or project-scoped copies of one name and type."""

    name: str
    ids: tuple[str, ...]
    kind: ValueKind
    type: str

    def first_value(self, fields: Mapping[str, Any]) -> Any:
        """The value of whichever copy an issue carries (None when none does)."""
        for fid in self.ids:
            value = fields.get(fid)
            if value is not None:
                return value
        return None


def _logical(candidates: list[JiraField]) -> LogicalField:
    first = candidates[0]
    return LogicalField(first.name, tuple(f.id for f in candidates), first.kind, first.type)


def _is_points_name(name: str) -> bool:
    return "story point" in name.casefold()


class FieldCatalog:
    """The site's fields, and the rules that pick the ones the audit reads."""

    def __init__(self, fields: Iterable[JiraField]) -> None:
        self.fields = tuple(fields)
        self._by_id = {f.id.casefold(): f for f in self.fields}

    @classmethod
    def from_json(cls, data: Any) -> FieldCatalog:
        """Build from the `/field` answer (a JSON list)."""
        return cls(
            JiraField.from_json(d) for d in data or [] if isinstance(d, Mapping) and "id" in d
        )

    def by_id(self, field_id: str) -> JiraField | None:
        """The field with this id (case-insensitive), `cf[123]` and bare `123` accepted."""
        text = field_id.strip().casefold()
        if text.startswith("cf[") and text.endswith("]"):
            text = f"customfield_{text[3:-1]}"
        elif text.isdigit():
            text = f"customfield_{text}"
        return self._by_id.get(text)

    def resolve(self, name_or_id: str, role: str) -> LogicalField:
        """The field a user named, by id or name; `role` says which flag, for messages."""
        found = self.by_id(name_or_id)
        if found is not None:
            return _logical([found])
        wanted = name_or_id.strip().casefold()
        candidates = [f for f in self.fields if f.name.casefold() == wanted]
        if not candidates:
            raise UnknownFieldError(f"Jira has no field named or with id {name_or_id!r} ({role})")
        return self._one_logical(name_or_id, candidates, role)

    @staticmethod
    def _one_logical(name: str, candidates: list[JiraField], role: str) -> LogicalField:
        global_ones = [f for f in candidates if f.project is None]
        types = {f.type for f in candidates}
        if len(global_ones) > 1 or len(types) > 1:
            listed = ", ".join(f.describe() for f in candidates)
            raise UsageError(
                f"{role} {name!r} is ambiguous: {len(candidates)} Jira fields have that name: "
                f"{listed}; pass one id"
            )
        return _logical(candidates)

    def of_type(self, custom_type: str) -> LogicalField | None:
        """Every field of a custom type (`gh-sprint`, ...), as one logical field."""
        found = [f for f in self.fields if f.type == custom_type]
        return _logical(found) if found else None

    def detect_points(self) -> LogicalField | None:
        """The story-point field when none is named: `jsw-story-points`, else a float field
        named "Story Points" (refused when several global ones are)."""
        estimate = self.of_type(STORY_POINTS_TYPE)
        if estimate is not None:
            return estimate
        floats = [
            f for f in self.fields if f.type == "float" and f.name.casefold() == "story points"
        ]
        if not floats:
            return None
        return self._one_logical("Story Points", floats, "story-point field (--points-field)")

    def other_points_fields(self, chosen: LogicalField) -> tuple[LogicalField, ...]:
        """The usual story-point fields besides the detected one: a Cloud site has both
        `Story point estimate` (jsw-story-points) and a number field "Story Points", and
        teams fill either (issue 11). Several global "Story Points" fields are left out."""
        floats = [
            f
            for f in self.fields
            if f.type == "float" and f.name.casefold() == "story points" and f.id not in chosen.ids
        ]
        if not floats or len({f.id for f in floats if f.scope == "global"}) > 1:
            return ()
        return (_logical(floats),)

    def likely(self, field: JiraField) -> str | None:
        """ "okr" or "points" when a field looks like one, for `backlog-audit fields`."""
        if field.type == STORY_POINTS_TYPE or (
            field.json_type == "number"
            and _is_points_name(field.name)
            and field.type not in _NOT_ESTIMATES
        ):
            return "points"
        name = field.name.casefold()
        if field.type == "goals" or any(hint in name for hint in _OKR_HINTS):
            return "okr"
        return None

    def matching(self, search: str | None) -> list[JiraField]:
        """Fields whose name or id contains `search` (case-insensitive), sorted by name."""
        text = (search or "").casefold()
        found = [f for f in self.fields if text in f.name.casefold() or text in f.id.casefold()]
        return sorted(found, key=lambda f: (f.name.casefold(), f.id))

    def info(self, field: JiraField) -> FieldInfo:
        """A `FieldInfo` without options (the caller adds those of option fields)."""
        return FieldInfo(
            id=field.id,
            name=field.name,
            type=field.type or field.json_type,
            scope=field.scope,
            likely=self.likely(field),
        )
