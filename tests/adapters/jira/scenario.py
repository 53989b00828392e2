"""One small team's Jira site, the same in Cloud and Data Center modes, with its OKR set.

Board 7 (Scrum, project APP) has Sprint 41 (closed), Sprint 42 (active), Sprint 43 and 44
(future; 43 starts first) and Sprint 45 (future, not planned yet). Epic APP-1 carries KR1.1 and
is in no sprint; epic APP-2 carries nothing. The expected figures of each scope are worked
out by hand in the tests, from the table below.

    key     type      sprints  parent  OKR field  labels       points  status
    APP-1   Epic      -        -       KR1.1      -            -       To Do
    APP-2   Epic      -        -       -          -            -       To Do
    APP-10  Story     42       APP-1   -          -            5       In Progress
    APP-11  Story     41,42    -       KR1.2      -            3       Done
    APP-12  Bug       42       -       KR9.9      -            2       To Do
    APP-13  Story     42       APP-2   -          -            8       To Do
    APP-14  Task      42       -       BAU        -            1       In Progress
    APP-15  Sub-task  42       APP-10  -          -            1       To Do
    APP-20  Story     43       -       KR2.1      -            5       To Do
    APP-21  Story     43       APP-1   -          -            3       To Do
    APP-22  Story     43       -       -          -            -       To Do
    APP-30  Story     -        -       KR0.3      -            2       To Do
    APP-31  Story     -        -       O1         -            1       To Do
    APP-32  Story     41       APP-1   -          -            5       To Do
    APP-33  Story     -        -       -          okr:KR2.1    2       Done
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from backlog_audit.model import KeyResult, Objective, OkrSet
from tests.adapters.jira.fake_server import FakeBoard, FakeIssue, FakeJira, FakeSprint, custom_field

PUBLIC_FIELDS = Path(__file__).parent / "data" / "public-instances-excerpt.json"


@cache
def public_fields() -> dict[str, list[dict[str, Any]]]:
    """Real `/field` answers of public sites (the excerpt kept in the repo for CI)."""
    return json.loads(PUBLIC_FIELDS.read_text(encoding="utf-8"))


OKR_FIELD = "customfield_10100"
POINTS_FIELD = {"cloud": "customfield_10016", "dc": "customfield_10002"}
NOTES_FIELD = "customfield_10200"

OKRS = OkrSet(
    objectives=(
        Objective(
            id="O1",
            title="Increase the activation rate of technical leaders",
            key_results=(
                KeyResult(id="KR1.1", objective_id="O1", title="Activation from 50% to 70%"),
                KeyResult(id="KR1.2", objective_id="O1", title="Time to first audit under 5 min"),
            ),
        ),
        Objective(
            id="O2",
            title="Make audits trustworthy",
            key_results=(KeyResult(id="KR2.1", objective_id="O2", title="Zero wrong figures"),),
        ),
    ),
    retired=("KR0.3",),
    exempt=("BAU",),
    cycle="2026-Q4",
)

_ROWS: list[tuple[Any, ...]] = [
    # id, key, type, sprints, parent, okr, labels, points, status, category
    ("10001", "APP-1", "Epic", [], None, "KR1.1", [], None, "To Do", "new"),
    ("10002", "APP-2", "Epic", [], None, None, [], None, "To Do", "new"),
    ("10010", "APP-10", "Story", [42], "10001", None, [], 5, "In Progress", "indeterminate"),
    ("10011", "APP-11", "Story", [41, 42], None, "KR1.2", [], 3, "Done", "done"),
    ("10012", "APP-12", "Bug", [42], None, "KR9.9", [], 2, "To Do", "new"),
    ("10013", "APP-13", "Story", [42], "10002", None, [], 8, "To Do", "new"),
    ("10014", "APP-14", "Task", [42], None, "BAU", [], 1, "In Progress", "indeterminate"),
    ("10015", "APP-15", "Sub-task", [42], "10010", None, [], 1, "To Do", "new"),
    ("10020", "APP-20", "Story", [43], None, "KR2.1", [], 5, "To Do", "new"),
    ("10021", "APP-21", "Story", [43], "10001", None, [], 3, "To Do", "new"),
    ("10022", "APP-22", "Story", [43], None, None, [], None, "To Do", "new"),
    ("10030", "APP-30", "Story", [], None, "KR0.3", [], 2, "To Do", "new"),
    ("10031", "APP-31", "Story", [], None, "O1", [], 1, "To Do", "new"),
    ("10032", "APP-32", "Story", [41], "10001", None, [], 5, "To Do", "new"),
    ("10033", "APP-33", "Story", [], None, None, ["okr:KR2.1"], 2, "Done", "done"),
]


def _option(value: str) -> dict[str, Any]:
    oid = str(20000 + len(value))
    return {"self": "https://example/option", "value": value, "id": oid, "disabled": False}


def issues(mode: str) -> list[FakeIssue]:
    """The table above as fake issues (select values in Jira's option shape)."""
    out = []
    for iid, key, kind, sprints, parent, okr, labels, points, status, cat in _ROWS:
        custom: dict[str, Any] = {}
        if okr:
            custom[OKR_FIELD] = _option(okr)
        if points is not None:
            custom[POINTS_FIELD[mode]] = float(points)
        out.append(
            FakeIssue(
                id=iid,
                key=key,
                summary=f"{kind} {key}",
                type=kind,
                status=status,
                category=cat,
                parent=parent,
                labels=list(labels),
                assignee="Ada Lovelace",
                sprints=list(sprints),
                custom=custom,
            )
        )
    return out


def sprints() -> list[FakeSprint]:
    """Board 7's sprints."""
    return [
        FakeSprint(41, "Sprint 41", "closed", 7, "2026-10-26T09:00:00.000Z"),
        FakeSprint(42, "Sprint 42", "active", 7, "2026-11-09T09:00:00.000Z"),
        FakeSprint(44, "Sprint 44", "future", 7, "2026-12-07T09:00:00.000Z"),
        FakeSprint(43, "Sprint 43", "future", 7, "2026-11-23T09:00:00.000Z"),
        FakeSprint(45, "Sprint 45", "future", 7, None),
    ]


def custom_fields(mode: str) -> list[dict[str, Any]]:
    """The OKR select, a text area for notes, and the site's story-point field."""
    points = (
        custom_field(POINTS_FIELD["cloud"], "Story point estimate", "jsw-story-points")
        if mode == "cloud"
        else custom_field(POINTS_FIELD["dc"], "Story Points", "float")
    )
    return [
        custom_field(OKR_FIELD, "OKR", "select"),
        custom_field(NOTES_FIELD, "OKR notes", "textarea"),
        points,
    ]


def site(mode: str) -> FakeJira:
    """A fresh fake site in `mode` ("cloud" or "dc")."""
    return FakeJira(
        mode,
        issues=issues(mode),
        custom_fields=custom_fields(mode),
        sprints=sprints(),
        boards=[
            FakeBoard(7, "APP board", ["APP"], estimation_field=POINTS_FIELD[mode]),
            FakeBoard(8, "APP flow", ["APP"], type="kanban"),
        ],
        options={
            OKR_FIELD: [
                {"id": "20001", "value": "KR1.1", "disabled": False},
                {"id": "20002", "value": "KR0.3", "disabled": True},
            ]
        },
    )
