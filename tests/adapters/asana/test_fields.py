"""Reading the OKR and points custom fields off a task (SPEC 4 splitting rules)."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.adapters.asana.fields import points_value, reference_values, text_values
from backlog_audit.adapters.asana.tasks import task_kind
from backlog_audit.adapters.points import InvalidPoints
from backlog_audit.core.references import own_references

OKR = frozenset({"okr"})


def _task(*values: dict[str, Any]) -> dict[str, Any]:
    return {"gid": "1", "custom_fields": list(values)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"name": "OKR", "resource_subtype": "enum", "enum_value": {"name": "KR1.2, KR1.3"}},
            ("KR1.2, KR1.3",),
        ),
        ({"name": "OKR", "resource_subtype": "enum", "enum_value": None}, ()),
        (
            {
                "name": "OKR",
                "resource_subtype": "multi_enum",
                "multi_enum_values": [{"name": "KR1.1"}, {"name": "O2"}],
            },
            ("KR1.1", "O2"),
        ),
        ({"name": "OKR", "resource_subtype": "multi_enum", "multi_enum_values": []}, ()),
        # free text is handed to the core whole (`text_values`), not split here
        ({"name": "OKR", "resource_subtype": "text", "text_value": "KR1.1; KR2.1"}, ()),
        ({"name": "Notes", "resource_subtype": "text", "text_value": "KR1.1"}, ()),  # another field
        (
            {"name": " okr ", "resource_subtype": "people", "text_value": "KR1.1"},
            (),
        ),  # not a link type
    ],
)
def test_references_by_field_type(value: dict[str, Any], expected: tuple[str, ...]) -> None:
    # select options are never split; free text is split on , ; and newlines
    assert reference_values(_task(value), OKR) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KR1.1; KR2.1\nKR3.1 ,", ("KR1.1; KR2.1\nKR3.1 ,",)),
        (None, ()),
        ("  ", ()),
    ],
)
def test_a_text_field_is_free_text_whole(text: str | None, expected: tuple[str, ...]) -> None:
    # Issue 11, point 5: the core tries it whole (an alias with a comma), then splits it
    task = _task({"name": "OKR", "resource_subtype": "text", "text_value": text})
    assert text_values(task, OKR) == expected
    assert reference_values(task, OKR) == ()


def test_same_named_fields_of_two_projects_are_both_read() -> None:
    task = _task(
        {"name": "OKR", "resource_subtype": "enum", "enum_value": {"name": "KR1.1"}},
        {"name": "okr", "resource_subtype": "text", "text_value": "KR2.1, KR1.1"},
    )

    assert reference_values(task, OKR) == ("KR1.1",)
    assert text_values(task, OKR) == ("KR2.1, KR1.1",)
    assert own_references(("KR1.1",), (), (), text_values(task, OKR)) == ("KR1.1", "KR2.1")


def test_points_from_a_number_field() -> None:
    task = _task({"name": "Story Points", "resource_subtype": "number", "number_value": 5})

    assert points_value(task, frozenset({"story points"})) == 5.0
    assert points_value(task, frozenset({"estimate"})) is None
    assert (
        points_value(_task({"name": "Points", "number_value": None}), frozenset({"points"})) is None
    )


@pytest.mark.parametrize("number", [-1, -0.5, 1e308, 1_000_000_001])
def test_a_number_that_is_no_estimate_is_refused(number: float) -> None:
    task = _task({"name": "Points", "resource_subtype": "number", "number_value": number})
    with pytest.raises(InvalidPoints, match="from 0 to 1,000,000,000"):
        points_value(task, frozenset({"points"}))


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ({"resource_subtype": "default_task"}, ("Task", 0)),
        ({"resource_subtype": "default_task", "parent": {"gid": "9"}}, ("Subtask", -1)),
        ({"resource_subtype": "milestone"}, ("Milestone", 1)),
        ({"resource_subtype": "milestone", "parent": {"gid": "9"}}, ("Milestone", 1)),
        ({"resource_subtype": "approval"}, ("Approval", 0)),
    ],
)
def test_task_kinds_follow_the_scope_rules(task: dict[str, Any], expected: tuple[str, int]) -> None:
    # SPEC 2: tasks without a parent are counted, milestones never
    assert task_kind(task) == expected
