"""The Trello source: one board's open cards, from the API or from the board's JSON export.

An audit through the API costs six requests for a board of up to 1,000 open cards (the board,
its lists, custom fields, labels, members, one page of cards), plus one per further 1,000
cards; an export costs none. Both give the same items.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.points import BadPoints
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.trello import TrelloConfig
from backlog_audit.adapters.trello.board import Board, fetch_board
from backlog_audit.adapters.trello.cards import CardReader, selected_lists
from backlog_audit.adapters.trello.client import TrelloClient, credentials_from
from backlog_audit.adapters.trello.export import read_export
from backlog_audit.adapters.trello.fields import field_infos, plan_fields
from backlog_audit.adapters.trello.selectors import board_handle, check_config
from backlog_audit.model import Backlog

__all__ = ["TrelloSource"]

LOG = logging.getLogger(__name__)


class TrelloSource(BacklogSource):
    """Backlog items from one Trello board (`--trello-board`) or its export (`--input`)."""

    def __init__(
        self, settings: SourceSettings, config: TrelloConfig, credentials: Mapping[str, str]
    ) -> None:
        check_config(config)
        self._settings = settings
        self._config = config
        # Credentials only for the API: an export is read offline, without any.
        self._client = (
            None
            if config.input_path
            else TrelloClient(
                credentials_from(credentials),
                timeout=settings.timeout,
                sleep=settings.sleep,
                answer_within=settings.deadline,
            )
        )

    @property
    def request_counts(self) -> dict[str, int]:
        """Requests made so far per route (`GET /boards/{id}/cards/open`), retries included."""
        return dict(self._client.request_counts) if self._client else {}

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """The open cards of the board's open lists (of the chosen lists, when given)."""
        board = self._board(progress, cards=True)
        settings = self._settings
        plan = plan_fields(
            board.custom_fields,
            settings.okr_field,
            settings.points_field,
            board.name,
            settings.points_map,
        )
        lists = selected_lists(board, self._config.trello_list)
        reader = CardReader(board, plan, settings.status_map)
        bad_points = BadPoints()
        items = reader.items(lists, bad_points)
        if progress and self._client is None:
            progress(len(items), len(items))
        scope = self._scope(board.handle)
        warnings = [*plan.warnings, *bad_points.warnings()]
        if not items:
            warnings.append(f"Trello {scope}: no open cards in scope")
        return Backlog(kind="trello", scope=scope, items=tuple(items), warnings=tuple(warnings))

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The board's custom fields (types, dropdown options) and its labels."""
        board = self._board(None, cards=False)
        return field_infos(board.custom_fields, board.labels, search)

    def _board(self, progress: Progress | None, *, cards: bool) -> Board:
        if self._client is None:
            assert self._config.input_path  # checked by check_config
            return read_export(self._config.input_path)
        handle = board_handle(self._config.trello_board or "")
        try:
            return fetch_board(self._client, handle, progress, cards=cards)
        finally:
            LOG.info("Trello requests: %s", _counts(self._client.request_counts))
            self._client.close()

    def _scope(self, handle: str) -> str:
        """`board=SHORTLINK`, and `lists=Doing,Review` when lists are chosen."""
        lists = self._config.trello_list
        return f"board={handle} lists={','.join(lists)}" if lists else f"board={handle}"


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{route} x{n}" for route, n in sorted(counts.items())) or "none"
