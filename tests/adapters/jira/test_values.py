"""Reading field values: references by field type, ADF, wiki links, sprints, levels."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.jira.values import (
    SprintRef,
    ValueKind,
    choose_sprint,
    flatten_adf,
    issue_level,
    parse_sprints,
    references_from,
    status_category,
    unwiki,
)
from backlog_audit.model import StatusCategory

ADF = {
    "type": "doc",
    "version": 1,
    "content": [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "KR1.1"},
                {"type": "hardBreak"},
                {
                    "type": "text",
                    "text": "KR 2.1",
                    "marks": [{"type": "link", "attrs": {"href": "x"}}],
                },
            ],
        },
        {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": "O1, BAU"}]}
                    ],
                }
            ],
        },
    ],
}

# One KR id split over text nodes with different marks (bold, then italic link), a mention,
# a table cell, an empty paragraph.
ADF_MARKS = {
    "type": "doc",
    "version": 1,
    "content": [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "KR1.", "marks": [{"type": "strong"}]},
                {
                    "type": "text",
                    "text": "2",
                    "marks": [{"type": "em"}, {"type": "link", "attrs": {"href": "https://o/1"}}],
                },
                {"type": "hardBreak"},
                {"type": "mention", "attrs": {"id": "5b10ac8d", "text": "@Ada"}},
                {"type": "text", "text": " on KR2.1"},
            ],
        },
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        {
                            "type": "tableCell",
                            "content": [
                                {
                                    "type": "paragraph",
                                    "content": [{"type": "text", "text": "KR3.1"}],
                                }
                            ],
                        }
                    ],
                }
            ],
        },
        {"type": "paragraph"},
    ],
}

CASES: list[tuple[str, Any, ValueKind, tuple[str, ...]]] = [
    (
        "select",
        {"value": "KR1.2 - Activation, tech leads", "id": "1"},
        ValueKind.OPTION,
        ("KR1.2 - Activation, tech leads",),
    ),
    (
        "multi-select",
        [{"value": "KR1.1"}, {"value": "KR2.1; x"}],
        ValueKind.OPTIONS,
        ("KR1.1", "KR2.1; x"),
    ),
    ("cascading", {"value": "O1", "child": {"value": "KR1.2"}}, ValueKind.CASCADING, ("KR1.2",)),
    ("cascading, no child", {"value": "O1"}, ValueKind.CASCADING, ("O1",)),
    ("text", "KR1.1, KR1.2;KR2.1\nO1", ValueKind.TEXT, ("KR1.1", "KR1.2", "KR2.1", "O1")),
    (
        "wiki link",
        "[KR1.2|https://okr.example/1.2], [O1|https://x]",
        ValueKind.TEXT,
        ("KR1.2", "O1"),
    ),
    ("ADF", ADF, ValueKind.TEXT, ("KR1.1", "KR 2.1", "O1", "BAU")),
    ("labels", ["KR1.1", "okr:KR2.1"], ValueKind.LABELS, ("KR1.1", "okr:KR2.1")),
    (
        "goals",
        [{"id": "g1", "name": "Grow activation"}, {"key": "GOAL-2"}],
        ValueKind.GOALS,
        ("Grow activation", "GOAL-2"),
    ),
    ("cascading, child null", {"value": "O1", "child": None}, ValueKind.CASCADING, ("O1",)),
    (
        "cascading, disabled child",
        {"value": "O1", "id": "1", "child": {"value": "KR1.2", "id": "2", "disabled": True}},
        ValueKind.CASCADING,
        ("KR1.2",),
    ),
    (
        "select, disabled option still names its KR",
        {"self": "https://x/option/5", "value": "KR0.3", "id": "5", "disabled": True},
        ValueKind.OPTION,
        ("KR0.3",),
    ),
    ("multi-select with a null", [None, {"value": "KR1.1"}], ValueKind.OPTIONS, ("KR1.1",)),
    ("labels with blanks", ["KR1.1", "", None], ValueKind.LABELS, ("KR1.1",)),
    ("ADF with nested marks", ADF_MARKS, ValueKind.TEXT, ("KR1.2", "@Ada on KR2.1", "KR3.1")),
    ("empty ADF", {"type": "doc", "version": 1, "content": []}, ValueKind.TEXT, ()),
    (
        "wiki link with a tooltip, a user mention",
        "[KR1.2|https://x/y?a=b|tip] for [~ada]; KR2.1",
        ValueKind.TEXT,
        ("KR1.2 for [~ada]", "KR2.1"),
    ),
    ("blank text", "  \n ", ValueKind.TEXT, ()),
    ("empty select", None, ValueKind.OPTION, ()),
    ("empty text", "", ValueKind.TEXT, ()),
    ("other: a number", 3, ValueKind.OTHER, ()),
]


@pytest.mark.parametrize(
    ("value", "kind", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_references_by_field_type(value: Any, kind: ValueKind, expected: tuple[str, ...]) -> None:
    assert references_from(value, kind) == expected


def test_adf_blocks_and_breaks_become_lines() -> None:
    assert flatten_adf(ADF) == "KR1.1\nKR 2.1\nO1, BAU\n"


def test_wiki_links_read_as_their_text() -> None:
    assert unwiki("see [KR1.2|https://a.b/c?d=e] and [plain]") == "see KR1.2 and [plain]"


def test_data_center_sprint_strings_are_parsed() -> None:
    text = (
        "com.atlassian.greenhopper.service.sprint.Sprint@1bf75fd[id=12,rapidViewId=7,"
        "state=CLOSED,name=Sprint 1, the first,startDate=2026-10-01T09:00:00.000Z,"
        "endDate=<null>,completeDate=<null>,sequence=12]"
    )
    assert parse_sprints([text]) == (
        SprintRef(12, "Sprint 1, the first", "closed", "2026-10-01T09:00:00.000Z"),
    )


def test_cloud_sprint_objects_are_parsed() -> None:
    value = [{"id": 3, "name": "S3", "state": "future", "boardId": 7}]
    assert parse_sprints(value) == (SprintRef(3, "S3", "future", ""),)


CLOSED_1 = SprintRef(1, "S1", "closed", "2026-09-01")
CLOSED_2 = SprintRef(2, "S2", "closed", "2026-09-15")
ACTIVE = SprintRef(3, "S3", "active", "2026-10-01")
FUTURE_LATE = SprintRef(5, "S5", "future", "2026-11-01")
FUTURE_EARLY = SprintRef(4, "S4", "future", "2026-10-15")


@pytest.mark.parametrize(
    ("sprints", "in_scope", "expected"),
    [
        ((CLOSED_1, ACTIVE), frozenset({1}), "S1"),  # the one in scope wins
        ((CLOSED_1, ACTIVE, FUTURE_EARLY), frozenset(), "S3"),  # else the active one
        ((FUTURE_LATE, FUTURE_EARLY, CLOSED_2), frozenset(), "S4"),  # else the earliest future
        ((CLOSED_2, CLOSED_1), frozenset(), "S2"),  # else the latest closed
        ((), frozenset(), None),
    ],
)
def test_the_sprint_an_item_counts_under(
    sprints: tuple[SprintRef, ...], in_scope: frozenset[int], expected: str | None
) -> None:
    assert choose_sprint(sprints, in_scope) == expected


@pytest.mark.parametrize(
    ("issuetype", "level"),
    [
        ({"name": "Story", "hierarchyLevel": 0}, 0),
        ({"name": "Initiative", "hierarchyLevel": 2}, 2),
        ({"name": "Sub-task", "subtask": True}, -1),  # Data Center: no hierarchyLevel
        ({"name": "Epic", "subtask": False}, 1),
        ({"name": "Bug", "subtask": False}, 0),
        (None, None),
    ],
)
def test_hierarchy_levels(issuetype: Any, level: int | None) -> None:
    assert issue_level(issuetype) == level


def test_status_categories() -> None:
    def status(key: str) -> dict[str, Any]:
        return {"name": "x", "statusCategory": {"key": key}}

    assert status_category(status("new")) is StatusCategory.TODO
    assert status_category(status("indeterminate")) is StatusCategory.IN_PROGRESS
    assert status_category(status("done")) is StatusCategory.DONE
    assert status_category(None) is StatusCategory.TODO
