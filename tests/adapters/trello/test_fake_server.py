"""The fake Trello server answers as Atlassian's OpenAPI description of Trello says, so that
tests against it mean something.

Every request the source makes in the audits and field listings below is sent again and both
request and answer are validated with openapi-core against `trello-openapi.json`; the records
in the answers are also validated against the spec's schemas (`Board`, `TrelloList`, `Label`,
`Member`, `CustomField`, `Card`, `CustomFieldItems`), since most routes declare only
"200 Success". Where the spec is silent the fake follows Atlassian's guides (see
`fake_server.py`); in the copy of the spec used here:

- the `Authorization: OAuth ...` header is added as a security scheme beside the `key` and
  `token` query parameters (the spec names only those; the guides describe the header);
- a board named by its short link is validated as the same request by its id (the spec types
  `{id}` as a 24-digit id; the guides' examples use short links).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS30ReadValidator

from tests.adapters.trello.boards import (
    BIG,
    KEY,
    MOBILE,
    PLATFORM,
    TOKEN,
    source_for,
)
from tests.adapters.trello.fake_server import RATE_LIMIT_BODY, FakeTrello

SPEC = Path(
    os.environ.get(
        "TRELLO_SPEC",
        Path(__file__).resolve().parents[4] / "shared" / "specs" / "trello-openapi.json",
    )
)

pytestmark = pytest.mark.skipif(not SPEC.exists(), reason=f"the Trello spec is not at {SPEC}")

# The schema of each kind of record, by the last static part of the path.
_RECORDS = {
    "lists": "TrelloList",
    "labels": "Label",
    "members": "Member",
    "customFields": "CustomField",
    "open": "Card",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """Trello's spec, with the header authentication the guides describe."""
    loaded: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    loaded["components"]["securitySchemes"]["OAuthHeader"] = {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    loaded["security"] = [*loaded["security"], {"OAuthHeader": []}]
    return loaded


@pytest.fixture()
def openapi(spec: dict[str, Any], fake: FakeTrello) -> OpenAPI:
    served = {**spec, "servers": [{"url": fake.base_url}]}
    # The spec is Atlassian's; checking it is not this test's job.
    return OpenAPI.from_dict(served, config=Config(spec_validator_cls=None))


@pytest.fixture()
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = f'OAuth oauth_consumer_key="{KEY}", oauth_token="{TOKEN}"'
    yield session
    session.close()


def _record_validator(spec: dict[str, Any], name: str) -> OAS30ReadValidator:
    return OAS30ReadValidator({"$ref": f"#/components/schemas/{name}", **spec})


def _run_every_read(fake: FakeTrello) -> None:
    source_for(fake.base_url).fetch()
    source_for(fake.base_url, lists=("Doing",)).fetch()
    source_for(fake.base_url, PLATFORM).fetch()
    source_for(fake.base_url, MOBILE).fetch()
    source_for(fake.base_url, BIG).fetch()
    source_for(fake.base_url).fields()


def _by_id(fake: FakeTrello, target: str) -> str:
    for board in fake.boards:
        target = target.replace(f"/boards/{board.short_link}", f"/boards/{board.id}")
    return target


def test_every_request_and_answer_matches_the_spec(
    fake: FakeTrello, openapi: OpenAPI, spec: dict[str, Any], http: requests.Session
) -> None:
    _run_every_read(fake)
    targets = list(dict.fromkeys(_by_id(fake, r.target) for r in fake.requests))
    origin = fake.base_url.removesuffix("/1")
    records = 0

    for target in targets:
        answer = http.get(origin + target, timeout=5)
        assert answer.status_code == 200, target
        openapi.validate_request(RequestsOpenAPIRequest(answer.request))
        openapi.validate_response(
            RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer)
        )
        records += _validate_records(spec, answer.json())

    # Six routes for each of the four boards, two more pages of Big's cards. Records: Growth
    # 1 board + 5 lists + 3 fields + 56 labels + 2 members + 11 open cards (A11 is archived;
    # A12 is open, in an archived list); Platform 1 + 3 + 2 + 6 cards; Mobile 1 + 1 + 5
    # labels + 5 cards; Big 1 + 1 + 1 + 2,345 cards.
    assert len(targets) == 26
    assert records == 78 + 12 + 12 + 2348


def _validate_records(spec: dict[str, Any], body: Any) -> int:
    """Validate each record of a listing (or the board) against its schema; how many."""
    if isinstance(body, dict):
        _record_validator(spec, "Board").validate(body)
        return 1
    for record in body:
        kind = _kind(record)
        _record_validator(spec, kind).validate(record)
        for item in record.get("customFieldItems", ()):
            _record_validator(spec, "CustomFieldItems").validate(item)
    return len(body)


def _kind(record: dict[str, Any]) -> str:
    if "idList" in record:
        return "Card"
    if "fullName" in record:
        return "Member"
    if "modelType" in record:
        return "CustomField"
    if "color" in record:
        return "Label"
    return "TrelloList"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/boards/GrWth123", 401), ("/boards/000000000000000000000000", 404)],
)
def test_errors_have_the_spec_error_body(
    fake: FakeTrello,
    openapi: OpenAPI,
    spec: dict[str, Any],
    http: requests.Session,
    path: str,
    status: int,
) -> None:
    if status == 401:
        http.headers["Authorization"] = 'OAuth oauth_consumer_key="k", oauth_token="t"'
    answer = http.get(fake.base_url + _by_id(fake, path), timeout=5)

    assert answer.status_code == status
    openapi.validate_response(
        RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer)
    )
    _record_validator(spec, "Error").validate(answer.json())


def test_a_rate_limited_answer_is_the_guides(fake: FakeTrello, http: requests.Session) -> None:
    # The spec declares no 429; Atlassian's "Rate limits" guide gives this body.
    fake.inject(429)

    answer = http.get(fake.base_url + "/boards/GrWth123", timeout=5)

    assert answer.status_code == 429
    assert (
        answer.json()
        == RATE_LIMIT_BODY
        == {
            "error": "API_TOKEN_LIMIT_EXCEEDED",
            "message": "Rate limit exceeded",
        }
    )
    assert "Retry-After" not in answer.headers


def test_the_fake_refuses_credentials_in_the_url(fake: FakeTrello) -> None:
    answer = requests.get(
        fake.base_url + "/boards/GrWth123", params={"key": KEY, "token": TOKEN}, timeout=5
    )

    assert answer.status_code == 400


def test_labels_route_gives_fifty_by_default(fake: FakeTrello, http: requests.Session) -> None:
    assert len(http.get(fake.base_url + "/boards/GrWth123/labels", timeout=5).json()) == 50
