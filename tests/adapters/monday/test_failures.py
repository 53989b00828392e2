"""monday.com failures: rate limits retried after the wait asked, errors at HTTP 200, refused
tokens and bad selectors, each as one line with the right exit code and no secret."""

from __future__ import annotations

import socket

import pytest

from backlog_audit.adapters.monday import MondayConfig
from backlog_audit.adapters.monday.source import MondaySource
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.errors import EXIT_SOURCE, EXIT_USAGE, BacklogAuditError, SourceError
from tests.adapters.monday.account import (
    BIG,
    GROWTH,
    PLATFORM,
    ROADMAP,
    TOKEN,
    Sleeps,
    credentials,
    source_for,
)
from tests.adapters.monday.fake_server import FakeMonday


def _failure(run: object) -> BacklogAuditError:
    with pytest.raises(BacklogAuditError) as caught:
        run()  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message and TOKEN not in message
    return caught.value


def test_a_complexity_429_is_retried_after_retry_in_seconds(
    fake: FakeMonday, sleeps: Sleeps
) -> None:
    fake.inject(429, "ComplexityException", operation="Items", retry_in_seconds=7)

    backlog = source_for(fake.url, sleep=sleeps).fetch()

    assert sleeps == [7.0]
    assert len(backlog.items) == 17
    assert fake.counts() == {"Boards": 1, "Items": 4}  # the refused first page, asked again


def test_an_ip_rate_limit_429_waits_for_retry_after(fake: FakeMonday, sleeps: Sleeps) -> None:
    fake.inject(429, "IP_RATE_LIMIT_EXCEEDED", operation="Boards", retry_after="3")

    source_for(fake.url, sleep=sleeps).fetch()

    assert sleeps == [3.0]


def test_max_concurrency_without_a_wait_backs_off(fake: FakeMonday, sleeps: Sleeps) -> None:
    fake.inject(429, "maxConcurrencyExceeded", times=2)

    source_for(fake.url, sleep=sleeps).fetch()

    assert sleeps == [1.0, 2.0]  # RetryPolicy's doubling from 1 s


def test_a_rate_limit_error_at_http_200_is_retried(fake: FakeMonday, sleeps: Sleeps) -> None:
    fake.inject(200, "ComplexityException", operation="Items", retry_in_seconds=4)

    assert len(source_for(fake.url, sleep=sleeps).fetch().items) == 17
    assert sleeps == [4.0]


def test_an_error_at_http_200_exits_3_with_monday_s_message(fake: FakeMonday) -> None:
    fake.inject(200, "InvalidColumnIdException", "This column ID doesn't exist for the board")

    error = _failure(source_for(fake.url).fetch)

    assert error.exit_code == EXIT_SOURCE
    assert str(error) == (
        "monday.com answered boards with an error (InvalidColumnIdException): "
        "This column ID doesn't exist for the board"
    )


def test_a_rate_limit_that_persists_exits_3_after_the_retries(
    fake: FakeMonday, sleeps: Sleeps
) -> None:
    fake.inject(429, "ComplexityException", times=10, retry_in_seconds=1)

    error = _failure(source_for(fake.url, sleep=sleeps).fetch)

    assert error.exit_code == EXIT_SOURCE
    assert "ComplexityException" in str(error) and "after 4 retries" in str(error)
    assert len(sleeps) == 4


def test_a_refused_token_exits_3_naming_the_variable(fake: FakeMonday) -> None:
    source = MondaySource(
        SourceSettings(sleep=Sleeps()),
        MondayConfig((GROWTH,)),
        {"MONDAY_API_TOKEN": "wrong-token", "MONDAY_API_URL": fake.url},
    )

    error = _failure(source.fetch)

    assert error.exit_code == EXIT_SOURCE
    assert "HTTP 401" in str(error) and "MONDAY_API_TOKEN" in str(error)


def test_an_unreachable_server_exits_3() -> None:
    source = MondaySource(
        SourceSettings(sleep=Sleeps(), timeout=2.0),
        MondayConfig((GROWTH,)),
        credentials("http://127.0.0.1:9/v2"),
    )

    error = _failure(source.fetch)

    assert isinstance(error, SourceError)
    assert str(error).startswith("could not reach monday.com at http://127.0.0.1:9/v2")


@pytest.mark.parametrize(
    ("boards", "env", "expected"),
    [
        ((), {"MONDAY_API_TOKEN": TOKEN}, "--source monday needs --monday-board ID"),
        (("https://x.monday.com/boards/5001",), {"MONDAY_API_TOKEN": TOKEN}, "is not a board id"),
        ((GROWTH,), {}, "set MONDAY_API_TOKEN"),
        ((GROWTH,), {"MONDAY_API_TOKEN": TOKEN, "MONDAY_API_URL": "ftp://x"}, "MONDAY_API_URL"),
    ],
)
def test_bad_settings_exit_2_before_any_request(
    boards: tuple[str, ...], env: dict[str, str], expected: str
) -> None:
    error = _failure(lambda: MondaySource(SourceSettings(), MondayConfig(boards), env))

    assert error.exit_code == EXIT_USAGE
    assert expected in str(error)


def test_an_unknown_board_exits_2(fake: FakeMonday) -> None:
    error = _failure(source_for(fake.url, boards=(GROWTH, "777")).fetch)

    assert error.exit_code == EXIT_USAGE
    assert "monday.com has no board 777 that this token can read" in str(error)


def test_a_board_without_the_okr_column_exits_2_listing_its_columns(fake: FakeMonday) -> None:
    error = _failure(source_for(fake.url, okr_field="Goal").fetch)

    assert error.exit_code == EXIT_USAGE
    assert str(error) == (
        "monday.com board Growth (5001) has no column 'Goal' (--okr-field); its columns: "
        "Status (status), OKR (dropdown), Story Points (numbers), Owner (people), "
        "Subitems (subtasks)"
    )


def test_a_points_column_of_another_type_exits_2(fake: FakeMonday) -> None:
    error = _failure(source_for(fake.url, points_field="Owner").fetch)

    assert str(error) == (
        "column 'Owner' (--points-field) of monday.com board 5001 is a people column; "
        "expected dropdown or numbers or status or text"
    )


def test_a_group_missing_from_a_board_exits_2_before_any_item_is_read(fake: FakeMonday) -> None:
    error = _failure(source_for(fake.url, boards=(GROWTH, ROADMAP), group="Sprint 12").fetch)

    assert error.exit_code == EXIT_USAGE
    assert str(error) == (
        "monday.com board Roadmap (5003) has no group 'Sprint 12' (--monday-group); its groups: Q4"
    )
    assert fake.counts() == {"Boards": 1}


def test_boards_given_twice_are_read_once(fake: FakeMonday) -> None:
    source = source_for(fake.url, boards=(PLATFORM, " 5002"))
    source.fetch()

    assert source.scope == "board=5002"
    assert fake.counts() == {"Boards": 1, "Items": 1}


def test_a_forbidden_answer_exits_3(fake: FakeMonday) -> None:
    fake.inject(403, "UserUnauthorizedException")

    error = _failure(source_for(fake.url).fetch)

    assert error.exit_code == EXIT_SOURCE
    assert "HTTP 403" in str(error) and "boards:read" in str(error)


def test_server_errors_are_retried_then_exit_3(fake: FakeMonday, sleeps: Sleeps) -> None:
    fake.inject(502, "BadGateway", times=5, body="<html>Bad gateway</html>")

    error = _failure(source_for(fake.url, sleep=sleeps).fetch)

    assert str(error) == "monday.com answered HTTP 502 while reading boards after 4 retries"
    assert sleeps == [1.0, 2.0, 4.0, 8.0]


def test_a_server_error_once_is_retried(fake: FakeMonday, sleeps: Sleeps) -> None:
    fake.inject(500, "InternalServerError", operation="Items")

    assert len(source_for(fake.url, sleep=sleeps).fetch().items) == 17
    assert sleeps == [1.0]


def test_an_answer_that_is_not_graphql_exits_3(fake: FakeMonday) -> None:
    fake.inject(200, "", body="<html>Sign in to the proxy</html>")

    error = _failure(source_for(fake.url).fetch)

    assert error.exit_code == EXIT_SOURCE
    assert "did not answer boards with GraphQL data: check MONDAY_API_URL" in str(error)


def test_a_page_without_items_exits_3(fake: FakeMonday) -> None:
    page = '{"data": {"boards": [{"items_page": {"cursor": null}}]}}'
    fake.inject(200, "", operation="Items", body=page)

    error = _failure(source_for(fake.url).fetch)

    assert (
        str(error) == "monday.com answered items of board 5001 without items (objects with an id)"
    )


def test_a_repeated_cursor_stops_instead_of_looping(fake: FakeMonday) -> None:
    # The first page of Big hands out cursor MSw1cursor; a next page that hands it out again.
    again = '{"data": {"next_items_page": {"cursor": "MSw1cursor", "items": []}}}'
    fake.inject(200, "", operation="NextItems", body=again)

    error = _failure(source_for(fake.url, boards=(BIG,)).fetch)

    assert str(error).startswith(
        "monday.com's items of board 5005: page 2 holds no items but says more follow; "
        "the listing cannot be proved complete"
    )


def test_a_server_that_never_answers_times_out_and_exits_3_at_once(sleeps: Sleeps) -> None:
    # One retry policy (adapters/retry.py): a timeout is not retried, each try would cost as
    # long again.
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v2"
        source = MondaySource(
            SourceSettings(sleep=sleeps, timeout=0.2), MondayConfig((GROWTH,)), credentials(url)
        )

        error = _failure(source.fetch)

    assert str(error) == f"monday.com at {url} did not answer within 0.2 s (boards)"
    assert sleeps == []
