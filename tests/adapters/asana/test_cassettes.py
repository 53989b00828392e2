"""Recorded Asana traffic replayed through the real SDK, no server running, no secret on disk."""

from __future__ import annotations

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

from backlog_audit.errors import EXIT_SOURCE, SourceError
from backlog_audit.model import AuditResult, LinkState
from tests.adapters.asana.recordings import CASSETTES, SCENARIOS, cassette
from tests.adapters.asana.workspace import TOKEN, Sleeps, source_for, summary_figures

# Nothing listens here: a request the cassette does not hold cannot reach anything.
NOWHERE = "http://127.0.0.1:9/api/1.0"


def _replay(name: str, sleep: Sleeps | None = None) -> AuditResult:
    with cassette("none", f"{name}.yaml"):
        return SCENARIOS[name].run(NOWHERE, sleep if sleep is not None else Sleeps())  # type: ignore[no-any-return]


def test_project_audit_replays_with_the_same_figures() -> None:
    result = _replay("asana_project_audit")

    assert summary_figures(result) == (11, 1, 6, 30, 15)


def test_section_audit_replays() -> None:
    s = _replay("asana_section_audit").summary.all

    assert (s.items, s.linked_items) == (7, 4)


def test_goals_audit_replays() -> None:
    result = _replay("asana_goals_audit")

    assert (result.summary.all.items, result.summary.all.linked_items) == (11, 7)
    assert sum(r.link_state is LinkState.OBJECTIVE_ONLY for r in result.items) == 1


def test_no_inherit_audit_replays_without_reading_parents() -> None:
    # The cassette holds no batch (4007's parent 4009 is not read); a replay that asked for
    # it would fail. The counted tasks inherit nothing: the project audit's figures.
    result = _replay("asana_no_inherit_audit")

    assert summary_figures(result) == (11, 1, 6, 30, 15)
    assert "/batch" not in (CASSETTES / "asana_no_inherit_audit.yaml").read_text("utf-8")


def test_subtasks_audit_replays_with_the_subtask_outside_the_project() -> None:
    result = _replay("asana_subtasks_audit")

    # The project audit plus two subtasks: 4101 (1 pt, in no project: read through 4001's
    # subtask listing) inherits KR1.1 from 4001; the member subtask 4007 (2 pts) inherits
    # KR1.2 from its old epic 4009. Items 13, exempt 1, linked 6 + 2 = 8; points 30 + 1 + 2 =
    # 33, linked 15 + 1 + 2 = 18.
    assert summary_figures(result) == (13, 1, 8, 33, 18)
    inherited = {r.key: r.inherited_from for r in result.items if r.inherited_from}
    assert inherited == {"4007": "4009", "4101": "4001"}


def test_recorded_429_is_retried_after_its_retry_after() -> None:
    sleeps = Sleeps()

    result = _replay("asana_429_retried", sleeps)

    assert sleeps == [2.0]
    assert result.summary.all.items == 11


def test_recorded_401_exits_3() -> None:
    with pytest.raises(SourceError) as caught:
        _replay("asana_401")

    assert caught.value.exit_code == EXIT_SOURCE
    assert "HTTP 401" in str(caught.value)


def test_every_scenario_has_a_cassette() -> None:
    assert sorted(p.stem for p in CASSETTES.glob("*.yaml")) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassettes_hold_no_credentials(name: str) -> None:
    text = (CASSETTES / f"{name}.yaml").read_text(encoding="utf-8")

    assert TOKEN not in text
    for needle in ("authorization", "bearer", "cookie", "x-asana-client-lib"):
        assert needle not in text.casefold()


def test_a_request_missing_from_the_cassette_fails() -> None:
    with (
        cassette("none", "asana_project_audit.yaml"),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        source_for(NOWHERE, asana_project=("2003",)).fetch()
