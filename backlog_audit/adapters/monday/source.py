"""The monday.com source: the items of boards, or of one group in each (SPEC 7).

An audit makes one `Boards` request for the boards' columns and groups, then per board (or per
selected group) one `Items` / `GroupItems` request for the first page of up to 500 items and
one `NextItems` request per further page, following `cursor` until it is null. Subitems are
read only when the audit counts them (--include-types Subitem), nested in their items' pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.monday import MondayConfig
from backlog_audit.adapters.monday.boards import (
    LINK_TYPES,
    POINTS_TYPES,
    Board,
    fetch_boards,
    field_infos,
)
from backlog_audit.adapters.monday.client import MondayClient, MondayError, client_from
from backlog_audit.adapters.monday.items import SUBITEM_TYPE, BoardColumns, ItemReader
from backlog_audit.adapters.monday.queries import (
    PAGE_LIMIT,
    SUBITEM_COLUMN_TYPES,
    SUBITEM_PAGE_LIMIT,
    items_queries,
)
from backlog_audit.adapters.paging import PageGuard
from backlog_audit.adapters.points import BadPoints
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.errors import UsageError
from backlog_audit.model import Backlog, Item

__all__ = ["MondaySource"]

Json = dict[str, Any]


def _check_ids(boards: tuple[str, ...]) -> tuple[str, ...]:
    """The board ids, each once; one that is not digits (a pasted URL, a name) is exit 2."""
    for board in boards:
        if not (board.strip().isascii() and board.strip().isdigit()):
            raise UsageError(
                f"--monday-board {board!r} is not a board id: use the digits of the board's "
                "URL (https://YOURS.monday.com/boards/ID)"
            )
    return tuple(dict.fromkeys(b.strip() for b in boards))


class MondaySource(BacklogSource):
    """Backlog items from monday.com boards (`monday_board`), optionally one group of them."""

    def __init__(
        self, settings: SourceSettings, config: MondayConfig, credentials: Mapping[str, str]
    ) -> None:
        if not config.monday_board:
            raise UsageError("--source monday needs --monday-board ID (repeatable)")
        self._boards = _check_ids(config.monday_board)
        self._settings = settings
        self._group = config.monday_group
        self.client: MondayClient = client_from(
            credentials,
            timeout=settings.timeout,
            sleep=settings.sleep,
            answer_within=settings.deadline,
        )

    @property
    def scope(self) -> str:
        """The scope as typed: `board=123,456 group=Sprint 12`."""
        scope = f"board={','.join(self._boards)}"
        return f"{scope} group={self._group}" if self._group else scope

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The audited boards' columns, with types and status/dropdown labels."""
        return field_infos(fetch_boards(self.client, self._boards), search)

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Every item of the boards (or of the selected group), subitems when counted."""
        boards = fetch_boards(self.client, self._boards)
        # Every board's columns and groups first: a column or group missing from the last board
        # is exit 2 before any item is read.
        plans = [(board, self._columns(board), self._group_ids(board)) for board in boards]
        bad_points = BadPoints()
        points = next((p.points for _, p, _ in plans if p.points is not None), None)
        reader = ItemReader(
            status_map=self._settings.status_map,
            points_map=self._settings.points_map,
            okr_title=self._settings.okr_field,
            points_title=points.title if points is not None else self._settings.points_field,
            bad_points=bad_points,
        )
        items: dict[str, Item] = {}
        for board, columns, groups in plans:
            for page in self._pages(board, columns, groups):
                self._read(page, board, columns, reader, items)
                if progress:
                    progress(len(items), None)
        warnings = bad_points.warnings()
        if not items:
            warnings.append(f"monday.com {self.scope}: no items in scope")
        return Backlog(
            kind="monday", scope=self.scope, items=tuple(items.values()), warnings=tuple(warnings)
        )

    @property
    def _with_subitems(self) -> bool:
        """Whether the audit counts subitems (--include-types Subitem), so they are read."""
        return self._settings.includes_type(SUBITEM_TYPE)

    def _columns(self, board: Board) -> BoardColumns:
        """The link, points, status and people columns of `board` (exit 2 when missing)."""
        settings = self._settings
        okr = board.require(settings.okr_field, "--okr-field", LINK_TYPES)
        points = (
            board.require(settings.points_field, "--points-field", POINTS_TYPES)
            if settings.points_field
            else board.detect_points(labels=bool(settings.points_map))
        )
        return BoardColumns(
            okr=okr,
            points=points,
            # The first status column is the status (SPEC 7), unless it is the link column.
            status=board.first_of("status", besides=(okr, points)),
            people=board.first_of("people"),
        )

    def _group_ids(self, board: Board) -> list[str] | None:
        return board.group_ids(self._group) if self._group else None

    def _read(
        self,
        page: list[Json],
        board: Board,
        columns: BoardColumns,
        reader: ItemReader,
        items: dict[str, Item],
    ) -> None:
        """Add a page's items (and their subitems, when read) to `items`, each id once."""
        for record in page:
            item = reader.item(record, board, columns)
            items.setdefault(item.id, item)
            for sub in record.get("subitems") or ():
                if isinstance(sub, dict) and sub.get("id"):
                    items.setdefault(str(sub["id"]), reader.subitem(sub, item))

    def _pages(
        self, board: Board, columns: BoardColumns, groups: list[str] | None
    ) -> Iterator[list[Json]]:
        """The pages of the board's items, or of each selected group's items."""
        first, group_first, following = items_queries(self._with_subitems)
        variables: Json = {
            "limit": SUBITEM_PAGE_LIMIT if self._with_subitems else PAGE_LIMIT,
            "columns": columns.ids,
        }
        if self._with_subitems:
            variables["subitemTypes"] = list(SUBITEM_COLUMN_TYPES)
        if groups is None:
            what = f"items of board {board.id}"
            data = self.client.query(what, first, {**variables, "board": board.id})
            yield from self._follow(what, _board_page(data), following, variables)
            return
        for group in groups:
            what = f"items of group {group} of board {board.id}"
            data = self.client.query(
                what, group_first, {**variables, "board": board.id, "group": group}
            )
            yield from self._follow(what, _group_page(data), following, variables)

    def _follow(
        self, what: str, page: Json, following: str, variables: Json
    ) -> Iterator[list[Json]]:
        """The first page's items, then every next page's, until the cursor is null.

        A listing that cannot be proved complete (`adapters/paging.py`: an empty page with a
        cursor, a page of items sent before, a cursor handed out twice) is refused (exit 3).
        """
        guard = PageGuard(f"monday.com's {what}")
        while True:
            items = _page_items(what, page)
            cursor = page.get("cursor") or None
            guard.page((str(i["id"]) for i in items), more=cursor is not None, cursor=cursor)
            yield items
            if cursor is None:
                return
            data = self.client.query(what, following, {**variables, "cursor": cursor})
            page = data.get("next_items_page") or {}


def _board_page(data: Json) -> Json:
    boards = data.get("boards") or [{}]
    return (boards[0] or {}).get("items_page") or {}


def _group_page(data: Json) -> Json:
    boards = data.get("boards") or [{}]
    groups = (boards[0] or {}).get("groups") or [{}]
    return (groups[0] or {}).get("items_page") or {}


def _page_items(what: str, page: Json) -> list[Json]:
    items = page.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise MondayError(f"monday.com answered {what} without items (objects with an id)")
    return items
