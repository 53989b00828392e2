"""Teams fetched concurrently: at most `jobs` at once, and at most a few per source site.

Each team's source fetches on its own thread, so one team's retries (sleeping through a
Retry-After) never stall another's. A site (a source kind and its base URL) takes at most
`SITE_LIMITS[kind]` teams at once, so that several teams on one Jira or Asana site never
send it more concurrent requests than its documented limits allow (docs/portfolio.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from backlog_audit.adapters import Progress, plugin
from backlog_audit.errors import BacklogAuditError
from backlog_audit.model import Backlog

# Teams fetched at once per site. Each source sends one request at a time, so this is the
# site's concurrent requests from one portfolio run. Asana allows 50 concurrent reads per
# token and Jira Cloud limits by cost per hour, not by connections, so 10 is well inside
# both; Trello's 100 requests per 10 s per token and monday.com's complexity budget per
# account are shared by every board, so those sites take one or two teams at a time.
SITE_LIMITS: dict[str, int] = {"jira": 10, "asana": 10, "trello": 2, "monday": 1}

Outcome = Backlog | BacklogAuditError


class Fetches(Protocol):
    """What a team's fetch needs: a source (or a source and its audit, `teams.run`)."""

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """The team's backlog."""


def site_of(kind: str, params: Mapping[str, Any], credentials: Mapping[str, str]) -> str:
    """A team's site: its source kind and base URL (a `*_url` option, else the plugin's
    `*URL` environment variable, else the kind alone: the vendor's default host)."""
    urls = [str(v) for k, v in params.items() if k.endswith("_url") and v]
    urls += [
        credentials[v] for v in plugin(kind).environment if v.endswith("URL") and v in credentials
    ]
    return f"{kind} {urls[0].rstrip('/').casefold()}" if urls else kind


class Sites:
    """One semaphore per (kind, base URL) with a limit in `SITE_LIMITS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def slot(self, kind: str, site: str) -> AbstractContextManager[Any]:
        """Hold one of the site's places while a team fetches (none for files)."""
        limit = SITE_LIMITS.get(kind)
        if limit is None:
            return nullcontext()
        with self._lock:
            semaphore = self._slots.setdefault(site, threading.BoundedSemaphore(limit))
        return semaphore


def fetch_all(
    sources: Sequence[tuple[str, str, Fetches]],
    jobs: int,
    keep_going: bool,
    done: Callable[[int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Fetch every (kind, site, source); each outcome is a Backlog or the error it raised.

    Without `keep_going` the first failure cancels the teams not yet started (those
    fetching finish: a thread cannot be stopped halfway through a request).
    """
    sites = Sites()
    outcomes: list[Outcome | None] = [None] * len(sources)

    failed = threading.Event()

    def one(index: int) -> Outcome:
        kind, site, source = sources[index]
        try:
            with sites.slot(kind, site):
                # Checked once a place is free: a team waiting for one starts no fetch after
                # another failed (cancelling the future is too late once a worker took it).
                if failed.is_set() and not keep_going:
                    return _cancelled()
                return source.fetch(None)
        except BacklogAuditError as exc:
            failed.set()
            return exc

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="team") as pool:
        futures: dict[Future[Outcome], int] = {pool.submit(one, i): i for i in range(len(sources))}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when="FIRST_COMPLETED")
            for future in finished:
                if future.cancelled():
                    continue
                outcomes[futures[future]] = outcome = future.result()
                if done is not None:
                    done(futures[future], outcome)
                if isinstance(outcome, BacklogAuditError) and not keep_going:
                    for other in pending:
                        other.cancel()
    return [o if o is not None else _cancelled() for o in outcomes]


def _cancelled() -> BacklogAuditError:
    return BacklogAuditError("not fetched: another team failed first")
