"""Recorded Trello traffic replayed through `requests`, no server running, no secret on disk."""

from __future__ import annotations

from typing import Any

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

from backlog_audit.errors import EXIT_SOURCE, SourceError
from tests.adapters.trello.boards import KEY, TOKEN, Sleeps, source_for, summary_figures
from tests.adapters.trello.recordings import CASSETTES, SCENARIOS, recorder

# Nothing listens here: a request the cassette does not hold cannot reach anything.
NOWHERE = "http://127.0.0.1:9/1"


def _replay(name: str, sleep: Sleeps | None = None) -> Any:
    with recorder("none").use_cassette(f"{name}.yaml"):
        return SCENARIOS[name].run(NOWHERE, sleep if sleep is not None else Sleeps())


def test_growth_audit_replays_with_the_same_figures() -> None:
    assert summary_figures(_replay("trello_growth_audit")) == (10, 1, 5, 25.5, 14.5)


def test_platform_and_mobile_audits_replay() -> None:
    assert summary_figures(_replay("trello_platform_audit")) == (6, 0, 3, 10.0, 7.0)
    assert summary_figures(_replay("trello_mobile_audit")) == (5, 0, 3, 0.0, 0.0)


def test_fields_replay() -> None:
    names = [info.name for info in _replay("trello_fields")]

    assert names == ["OKR", "Story Points", "Notes", "Labels"]


def test_recorded_429_is_retried() -> None:
    sleeps = Sleeps()

    result = _replay("trello_429_retried", sleeps)

    assert sleeps == [2.5]
    assert result.summary.all.items == 10


def test_recorded_401_exits_3() -> None:
    with pytest.raises(SourceError) as caught:
        _replay("trello_401")

    assert caught.value.exit_code == EXIT_SOURCE
    assert "HTTP 401" in str(caught.value)


def test_every_scenario_has_a_cassette() -> None:
    assert sorted(p.stem for p in CASSETTES.glob("*.yaml")) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassettes_hold_no_credentials(name: str) -> None:
    text = (CASSETTES / f"{name}.yaml").read_text(encoding="utf-8")

    assert KEY not in text and TOKEN not in text
    for needle in ("authorization", "oauth", "cookie", "key=", "token="):
        assert needle not in text.casefold()


def test_a_request_missing_from_the_cassette_fails() -> None:
    with (
        recorder("none").use_cassette("trello_growth_audit.yaml"),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        source_for(NOWHERE, lists=("Doing",), board="PlAtf456").fetch()
