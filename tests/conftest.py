"""Fixtures for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Where programs keep files under the home directory (XDG base directories).
XDG_DIRS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing the suite runs writes to the home of whoever runs it.

    Session-wide, because module- and session-scoped fixtures (an audit run once for a module)
    are set up before any function-scoped fixture could isolate them; child processes
    (LibreOffice, a CLI run) inherit the same home.
    """
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for name in XDG_DIRS:
            patch.setenv(name, str(home / name.lower()))
        yield


@pytest.fixture(autouse=True)
def _isolated_history(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audits record to the user's data directory by default: each test gets an empty one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
