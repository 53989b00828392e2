"""The fake's answers match Atlassian's published OpenAPI specs, where the specs say anything.

Covered: Cloud platform v3 (serverInfo, field, search/jql GET and POST, bulkfetch, field
contexts and options, error bodies) and Jira Software agile (board, configuration, sprints,
backlog, sprint). The Data Center v2 `/search` is not in the v3 spec; its answer is checked
against the v3 spec's old `/rest/api/3/search` (the same `SearchResults` shape). The agile
sprint endpoints only give examples, no schema: their keys are checked against the examples.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from backlog_audit.adapters.jira.source import JiraSource
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeJira, FakeJiraServer

SPECS = Path(
    os.environ.get("JIRA_SPECS_DIR", Path(__file__).resolve().parents[4] / "shared" / "specs")
)
PLATFORM = SPECS / "jira-platform-swagger-v3.json"
SOFTWARE = SPECS / "jira-software-swagger-v3.json"

pytestmark = pytest.mark.skipif(
    not PLATFORM.exists(), reason=f"Jira OpenAPI specs not found in {SPECS}"
)


def _load(path: Path, url: str) -> tuple[OpenAPI, dict[str, Any]]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": url}]  # the spec names your-domain.atlassian.net
    # The specs are Atlassian's; checking them is not our job, and it takes seconds.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None)), spec


@pytest.fixture(scope="session")
def platform(jira_server: FakeJiraServer) -> tuple[OpenAPI, dict[str, Any]]:
    """The platform spec, loaded once per session."""
    return _load(PLATFORM, jira_server.url)


@pytest.fixture(scope="session")
def software(jira_server: FakeJiraServer) -> tuple[OpenAPI, dict[str, Any]]:
    """The Jira Software (agile) spec, loaded once per session."""
    return _load(SOFTWARE, jira_server.url)


@pytest.fixture
def http(jira_server: FakeJiraServer) -> Iterator[requests.Session]:
    session = requests.Session()
    yield session
    session.close()


def _call(
    http: requests.Session, site: FakeJira, method: str, path: str, **kw: Any
) -> requests.Response:
    if site.mode == "cloud":
        http.auth = (site.email, site.token)
    else:
        http.headers["Authorization"] = f"Bearer {site.pat}"
    return http.request(method, site.base_url + path, timeout=5, **kw)


def _validate(api: OpenAPI, response: requests.Response, request: Any = None) -> None:
    api.validate_response(
        RequestsOpenAPIRequest(request or response.request), RequestsOpenAPIResponse(response)
    )


FIELDS = ["summary", "issuetype", "status", "parent", "labels", "assignee", "project"]
CLOUD_CALLS: list[tuple[str, str, dict[str, Any], int]] = [
    ("GET", "/rest/api/3/serverInfo", {}, 200),
    ("GET", "/rest/api/3/field", {}, 200),
    ("GET", "/rest/api/3/search/jql", {"params": {"jql": "project = APP", "maxResults": 3}}, 200),
    (
        "POST",
        "/rest/api/3/search/jql",
        {
            "json": {
                "jql": "project = APP",
                "fields": [*FIELDS, scenario.OKR_FIELD, scenario.NOTES_FIELD, "customfield_10020"],
                "maxResults": 100,
            }
        },
        200,
    ),
    ("POST", "/rest/api/3/search/jql", {"json": {"jql": "flavour = vanilla"}}, 400),
    (
        "POST",
        "/rest/api/3/issue/bulkfetch",
        {"json": {"issueIdsOrKeys": ["10001", "APP-2"], "fields": FIELDS}},
        200,
    ),
    ("GET", f"/rest/api/3/field/{scenario.OKR_FIELD}/context", {}, 200),
    ("GET", f"/rest/api/3/field/{scenario.OKR_FIELD}/context/10100/option", {}, 200),
]


@pytest.mark.parametrize("mode", ["cloud"])
@pytest.mark.parametrize(
    ("method", "path", "kw", "status"),
    CLOUD_CALLS,
    ids=[f"{c[0]} {c[1]} {c[3]}" for c in CLOUD_CALLS],
)
def test_cloud_answers_match_the_platform_spec(
    site: FakeJira,
    http: requests.Session,
    platform: tuple[OpenAPI, dict[str, Any]],
    method: str,
    path: str,
    kw: dict[str, Any],
    status: int,
) -> None:
    response = _call(http, site, method, path, **kw)
    assert response.status_code == status
    _validate(platform[0], response)


@pytest.mark.parametrize("mode", ["cloud"])
def test_the_validation_has_teeth(
    site: FakeJira, http: requests.Session, platform: tuple[OpenAPI, dict[str, Any]]
) -> None:
    response = _call(http, site, "GET", "/rest/api/3/serverInfo")
    broken = response.json()
    broken["versionNumbers"] = "1001.0.0"
    response._content = json.dumps(broken).encode()
    with pytest.raises(Exception, match="InvalidData|versionNumbers|schema"):
        _validate(platform[0], response)


@pytest.mark.parametrize("mode", ["dc"])
def test_data_center_search_has_the_v3_search_results_shape(
    site: FakeJira, http: requests.Session, platform: tuple[OpenAPI, dict[str, Any]]
) -> None:
    body = {"jql": "project = APP", "fields": FIELDS, "startAt": 2, "maxResults": 4}
    response = _call(http, site, "POST", "/rest/api/2/search", json=body)
    assert response.status_code == 200
    as_v3 = requests.Request("POST", site.base_url + "/rest/api/3/search", json=body).prepare()
    _validate(platform[0], response, as_v3)


AGILE_CALLS: list[tuple[str, dict[str, Any], int]] = [
    ("/rest/agile/1.0/board/7", {}, 200),
    ("/rest/agile/1.0/board/7/configuration", {}, 200),
    (
        "/rest/agile/1.0/board/7/backlog",
        {"params": {"fields": ",".join(FIELDS), "maxResults": 2}},
        200,
    ),
    ("/rest/agile/1.0/board/99", {}, 404),
    ("/rest/agile/1.0/board/8/sprint", {}, 400),
]


@pytest.mark.parametrize(
    ("path", "kw", "status"), AGILE_CALLS, ids=[f"{c[0]} {c[2]}" for c in AGILE_CALLS]
)
def test_agile_answers_match_the_software_spec(
    site: FakeJira,
    http: requests.Session,
    software: tuple[OpenAPI, dict[str, Any]],
    path: str,
    kw: dict[str, Any],
    status: int,
) -> None:
    response = _call(http, site, "GET", path, **kw)
    assert response.status_code == status
    _validate(software[0], response)


def _example(spec: dict[str, Any], path: str) -> Any:
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return json.loads(content["example"])


@pytest.mark.parametrize("mode", ["cloud"])
def test_sprints_have_the_keys_of_the_spec_examples(
    site: FakeJira, http: requests.Session, software: tuple[OpenAPI, dict[str, Any]]
) -> None:
    spec = software[1]
    page_example = _example(spec, "/rest/agile/1.0/board/{boardId}/sprint")
    sprint_example = _example(spec, "/rest/agile/1.0/sprint/{sprintId}")
    page = _call(http, site, "GET", "/rest/agile/1.0/board/7/sprint").json()
    assert set(page) == set(page_example)
    for sprint in page["values"]:
        assert set(sprint) <= set(sprint_example)
        assert {"id", "name", "state", "originBoardId"} <= set(sprint)
    one = _call(http, site, "GET", "/rest/agile/1.0/sprint/42").json()
    assert set(one) <= set(sprint_example)


@pytest.mark.parametrize("mode", ["cloud"])
@pytest.mark.parametrize("scope", [{"jql": "project = APP"}, {"board": 7, "sprint": "active"}])
def test_every_platform_request_of_a_cloud_audit_matches_the_spec(
    site: FakeJira,
    make_source: Callable[..., JiraSource],
    platform: tuple[OpenAPI, dict[str, Any]],
    scope: dict[str, Any],
) -> None:
    # The requests as the adapter sends them (the id-only search, the bulk fetches of the
    # scope and of its parents), not samples: each one checked against the platform spec.
    site.cloud_ids_cap = 4  # several pages of ids, several bulk fetches
    make_source(**scope).fetch()
    checked = [r for r in site.requests if r.path.startswith("/rest/api/3/")]
    assert {r.path for r in checked} >= {"/rest/api/3/search/jql", "/rest/api/3/issue/bulkfetch"}
    for logged in checked:
        request = requests.Request(
            logged.method,
            site.base_url + logged.path,
            params={k: v[0] for k, v in logged.query.items()},
            json=logged.body,
            auth=(site.email, site.token),
        ).prepare()
        platform[0].validate_request(RequestsOpenAPIRequest(request))


@pytest.mark.parametrize("mode", ["cloud"])
def test_the_request_validation_has_teeth(
    site: FakeJira, platform: tuple[OpenAPI, dict[str, Any]]
) -> None:
    body = {"issueIdsOrKeys": "10001", "fields": ["summary"]}  # not an array
    request = requests.Request(
        "POST", site.base_url + "/rest/api/3/issue/bulkfetch", json=body, auth=("a", "b")
    ).prepare()
    with pytest.raises(Exception, match="InvalidData|issueIdsOrKeys|schema|RequestBody"):
        platform[0].validate_request(RequestsOpenAPIRequest(request))
