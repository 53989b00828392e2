"""Every GraphQL document the monday.com source may send is valid against monday.com's schema
(API version 2026-10), and the fake server refuses, and reports, one that is not."""

from __future__ import annotations

import pytest
import requests
from graphql import parse, validate

from backlog_audit.adapters.monday.queries import ALL, API_VERSION, items_queries
from tests.adapters.monday.account import TOKEN
from tests.adapters.monday.fake_server import SCHEMA_PATH, FakeMonday, schema

pytestmark = pytest.mark.skipif(
    not SCHEMA_PATH.is_file(), reason=f"monday.com's schema is not at {SCHEMA_PATH}"
)


@pytest.mark.parametrize("document", ALL, ids=lambda d: d.split("(")[0].split()[-1])
def test_each_document_is_valid_against_the_schema(document: str) -> None:
    assert [e.message for e in validate(schema(), parse(document))] == []


def test_all_holds_both_item_query_sets() -> None:
    assert set(items_queries(True)) | set(items_queries(False)) <= set(ALL)
    assert len(set(ALL)) == 7


def test_the_fake_reports_a_query_that_fails_validation(fake: FakeMonday) -> None:
    invalid = "query Broken { boards(ids: [1]) { items_page { items { id title } } } }"

    answer = requests.post(
        fake.url,
        json={"query": invalid},
        headers={"Authorization": TOKEN, "API-Version": API_VERSION},
        timeout=5,
    ).json()

    refused = "Cannot query field 'title' on type 'Item'."
    assert answer["errors"][0]["message"].startswith(refused)
    assert len(fake.schema_errors) == 1
    assert fake.schema_errors[0].startswith(f"invalid query: {refused}")
    fake.schema_errors.clear()  # this test sent it on purpose; the fixture would fail otherwise


def test_the_fake_reports_an_answer_the_schema_refuses(fake: FakeMonday) -> None:
    # An item without its non-null `name`: the fake's data is wrong, and the test must say so.
    fake.data.items["101"]["name"] = None
    query = "query Q { boards(ids: [5001]) { items_page(limit: 1) { items { id name } } } }"

    requests.post(
        fake.url,
        json={"query": query},
        headers={"Authorization": TOKEN, "API-Version": API_VERSION},
        timeout=5,
    )

    assert fake.schema_errors == ["Cannot return null for non-nullable field Item.name."]
    fake.schema_errors.clear()


def test_the_fake_refuses_a_request_without_the_api_version(fake: FakeMonday) -> None:
    answer = requests.post(
        fake.url,
        json={"query": "query Q { complexity { query } }"},
        headers={"Authorization": TOKEN},
        timeout=5,
    )

    assert answer.status_code == 400
