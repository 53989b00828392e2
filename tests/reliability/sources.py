"""The sources the fault matrix runs through: one `MatrixSource` entry each.

An entry says how to serve the source's fake with a backlog of several pages, the CLI flags
and environment of an audit against it, where its paged item listing is (the faults are put
on it), the variable holding its secret, and the paging lies its API can tell, as fault
rules with what the tool must do about each. Adding a source to the matrix (Trello,
monday.com) is one more entry in `SOURCES`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, build_workspace
from tests.adapters.faults import Faults, Rule, drop_param, fresh_tokens
from tests.adapters.jira import scenario
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJiraServer
from tests.adapters.monday.account import GROWTH as MONDAY_BOARD
from tests.adapters.monday.account import TOKEN as MONDAY_TOKEN
from tests.adapters.monday.account import build_account
from tests.adapters.monday.fake_server import SCHEMA_PATH, FakeMonday
from tests.adapters.trello.boards import GROWTH, all_boards
from tests.adapters.trello.boards import KEY as TRELLO_KEY
from tests.adapters.trello.boards import TOKEN as TRELLO_TOKEN
from tests.adapters.trello.fake_server import FakeTrello

Json = Any
REFUSED = "the listing cannot be proved complete"


@dataclass(frozen=True)
class Served:
    """A running fake, and how an audit reaches it."""

    rules: Faults
    args: tuple[str, ...]
    env: dict[str, str]
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Expect:
    """What the tool must do: exit `code`, saying `fragment` (an error line for 2 and 3, a
    warning line for 0)."""

    code: int
    fragment: str


@dataclass(frozen=True)
class Lie:
    """A way a server can page wrongly: the rules that make the fake do it, and the answer."""

    rules: Callable[[Mapping[str, Any]], list[Rule]]  # the listing's match -> rules
    expect: Expect


@dataclass(frozen=True)
class MatrixSource:
    """One source, as the fault matrix needs it."""

    name: str
    serve: Callable[[], AbstractContextManager[Served]]
    listing: Mapping[str, Any]  # the Rule fields that match its paged listing of items
    secret_variable: str
    lies: Mapping[str, Lie] = field(default_factory=dict)
    # the retry waits without a server's hint (the one policy's backoff, as the source tunes it)
    backoff: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)


# --- Jira (Cloud and Data Center) ------------------------------------------------------------


def _jira(mode: str) -> Callable[[], AbstractContextManager[Served]]:
    @contextmanager
    def serve() -> Iterator[Served]:
        site = scenario.site(mode)
        # 12 issues in 4 pages (Cloud: the id listing; its issues then come in bulk fetches)
        site.cloud_ids_cap = site.dc_cap = 3
        with FakeJiraServer(site) as server:
            try:
                args = ("--source", "jira", "--jql", "project = APP")
                basic = base64.b64encode(f"{site.email}:{site.token}".encode()).decode()
                secrets = (site.token, site.pat, basic)
                yield Served(site.rules, args, env_for(site, server.url), secrets)
            finally:
                site.rules.release()

    return serve


def _cloud_empty_page(page: Json) -> Json:
    # {"issues": [], "isLast": false} and no token: the listing would end at 3 of 12
    return {"issues": [], "isLast": False}


def _cloud_fresh_empty_pages() -> Callable[[Json], Json]:
    tokens = fresh_tokens()
    return lambda page: {"issues": [], "isLast": False, "nextPageToken": next(tokens)}


def _first_without_fields(page: Json) -> Json:
    first, *rest = page["issues"]
    return {**page, "issues": [{**first, "fields": None}, *rest]}


def _more_than_sent(page: Json) -> Json:
    return {**page, "total": page["total"] + 5}


JIRA_CLOUD = MatrixSource(
    name="jira-cloud",
    serve=_jira("cloud"),
    listing={"path": "/search/jql"},
    secret_variable="JIRA_API_TOKEN",
    lies={
        "an empty page that is not the last": Lie(
            lambda m: [Rule(**m, skip=1, transform=_cloud_empty_page)],
            Expect(3, "page 2 holds no items but says more follow"),
        ),
        "the first page again for every token": Lie(
            lambda m: [Rule(**m, skip=1, times=None, request=drop_param("nextPageToken"))],
            Expect(3, "page 2 repeats items already received"),
        ),
        "an issue with null fields": Lie(
            # the listing sends ids alone: the fields come from the bulk fetch
            lambda m: [Rule(path="/issue/bulkfetch", transform=_first_without_fields)],
            Expect(0, "Jira sent 1 issue(s) without their fields, left out of the audit: APP-"),
        ),
        "fresh tokens for ever, empty pages": Lie(
            lambda m: [Rule(**m, skip=1, times=None, transform=_cloud_fresh_empty_pages())],
            Expect(3, "page 2 holds no items but says more follow"),
        ),
    },
)

JIRA_DC = MatrixSource(
    name="jira-dc",
    serve=_jira("dc"),
    listing={"path": "/rest/api/2/search"},
    secret_variable="JIRA_PAT",
    lies={
        "the first page again for every startAt": Lie(
            lambda m: [Rule(**m, skip=1, times=None, request=drop_param("startAt"))],
            Expect(3, "page 2 repeats items already received"),
        ),
        "a total above what is sent": Lie(
            lambda m: [Rule(**m, times=None, transform=_more_than_sent)],
            Expect(0, "Jira counted 20 issues but sent 15"),
        ),
    },
)


# --- Asana -----------------------------------------------------------------------------------


@contextmanager
def _asana() -> Iterator[Served]:
    fake = FakeAsana(build_workspace(), token=TOKEN)
    fake.task_page_cap = 2  # 8 tasks in 4 pages
    try:
        args = ("--source", "asana", "--asana-project", "2001")
        env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}
        yield Served(fake.rules, args, env, (TOKEN,))
    finally:
        fake.rules.release()
        fake.close()


def _asana_empty_page(page: Json) -> Json:
    return {**page, "data": []}


def _asana_fresh_offsets() -> Callable[[Json], Json]:
    tokens = fresh_tokens()

    def lie(page: Json) -> Json:
        token = next(tokens)
        return {**page, "next_page": {"offset": token, "path": "/x", "uri": "https://x"}}

    return lie


ASANA = MatrixSource(
    name="asana",
    serve=_asana,
    listing={"path": "/projects/2001/tasks"},
    secret_variable="ASANA_ACCESS_TOKEN",
    lies={
        "an empty page with a next offset": Lie(
            lambda m: [Rule(**m, skip=1, transform=_asana_empty_page)],
            Expect(3, "page 2 holds no items but says more follow"),
        ),
        "the first page again for every offset": Lie(
            lambda m: [Rule(**m, skip=1, times=None, request=drop_param("offset"))],
            Expect(3, "page 2 repeats items already received"),
        ),
        "the same items with fresh offsets for ever": Lie(
            lambda m: [
                Rule(
                    **m,
                    times=None,
                    request=drop_param("offset"),
                    transform=_asana_fresh_offsets(),
                )
            ],
            Expect(3, "page 2 repeats items already received"),
        ),
    },
)

# --- Trello ----------------------------------------------------------------------------------


@contextmanager
def _trello() -> Iterator[Served]:
    fake = FakeTrello(all_boards(), key=TRELLO_KEY, token=TRELLO_TOKEN)
    try:
        args = ("--source", "trello", "--trello-board", GROWTH)
        env = {"TRELLO_API_KEY": TRELLO_KEY, "TRELLO_TOKEN": TRELLO_TOKEN}
        yield Served(
            fake.rules, args, {**env, "TRELLO_BASE_URL": fake.base_url}, tuple(env.values())
        )
    finally:
        fake.rules.release()
        fake.close()


# Its paging lies need a board of 1,000 cards a page (a full page means more): the Big
# board's audits take seconds each, so the matrix leaves them to the Trello tests.
TRELLO = MatrixSource(
    name="trello",
    serve=_trello,
    listing={"path": "/cards/open"},
    secret_variable="TRELLO_TOKEN",
    backoff=(2.5, 5.0, 10.0, 10.0),  # Trello's 10 s rate window
)


# --- monday.com ------------------------------------------------------------------------------


@contextmanager
def _monday() -> Iterator[Served]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"monday.com's schema is not at {SCHEMA_PATH} (set MONDAY_SCHEMA)")
    fake = FakeMonday(build_account(), token=MONDAY_TOKEN)
    fake.page_cap = 2  # the board's items in several pages
    try:
        args = ("--source", "monday", "--monday-board", MONDAY_BOARD)
        env = {"MONDAY_API_TOKEN": MONDAY_TOKEN, "MONDAY_API_URL": fake.url}
        yield Served(fake.rules, args, env, (MONDAY_TOKEN,))
    finally:
        fake.rules.release()
        fake.close()


_NEXT_ITEMS = {"path": "/v2", "body_contains": b"query NextItems("}


def _monday_empty_page(answer: Json) -> Json:
    return {"data": {"next_items_page": {"cursor": "fresh-0", "items": []}}}


def _monday_first_page_for_ever() -> list[Rule]:
    """Every next page is the first page again, with a cursor never seen before."""
    first: list[Json] = []
    tokens = fresh_tokens()

    def remember(answer: Json) -> Json:
        first[:] = answer["data"]["boards"][0]["items_page"]["items"]
        return answer

    def again(answer: Json) -> Json:
        return {"data": {"next_items_page": {"cursor": next(tokens), "items": first}}}

    first_page = {"path": "/v2", "body_contains": b"query Items("}
    return [
        Rule(**first_page, transform=remember),
        Rule(**_NEXT_ITEMS, times=None, transform=again),
    ]


MONDAY = MatrixSource(
    name="monday",
    serve=_monday,
    # one GraphQL endpoint: the items queries (the first page's and the next ones) by name
    listing={"path": "/v2", "body_contains": b"Items("},
    secret_variable="MONDAY_API_TOKEN",
    lies={
        "an empty page with a cursor": Lie(
            lambda m: [Rule(**_NEXT_ITEMS, transform=_monday_empty_page)],
            Expect(3, "page 2 holds no items but says more follow"),
        ),
        "the first page again with fresh cursors for ever": Lie(
            lambda m: _monday_first_page_for_ever(),
            Expect(3, "page 2 repeats items already received"),
        ),
    },
)

# Every source of the matrix: a new source joins with one entry.
SOURCES = (JIRA_CLOUD, JIRA_DC, ASANA, TRELLO, MONDAY)
