"""monday.com boards: their columns and groups, finding the OKR, points and status columns by
title, and listing columns for `backlog-audit fields`.

One `Boards` query reads every audited board's columns (with the labels of status and dropdown
columns, from `settings`) and groups. Column titles match case-insensitively, blanks collapsed,
like every source's field names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.fields import FieldPlace, field_key
from backlog_audit.adapters.interface import FieldInfo, FieldOption
from backlog_audit.adapters.monday.client import MondayClient
from backlog_audit.adapters.monday.queries import BOARDS
from backlog_audit.errors import SourceError, UsageError

__all__ = [
    "LABEL_POINTS_TYPES",
    "LINK_TYPES",
    "POINTS_TITLES",
    "POINTS_TYPES",
    "Board",
    "Column",
    "fetch_boards",
    "field_infos",
]

Json = dict[str, Any]

# Column types an OKR link is read from (SPEC 7): labels, free text, linked items' names.
LINK_TYPES = frozenset({"status", "dropdown", "text", "long_text", "board_relation"})
# Columns an estimate is read from: a number, or a label or text read through the one points
# rule (a `[points_map]` label such as "M", or a leading number: "3 pts").
LABEL_POINTS_TYPES = frozenset({"status", "dropdown", "text"})
POINTS_TYPES = LABEL_POINTS_TYPES | {"numbers"}
# Without --points-field, a numbers column with one of these titles holds the estimate; with
# a `[points_map]`, else a status or dropdown column of one of these titles (T-shirt sizes).
POINTS_TITLES = ("story points", "points", "estimate", "effort")
SIZE_TITLES = (*POINTS_TITLES, "size", "t-shirt size")
_OKR_WORDS = ("okr", "key result", "objective", "goal")


@dataclass(frozen=True)
class Column:
    """One column of a board; `settings` is the column's settings JSON (labels, ...)."""

    id: str
    title: str
    type: str
    settings: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def options(self) -> tuple[FieldOption, ...]:
        """The labels of a status or dropdown column, deactivated ones marked disabled."""
        labels = self.settings.get("labels")
        if isinstance(labels, dict):  # the older {"index": "label"} form
            return tuple(FieldOption(str(k), str(v)) for k, v in labels.items() if v)
        return tuple(
            FieldOption(
                str(label.get("id", "")),
                str(label.get("label") or label.get("name") or ""),
                bool(label.get("is_deactivated")),
            )
            for label in labels or ()
            if isinstance(label, dict) and (label.get("label") or label.get("name"))
        )


@dataclass(frozen=True)
class Board:
    """A board: its columns in board order and its groups as (id, title) pairs."""

    id: str
    name: str
    url: str
    columns: tuple[Column, ...]
    groups: tuple[tuple[str, str], ...]

    def named(self, title: str) -> Column | None:
        """The first column titled `title` (see `field_key`), or None."""
        wanted = field_key(title)
        return next((c for c in self.columns if field_key(c.title) == wanted), None)

    def require(self, title: str, flag: str, types: Iterable[str]) -> Column:
        """The column titled `title`, of one of `types`, or exit 2 listing the board's columns."""
        found = self.named(title)
        allowed = sorted(types)
        place = FieldPlace("monday.com board", f"{self.name} ({self.id})", self.id, "column")
        if found is None:
            raise place.no_field(title, flag, ((c.title, c.type) for c in self.columns))
        if found.type not in allowed:
            raise place.wrong_type(found.title, flag, found.type, allowed)
        return found

    def detect_points(self, labels: bool = False) -> Column | None:
        """A numbers column with a usual estimate title, when `--points-field` is not given;
        with `labels` (a `[points_map]` is set), else a status or dropdown column titled like
        an estimate or a size."""
        for title in POINTS_TITLES:
            found = self.named(title)
            if found is not None and found.type == "numbers":
                return found
        if not labels:
            return None
        for title in SIZE_TITLES:
            found = self.named(title)
            if found is not None and found.type in ("status", "dropdown"):
                return found
        return None

    def first_of(self, kind: str, *, besides: Iterable[Column | None] = ()) -> Column | None:
        """The first column of type `kind` in board order, other than the columns `besides`."""
        taken = {c.id for c in besides if c is not None}
        return next((c for c in self.columns if c.type == kind and c.id not in taken), None)

    def group_ids(self, title: str) -> list[str]:
        """The ids of the groups titled `title` (two may share a title: both are audited), or
        exit 2 listing the board's groups."""
        wanted = field_key(title)
        found = [gid for gid, name in self.groups if field_key(name) == wanted]
        if found:
            return found
        names = ", ".join(name for _, name in self.groups) or "(none)"
        raise UsageError(
            f"monday.com board {self.name} ({self.id}) has no group '{title}' "
            f"(--monday-group); its groups: {names}"
        )


def fetch_boards(client: MondayClient, ids: tuple[str, ...]) -> list[Board]:
    """The boards `ids`, in that order, in one request; an id no board answers is exit 2."""
    data = client.query("boards", BOARDS, {"ids": list(ids), "limit": len(ids)})
    records = data.get("boards")
    if not isinstance(records, list):
        raise SourceError("monday.com answered the boards query without boards")
    boards = {str(r.get("id")): _board(r) for r in records if isinstance(r, dict)}
    missing = [i for i in ids if i not in boards]
    if missing:
        raise UsageError(
            f"monday.com has no board {', '.join(missing)} that this token can read "
            "(--monday-board takes the digits of the board's URL: .../boards/ID)"
        )
    return [boards[i] for i in ids]


def _board(record: Json) -> Board:
    columns = tuple(
        Column(
            str(c.get("id")),
            str(c.get("title") or ""),
            str(c.get("type") or ""),
            _settings(c),
        )
        for c in record.get("columns") or ()
        if isinstance(c, dict)
    )
    groups = tuple(
        (str(g.get("id")), str(g.get("title") or ""))
        for g in record.get("groups") or ()
        if isinstance(g, dict)
    )
    return Board(
        str(record.get("id")),
        str(record.get("name") or ""),
        str(record.get("url") or ""),
        columns,
        groups,
    )


def _settings(column: Json) -> Mapping[str, Any]:
    settings = column.get("settings")
    return settings if isinstance(settings, dict) else {}


def _likely(column: Column) -> str | None:
    title = field_key(column.title)
    if column.type in LINK_TYPES and any(word in title for word in _OKR_WORDS):
        return "okr"
    estimate = any(word in title for word in ("point", "estimate", "effort"))
    if column.type == "numbers" and estimate:
        return "points"
    if column.type in ("status", "dropdown") and (estimate or "size" in title):
        return "points"  # T-shirt sizes, read through [points_map]
    return None


def field_infos(boards: Iterable[Board], search: str | None = None) -> list[FieldInfo]:
    """Every board's columns with types and labels, as `backlog-audit fields` lists them.

    A column id is unique within a board only (`status` is on every board), so each board's
    columns are listed with the board's name as their scope.
    """
    wanted = (search or "").casefold()
    return [
        FieldInfo(
            id=column.id,
            name=column.title,
            type=column.type,
            scope=f"{board.name} ({board.id})",
            options=column.options(),
            likely=_likely(column),
        )
        for board in boards
        for column in board.columns
        if wanted in column.title.casefold()
    ]
