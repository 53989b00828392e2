"""Proving a paged listing complete, or refusing it: one guard for every source's paginator.

A listing is read page by page until the server says it is done. A server that lies, or a
proxy that caches, can make that never happen, or happen too early, and the audit would then
be silently wrong (counting a third of the backlog) or never end (requesting for ever). The
paginator of each source feeds every page to a `PageGuard`, which raises `ListingError`
(exit 3, a source failure) when the listing cannot be proved complete:

- a page without items that says more follow (an `isLast: false`, a next token or offset):
  nothing would ever advance; and a page that says more follow but gives no token to them;
- a page whose items were all sent before (a server that ignores the offset or token, and
  sends the same page again and again);
- a next-page token or offset handed out before;
- more pages than the listing can have: one item at least per page, so never more pages than
  the announced total (plus one), and never more than `MAX_PAGES` in any case.

A total that disagrees with the distinct items received is no proof of anything wrong (the
scope changes while it is read; some items may be hidden): SPEC 8 makes it a warning, which
`count_warning` words.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from backlog_audit.errors import SourceError

__all__ = ["MAX_PAGES", "ListingError", "PageGuard"]

# No real listing of this tool has more pages: 10,000 pages is a million Jira issues at
# Cloud's 100 a page. It bounds a server that makes up new items and tokens for ever.
MAX_PAGES = 10_000


class ListingError(SourceError):
    """A listing that cannot be proved complete: exit 3, never a partial report."""


class PageGuard:
    """Checks the pages of one listing as they come; `what` names it in messages."""

    def __init__(self, what: str, max_pages: int = MAX_PAGES) -> None:
        self.what = what
        self.pages = 0
        self.total: int | None = None
        self._max_pages = max_pages
        self._seen: set[Hashable] = set()
        self._cursors: set[Hashable] = set()

    @property
    def distinct(self) -> int:
        """How many distinct items the pages so far held."""
        return len(self._seen)

    def page(
        self,
        ids: Iterable[Hashable],
        *,
        more: bool,
        cursor: Hashable | None = None,
        total: int | None = None,
    ) -> None:
        """Check one page: its items' ids, whether the server says more follow, the token or
        offset for the next page (required when more follow), and the total it announces."""
        self.pages += 1
        if total is not None:
            self.total = total
        ids = list(ids)
        if self.pages > self._limit():
            self._refuse(f"more than {self._limit()} pages")
        if more and not ids:
            self._refuse(f"page {self.pages} holds no items but says more follow")
        if more and cursor is None:
            self._refuse(f"page {self.pages} says more follow but gives no next-page token")
        new = set(ids) - self._seen
        if ids and not new:
            self._refuse(
                f"page {self.pages} repeats items already received (the server ignores paging?)"
            )
        self._seen |= new
        if more and cursor is not None:
            if cursor in self._cursors:
                self._refuse(f"page {self.pages} hands out a page token given before")
            self._cursors.add(cursor)

    def count_warning(self) -> str | None:
        """The warning when the announced total and the distinct items received disagree."""
        if self.total is None or self.total == self.distinct:
            return None
        return (
            f"{self.what}: the server counted {self.total} but sent {self.distinct}: "
            "the scope changed while it was read, or some are hidden"
        )

    def _limit(self) -> int:
        if self.total is None:
            return self._max_pages
        # One new item a page at least (else refused), so a listing has at most `total`
        # pages of items, and a last page that may be empty.
        return min(self._max_pages, self.total + 1)

    def _refuse(self, why: str) -> None:
        raise ListingError(
            f"{self.what}: {why}; the listing cannot be proved complete, so no report is "
            f"written ({self.distinct} distinct items in {self.pages} pages so far)"
        )
