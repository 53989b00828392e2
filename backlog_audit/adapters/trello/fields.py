"""Trello custom fields: finding the OKR and points fields by name, reading their values off a
card, and listing them for `backlog-audit fields`.

A board's custom field definitions carry `name`, `type` (`list` for a dropdown, `text`,
`number`, `checkbox`, `date`) and, for dropdowns, `options` (`{id, value: {text}}`). A card's
`customFieldItems` hold its values: a dropdown's `idValue` names one option, other types a
`value` whose numbers arrive as strings (`{"number": "3"}`). An OKR dropdown gives select
values (never split), an OKR text field free text (`core.references` tries it whole, then
splits it); points come from a number field, or a dropdown of sizes (`[points_map]`).
Atlassian's "Getting started with custom fields" guide shows `name` and `options` at the top
of a definition; the OpenAPI spec puts them under `display`, so both places are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.fields import FieldPlace, field_key
from backlog_audit.adapters.interface import FieldInfo, FieldOption
from backlog_audit.adapters.points import parse_points

__all__ = [
    "DEFAULT_OKR_FIELD",
    "LABELS",
    "OKR_FIELD_TYPES",
    "POINTS_FIELD_NAMES",
    "CustomField",
    "FieldPlan",
    "custom_fields",
    "field_infos",
    "plan_fields",
]

Json = dict[str, Any]

DEFAULT_OKR_FIELD = "OKR"
LABELS = "labels"  # `--okr-field labels`: every label of a card is a reference
OKR_FIELD_TYPES = ("list", "text")
POINTS_FIELD_TYPES = ("number", "list")
# Trello has no built-in estimate: without --points-field, a number field of one of these names.
POINTS_FIELD_NAMES = ("story points", "points", "story point estimate", "estimate")
_TYPE_NAMES = {"list": "dropdown"}
# An option or label that reads like an OKR id: `KR1.2`, `O1 - Growth`, `okr:KR1.2`.
_OKR_LIKE = re.compile(r"^\s*(?:okr:|kr:)?\s*(?:kr|o)\s*\d", re.IGNORECASE)


@dataclass(frozen=True)
class CustomField:
    """One custom field definition of a board."""

    id: str
    name: str
    type: str
    options: Mapping[str, str]  # option id -> text, dropdowns only

    @property
    def shown_type(self) -> str:
        """The type as Trello's screens name it (a `list` field is a dropdown)."""
        return _TYPE_NAMES.get(self.type, self.type)


def custom_fields(records: Iterable[Json]) -> tuple[CustomField, ...]:
    """The definitions, read from the top level of each record or from its `display`."""
    found = []
    for record in records:
        shown = record.get("display")
        display: Json = shown if isinstance(shown, dict) else {}
        options = record.get("options") or display.get("options") or ()
        found.append(
            CustomField(
                id=str(record.get("id")),
                name=str(record.get("name") or display.get("name") or ""),
                type=str(record.get("type") or ""),
                options={
                    str(o.get("id")): str((o.get("value") or {}).get("text") or "")
                    for o in options
                    if isinstance(o, dict)
                },
            )
        )
    return tuple(found)


def _named(fields: tuple[CustomField, ...], name: str) -> list[CustomField]:
    wanted = field_key(name)
    return [f for f in fields if field_key(f.name) == wanted]


def _require(
    fields: tuple[CustomField, ...], name: str, flag: str, types: tuple[str, ...], board: str
) -> list[CustomField]:
    """The fields called `name` of one of `types`, or exit 2 naming the board's fields."""
    found = _named(fields, name)
    place = FieldPlace("Trello board", board, board)
    if not found:
        hint = " (or --okr-field labels to read every label)" if flag == "--okr-field" else ""
        raise place.no_field(name, flag, ((f.name, f.shown_type) for f in fields), hint)
    usable = [f for f in found if f.type in types]
    if not usable:
        expected = (_TYPE_NAMES.get(t, t) for t in types)
        raise place.wrong_type(found[0].name, flag, found[0].shown_type, expected)
    return usable


@dataclass(frozen=True)
class FieldPlan:
    """Where a card's references and estimate are read (no OKR field: its labels alone)."""

    okr: Mapping[str, CustomField]  # by id
    points: Mapping[str, CustomField]  # by id
    points_map: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def references(self, card: Json) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The card's OKR dropdown options (select values) and OKR texts (free text)."""
        options: list[str] = []
        texts: list[str] = []
        for value in _values(card):
            found = self.okr.get(str(value.get("idCustomField")))
            if found is None:
                continue
            if found.type == "list":
                options.append(_option(found, value))
            else:
                texts.append(str((value.get("value") or {}).get("text") or ""))
        return _kept(options), _kept(texts)

    def points_of(self, card: Json) -> float | None:
        """The card's estimate (`points.InvalidPoints` for a value that is none)."""
        for value in _values(card):
            found = self.points.get(str(value.get("idCustomField")))
            if found is None:
                continue
            raw = _option(found, value) if found.type == "list" else _number(value)
            if raw:
                return parse_points(raw, self.points_map)
        return None


def _option(field_: CustomField, value: Json) -> str:
    """The text of the dropdown option a card's value names ('' for an unknown option)."""
    return field_.options.get(str(value.get("idValue")), "")


def _number(value: Json) -> str:
    number = (value.get("value") or {}).get("number")
    return "" if number is None else str(number)


def _kept(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def _values(card: Json) -> list[Json]:
    items = card.get("customFieldItems")
    return [v for v in items if isinstance(v, dict)] if isinstance(items, list) else []


def plan_fields(
    records: Iterable[Json],
    okr_field: str,
    points_field: str | None,
    board: str,
    points_map: Mapping[str, float] | None = None,
) -> FieldPlan:
    """Find the OKR and points fields of a board (exit 2 when a named one is unusable).

    `--okr-field labels` (with no custom field of that name) reads the labels alone, by the
    one label rule of `core.references`, as a board without the default OKR field does.
    """
    fields = custom_fields(records)
    warnings: list[str] = []
    okr: list[CustomField] = []
    if field_key(okr_field) == LABELS and not _named(fields, okr_field):
        pass
    elif field_key(okr_field) == field_key(DEFAULT_OKR_FIELD) and not _named(fields, okr_field):
        # The default name is absent: labels (--label-prefix) may still carry the links.
        warnings.append(
            f"Trello board {board} has no custom field {okr_field!r}: "
            "only labels are read as OKR links"
        )
    else:
        okr = _require(fields, okr_field, "--okr-field", OKR_FIELD_TYPES, board)
    if points_field:
        points = _require(fields, points_field, "--points-field", POINTS_FIELD_TYPES, board)
    else:
        points = _detect_points(fields)
    return FieldPlan(
        okr={f.id: f for f in okr},
        points={f.id: f for f in points},
        points_map=dict(points_map or {}),
        warnings=tuple(warnings),
    )


def _detect_points(fields: tuple[CustomField, ...]) -> list[CustomField]:
    for name in POINTS_FIELD_NAMES:
        found = [f for f in _named(fields, name) if f.type == "number"]
        if found:
            return found
    return []


def _likely(field: CustomField) -> str | None:
    name = field.name.casefold()
    if field.type in OKR_FIELD_TYPES and (
        any(word in name for word in ("okr", "key result", "objective", "goal"))
        or any(_OKR_LIKE.match(text) for text in field.options.values())
    ):
        return "okr"
    if field.type == "number" and any(w in name for w in ("point", "estimate", "size")):
        return "points"
    return None


def field_infos(
    records: Iterable[Json], labels: Mapping[str, str], search: str | None = None
) -> list[FieldInfo]:
    """The board's custom fields, then its labels as one field, for `backlog-audit fields`."""
    infos = [
        FieldInfo(
            id=f.id,
            name=f.name,
            type=f.shown_type,
            options=tuple(FieldOption(oid, text) for oid, text in f.options.items()),
            likely=_likely(f),
        )
        for f in custom_fields(records)
    ]
    infos.append(
        FieldInfo(
            id=LABELS,
            name="Labels",
            type="labels",
            options=tuple(FieldOption(lid, name) for lid, name in labels.items()),
            likely="okr" if any(_OKR_LIKE.match(n) for n in labels.values()) else None,
        )
    )
    wanted = (search or "").casefold()
    return [info for info in infos if wanted in info.name.casefold()]
