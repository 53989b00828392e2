"""Failures: retries under one policy, one-line errors with Jira's message, never a token."""

from __future__ import annotations

import base64
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.errors import EXIT_SOURCE, EXIT_USAGE, SourceError, UsageError
from tests.adapters.faults import Rule
from tests.adapters.jira.conftest import Sleeps, env_for
from tests.adapters.jira.fake_server import FakeBoard, FakeJira, FakeJiraServer
from tests.adapters.parts import split


def secrets_of(site: FakeJira) -> tuple[str, ...]:
    return (site.token, site.pat)


def assert_clean(message: str, site: FakeJira) -> None:
    assert "\n" not in message
    for secret in secrets_of(site):
        assert secret not in message
    assert "Authorization" not in message and "Basic " not in message


def test_429_is_retried_after_the_wait_jira_asks_for(
    site: FakeJira, make_source: Callable[..., JiraSource], sleeps: Sleeps
) -> None:
    site.fail(429, path="/search", headers={"Retry-After": "2"})
    backlog = make_source(board=7, sprint="active").fetch()
    assert len([i for i in backlog.items if not i.carrier_only]) == 6
    assert sleeps == [2.0]


def test_503_is_retried_with_backoff_when_no_wait_is_named(
    site: FakeJira, make_source: Callable[..., JiraSource], sleeps: Sleeps
) -> None:
    site.fail(503, path="/field", times=2)
    make_source(jql="project = APP").fetch()
    assert sleeps == [1.0, 2.0]  # doubling from one second
    assert site.count("/field") == 3


def test_a_huge_retry_after_is_given_up_on_at_once_and_said(
    site: FakeJira, make_source: Callable[..., JiraSource], sleeps: Sleeps
) -> None:
    # Retrying before the asked time only earns another 429: give up now, and say why.
    site.fail(429, path="/serverInfo", headers={"Retry-After": "3600"})
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    assert str(caught.value).startswith(
        "Jira answered HTTP 429 (rate limited, it asks to wait 3600 s, longer than the 60 s "
        "waited) to GET /rest/api/2/serverInfo"
    )
    assert sleeps == []


def test_retries_are_bounded_then_exit_3(
    site: FakeJira, make_source: Callable[..., JiraSource], sleeps: Sleeps
) -> None:
    site.fail(429, path="/serverInfo", times=99, headers={"Retry-After": "1"})
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    assert caught.value.exit_code == EXIT_SOURCE
    assert site.count("/serverInfo") == 5  # the first try and 4 retries, not the library's too
    assert "HTTP 429" in str(caught.value) and "Rate limit exceeded." in str(caught.value)


def test_401_is_one_line_exit_3_without_the_token(
    site: FakeJira, make_source: Callable[..., JiraSource], sleeps: Sleeps
) -> None:
    env = env_for(site, site.base_url)
    env["JIRA_API_TOKEN" if site.mode == "cloud" else "JIRA_PAT"] = "wrong-token-XYZ"
    with pytest.raises(SourceError) as caught:
        make_source(env=env, jql="project = APP").fetch()
    message = str(caught.value)
    assert message.startswith("Jira answered HTTP 401 (credentials refused) to GET")
    assert "You are not authenticated" in message  # Jira's own words
    assert "wrong-token-XYZ" not in message
    assert_clean(message, site)
    assert sleeps == []  # a refusal is not retried


def test_403_names_the_authentication_denied_reason(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fail(
        403, path="/serverInfo", headers={"X-Authentication-Denied-Reason": "CAPTCHA_CHALLENGE"}
    )
    with pytest.raises(SourceError, match="HTTP 403 .*CAPTCHA_CHALLENGE"):
        make_source(jql="project = APP").fetch()


def test_bad_jql_shows_jiras_message(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP AND flavour = vanilla").fetch()
    assert "HTTP 400" in str(caught.value)
    assert "Field 'flavour' does not exist" in str(caught.value)
    assert_clean(str(caught.value), site)


def test_an_unknown_board_or_sprint_is_exit_3(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with pytest.raises(SourceError, match="HTTP 404.*Board does not exist"):
        make_source(board=99, sprint="active").fetch()
    with pytest.raises(SourceError, match="HTTP 404.*Sprint with id 999 does not exist"):
        make_source(board=7, sprint="999").fetch()


@pytest.mark.parametrize("mode", ["cloud"])  # Data Center still has /search
def test_the_old_cloud_search_answers_410(site: FakeJira, jira_server: FakeJiraServer) -> None:
    answer = requests.get(
        f"{jira_server.url}/rest/api/3/search",
        params={"jql": "project = APP"},
        auth=(site.email, site.token),
        timeout=5,
    )
    assert answer.status_code == 410
    assert "/rest/api/3/search/jql" in answer.json()["errorMessages"][0]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_server_that_never_answers_times_out(silent_port: int) -> None:
    env = {"JIRA_URL": f"http://127.0.0.1:{silent_port}", "JIRA_PAT": "pat-SECRET"}
    source = JiraSource(
        *split(JiraConfig, env=env, jql="project = APP", timeout=0.2, sleep=Sleeps())
    )
    with pytest.raises(SourceError, match="did not answer GET /rest/api/2/serverInfo within 0.2s"):
        source.fetch()


def test_an_unreachable_server_is_exit_3() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"JIRA_URL": f"http://127.0.0.1:{port}", "JIRA_PAT": "pat-SECRET"}
    with pytest.raises(SourceError, match="cannot reach Jira at http://127.0.0.1"):
        JiraSource(*split(JiraConfig, env=env, jql="x = 1", sleep=Sleeps())).fetch()


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"JIRA_URL": "https://example.atlassian.net"},
        {"JIRA_URL": "https://example.atlassian.net", "JIRA_EMAIL": "a@example.com"},
        {"JIRA_URL": "example.atlassian.net", "JIRA_PAT": "x"},
    ],
)
def test_missing_credentials_are_a_usage_error(env: dict[str, str]) -> None:
    with pytest.raises(UsageError) as caught:
        JiraSource(*split(JiraConfig, env=env, jql="x = 1"))
    assert caught.value.exit_code == EXIT_USAGE


def test_jira_url_flag_overrides_the_environment(jira_server: FakeJiraServer) -> None:
    jira_server.jira = FakeJira("dc")
    env = env_for(jira_server.jira, "https://elsewhere.invalid")
    source = JiraSource(
        *split(JiraConfig, env=env, jira_url=jira_server.url + "/", jql="project = X")
    )
    assert source.fetch().warnings[-1] == "the scope holds no issues"


def test_a_sprint_name_matching_several_sprints_is_exit_2(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.sprints[0].name = "Sprint 42"  # the closed sprint 41 now shares the active one's name
    with pytest.raises(UsageError, match=r"matches 2 sprints: 41 \(closed\), 42 \(active\)"):
        make_source(board=7, sprint="Sprint 42").fetch()
    with pytest.raises(UsageError, match="no sprint named 'Sprint 99'"):
        make_source(board=7, sprint="Sprint 99").fetch()


def test_a_kanban_board_asked_for_sprints_is_exit_2(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with pytest.raises(UsageError, match="board 8 is a Kanban board"):
        make_source(board=8, sprint="active").fetch()


def test_no_scope_is_exit_2(site: FakeJira, make_source: Callable[..., JiraSource]) -> None:
    with pytest.raises(UsageError, match="Jira needs a scope"):
        make_source().fetch()


def test_a_page_that_is_not_json_is_exit_3(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    page = b"<html><head><title>Log in - Jira</title></head><body>Log in</body></html>"
    site.fail(200, path="/serverInfo", body=page)
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    assert str(caught.value) == (
        "Jira answered GET /rest/api/2/serverInfo with an HTML page (Log in - Jira), "
        "not Jira's API: check the URL, or a proxy in between"
    )


def test_a_2xx_page_echoing_the_credentials_in_its_title_is_scrubbed(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # a login proxy that answers 200 and names what it was sent, in every form
    basic = base64.b64encode(f"{site.email}:{site.token}".encode()).decode()
    title = f"Denied: Basic {basic} Bearer {site.pat} {site.token}"
    site.fail(200, path="/serverInfo", body=f"<html><title>{title}</title></html>".encode())
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    message = str(caught.value)
    used = (basic, site.token) if site.mode == "cloud" else (site.pat,)
    assert all(secret not in message for secret in used)
    assert message.startswith("Jira answered GET /rest/api/2/serverInfo with an HTML page (Denied")
    assert "***" in message


def test_json_cut_off_is_exit_3_in_one_line(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    kind = {"Content-Type": "application/json;charset=UTF-8"}
    site.fail(200, path="/search", body=b'{"issues": [{"id": "10010", "ke', headers=kind)
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    message = str(caught.value)
    assert message.startswith("Jira answered POST /rest/api/")
    assert message.endswith(
        "with invalid JSON (application/json;charset=UTF-8): the answer was cut off, "
        "or is not Jira's"
    )


def test_a_sprint_without_a_board_is_exit_2(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with pytest.raises(UsageError, match="--sprint needs --board"):
        make_source(sprint="active", jql="project = APP").fetch()


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>"
)


def test_a_proxys_html_error_page_is_one_line_with_its_title_and_no_markup(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fail(502, path="/field", body=NGINX_502, times=99)
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    message = str(caught.value)
    assert message.startswith(
        "Jira answered HTTP 502 (server error, retries exhausted) to GET /rest/api/"
    )
    assert message.endswith(
        ": an HTML page (502 Bad Gateway), not Jira's API: check the URL, or a proxy in between"
    )
    assert "<" not in message
    assert_clean(message, site)


def test_a_401_names_the_variables_to_check(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fail(401, path="/serverInfo")
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    names = "JIRA_EMAIL and JIRA_API_TOKEN" if site.mode == "cloud" else "JIRA_PAT"
    assert str(caught.value).endswith(f"(check {names})")


def test_a_captcha_after_failed_logins_says_how_to_clear_it(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    reason = "CAPTCHA_CHALLENGE; login-url=https://jira.example.com/login.jsp"
    site.fail(403, path="/serverInfo", headers={"X-Authentication-Denied-Reason": reason})
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    assert str(caught.value) == (
        "Jira answered HTTP 403 (access denied) to GET /rest/api/2/serverInfo: "
        f"authentication denied ({reason}); sign in to Jira once in a browser"
    )


def test_a_url_that_is_not_the_sites_root_is_named(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fail(404, path="/serverInfo")
    with pytest.raises(SourceError, match=r"is not a Jira site's root: check JIRA_URL"):
        make_source(jql="project = APP").fetch()


def test_a_410_says_the_api_is_gone_with_jiras_message(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fail(410, path="/field", body={"errorMessages": ["The requested API has been removed."]})
    with pytest.raises(SourceError, match=r"HTTP 410 \(gone: this API was removed\).*removed\.$"):
        make_source(jql="project = APP").fetch()


def test_credentials_echoed_by_a_server_are_scrubbed_in_every_form(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    basic = base64.b64encode(f"{site.email}:{site.token}".encode()).decode()
    echoed = f"bad header: Basic {basic} / Bearer {site.pat} / token {site.token}"
    site.fail(400, path="/field", body={"errorMessages": [echoed], "errors": {}})
    with pytest.raises(SourceError) as caught:
        make_source(jql="project = APP").fetch()
    message = str(caught.value)
    # the credentials in use: Cloud's basic pair (raw and base64), Data Center's token
    used = (basic, site.token) if site.mode == "cloud" else (site.pat,)
    assert all(secret not in message for secret in used)
    assert "bad header: Basic " in message and "***" in message


@pytest.mark.parametrize("answer", [["not", "jira"], "ok", None])
def test_a_server_info_that_is_not_an_object_is_exit_3(
    site: FakeJira, make_source: Callable[..., JiraSource], answer: object
) -> None:
    site.fail(200, path="/serverInfo", body=answer if answer is not None else b"")
    with pytest.raises(SourceError, match="no Jira server information: check JIRA_URL"):
        make_source(jql="project = APP").fetch()


@pytest.mark.parametrize(
    "url",
    [
        "https://jira.example.com/?token=tok-SECRET",
        "https://jira.example.com/jira?os_authType=basic&pw=tok-SECRET",
        "https://jira.example.com/#tok-SECRET",
        "https://jira.example.com/?",
    ],
)
def test_a_jira_url_with_a_query_or_fragment_is_exit_2_without_it(url: str) -> None:
    # paths are appended to the URL (a query would swallow them), and a query is copied into
    # every browse link of the reports: refuse it, and never echo it
    with pytest.raises(UsageError) as caught:
        JiraSource(*split(JiraConfig, env={"JIRA_URL": url, "JIRA_PAT": "x"}, jql="x = 1"))
    message = str(caught.value)
    assert message.startswith("Jira URL must not contain a query (?...) or fragment (#...): ")
    assert "SECRET" not in message and "?" not in message.split(": ", 1)[1]


@pytest.mark.parametrize("mode", ["cloud"])
def test_a_stalled_search_page_times_out(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # one real stall past the first GET (covered above): a POSTed search page
    site.stalled = "/search"
    try:
        with pytest.raises(SourceError) as caught:
            make_source(board=7, sprint="active", timeout=0.2).fetch()
    finally:
        site.release.set()
    message = str(caught.value)
    assert message.startswith("Jira did not answer POST /rest/api/3/search")
    assert message.endswith(" within 0.2s")


# The kinds of request a sprint audit makes, past serverInfo and the field list; Data Center
# reads parents through the search, Cloud through bulkfetch.
REQUEST_KINDS = {
    "cloud": {"/search", "/rest/agile/1.0/board/7/sprint", "/bulkfetch"},
    "dc": {"/search", "/rest/agile/1.0/board/7/sprint"},
}


def test_every_request_carries_the_timeout(
    site: FakeJira,
    make_source: Callable[..., JiraSource],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    # A spy under the jira library's session: what reaches `requests`, request by request.
    sent: list[tuple[str, object]] = []
    real = requests.Session.request

    def spy(self: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
        sent.append((url, kwargs.get("timeout")))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    make_source(board=7, sprint="active", timeout=7.5).fetch()
    assert sent and all(timeout == 7.5 for _, timeout in sent)
    for kind in REQUEST_KINDS[mode]:
        assert any(kind in url for url, _ in sent), kind


def test_a_board_without_sprints_that_is_not_called_kanban_is_exit_2(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # a team-managed board ("simple") with sprints switched off: Jira answers 400
    site.boards.append(FakeBoard(9, "APP simple", ["APP"], type="simple"))
    with pytest.raises(UsageError) as caught:
        make_source(board=9, sprint="next").fetch()
    message = str(caught.value)
    assert message.startswith("board 9 has no sprints (Jira answered HTTP 400")
    assert "The board does not support sprints" in message
    assert message.endswith("use --sprint backlog or --jql")


def test_an_issue_sent_with_null_fields_is_left_out_and_named(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Issue 14: Jira Cloud sent {"id", "key", "fields": null}, which became a blank extra item
    # (no type, no status, orphaned) counted in coverage.
    def null_fields(page: dict[str, Any]) -> dict[str, Any]:
        first, *rest = page["issues"]
        return {**page, "issues": [{**first, "fields": None}, *rest]}

    # Cloud: the search lists ids alone, the fields come from the bulk fetch
    site.rules.add(
        Rule(path="/search" if site.mode == "dc" else "/bulkfetch", transform=null_fields)
    )
    backlog = make_source(jql="project = APP").fetch()
    blank = [item for item in backlog.items if not item.type]
    assert blank == []
    assert any("without their fields, left out of the audit: APP-" in w for w in backlog.warnings)
