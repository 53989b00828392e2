"""The fake Asana server answers as Asana's OpenAPI spec says, so tests against it mean something.

Every request the adapter makes in the audits of `test_audit.py` is replayed and both
request and response are validated with openapi-core against Asana's spec (the cached subset of
`oas.py`). The spec declares list endpoints as returning compact records, which says
nothing about the fields asked for with `opt_fields`; those records are also validated against
the full resource schemas (TaskResponse, GoalResponse, ...).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30ReadValidator

from backlog_audit.adapters.asana.goals import load_goal_okrs
from tests.adapters.asana import oas as asana_oas
from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, source_for

pytestmark = [
    pytest.mark.filterwarnings("ignore:Use of allowEmptyValue:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning"),
]

# Which full schema each listing's records follow, by the last static part of the path.
_RECORD_SCHEMAS = {
    "tasks": "TaskResponse",
    "subtasks": "TaskResponse",
    "sections": "SectionResponse",
    "custom_field_settings": "CustomFieldSettingResponse",
    "goals": "GoalResponse",
    "goal_relationships": "GoalRelationshipResponse",
    "projects": "ProjectResponse",
    "time_periods": "TimePeriodResponse",
    "items": "ProjectCompact",  # a portfolio's items: projects, and portfolios nested in it
}


def _nullable_refs(node: Any) -> Any:
    """Asana writes "X or null" as `allOf: [X, {nullable: true}]`, which JSON Schema reads as
    never null (X alone refuses null); rewrite it as `anyOf: [X, null]`, the spec's intent."""
    if isinstance(node, list):
        return [_nullable_refs(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable_refs(v) for k, v in node.items()}
    parts = node.get("allOf")
    if isinstance(parts, list) and any(isinstance(p, dict) and p.get("nullable") for p in parts):
        rest = {k: v for k, v in node.items() if k != "allOf"}
        null = {"type": "object", "nullable": True, "enum": [None]}
        return {**rest, "anyOf": [{"allOf": parts}, null]}
    return node


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The cached part of Asana's spec, nullable references read as meant."""
    return _nullable_refs(asana_oas.load_subset())  # type: ignore[no-any-return]


@pytest.mark.skipif(not asana_oas.FULL_SPEC.exists(), reason="the full Asana spec is not here")
def test_cached_spec_is_a_faithful_cut_of_the_full_spec() -> None:
    fresh = asana_oas.cut(asana_oas.load_full())

    assert asana_oas.dump(fresh) == asana_oas.SUBSET.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def openapi(spec: dict[str, Any]) -> OpenAPI:
    # The spec itself is Asana's; checking it is not this test's job (and takes minutes).
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def _get(
    fake: FakeAsana, path_and_query: str, token: str = TOKEN
) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(
        fake.base_url + path_and_query, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read(), dict(answer.headers.items())
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers.items())


def _post(fake: FakeAsana, path: str, data: bytes) -> tuple[int, bytes, dict[str, str]]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    request = urllib.request.Request(fake.base_url + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.status, answer.read(), dict(answer.headers.items())


def _validate(
    openapi: OpenAPI, fake: FakeAsana, path: str, query: dict[str, str], data: bytes | None = None
) -> dict[str, Any]:
    """Send a GET (or, with `data`, a POST) and validate request and answer against the spec."""
    target = path + ("?" + urllib.parse.urlencode(query) if query else "")
    status, body, headers = _get(fake, target) if data is None else _post(fake, target, data)
    method = "get" if data is None else "post"
    request = MockRequest(
        "https://app.asana.com",
        method,
        "/api/1.0" + path,
        args=query,
        data=data,
        content_type="application/json",
    )
    response = MockResponse(body, status_code=status, content_type=headers["Content-Type"])
    openapi.validate_request(request)
    openapi.validate_response(request, response)
    return json.loads(body)  # type: ignore[no-any-return]


def _schema_validator(spec: dict[str, Any], name: str) -> OAS30ReadValidator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return OAS30ReadValidator(schema)


def _record_schema(path: str) -> str:
    static = [part for part in path.split("/") if part and not part.isdigit()]
    return _RECORD_SCHEMAS[static[-1]]


def _run_every_audit(fake: FakeAsana) -> None:
    goals = "asana-goals:1000:6001"
    source_for(fake.base_url).fetch()
    source_for(fake.base_url, asana_section="Sprint 12").fetch()
    source_for(fake.base_url, asana_project=("2003",)).fetch()
    load_goal_okrs(goals, {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url})
    source_for(fake.base_url, okrs=goals).fetch()
    source_for(fake.base_url, asana_project=("2003",), okrs=goals).fetch()
    _audit_with_subtasks(fake)


def _audit_with_subtasks(fake: FakeAsana) -> None:
    """An audit that counts subtasks, with one that is in no project (read through its
    parent's subtask listing, in a batch)."""
    fake.data.add_task("4101", "Draft checklist", parent="4001", values={"503": 1})
    source_for(fake.base_url, include_types=frozenset({"subtask"})).fetch()


def test_every_answer_the_adapter_reads_follows_the_spec(
    fake: FakeAsana, openapi: OpenAPI, spec: dict[str, Any]
) -> None:
    _run_every_audit(fake)
    # Batch actions are replayed as the GETs they stand for; the batches themselves below.
    asked = {(r.path, tuple(sorted(r.query.items()))) for r in fake.requests if r.method == "GET"}
    assert len(asked) >= 15
    assert any(r.batch for r in fake.requests)
    assert "/tasks/4001/subtasks" in {path for path, _ in asked}

    for path, query in sorted(asked):
        payload = _validate(openapi, fake, path, dict(query))
        data = payload["data"]
        validator = _schema_validator(spec, _record_schema(path))
        for record in data if isinstance(data, list) else [data]:
            validator.validate(record)


def test_batches_of_parent_tasks_follow_the_spec(
    fake: FakeAsana, openapi: OpenAPI, spec: dict[str, Any]
) -> None:
    source_for(fake.base_url).fetch()  # 4007's parent 4009 is not listed: read in a batch
    batches = [r.body for r in fake.requests if (r.method, r.path) == ("POST", "/batch")]
    assert batches

    task = _schema_validator(spec, "TaskResponse")
    for sent in batches:
        answers = _validate(openapi, fake, "/batch", {}, data=sent)["data"]
        assert [a["status_code"] for a in answers] == [200] * len(answers)
        for answer in answers:
            task.validate(answer["body"]["data"])


def test_batches_of_subtask_listings_follow_the_spec(
    fake: FakeAsana, openapi: OpenAPI, spec: dict[str, Any]
) -> None:
    _audit_with_subtasks(fake)
    batches = [r.body for r in fake.requests if (r.method, r.path) == ("POST", "/batch")]
    listings = [b for b in batches if b"/subtasks" in b]
    assert listings

    task = _schema_validator(spec, "TaskResponse")
    subtasks = []
    for sent in listings:
        answers = _validate(openapi, fake, "/batch", {}, data=sent)["data"]
        assert [a["status_code"] for a in answers] == [200] * len(answers)
        for answer in answers:
            for record in answer["body"]["data"]:
                task.validate(record)
                subtasks.append(record["gid"])
    assert subtasks == ["4101"]


def test_compact_records_without_opt_fields(fake: FakeAsana, openapi: OpenAPI) -> None:
    payload = _validate(openapi, fake, "/projects/2001/tasks", {"limit": "2"})

    assert payload["data"] == [
        {
            "gid": "4001",
            "resource_type": "task",
            "name": "Onboarding checklist",
            "resource_subtype": "default_task",
        },
        {
            "gid": "4002",
            "resource_type": "task",
            "name": "Invite flow",
            "resource_subtype": "default_task",
        },
    ]
    assert set(payload["next_page"]) == {"offset", "path", "uri"}


def test_opt_fields_select_nested_fields(fake: FakeAsana, openapi: OpenAPI) -> None:
    query = {"opt_fields": "name,assignee.name,memberships.section.name,custom_fields.number_value"}
    payload = _validate(openapi, fake, "/tasks/4001", query)

    assert payload["data"] == {
        "gid": "4001",
        "name": "Onboarding checklist",
        "assignee": {"gid": payload["data"]["assignee"]["gid"], "name": "Ana"},
        "memberships": [{"section": {"gid": "3011", "name": "Sprint 12"}}],
        "custom_fields": [{"gid": "501"}, {"gid": "503", "number_value": 3}],  # 501 is an enum
    }


def test_offsets_page_through_everything_once(fake: FakeAsana, openapi: OpenAPI) -> None:
    gids: list[str] = []
    query = {"limit": "3"}
    while True:
        payload = _validate(openapi, fake, "/projects/2001/tasks", query)
        gids.extend(t["gid"] for t in payload["data"])
        if payload["next_page"] is None:
            break
        query = {"limit": "3", "offset": payload["next_page"]["offset"]}

    assert gids == [
        "4001",
        "4002",
        "4003",
        "4004",
        "4005",
        "4006",
        "4009",
        "4007",
        "4008",
        "4010",
        "4011",
        "4023",
    ]


@pytest.mark.parametrize(
    ("path", "token", "status", "message"),
    [
        ("/projects/2001", "wrong", 401, "Not Authorized"),
        ("/projects/999", TOKEN, 404, "project: Not a recognized ID: 999"),
        ("/projects/2001/tasks?limit=101", TOKEN, 400, "limit: Must be between 1 and 100"),
        (
            "/projects/2001/tasks?limit=5&offset=bogus",
            TOKEN,
            400,
            "offset: Your pagination token is invalid.",
        ),
    ],
)
def test_errors_have_asanas_body(
    fake: FakeAsana, spec: dict[str, Any], path: str, token: str, status: int, message: str
) -> None:
    answer_status, body, _ = _get(fake, path, token)

    assert answer_status == status
    payload = json.loads(body)
    _schema_validator(spec, "ErrorResponse").validate(payload)
    assert payload["errors"][0]["message"] == message


def test_injected_faults_answer_once_each(fake: FakeAsana, spec: dict[str, Any]) -> None:
    fake.inject(429, retry_after="30", path="/tasks")
    fake.inject(500, path="/tasks")

    first, second, third = (_get(fake, "/tasks/4001") for _ in range(3))

    assert (first[0], first[2]["Retry-After"]) == (429, "30")
    assert second[0] == 500
    assert json.loads(second[1])["errors"][0]["phrase"]
    _schema_validator(spec, "ErrorResponse").validate(json.loads(first[1]))
    assert third[0] == 200
    assert fake.paths() == ["/tasks/4001"] * 3
