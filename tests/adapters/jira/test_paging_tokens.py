"""Cloud search pages follow nextPageToken; isLast alone never ends a search early."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.jira.search import IssueSearch
from backlog_audit.errors import SourceError


class ScriptedHttp:
    """Answers the search with prepared pages of ids, remembering the bodies it was sent,
    and bulk fetches with the issues of those pages."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.bodies: list[dict[str, Any]] = []

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if path.endswith("/bulkfetch"):  # the listed ids' fields (none asked for here)
            everything = {i["id"]: i for page in self.pages for i in page["issues"]}
            wanted = [everything[ref] for ref in body["issueIdsOrKeys"]]
            return {"issues": [{"fields": {}, **issue} for issue in wanted], "issueErrors": []}
        self.bodies.append(body)
        return self.pages[len(self.bodies) - 1]


def search(pages: list[dict[str, Any]]) -> tuple[list[str], ScriptedHttp]:
    http = ScriptedHttp(pages)
    found = IssueSearch(http, cloud=True, fields=["summary"]).jql("project = APP")  # type: ignore[arg-type]
    return [issue["key"] for issue in found.issues], http


def test_a_page_without_is_last_but_with_a_token_is_followed() -> None:
    keys, http = search([
        {"issues": [{"id": "1", "key": "A-1"}], "nextPageToken": "t1"},
        {"issues": [{"id": "2", "key": "A-2"}], "isLast": True},
    ])  # fmt: skip
    assert keys == ["A-1", "A-2"]
    assert http.bodies[1]["nextPageToken"] == "t1"


def test_the_last_page_has_no_token() -> None:
    keys, http = search([{"issues": [{"id": "1", "key": "A-1"}]}])
    assert keys == ["A-1"] and len(http.bodies) == 1


def test_a_repeated_token_is_refused() -> None:
    page = {"issues": [{"id": "1", "key": "A-1"}], "nextPageToken": "same", "isLast": False}
    with pytest.raises(SourceError, match="page 2 repeats items already received"):
        search([page, page, page])


def test_a_token_handed_out_twice_is_refused_even_with_new_items() -> None:
    pages = [
        {"issues": [{"id": str(n), "key": f"A-{n}"}], "nextPageToken": "same", "isLast": False}
        for n in (1, 2, 3)
    ]
    with pytest.raises(SourceError, match="page 2 hands out a page token given before"):
        search(pages)


@pytest.mark.parametrize(
    "page",
    [
        {"issues": [], "isLast": False},  # issue 14: ended the listing at 8 of 27 items
        {"issues": [{"id": "2", "key": "A-2"}], "isLast": False},
        {"issues": [], "isLast": False, "nextPageToken": "t2"},
    ],
)
def test_a_page_that_is_not_the_last_must_lead_somewhere(page: dict[str, object]) -> None:
    first = {"issues": [{"id": "1", "key": "A-1"}], "nextPageToken": "t1", "isLast": False}
    with pytest.raises(SourceError, match="the listing cannot be proved complete"):
        search([first, page, {"issues": [], "isLast": True}])
