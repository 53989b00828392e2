"""Portfolios supporting a goal: the projects they stand for, nested portfolios followed.

Each portfolio is listed once (`GET /portfolios/GID/items`), however many goals it supports
or portfolios it sits in; one the token may not read is a warning, not a failure.
"""

from __future__ import annotations

from typing import Any

from backlog_audit.adapters.asana.client import AsanaClient, AsanaHttpError

__all__ = ["PortfolioWalk"]

Json = dict[str, Any]


class PortfolioWalk:
    """Projects of portfolios, nested portfolios followed, each portfolio listed once."""

    def __init__(self, client: AsanaClient) -> None:
        self.client = client
        self.items: dict[str, list[Json] | None] = {}  # None: could not be read
        self.warnings: list[str] = []

    def projects(self, portfolio: str) -> tuple[str, ...]:
        """The project gids in `portfolio` and in the portfolios nested in it."""
        found: list[str] = []
        pending, seen = [portfolio], {portfolio}
        while pending:
            for item in self._items(pending.pop(0)) or ():
                gid, kind = str(item["gid"]), item.get("resource_type")
                if kind == "project":
                    found.append(gid)
                elif kind == "portfolio" and gid not in seen:  # a cycle is walked once
                    seen.add(gid)
                    pending.append(gid)
        return tuple(dict.fromkeys(found))

    def _items(self, gid: str) -> list[Json] | None:
        if gid not in self.items:
            self.items[gid] = self._read(gid)
        return self.items[gid]

    def _read(self, gid: str) -> list[Json] | None:
        client = self.client
        try:
            return client.records(
                f"items of portfolio {gid}",
                lambda opts: client.portfolios.get_items_for_portfolio(
                    gid, opts, **client.request_options
                ),
                # No opt_fields: the compact items (gid, resource_type, name) are all the walk
                # reads, and resource_type is not among the fields this endpoint takes.
                {},
            )
        except AsanaHttpError as exc:
            if exc.status not in (402, 403, 404):
                raise
            # Portfolios need a paid plan and their own access: the rest of the audit stands.
            self.warnings.append(
                f"portfolio {gid} could not be read (HTTP {exc.status}): the tasks of its "
                "projects get no link to the goals it supports"
            )
            return None
