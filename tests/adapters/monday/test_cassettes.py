"""Recorded monday.com traffic replayed through the real client, no server running, no secret
on disk."""

from __future__ import annotations

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

from backlog_audit.errors import EXIT_SOURCE, SourceError
from backlog_audit.model import AuditResult
from tests.adapters.monday.account import TOKEN, Sleeps, source_for, summary_figures
from tests.adapters.monday.recordings import CASSETTES, SCENARIOS, recorder

# Nothing listens here: a request the cassette does not hold cannot reach anything.
NOWHERE = "http://127.0.0.1:9/v2"


def _replay(name: str, sleep: Sleeps | None = None) -> AuditResult:
    with recorder("none").use_cassette(f"{name}.yaml"):
        return SCENARIOS[name].run(NOWHERE, sleep if sleep is not None else Sleeps())  # type: ignore[no-any-return]


def test_boards_audit_replays_with_the_same_figures() -> None:
    assert summary_figures(_replay("monday_boards_audit")) == (17, 1, 10, 43.0, 26.0)


def test_group_audit_replays() -> None:
    assert summary_figures(_replay("monday_group_audit")) == (6, 1, 3, 26.0, 13.0)


def test_subitems_audit_replays() -> None:
    assert summary_figures(_replay("monday_subitems_audit")) == (19, 1, 11, 46.0, 27.0)


def test_recorded_429_is_retried_after_its_retry_in_seconds() -> None:
    sleeps = Sleeps()

    result = _replay("monday_429_retried", sleeps)

    assert sleeps == [7.0]
    assert result.summary.all.items == 17


def test_recorded_error_at_http_200_exits_3() -> None:
    with pytest.raises(SourceError) as caught:
        _replay("monday_error_at_200")

    assert caught.value.exit_code == EXIT_SOURCE
    assert "InvalidColumnIdException" in str(caught.value)


def test_every_scenario_has_a_cassette() -> None:
    assert sorted(p.stem for p in CASSETTES.glob("*.yaml")) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassettes_hold_no_credentials_but_the_api_version(name: str) -> None:
    text = (CASSETTES / f"{name}.yaml").read_text(encoding="utf-8")

    assert TOKEN not in text
    assert "authorization" not in text.casefold()
    assert "API-Version:\n      - 2026-10" in text


def test_a_request_missing_from_the_cassette_fails() -> None:
    with (
        recorder("none").use_cassette("monday_boards_audit.yaml"),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        source_for(NOWHERE, boards=("5004",)).fetch()
