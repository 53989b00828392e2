"""Fixtures of the Asana adapter tests: the fake server serving the test workspace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.asana.fake_server import FakeAsana
from tests.adapters.asana.workspace import TOKEN, Sleeps, build_workspace


@pytest.fixture()
def fake() -> Iterator[FakeAsana]:
    """The fake Asana API serving the workspace, with `TOKEN` as the valid token."""
    server = FakeAsana(build_workspace(), token=TOKEN)
    yield server
    server.close()


@pytest.fixture()
def sleeps() -> Sleeps:
    """The waits the code under test asked for."""
    return Sleeps()
