"""Reading many Asana resources by batch, with each failed or unfinished one read alone.

Parents and subtask listings are read the same way: ten to a batch request; the whole batch
read one by one when the batch endpoint itself is refused (a proxy that lets only GETs
through); an action that met a rate limit or an outage, or a listing with more pages, read
again alone (with retries); one the token may not read (403/404) a warning, not a failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeAlias, TypeVar

from backlog_audit.adapters.asana.client import RETRY_STATUSES, AsanaHttpError

__all__ = ["BatchResult", "read_batched"]

LOG = logging.getLogger(__name__)

T = TypeVar("T")

# One batch answer: the resource, the error its action met, or None (read it alone).
BatchResult: TypeAlias = T | AsanaHttpError | None


def read_batched(
    gids: list[str],
    batch: Callable[[list[str]], Sequence[BatchResult[T]]],
    alone: Callable[[str], T],
    unreadable: Callable[[str, int], str],
    warnings: list[str],
) -> dict[str, T]:
    """What could be read of `gids`, by gid in their order.

    `batch(gids)` answers one result per gid; `alone(gid)` reads one resource by itself;
    `unreadable(gid, status)` is the warning for one the token may not read (403/404). Any
    other error (401, a failure that retries did not cure) propagates: the source fails.
    """
    found: dict[str, T] = {}
    for gid, result in zip(gids, _batch_or_nothing(gids, batch), strict=True):
        if isinstance(result, AsanaHttpError) and result.status not in RETRY_STATUSES:
            _warn_unreadable(gid, result, unreadable, warnings)
        elif result is None or isinstance(result, AsanaHttpError):
            try:
                found[gid] = alone(gid)
            except AsanaHttpError as exc:
                _warn_unreadable(gid, exc, unreadable, warnings)
        else:
            found[gid] = result
    return found


def _batch_or_nothing(
    gids: list[str], batch: Callable[[list[str]], Sequence[BatchResult[T]]]
) -> Sequence[BatchResult[T]]:
    """The batch answers; all None (read each alone) when the batch endpoint is refused."""
    try:
        return batch(gids)
    except AsanaHttpError as exc:
        if exc.status is None or exc.status == 401 or exc.status in RETRY_STATUSES:
            raise
        LOG.info("batch requests refused (HTTP %s): read one by one", exc.status)
        return [None] * len(gids)


def _warn_unreadable(
    gid: str, exc: AsanaHttpError, unreadable: Callable[[str, int], str], warnings: list[str]
) -> None:
    """A 403/404 is a warning (private, or deleted since it was listed); anything else fails."""
    if exc.status not in (403, 404):
        raise exc
    warnings.append(unreadable(gid, exc.status))
