"""monday.com items as backlog items: reading column values into an `Item` (SPEC 7).

A top-level item is a standard item of type `Item` (level 0); a subitem is of type `Subitem`
(level -1: out of scope unless --include-types Subitem) whose parent is its item, so it
inherits its item's links. The sprint is the item's group title (a subitem's, its item's
group); the status the first status column other than the link and points columns; the
assignee the first person of the first people column; the url the item's `url`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backlog_audit.adapters.fields import field_key
from backlog_audit.adapters.monday.boards import Board, Column
from backlog_audit.adapters.points import BadPoints, InvalidPoints, parse_points
from backlog_audit.adapters.statuses import categorise
from backlog_audit.model import Item, StatusCategory

__all__ = ["ITEM_TYPE", "MONDAY_STATUS_MAP", "SUBITEM_TYPE", "BoardColumns", "ItemReader"]

Json = dict[str, Any]

ITEM_TYPE = "Item"
SUBITEM_TYPE = "Subitem"
# monday.com's built-in status labels that mean work under way (SPEC 7); "Done" is done through
# `is_done`, a blank status is to do. `[status_map]` adds to these and wins over them.
MONDAY_STATUS_MAP: Mapping[str, StatusCategory] = dict.fromkeys(
    ("working on it", "stuck", "review"), StatusCategory.IN_PROGRESS
)


@dataclass(frozen=True)
class BoardColumns:
    """The columns the audit reads on one board (the link column always)."""

    okr: Column
    points: Column | None = None
    status: Column | None = None
    people: Column | None = None

    @property
    def ids(self) -> list[str]:
        """The column ids to ask `column_values(ids:)` for, each once."""
        found = (self.okr, self.points, self.status, self.people)
        return list(dict.fromkeys(c.id for c in found if c is not None))


def references(value: Json | None) -> tuple[str, ...]:
    """The select-like references in one column value (never split, SPEC 4 and 7): a status
    label, dropdown labels, the names of linked items (connect boards: `display_value`, since
    its `value` and `text` are null). Text is free text (`free_text`)."""
    if not value:
        return ()
    kind = value.get("type")
    if kind == "status":
        label = str(value.get("label") or "").strip()
        return (label,) if label else ()
    if kind == "dropdown":
        labels = (str(v.get("label") or "").strip() for v in value.get("values") or ())
        return tuple(label for label in labels if label)
    if kind == "board_relation":
        names = _linked_names(value)
        return names if names is not None else ()
    return ()


def free_text(value: Json | None) -> tuple[str, ...]:
    """A value the core reads as free text, whole first, then split on `,` `;` and new lines
    (SPEC 4): a text column's text, or linked items' names that cannot be told apart."""
    if not value:
        return ()
    kind = value.get("type")
    if kind in ("text", "long_text"):
        text = str(value.get("text") or "").strip()
    elif kind == "board_relation" and _linked_names(value) is None:
        text = str(value.get("display_value") or "").strip()
    else:
        return ()
    return (text,) if text else ()


def _linked_names(value: Json) -> tuple[str, ...] | None:
    """The linked items' names; `display_value` joins them with ", ".

    None when splitting does not give one name per linked id (a name holds ", " itself): the
    value is then free text.
    """
    shown = str(value.get("display_value") or "").strip()
    if not shown:
        return ()
    ids = value.get("linked_item_ids") or ()
    if len(ids) <= 1:
        return (shown,)
    parts = tuple(part.strip() for part in shown.split(", ") if part.strip())
    return parts if len(parts) == len(ids) else None


def _first_person(value: Json | None) -> str | None:
    """The first name a people column shows (its `text` lists them joined by ", ")."""
    text = str((value or {}).get("text") or "").strip()
    return text.split(", ", 1)[0].strip() or None if text else None


@dataclass(frozen=True)
class ItemReader:
    """Turns `items_page` records (and their nested subitems) into items."""

    status_map: Mapping[str, StatusCategory]
    points_map: Mapping[str, float]
    okr_title: str
    points_title: str | None
    bad_points: BadPoints

    def status(self, value: Json | None) -> tuple[str, StatusCategory]:
        """A status value's label and category: `is_done` is done, then `[status_map]`, the
        built-in monday.com labels, the usual status names; a blank status is to do."""
        label = str((value or {}).get("label") or "").strip()
        if not label:
            return "", StatusCategory.TODO
        if (value or {}).get("is_done"):
            return label, StatusCategory.DONE
        return label, categorise(label, {**MONDAY_STATUS_MAP, **self.status_map})

    def points(self, value: Json | None, record: Json) -> float | None:
        """The estimate in a points column's value, read through the one points rule (a
        number; a status or dropdown label or a text, e.g. a `[points_map]` size); one that
        is none is noted in `bad_points`."""
        try:
            return parse_points(_estimate(value), self.points_map)
        except InvalidPoints as exc:
            name = str(record.get("name") or "")
            self.bad_points.add("points", f"item {record.get('id')} ({name})", exc.value)
            return None

    def item(self, record: Json, board: Board, columns: BoardColumns) -> Item:
        """The item for one top-level record of `board`."""
        values = {str(v.get("id")): v for v in _values(record)}

        def of(column: Column | None) -> Json | None:
            return values.get(column.id) if column is not None else None

        group = record.get("group")
        group = group if isinstance(group, dict) else {}
        sprint = str(group.get("title") or "") or None
        return self._read(
            record,
            ITEM_TYPE,
            (of(columns.status), of(columns.okr), of(columns.points)),
            sprints=(sprint,) if sprint else (),
            sprint=sprint,
            assignee=_first_person(of(columns.people)),
            project=board.name,
            level=0,
        )

    def subitem(self, record: Json, parent: Item) -> Item:
        """A subitem of `parent`; its columns (on the subitems board) matched by title."""
        values = list(_values(record))
        okr = self._titled(values, self.okr_title)
        points = self._titled(values, self.points_title) if self.points_title else None
        status = _first(values, "status", besides=(okr, points))
        return self._read(
            record,
            SUBITEM_TYPE,
            (status, okr, points),
            parent=parent.id,
            sprints=parent.sprints,
            sprint=parent.sprint,
            assignee=_first_person(_first(values, "people")),
            project=parent.project,
            level=-1,
        )

    def _read(
        self,
        record: Json,
        kind: str,
        cells: tuple[Json | None, Json | None, Json | None],
        **where: Any,
    ) -> Item:
        """An item or a subitem: what both read alike from the record and its (status, OKR,
        points) column values; `where` places it (parent, sprint, assignee, board, level)."""
        status, okr, points = cells
        label, category = self.status(status)
        return Item(
            id=str(record["id"]),
            key=str(record["id"]),
            title=str(record.get("name") or ""),
            type=kind,
            status=label,
            status_category=category,
            points=self.points(points, record),
            references=references(okr),
            free_text=free_text(okr),
            url=str(record.get("url") or "") or None,
            **where,
        )

    @staticmethod
    def _titled(values: list[Json], title: str) -> Json | None:
        wanted = field_key(title)
        return next((v for v in values if field_key(_column_title(v)) == wanted), None)


def _values(record: Json) -> Iterable[Json]:
    return (v for v in record.get("column_values") or () if isinstance(v, dict))


def _column_title(value: Json) -> str:
    column = value.get("column")
    return str(column.get("title") or "") if isinstance(column, dict) else ""


def _estimate(value: Json | None) -> object:
    """What a points column holds: a number, a label (the first, for a dropdown), or text."""
    if not value:
        return None
    kind = value.get("type")
    if kind == "numbers":
        return value.get("number")
    if kind == "status":
        return value.get("label")
    if kind == "dropdown":
        labels = [v.get("label") for v in value.get("values") or () if v.get("label")]
        return labels[0] if labels else None
    return value.get("text")


def _first(values: list[Json], kind: str, besides: Iterable[Json | None] = ()) -> Json | None:
    taken = {id(v) for v in besides if v is not None}
    return next((v for v in values if v.get("type") == kind and id(v) not in taken), None)
