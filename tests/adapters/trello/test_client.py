"""Talking to Trello: credentials in a header only, bounded retries, a request budget, and one
clear line (exit 2 or 3) for every failure, never a secret."""

from __future__ import annotations

import logging

import pytest

from backlog_audit.adapters.trello.client import RequestWindow, TrelloClient, credentials_from
from backlog_audit.errors import EXIT_SOURCE, EXIT_USAGE, BacklogAuditError
from tests.adapters.trello.boards import KEY, TOKEN, Sleeps, source_for
from tests.adapters.trello.fake_server import FakeTrello


def _failure(fake: FakeTrello, **kw: object) -> BacklogAuditError:
    with pytest.raises(BacklogAuditError) as caught:
        source_for(fake.base_url, **kw).fetch()  # type: ignore[arg-type]
    return caught.value


def test_credentials_travel_in_the_authorization_header_only(fake: FakeTrello) -> None:
    source_for(fake.base_url).fetch()

    for request in fake.requests:
        assert KEY not in request.target and TOKEN not in request.target
        assert request.headers["Authorization"] == (
            f'OAuth oauth_consumer_key="{KEY}", oauth_token="{TOKEN}"'
        )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "TRELLO_API_KEY and TRELLO_TOKEN"),
        ({"TRELLO_API_KEY": KEY}, "TRELLO_TOKEN"),
        ({"TRELLO_TOKEN": TOKEN, "TRELLO_API_KEY": " "}, "TRELLO_API_KEY"),
    ],
)
def test_missing_credentials_are_a_usage_error(env: dict[str, str], missing: str) -> None:
    with pytest.raises(BacklogAuditError) as caught:
        credentials_from(env)

    assert caught.value.exit_code == EXIT_USAGE
    assert f"set {missing} " in str(caught.value)


def test_a_base_url_with_a_query_is_refused() -> None:
    env = {"TRELLO_API_KEY": KEY, "TRELLO_TOKEN": TOKEN, "TRELLO_BASE_URL": "https://x/1?a=b"}

    with pytest.raises(BacklogAuditError, match="TRELLO_BASE_URL must not contain a query"):
        credentials_from(env)


def test_the_default_base_url_is_trellos() -> None:
    creds = credentials_from({"TRELLO_API_KEY": KEY, "TRELLO_TOKEN": TOKEN})

    assert creds.base_url == "https://api.trello.com/1"
    assert KEY not in repr(creds) and TOKEN not in repr(creds)
    assert KEY not in repr(TrelloClient(creds)) and TOKEN not in repr(TrelloClient(creds))


def test_a_refused_token_exits_3_naming_the_variables(fake: FakeTrello) -> None:
    fake.token = "another-token"

    error = _failure(fake)

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        "Trello refused the credentials (HTTP 401: UNAUTHORIZED invalid token) while reading "
        "board GrWth123: check TRELLO_API_KEY and TRELLO_TOKEN"
    )


def test_a_plain_text_401_is_read_too(fake: FakeTrello) -> None:
    fake.inject(401, body=b"invalid key")

    assert "(HTTP 401: invalid key)" in str(_failure(fake))


def test_a_403_exits_3_in_one_line(fake: FakeTrello) -> None:
    fake.inject(403, path="/cards", body=b"unauthorized card permission requested")

    error = _failure(fake)

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        "Trello answered HTTP 403: unauthorized card permission requested while reading "
        "cards of board GrWth123"
    )


def test_a_server_that_does_not_answer_in_time_exits_3(fake: FakeTrello) -> None:
    fake.inject(200, path="/members", delay=1.0)

    error = _failure(fake, timeout=0.2)

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        f"Trello at {fake.base_url} did not answer within 0.2s while reading members of "
        "board GrWth123"
    )


def test_a_server_ignoring_before_is_a_source_error_not_a_loop(fake: FakeTrello) -> None:
    fake.ignore_before = True

    error = _failure(fake, board="BiGbOaRd")

    assert error.exit_code == EXIT_SOURCE
    # the one page guard of every source (adapters/paging.py) says why
    assert str(error).startswith(
        "Trello's cards of board BiGbOaRd: page 2 repeats items already received (the server "
        "ignores paging?); the listing cannot be proved complete"
    )
    assert fake.counts()["GET /boards/{id}/cards/open"] == 2


def test_an_unknown_board_exits_3(fake: FakeTrello) -> None:
    error = _failure(fake, board="NoSuchBd")

    assert error.exit_code == EXIT_SOURCE
    assert str(error).startswith("Trello found no board NoSuchBd (HTTP 404")


def test_a_429_that_lasts_exits_3_after_four_retries(fake: FakeTrello, sleeps: Sleeps) -> None:
    fake.inject(429, times=10, path="/customFields")

    error = _failure(fake, sleep=sleeps)

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        "Trello kept answering HTTP 429: API_TOKEN_LIMIT_EXCEEDED Rate limit exceeded for "
        "custom fields of board GrWth123 after 4 retries"
    )
    # Backing off from 2.5 s to Trello's 10 s window: 27.5 s in all, more than two windows.
    assert sleeps == [2.5, 5.0, 10.0, 10.0]


def test_a_server_error_is_retried_then_exits_3(fake: FakeTrello, sleeps: Sleeps) -> None:
    # The one retry policy (adapters/retry.py): a 500 is a brief outage worth retrying.
    fake.inject(500, times=99, body=b"<html><title>Oops</title></html>")

    error = _failure(fake, sleep=sleeps)

    assert str(error) == ("Trello kept answering HTTP 500 for board GrWth123 after 4 retries")
    assert sleeps == [2.5, 5.0, 10.0, 10.0]


def test_an_answer_that_is_not_json_names_the_base_url(fake: FakeTrello) -> None:
    fake.inject(200, path="/lists", body=b"<html>captive portal</html>")

    error = _failure(fake)

    assert str(error) == (
        f"Trello at {fake.base_url} did not answer lists of board GrWth123 with JSON: "
        "check TRELLO_BASE_URL"
    )


def test_an_unreachable_trello_exits_3() -> None:
    error = _failure_at("http://127.0.0.1:9/1")

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        "could not reach Trello at http://127.0.0.1:9/1 while reading board GrWth123 "
        "(ConnectionError)"
    )


def _failure_at(base_url: str) -> BacklogAuditError:
    with pytest.raises(BacklogAuditError) as caught:
        source_for(base_url).fetch()
    return caught.value


def test_no_secret_in_the_debug_log(fake: FakeTrello, caplog: pytest.LogCaptureFixture) -> None:
    fake.inject(429, times=1, path="/members")
    with caplog.at_level(logging.DEBUG, logger="backlog_audit"):
        source_for(fake.base_url).fetch()

    text = caplog.text
    assert "GET /boards/{id}/cards/open" in text
    assert "Trello requests: GET /boards/{id} x1" in text
    assert KEY not in text and TOKEN not in text


def test_request_window_waits_when_a_hundred_requests_went_out_in_ten_seconds() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    window = RequestWindow(clock=lambda: now[0], sleep=sleep)
    for _ in range(100):
        window.wait()
        now[0] += 0.01  # 100 requests in 1 s
    assert waits == []

    window.wait()  # the 101st: until the first is 10 s old

    assert waits == [pytest.approx(9.0)]
    now[0] += 10.0
    window.wait()
    assert len(waits) == 1
