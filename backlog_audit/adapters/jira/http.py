"""Talking to Jira: credentials, one session from the `jira` library, retries and errors.

The `jira` client builds the authenticated session; its own retries are switched off
(`max_retries=0`) so that `RetryPolicy` is the only one, and every request runs under a
whole-answer deadline (`adapters/deadline.py`) besides the per-read timeout. Every failure
becomes a one-line `SourceError` carrying Jira's own message and never a credential.
`jira.JIRAError` is never turned into text: its `__str__` prints the request headers,
Authorization included.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import requests
from jira import JIRA, JIRAError
from jira.resilientsession import parse_errors

from backlog_audit.adapters import deadline
from backlog_audit.adapters.api import ApiError, one_line
from backlog_audit.adapters.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    is_reset,
    wait_for_answer,
    wait_for_transport,
)
from backlog_audit.adapters.shared import FirstTry
from backlog_audit.adapters.slots import shared_reads, site_read
from backlog_audit.adapters.urls import check_base_url
from backlog_audit.errors import UsageError

__all__ = ["JiraCredentials", "JiraHttp", "JiraHttpError", "credentials_from"]

LOG = logging.getLogger(__name__)
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class JiraCredentials:
    """Where Jira is and how to sign in: Cloud basic auth or a Data Center bearer token."""

    url: str
    email: str | None = None
    api_token: str | None = None
    pat: str | None = None

    def __repr__(self) -> str:  # never show a secret, even in a debugger or a log
        kind = "basic" if self.api_token else "bearer"
        return f"JiraCredentials(url={self.url!r}, auth={kind})"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, so that messages can be scrubbed of them; with basic auth also
        the header's base64 form, which a proxy's error page may echo back."""
        basic = (
            base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
            if self.email and self.api_token
            else None
        )
        return tuple(s for s in (basic, self.api_token, self.pat) if s)

    @property
    def variables(self) -> str:
        """The environment variables these credentials came from, for error messages."""
        return "JIRA_EMAIL and JIRA_API_TOKEN" if self.api_token else "JIRA_PAT"


def credentials_from(variables: Mapping[str, str], url_override: str | None) -> JiraCredentials:
    """Read SPEC 7 credentials (`JIRA_URL`, `JIRA_EMAIL` + `JIRA_API_TOKEN` or `JIRA_PAT`)
    from the variables the caller passes (the CLI reads them from the environment)."""
    url = (url_override or variables.get("JIRA_URL") or "").strip().rstrip("/")
    if not url:
        raise UsageError("Jira needs a site URL: set JIRA_URL or pass --jira-url")
    check_base_url(url, "Jira URL")
    email, token, pat = (
        variables.get(k, "").strip() for k in ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT")
    )
    if email and token:
        return JiraCredentials(url=url, email=email, api_token=token)
    if pat:
        return JiraCredentials(url=url, pat=pat)
    raise UsageError(
        "Jira needs credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) "
        "or JIRA_PAT (Data Center) in the environment"
    )


class JiraHttpError(ApiError):
    """A Jira request that failed; `status` is the HTTP status (None: no answer at all)."""


def _one_line(text: str, secrets: tuple[str, ...]) -> str:
    return one_line(text, secrets, _MAX_MESSAGE)


# What an error status means, in the words of an error line (`HTTP 404 (not found)`).
_STATUS_HINTS = {
    400: "bad request",
    401: "credentials refused",
    403: "access denied",
    404: "not found",
    410: "gone: this API was removed",
}


def _status_hint(status: int, gave_up: str) -> str:
    if status in _STATUS_HINTS:
        return _STATUS_HINTS[status]
    if status == 429:
        return f"rate limited, {gave_up}"
    if status >= 500:
        return f"server error, {gave_up}" if status in RETRYABLE_STATUSES else "server error"
    return "request refused"


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _is_html(response: requests.Response) -> bool:
    kind = response.headers.get("Content-Type", "").casefold()
    return "html" in kind or response.text.lstrip()[:15].casefold().startswith(
        ("<!doctype", "<html")
    )


def _error_detail(response: requests.Response) -> str:
    """What the server said about a failure, in a few words.

    Jira's own `errorMessages`/`errors` when it sent them. A 403 with
    `X-Authentication-Denied-Reason` (a CAPTCHA after failed logins) says so. An HTML page is
    no Jira API answer but a proxy's or a login page: only its title is shown, never markup.
    """
    denied = response.headers.get("X-Authentication-Denied-Reason")
    if denied:
        advice = "; sign in to Jira once in a browser" if "captcha" in denied.casefold() else ""
        return f"authentication denied ({denied}){advice}"
    if _is_html(response):
        return _html_page(response)
    return "; ".join(str(m) for m in parse_errors(response) if str(m).strip())


def _html_page(response: requests.Response) -> str:
    """An HTML answer in words: its title, never its markup."""
    found = _HTML_TITLE.search(response.text)
    title = " ".join(html.unescape(found.group(1)).split()) if found else ""
    named = f" ({title})" if title else ""
    return f"an HTML page{named}, not Jira's API: check the URL, or a proxy in between"


def _json_of(method: str, path: str, response: requests.Response, secrets: tuple[str, ...]) -> Any:
    """The JSON of a successful answer; a login page or broken JSON is a one-line error.

    Scrubbed of `secrets` as HTTP errors are: a page's title is the server's text, and a
    proxy or login page may echo what it was sent.
    """
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type")
        what = (
            _html_page(response)
            if _is_html(response)
            else f"invalid JSON ({kind}): the answer was cut off, or is not Jira's"
        )
        message = _one_line(f"Jira answered {method} {path} with {what}", secrets)
        raise JiraHttpError(message) from None


def _read_environment_once(session: requests.Session, url: str) -> None:
    """Take the proxy and CA-bundle settings from the environment now, as `requests` would
    for each request to `url`: every request of a `JiraHttp` goes to that one site, and
    `requests` reading them again for each (all of `os.environ`, twice) was a third of a
    small request's CPU (0.25 of 0.76 ms; 62 requests in a portfolio run of ten teams)."""
    if not session.trust_env:
        return
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle and session.verify is True:
        session.verify = bundle
    # Credentials always come with the session (basic or bearer): `.netrc`, the only other
    # thing `trust_env` reads, never applied.
    session.trust_env = False


class JiraHttp:
    """JSON requests to one Jira site, with retries, timeouts and clean errors; safe to use
    from several threads at once (the session's connection pool is, and the retry policy
    is shared, so that a 429 to one thread makes all of them wait)."""

    def __init__(
        self,
        creds: JiraCredentials,
        timeout: float,
        policy: RetryPolicy | None = None,
        answer_within: float = 120.0,
    ) -> None:
        self.base_url = creds.url
        self._secrets = creds.secrets
        self._variables = creds.variables
        self._policy = policy or RetryPolicy()
        self._timeout = timeout
        self._deadline = answer_within
        self.request_count = 0  # requests sent, retries included; several threads add to it
        self._count_lock = threading.Lock()
        auth: dict[str, Any] = (
            {"basic_auth": (creds.email, creds.api_token)}
            if creds.api_token
            else {"token_auth": creds.pat}
        )
        self._client = JIRA(
            server=creds.url,
            options={"check_update": False},
            get_server_info=False,  # we ask for serverInfo ourselves, under our retry policy
            max_retries=0,  # one retry policy for the whole adapter: ours
            timeout=timeout,
            logging=False,
            **auth,
        )
        deadline.install(self._client._session)
        _read_environment_once(self._client._session, creds.url)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (from the site root, e.g. `/rest/api/2/field`) and return its JSON."""
        return self._request("GET", path, params=dict(params or {}))

    def get_site(self, path: str) -> Any:
        """GET a read about the site that every team of a portfolio run makes alike (server
        information, the field list): sent once per run for these credentials, the most
        urgent of the site's requests (`adapters/shared.py`); a plain `get` otherwise."""
        reads = shared_reads()
        if reads is None:
            return self.get(path)
        with site_read():
            key = (self.base_url, self._secrets, path)
            return reads.read(key, lambda first_try: self._request("GET", path, first_try))

    def values(
        self,
        path: str,
        warnings: list[str],
        params: Mapping[str, Any] | None = None,
        size: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Every entry of a paged list (`{startAt, maxResults, total, isLast, values}`: agile
        sprints, field contexts and options), asking `size` a page and advancing by what came
        back, as servers cap pages below what is asked.

        A list cut short (a server that ignores `startAt`) is added to `warnings`, which the
        source reports with its others (stderr and every report).
        """
        start, seen = 0, set[str]()
        while True:
            page = self.get(path, {**(params or {}), "startAt": start, "maxResults": size})
            page = page if isinstance(page, dict) else {}
            values = [v for v in page.get("values") or [] if isinstance(v, dict)]
            ids = {str(v.get("id")) for v in values}
            if ids and ids <= seen:  # a server that ignores startAt would loop forever
                warnings.append(
                    f"Jira sent the same entries again for startAt={start} of {path} "
                    f"(startAt ignored?): the list stops at {len(seen)} entries"
                )
                return
            seen |= ids
            yield from values
            start += len(values)
            total = page.get("total")
            if not values or page.get("isLast") is True:
                return
            if isinstance(total, int) and start >= total:
                return

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST a JSON body to `path` and return the JSON answer.

        Every POST this source sends only reads (`/search/jql`, `/search`, `/issue/bulkfetch`:
        Jira takes the query in a body because it can be long), so it is as safe to retry as
        a GET: the one retry policy treats it as idempotent.
        """
        return self._request("POST", path, data=json.dumps(body))

    def _request(
        self, method: str, path: str, first_try: FirstTry | None = None, **kwargs: Any
    ) -> Any:
        url = self.base_url + path
        session = self._client._session

        def once() -> requests.Response:
            try:
                return attempt()
            except BaseException:
                if first_try is not None:
                    first_try(False, None)
                raise

        def attempt() -> requests.Response:
            with self._count_lock:
                self.request_count += 1
            LOG.debug("%s %s", method, path)
            # `_session` is private, and used on purpose. jira 3.x has no public call for an
            # arbitrary JSON request: its wrappers (`enhanced_search_issues`, `sprints`, ...)
            # own their paging (100 a page, no `fields` per page we choose), build Resource
            # objects, and do not cover bulkfetch, board configuration or field options; its
            # `_get_json` is private too, fixes the API version and logs bodies on bad JSON.
            # `_session` is the ResilientSession every wrapper uses: it carries the auth, the
            # timeout and `max_retries=0`, and raises JIRAError on a failed status. pyproject
            # pins `jira<4`; the retry-count and 401 tests fail if that contract changes.
            return deadline.within(self._deadline, lambda: session.request(method, url, **kwargs))

        response = self._send(method, path, first_try, once)
        # Decoded once the request gave its site slot back (`RetryPolicy.call`): in a busy
        # portfolio run the decoding may wait for the interpreter, and the site for nothing.
        # Nothing here is retried: a broken answer raises as it did inside a try.
        try:
            answer = _json_of(method, path, response, self._secrets)
        except JiraHttpError:
            if first_try is not None:
                first_try(False, None)
            raise
        if first_try is not None:
            first_try(True, answer)
        return answer

    def _send(
        self,
        method: str,
        path: str,
        first_try: FirstTry | None,
        once: Callable[[], requests.Response],
    ) -> requests.Response:
        """`once`, retried by the policy; its failures as one-line `JiraHttpError`s."""
        try:
            # Reads only, POSTs included (see `post`): every request may be retried.
            return self._policy_for(first_try).call(once, self._wait_for, idempotent=True)
        except JIRAError as exc:
            raise self._http_error(method, path, exc) from None
        except deadline.ResponseDeadline:
            raise JiraHttpError(
                f"Jira did not finish answering {method} {path} within {self._deadline:g} s"
            ) from None
        except requests.Timeout:
            raise JiraHttpError(
                f"Jira did not answer {method} {path} within {self._timeout:g}s"
            ) from None
        except requests.RequestException as exc:
            if is_reset(exc):
                raise JiraHttpError(
                    f"Jira at {self.base_url} broke off the connection during {method} {path}"
                    f" ({self._policy.max_retries} retries)"
                ) from None
            raise JiraHttpError(
                f"cannot reach Jira at {self.base_url} ({type(exc).__name__})"
            ) from None

    def _policy_for(self, first_try: FirstTry | None) -> RetryPolicy:
        """The retry policy of a request; for a shared read's first try (`get_site`), one
        that lets the teams waiting for it go on their own before any sleep: a wait at this
        source's gate (another of its requests was asked to wait) or for a retry."""
        if first_try is None:
            return self._policy
        sleep = self._policy.sleep

        def released_then_sleep(seconds: float) -> None:
            first_try(False, None)
            sleep(seconds)

        return replace(self._policy, sleep=released_then_sleep)

    @staticmethod
    def _wait_for(exc: Exception) -> float | None:
        if isinstance(exc, JIRAError):
            headers = exc.response.headers if exc.response is not None else {}
            return wait_for_answer(exc.status_code, headers)
        return wait_for_transport(exc)

    def _http_error(self, method: str, path: str, exc: JIRAError) -> JiraHttpError:
        status = int(exc.status_code or 0)
        detail = _error_detail(exc.response) if exc.response is not None else ""
        headers = exc.response.headers if exc.response is not None else {}
        hint = _status_hint(status, self._policy.gave_up(headers))
        text = f"Jira answered HTTP {status} ({hint}) to {method} {path}"
        if detail:
            text += f": {detail}"
        if status == 401:
            text += f" (check {self._variables})"
        elif status == 404 and path.endswith("/serverInfo"):
            text += f" ({self.base_url} is not a Jira site's root: check JIRA_URL or --jira-url)"
        return JiraHttpError(_one_line(text, self._secrets), status)
