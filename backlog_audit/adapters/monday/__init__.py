"""The monday.com source (`--source monday`): the items of one or more boards, or of one group
of them (SPEC 7, issue 13).

This module stays light (no HTTP client import): it holds the source's own settings; the source
itself is `backlog_audit.adapters.monday.source.MondaySource`, imported only when used.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENVIRONMENT", "MondayConfig"]

# The variables the source reads: the token, and another API URL (a proxy, the tests' fake).
ENVIRONMENT = ("MONDAY_API_TOKEN", "MONDAY_API_URL")


@dataclass(frozen=True)
class MondayConfig:
    """The monday.com selectors: board ids (`--monday-board`, repeatable) and one group title
    (`--monday-group`, often a sprint)."""

    monday_board: tuple[str, ...] = ()
    monday_group: str | None = None
