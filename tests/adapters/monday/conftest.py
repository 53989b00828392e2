"""Fixtures of the monday.com source tests: the fake GraphQL server serving the test account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.monday.account import TOKEN, Sleeps, build_account
from tests.adapters.monday.fake_server import SCHEMA_PATH, FakeMonday


@pytest.fixture()
def fake() -> Iterator[FakeMonday]:
    """The fake monday.com API serving the account, with `TOKEN` as the valid token.

    A query that fails validation against monday.com's schema, or an answer the schema's
    types refuse, fails the test that caused it.
    """
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"monday.com's schema is not at {SCHEMA_PATH} (set MONDAY_SCHEMA)")
    server = FakeMonday(build_account(), token=TOKEN)
    yield server
    server.close()
    assert server.schema_errors == [], "the client sent a query or got an answer the schema refuses"


@pytest.fixture()
def sleeps() -> Sleeps:
    """The waits the code under test asked for."""
    return Sleeps()
