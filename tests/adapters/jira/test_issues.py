"""Issue JSON to items: which parent an issue names, in Cloud and Data Center shapes."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.jira.fields import LogicalField
from backlog_audit.adapters.jira.issues import ParentRef, ReadPlan, parent_ref, to_item
from backlog_audit.adapters.jira.values import ValueKind
from backlog_audit.adapters.points import BadPoints

EPIC_LINK = LogicalField("Epic Link", ("customfield_10014",), ValueKind.OTHER, "gh-epic-link")
DC_PLAN = ReadPlan(okr=None, points=None, sprint=None, epic_link=EPIC_LINK, label_prefixes=())
CLOUD_PLAN = ReadPlan(okr=None, points=None, sprint=None, epic_link=None, label_prefixes=())


@pytest.mark.parametrize(
    ("fields", "plan", "expected"),
    [
        # Data Center story: no `parent` key at all, the epic named by key in the Epic Link
        ({"customfield_10014": "APP-1"}, DC_PLAN, ParentRef(key="APP-1")),
        # ... or `parent` present but null
        ({"parent": None, "customfield_10014": " APP-1 "}, DC_PLAN, ParentRef(key="APP-1")),
        # Data Center sub-task: `parent` names the story, by id and key; it wins
        (
            {"parent": {"id": "10010", "key": "APP-10"}, "customfield_10014": "APP-1"},
            DC_PLAN,
            ParentRef(id="10010", key="APP-10"),
        ),
        ({"customfield_10014": None}, DC_PLAN, None),
        ({"customfield_10014": ""}, DC_PLAN, None),
        # Cloud: `parent` for every level; an empty parent object names nothing
        ({"parent": {"id": "10001", "key": "APP-1"}}, CLOUD_PLAN, ParentRef("10001", "APP-1")),
        ({"parent": {}}, CLOUD_PLAN, None),
        ({}, CLOUD_PLAN, None),
    ],
)
def test_the_parent_an_issue_names(
    fields: dict[str, Any], plan: ReadPlan, expected: ParentRef | None
) -> None:
    assert parent_ref({"id": "1", "key": "APP-2", "fields": fields}, plan) == expected


def test_a_parent_named_by_key_only_is_fetched_by_key() -> None:
    assert ParentRef(key="APP-1").handle == "APP-1"
    assert ParentRef(id="10001", key="APP-1").handle == "10001"


POINTS = LogicalField("Story Points", ("customfield_10002",), ValueKind.OTHER, "float")


def points_of(
    value: Any, points_map: dict[str, float] | None = None
) -> tuple[float | None, list[str]]:
    """The points `to_item` reads from a Story Points value, and the warnings that makes."""
    plan = ReadPlan(
        okr=None,
        points=POINTS,
        sprint=None,
        epic_link=None,
        label_prefixes=(),
        points_map=points_map or {},
    )
    issue = {"id": "1", "key": "APP-1", "fields": {"customfield_10002": value}}
    bad = BadPoints()
    item = to_item(issue, plan, "https://jira.example.com", frozenset(), bad_points=bad)
    return item.points, bad.warnings()


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (5, 5.0),
        (2.5, 2.5),
        ("3", 3.0),
        (" 8 ", 8.0),
        (0, 0.0),
        (1_152_000, 1_152_000.0),
        (10**9, 1e9),
    ]
    + [(None, None), ("", None)],
)
def test_points_are_finite_numbers_from_0_to_a_billion(value: Any, points: float | None) -> None:
    assert points_of(value) == (points, [])


@pytest.mark.parametrize(
    "value",
    [
        True,
        "nan",
        "inf",
        "-Infinity",
        "lots",
        {"value": "M"},
        -3,
        -0.5,
        1e308,
        1_000_000_001,
        10**400,
    ],
)
def test_points_that_are_no_estimate_are_a_warning_and_unestimated(value: Any) -> None:
    # the same rule as the CSV source (which stops there: a file can be fixed and re-run)
    assert points_of(value) == (
        None,
        [
            f"APP-1: Story Points {value!r} is not a number of points from 0 to 1,000,000,000: "
            "counted as unestimated"
        ],
    )


def test_a_select_estimate_is_read_by_the_one_points_rule() -> None:
    # Issue 11, point 6: a select field's option says what a point is; the number leads, and
    # T-shirt sizes go through the config's [points_map]
    assert points_of({"value": ".5 (30 min)", "id": "10100"}) == (0.5, [])
    assert points_of({"value": "M", "id": "10101"}, {"m": 3.0}) == (3.0, [])


LABELS = LogicalField("Labels", ("labels",), ValueKind.LABELS, "labels")


def test_a_labels_okr_field_leaves_the_labels_to_the_core() -> None:
    # the same rule as the CSV source and the audit (`core.references`)
    plan = ReadPlan(okr=LABELS, points=None, sprint=None, epic_link=None, label_prefixes=("okr:",))
    labels = ["okr:", "okr: ", "OKR:KR1.1", "growth"]
    issue = {"id": "1", "key": "APP-1", "fields": {"labels": labels}}
    item = to_item(issue, plan, "https://jira.example.com", frozenset())
    assert item.references == ()
    assert item.labels == ("okr:", "okr: ", "OKR:KR1.1", "growth")
