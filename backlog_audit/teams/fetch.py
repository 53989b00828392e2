"""Teams fetched concurrently: at most `jobs` at once, and a budget of requests per site.

Each team's source fetches on its own thread, so one team's retries (sleeping through a
Retry-After) never stall another's. A site (a source kind and its base URL) has at most
`SITE_LIMITS[kind]` requests in flight at once, shared by every team reading it: a team's
source may send several requests together (Jira's bulk fetches, Asana's projects), and each
request, from the team's thread or from one of its source's workers, holds one of the site's
slots while it is on the wire (`adapters.slots.site_budget`). So however many teams read
one Jira or Asana site, it never gets more concurrent requests than its documented limits
allow (docs/portfolio.md); a team alone on its site reads at its full speed. Requests waiting
for a slot are served by kind, then in the teams' config order (`adapters/slots.py`): the
first teams finish early and are audited while the later ones still wait for the site. Reads
every team of a site makes alike are sent once (`adapters/shared.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from backlog_audit.adapters import Progress, plugin
from backlog_audit.adapters.shared import SharedReads
from backlog_audit.adapters.slots import SiteSlots, site_budget
from backlog_audit.errors import BacklogAuditError
from backlog_audit.model import Backlog

# Requests in flight at once per site, from all the teams of one portfolio run together.
# Asana allows 50 concurrent reads per token and Jira Cloud limits by cost per hour, not by
# connections, so 10 is well inside both (two teams' 5 workers each); Trello's 100 requests
# per 10 s per token and monday.com's complexity budget per account are shared by every
# board, so those sites take one or two requests at a time.
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
    """The slots of each (kind, base URL) with a limit in `SITE_LIMITS`, and the reads its
    teams share (`adapters/shared.py`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sites: dict[str, tuple[SiteSlots, SharedReads]] = {}

    def budget(self, kind: str, site: str, team: int) -> AbstractContextManager[Any]:
        """While a team fetches, its requests share the site's slots, waiting ones served
        in the order of the teams' places (`team`: this one's), and the site's shared reads
        (no bound for files)."""
        limit = SITE_LIMITS.get(kind)
        if limit is None:
            return nullcontext()
        with self._lock:
            if site not in self._sites:
                self._sites[site] = (SiteSlots(limit), SharedReads())
            slots, reads = self._sites[site]
        return site_budget(slots, team, reads)


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
            # A team whose thread starts after another failed starts no fetch (cancelling
            # the future is too late once a thread took it).
            if failed.is_set() and not keep_going:
                return _cancelled()
            # Config order: the first team's requests wait least (`adapters/slots.py`).
            with sites.budget(kind, site, index):
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
