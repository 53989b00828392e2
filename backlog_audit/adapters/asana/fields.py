"""Asana custom fields: a project's field settings, finding the OKR and points fields by name,
and reading their values off a task.

The OKR field may be an enum (one reference: the option's name, never split), a multi_enum
(one reference per selected option) or a text field (split on `,`, `;` and newlines, SPEC 4).
Points come from a number field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.asana.client import AsanaClient
from backlog_audit.adapters.fields import FieldPlace, field_key
from backlog_audit.adapters.interface import FieldInfo, FieldOption
from backlog_audit.adapters.points import parse_points

__all__ = [
    "OKR_FIELD_TYPES",
    "POINTS_FIELD_NAMES",
    "ProjectFields",
    "field_infos",
    "field_key",
    "fetch_project_fields",
    "points_value",
    "raw_points",
    "reference_values",
    "text_values",
]

Json = dict[str, Any]

OKR_FIELD_TYPES = frozenset({"enum", "multi_enum", "text"})
# Asana has no built-in estimate: without --points-field, a number field of one of these names.
POINTS_FIELD_NAMES = ("story points", "points", "story point estimate", "estimate")
_SETTING_FIELDS = ",".join(
    (
        "custom_field.name",
        "custom_field.resource_subtype",
        "custom_field.enum_options.name",
        "custom_field.enum_options.enabled",
    )
)


@dataclass(frozen=True)
class ProjectFields:
    """The custom fields one project carries: `fields` maps field gid to its definition."""

    project_gid: str
    project_name: str
    fields: Mapping[str, Json]

    def named(self, name: str) -> Json | None:
        """The field called `name` (case-insensitive, surrounding blanks ignored), or None."""
        wanted = name.strip().casefold()
        return next(
            (
                f
                for f in self.fields.values()
                if str(f.get("name", "")).strip().casefold() == wanted
            ),
            None,
        )

    def require(self, name: str, flag: str, types: Iterable[str]) -> Json:
        """The field called `name`, of one of `types`, or exit 2 listing the project's fields."""
        found = self.named(name)
        allowed = sorted(types)
        place = FieldPlace(
            "Asana project", f"{self.project_name} ({self.project_gid})", self.project_gid
        )
        if found is None:
            fields = self.fields.values()
            raise place.no_field(
                name, flag, ((str(f.get("name")), str(f.get("resource_subtype"))) for f in fields)
            )
        if found.get("resource_subtype") not in allowed:
            kind = str(found.get("resource_subtype"))
            raise place.wrong_type(str(found.get("name")), flag, kind, allowed)
        return found

    def detect_points(self) -> list[Json]:
        """The number fields with a usual estimate name, in the order of those names, when
        `--points-field` is not given (a project may carry both Story Points and Estimate:
        the source orders them by how many estimates they hold, `points.choose_points_fields`)."""
        found = (self.named(name) for name in POINTS_FIELD_NAMES)
        return [f for f in found if f is not None and f.get("resource_subtype") == "number"]


def fetch_project_fields(client: AsanaClient, project_gid: str) -> ProjectFields:
    """A project's name and custom fields (two requests: the project, its field settings)."""
    project = client.get(
        f"project {project_gid}",
        lambda opts: client.projects.get_project(project_gid, opts, **client.request_options),
        {"opt_fields": "name"},
    )
    settings = client.records(
        f"custom fields of project {project_gid}",
        lambda opts: client.custom_field_settings.get_custom_field_settings_for_project(
            project_gid, opts, **client.request_options
        ),
        {"opt_fields": _SETTING_FIELDS},
    )
    fields = {
        str(s["custom_field"]["gid"]): s["custom_field"]
        for s in settings
        if isinstance(s.get("custom_field"), dict)
    }
    return ProjectFields(project_gid, str(project.get("name") or project_gid), fields)


def _likely(field: Json) -> str | None:
    name = str(field.get("name", "")).casefold()
    subtype = field.get("resource_subtype")
    if subtype in OKR_FIELD_TYPES and ("okr" in name or "key result" in name or "goal" in name):
        return "okr"
    if subtype == "number" and ("point" in name or "estimate" in name):
        return "points"
    return None


def field_infos(projects: Iterable[ProjectFields], search: str | None = None) -> list[FieldInfo]:
    """The projects' custom fields, each once, as `backlog-audit fields` lists them."""
    scopes: dict[str, list[str]] = {}
    definitions: dict[str, Json] = {}
    for project in projects:
        for gid, field in project.fields.items():
            definitions.setdefault(gid, field)
            scopes.setdefault(gid, []).append(project.project_name)
    wanted = (search or "").casefold()
    return [
        FieldInfo(
            id=gid,
            name=str(field.get("name", "")),
            type=str(field.get("resource_subtype", "")),
            scope=", ".join(scopes[gid]),
            options=tuple(
                FieldOption(
                    str(o.get("gid", "")), str(o.get("name", "")), o.get("enabled") is False
                )
                for o in field.get("enum_options") or ()
            ),
            likely=_likely(field),
        )
        for gid, field in definitions.items()
        if wanted in str(field.get("name", "")).casefold()
    ]


def _task_fields(task: Json, names: frozenset[str]) -> list[Json]:
    """The task's value records of the fields called `names` (see `field_key`).

    By name, not gid: a task in two projects may carry each project's own "OKR" field, and
    a task of the audited project may carry another project's; all are links (as in an export).
    """
    values = task.get("custom_fields") or ()
    return [v for v in values if isinstance(v, dict) and field_key(v.get("name")) in names]


def _references(value: Json) -> tuple[str, ...]:
    subtype = value.get("resource_subtype")
    if subtype == "enum":
        option = value.get("enum_value") or {}
        name = str(option.get("name") or "").strip()
        return (name,) if name else ()
    if subtype == "multi_enum":
        names = (str(o.get("name") or "").strip() for o in value.get("multi_enum_values") or ())
        return tuple(name for name in names if name)
    return ()  # text is free text (`text_values`); another type carries no reference


def text_values(task: Json, names: frozenset[str]) -> tuple[str, ...]:
    """The task's text OKR field(s), whole: the core tries each whole, then splits it (SPEC 4:
    a goal name with a comma is one reference)."""
    found = (
        str(value.get("text_value") or "").strip()
        for value in _task_fields(task, names)
        if value.get("resource_subtype") == "text"
    )
    return tuple(dict.fromkeys(text for text in found if text))


def reference_values(task: Json, names: frozenset[str]) -> tuple[str, ...]:
    """The raw OKR references in a task's enum or multi_enum field(s), each once.

    A task in two projects may carry both projects' OKR fields: all are read.
    """
    found = (ref for value in _task_fields(task, names) for ref in _references(value))
    return tuple(dict.fromkeys(found))


def raw_points(task: Json, name: str) -> Any:
    """The raw estimate in the task's points field `name` (a field key): a number, or an enum
    field's option; None when the field is empty or absent."""
    for value in _task_fields(task, frozenset({name})):
        number = value.get("number_value")
        if number is not None:
            return number
        option = value.get("enum_value")
        if value.get("resource_subtype") == "enum" and isinstance(option, dict):
            return option
    return None


def points_value(
    task: Json, names: Iterable[str], points_map: Mapping[str, float] | None = None
) -> float | None:
    """A task's estimate from the first of the points fields `names` that holds one: a number,
    or an enum field's option read through the one points rule (`.5 (30 min)`, or a
    `[points_map]` label such as `M`); None when every field is empty or absent.

    Raises `points.InvalidPoints` for a value that is no estimate (negative, absurdly large).
    """
    for name in names:
        raw = raw_points(task, name)
        if raw is not None:
            return parse_points(raw, points_map)
    return None
