"""Issue search and its pagination, Cloud and Data Center, in one place.

Cloud pages with `nextPageToken` on `/rest/api/3/search/jql` (the old `/search` answers 410
there); Data Center with `startAt` on `/rest/api/2/search`; the agile board backlog with
`startAt` too. Pages may come back shorter than asked, so offsets advance by what came back.
Every page goes through a `PageGuard` (`adapters/paging.py`): a listing that cannot be proved
complete (an empty page that says more follow, a page of items already sent, a token handed
out twice, more pages than the total allows) is a source error, never a partial audit.
Issues are fetched by id in POSTed batches of at most 100, where ids nobody may see are left
out instead of failing the batch.

In parallel (`adapters/parallel.py`, a few requests in flight): on Cloud a search lists the
ids alone (5,000 a page, one request for most scopes), then fetches them with the audit's
fields in bulk batches of 100, all at once; on Data Center and for a board's backlog
(`--sprint backlog`, Cloud or Data Center), once the first page announced the total, the pages
after it are asked for ahead of need. Either way the pages and items
are taken in the order of the sequential fetch, and the page guard checks them so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from backlog_audit.adapters.interface import Progress
from backlog_audit.adapters.jira.http import JiraHttp
from backlog_audit.adapters.paging import PageGuard
from backlog_audit.adapters.parallel import in_order, prefetching
from backlog_audit.errors import SourceError

__all__ = ["BATCH", "IssueSearch", "SearchResult", "combine_jql"]

LOG = logging.getLogger(__name__)
BATCH = 100  # ids per POSTed batch (bulkfetch's limit)
CLOUD_PAGE = 5000  # Cloud's cap for /search/jql when only ids are asked for
DC_PAGE = 1000  # Data Center's usual cap (jira.search.views.default.max)
AGILE_PAGE = 1000  # the agile API sends fewer per page when its own cap is lower

# ORDER BY outside quotes: added clauses must go before it. A string left open runs to the
# end, so that an "order by" inside it is never taken for the query's ORDER BY (Jira then
# answers 400 about the user's own text, not about a query we mangled).
_ORDER_BY = re.compile(
    r"""("(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$))|\border\s+by\b""", re.IGNORECASE
)


def combine_jql(clause: str, user_jql: str | None) -> str:
    """`clause AND (user's JQL) ORDER BY ...`: the user's ORDER BY stays last."""
    if not user_jql or not user_jql.strip():
        return clause
    body, order = user_jql, ""
    for match in _ORDER_BY.finditer(user_jql):
        if match.group(1) is None:  # not inside a quoted string
            body, order = user_jql[: match.start()], user_jql[match.start() :]
            break
    body = body.strip()
    joined = f"{clause} AND ({body})" if body else clause
    return f"{joined} {order.strip()}".strip()


@dataclass
class SearchResult:
    """Issues as Jira sent them, and the count it announced (None when it gave none).

    `blank` names the issues Jira sent without their fields (`"fields": null`, seen on
    Cloud): they are not in `issues`, as they would become blank items of no type or status.
    """

    issues: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None
    blank: list[str] = field(default_factory=list)


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    return [list(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


def _has_fields(issue: dict[str, Any]) -> bool:
    return isinstance(issue.get("fields"), dict)


def _issues_of(page: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(page, dict) or not isinstance(page.get("issues"), list):
        raise SourceError(f"Jira answered {where} without an issue list")
    return [i for i in page["issues"] if isinstance(i, dict) and "id" in i]


class IssueSearch:
    """Searches of one site, asking only for `fields`, at the largest page size allowed."""

    def __init__(self, http: JiraHttp, cloud: bool, fields: Sequence[str]) -> None:
        self._http = http
        self._cloud = cloud
        self._fields = list(fields)

    def jql(self, jql: str, progress: Progress | None = None) -> SearchResult:
        """Every issue a JQL query finds, in its order."""
        if self._cloud:
            return self._cloud_search(jql, progress)
        path = "/rest/api/2/search"
        pages = self._offset_pages(path, {"jql": jql}, DC_PAGE, post=True, ahead=True)
        return self._collect(pages, progress)

    def board_backlog(
        self, board: int, jql: str | None, progress: Progress | None = None
    ) -> SearchResult:
        """The issues of a board's backlog, optionally narrowed by JQL."""
        params: dict[str, Any] = {"fields": ",".join(self._fields)}
        if jql:
            params["jql"] = jql
        path = f"/rest/agile/1.0/board/{board}/backlog"
        pages = self._offset_pages(path, params, AGILE_PAGE, post=False, ahead=True)
        return self._collect(pages, progress)

    def by_ids(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Issues by id or key, in batches of 100; ones the user may not see are left out,
        and so are ones sent without their fields (the caller names them as missing)."""
        fetch = self._cloud_batch if self._cloud else self._dc_batch
        batches = in_order(fetch, _chunks(ids))
        return [issue for batch in batches for issue in batch if _has_fields(issue)]

    # --- pagination ----------------------------------------------------------------------

    @staticmethod
    def _collect(
        pages: Iterator[tuple[list[dict[str, Any]], int | None]], progress: Progress | None
    ) -> SearchResult:
        result = SearchResult()
        for issues, total in pages:
            result.issues.extend(i for i in issues if _has_fields(i))
            result.blank.extend(str(i.get("key") or i["id"]) for i in issues if not _has_fields(i))
            result.total = total
            if progress is not None:
                progress(len(result.issues), total)
        return result

    def _cloud_search(self, jql: str, progress: Progress | None) -> SearchResult:
        """The ids first (one request a 5,000), then the issues in bulk batches at once,
        put back in the search's order (bulkfetch answers in id order)."""
        ids = list(dict.fromkeys(self._cloud_ids(jql)))  # a page overlapping: each id once
        result = SearchResult(total=len(ids))
        received = 0

        def done(batch: list[dict[str, Any]]) -> None:
            nonlocal received
            received += sum(1 for issue in batch if _has_fields(issue))
            if progress is not None:
                progress(received, len(ids))

        batches = in_order(self._cloud_batch, _chunks(ids), done)
        position = {issue_id: n for n, issue_id in enumerate(ids)}
        issues = sorted(
            (issue for batch in batches for issue in batch),
            key=lambda issue: position.get(str(issue["id"]), len(ids)),
        )
        result.issues = [i for i in issues if _has_fields(i)]
        result.blank = [str(i.get("key") or i["id"]) for i in issues if not _has_fields(i)]
        return result

    def _cloud_ids(self, jql: str) -> Iterator[str]:
        """The ids a Cloud search finds, page by page (5,000 a page: no fields asked)."""
        body: dict[str, Any] = {"jql": jql, "fields": ["id"], "maxResults": CLOUD_PAGE}
        guard = PageGuard("the Jira search")
        while True:
            page = self._http.post("/rest/api/3/search/jql", body)
            issues = _issues_of(page, "a search")
            token = page.get("nextPageToken") or None
            # The token decides, unless isLast says otherwise: a page that omits isLast but
            # carries a token is not the last; `isLast: false` without a token is a page that
            # says more follow and gives no way to them (refused by the guard).
            more = page.get("isLast") is not True and (bool(token) or page.get("isLast") is False)
            guard.page((str(i["id"]) for i in issues), more=more, cursor=token)
            yield from (str(i["id"]) for i in issues)
            if not more:
                return
            body = {**body, "nextPageToken": token}

    def _offset_pages(
        self, path: str, params: dict[str, Any], size: int, *, post: bool, ahead: bool = False
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """The pages of an offset listing, in order. With `ahead`, once the first page told
        the total, the offsets it implies (at the first page's size) are asked for ahead of
        need; the walk below still takes page by page, advancing by what came back, so a
        page shorter than planned only costs a request asked for on the spot."""

        def fetch(start: int) -> Any:
            query = {**params, "startAt": start, "maxResults": size}
            if post:
                return self._http.post(path, {**query, "fields": self._fields})
            return self._http.get(path, query)

        start = 0
        guard = PageGuard(f"the Jira listing {path}")
        get: Callable[[int], Any] = fetch
        with ExitStack() as stack:
            while True:
                page = get(start)
                issues = _issues_of(page, "a search")
                total = page.get("total") if isinstance(page.get("total"), int) else None
                start += len(issues)  # advance by what came back, not by what was asked
                # No explicit "more" here: an empty page ends the listing, and a total it
                # falls short of is the count warning of SPEC 8 (the scope changed).
                more = bool(issues) and not page.get("isLast") and (total is None or start < total)
                guard.page((str(i["id"]) for i in issues), more=more, cursor=start, total=total)
                yield issues, total
                if not more:
                    return
                if ahead and total is not None and get is fetch:
                    plan = range(start, total, len(issues))
                    get = stack.enter_context(prefetching(fetch, plan)).get

    # --- batches by id -------------------------------------------------------------------

    def _cloud_batch(self, ids: list[str]) -> list[dict[str, Any]]:
        """One batch of at most 100 ids, in bulkfetch's (id) order."""
        # Issues nobody may see are simply absent. `issueErrors` lists issues Jira failed to
        # read this time (a retriable error, per the spec): ask for those once more.
        found, failed = self._bulkfetch(ids)
        if failed:
            again, still = self._bulkfetch(failed)
            found += again
            if still:
                LOG.info("jira: bulkfetch could not read %d issue(s) twice", len(still))
        return found

    def _bulkfetch(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
        body = {"issueIdsOrKeys": ids, "fields": self._fields}
        page = self._http.post("/rest/api/3/issue/bulkfetch", body)
        errors = page.get("issueErrors") if isinstance(page, dict) else None
        failed = [
            str(e["id"]) for e in errors or [] if isinstance(e, dict) and e.get("id") is not None
        ]
        return _issues_of(page, "a bulk fetch"), failed

    def _dc_batch(self, ids: list[str]) -> list[dict[str, Any]]:
        # validateQuery=warn: keys the user may not see become warnings, not a 400
        params = {"jql": f"issuekey in ({', '.join(ids)})", "validateQuery": "warn"}
        pages = self._offset_pages("/rest/api/2/search", params, BATCH, post=True)
        return [issue for issues, _ in pages for issue in issues]
