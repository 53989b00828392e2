"""`JiraHttp.values`: the one loop over Jira's paged lists (sprints, contexts, options)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from backlog_audit.adapters.jira.http import JiraCredentials, JiraHttp


class ScriptedHttp(JiraHttp):
    """Answers GETs with prepared pages and remembers the parameters it was sent."""

    def __init__(self, pages: list[Any]) -> None:
        super().__init__(JiraCredentials(url="https://jira.example.com", pat="x"), 1.0)
        self.pages: list[Any] = pages
        self.asked: list[dict[str, Any]] = []

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        self.asked.append(dict(params or {}))
        return self.pages[min(len(self.asked), len(self.pages)) - 1]


def page(*ids: int, **extra: Any) -> dict[str, Any]:
    return {"values": [{"id": i} for i in ids], **extra}


@pytest.mark.parametrize(
    ("pages", "ids", "starts"),
    [
        # short pages: advance by what came back, until isLast
        ([page(1, 2), page(3, 4), page(5, isLast=True)], [1, 2, 3, 4, 5], [0, 2, 4]),
        # no isLast, but a total
        ([page(1, 2, total=3), page(3, total=3)], [1, 2, 3], [0, 2]),
        # neither: an empty page ends it
        ([page(1), page()], [1], [0, 1]),
        # a server that ignores startAt sends the same page again: stop, do not loop
        ([page(1, 2), page(1, 2)], [1, 2], [0, 2]),
        # not a page at all
        (["oops"], [], [0]),
    ],
    ids=["isLast", "total", "empty page", "startAt ignored", "not a page"],
)
def test_paged_lists_are_read_to_the_end_and_no_further(
    pages: list[Any], ids: list[int], starts: list[int]
) -> None:
    http = ScriptedHttp(pages)
    warnings: list[str] = []
    assert [v["id"] for v in http.values("/x", warnings, {"state": "active"}, 1000)] == ids
    assert [a["startAt"] for a in http.asked] == starts
    assert all(a["maxResults"] == 1000 and a["state"] == "active" for a in http.asked)


@pytest.mark.parametrize(
    ("pages", "warned"),
    [
        (
            [page(1, 2), page(1, 2)],
            [
                "Jira sent the same entries again for startAt=2 of /x (startAt ignored?):"
                " the list stops at 2 entries"
            ],
        ),
        ([page(1, 2), page(3, isLast=True)], []),
    ],
    ids=["startAt ignored", "two pages"],
)
def test_a_server_that_ignores_start_at_is_warned_about(
    pages: list[Any], warned: list[str]
) -> None:
    # the list read so far may be incomplete: say so (in the source's warnings, which reach
    # stderr and the reports) rather than stop silently
    warnings: list[str] = []
    list(ScriptedHttp(pages).values("/x", warnings))
    assert warnings == warned
