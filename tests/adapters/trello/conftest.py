"""Fixtures of the Trello source tests: the fake Trello API serving the test boards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.trello.boards import KEY, TOKEN, Sleeps, all_boards
from tests.adapters.trello.fake_server import FakeTrello


@pytest.fixture()
def fake() -> Iterator[FakeTrello]:
    """The fake Trello API serving every test board, for the test key and token."""
    server = FakeTrello(all_boards(), key=KEY, token=TOKEN)
    yield server
    server.close()


@pytest.fixture()
def sleeps() -> Sleeps:
    """The waits the code under test asked for."""
    return Sleeps()
