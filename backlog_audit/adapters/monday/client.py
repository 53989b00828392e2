"""Talking to monday.com: one GraphQL endpoint, the pinned API version, retries, one-line errors.

Every request is `POST MONDAY_API_URL` with `{query, variables}`, the token in `Authorization`
and `API-Version: 2026-10` (`queries.API_VERSION`). monday.com reports most failures as HTTP
200 with `errors[]` (an `extensions.code`, or the older top-level `error_code`), and rate limits
as 429 with `Retry-After` or `retry_in_seconds`: `ComplexityException` (the complexity budget),
`maxConcurrencyExceeded`, `IP_RATE_LIMIT_EXCEEDED`. Those (as a 429), the statuses and the
connection resets of the one retry policy (`adapters/retry.py`) are retried through
`RetryPolicy` (bounded, injectable sleep); a timeout or a missed whole-answer deadline
(`adapters/deadline.py`) is not, nor is anything else: a `MondayError` (exit 3) of one line
that names what was being read and never shows the token. Every request is a GraphQL query
(a read) sent as a POST: idempotent, so retried like a GET.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from backlog_audit.adapters import deadline
from backlog_audit.adapters.api import base_url, required
from backlog_audit.adapters.monday.queries import API_VERSION
from backlog_audit.adapters.retry import (
    NO_HINT,
    RETRYABLE_STATUSES,
    RetryPolicy,
    is_reset,
    retry_after_seconds,
)
from backlog_audit.adapters.urls import redact_url
from backlog_audit.errors import SourceError

__all__ = ["DEFAULT_API_URL", "RATE_LIMIT_CODES", "MondayClient", "MondayError", "client_from"]

LOG = logging.getLogger(__name__)
Json = dict[str, Any]

DEFAULT_API_URL = "https://api.monday.com/v2"
# Error codes that mean "too much, too fast: wait and ask again" (casefolded).
RATE_LIMIT_CODES = frozenset(
    code.casefold()
    for code in (
        "ComplexityException",
        "COMPLEXITY_BUDGET_EXHAUSTED",
        "maxConcurrencyExceeded",
        "IP_RATE_LIMIT_EXCEEDED",
        "RATE_LIMIT_EXCEEDED",
    )
)
_MAX_MESSAGE = 200


class MondayError(SourceError):
    """A monday.com request that failed for good (exit 3)."""


@dataclass(frozen=True)
class _Problem:
    """One reported error: its message, code, and the wait it asked for (seconds)."""

    message: str
    code: str
    wait: float | None


class _Retry(Exception):
    """An answer worth asking again for: `wait` seconds asked (`NO_HINT`: none named)."""

    def __init__(self, failure: str, wait: float) -> None:
        super().__init__(failure)
        self.failure = failure
        self.wait = wait


class MondayClient:
    """Sends the documents of `queries` and returns their `data`, or raises `MondayError`.

    `requests` counts the requests sent per operation name (retries included), which the docs
    and the tests report as "the requests an audit makes".
    """

    def __init__(
        self,
        token: str,
        url: str = DEFAULT_API_URL,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        answer_within: float = 120.0,
    ) -> None:
        self._token = token
        self.url = url
        self._timeout = timeout
        self._deadline = answer_within
        self._policy = RetryPolicy(sleep=time.sleep if sleep is None else sleep)
        self._session = requests.Session()
        self._session.trust_env = False  # no .netrc credentials or proxy settings slip in
        deadline.install(self._session)
        self.requests: Counter[str] = Counter()

    def __repr__(self) -> str:  # never show the token, even in a debugger or a log
        return f"MondayClient(url={redact_url(self.url)!r})"

    def query(self, what: str, document: str, variables: Mapping[str, Any]) -> Json:
        """The `data` of one query; `what` says in words what is read, for messages."""

        def send() -> Json:
            return self._send(what, document, variables)

        try:
            # GraphQL queries only read: retried like GETs.
            return self._policy.call(send, _wait_for, idempotent=True)
        except _Retry as exc:
            if exc.wait > self._policy.max_wait:
                why = f"it asks to wait {exc.wait:.0f} s, longer than the "
                why += f"{self._policy.max_wait:g} s waited"
            else:
                why = f"after {self._policy.max_retries} retries"
            raise MondayError(self._scrub(f"{exc.failure} {why}")) from None

    def _send(self, what: str, document: str, variables: Mapping[str, Any]) -> Json:
        operation = _operation(document)
        self.requests[operation] += 1
        where = redact_url(self.url)
        try:
            response = deadline.within(
                self._deadline,
                lambda: self._session.post(
                    self.url,
                    json={"query": document, "variables": dict(variables)},
                    headers={
                        "Authorization": self._token,
                        "API-Version": API_VERSION,
                        "Content-Type": "application/json",
                    },
                    timeout=self._timeout,
                    allow_redirects=False,
                ),
            )
        except deadline.ResponseDeadline:
            raise MondayError(
                f"monday.com at {where} did not finish answering within {self._deadline:g} s"
                f" ({what})"
            ) from None
        except requests.Timeout:
            # Not retried: each try would cost the whole timeout again.
            raise MondayError(
                f"monday.com at {where} did not answer within {self._timeout:g} s ({what})"
            ) from None
        except requests.RequestException as exc:
            if is_reset(exc):
                failure = f"monday.com at {where} broke off the connection while reading {what}"
                raise _Retry(failure, NO_HINT) from None
            raise MondayError(
                f"could not reach monday.com at {where} while reading {what} ({type(exc).__name__})"
            ) from None
        return self._data(what, operation, response)

    def _data(self, what: str, operation: str, response: requests.Response) -> Json:
        """The answer's `data`, or the error it reports (raised)."""
        payload = _json(response)
        problems = _problems(payload)
        status = response.status_code
        if status == 429 or any(p.code.casefold() in RATE_LIMIT_CODES for p in problems):
            wait = retry_after_seconds(dict(response.headers))
            wait = wait if wait is not None else next((p.wait for p in problems if p.wait), None)
            raise _Retry(self._failure(what, status, problems), NO_HINT if wait is None else wait)
        if status in RETRYABLE_STATUSES:  # a 503 may name its wait too
            wait = retry_after_seconds(dict(response.headers))
            raise _Retry(self._failure(what, status, problems), NO_HINT if wait is None else wait)
        if status in (401, 403):
            raise MondayError(
                f"monday.com refused the token (HTTP {status}) while reading {what}: "
                "check MONDAY_API_TOKEN and its scopes (boards:read)"
            )
        if status != 200 or problems:
            raise MondayError(self._scrub(self._failure(what, status, problems)))
        data = payload.get("data") if payload is not None else None
        if not isinstance(data, dict):
            where = redact_url(self.url)
            raise MondayError(
                f"monday.com at {where} did not answer {what} with GraphQL data: "
                "check MONDAY_API_URL"
            )
        _log_complexity(operation, data.get("complexity"))
        return data

    def _failure(self, what: str, status: int, problems: list[_Problem]) -> str:
        if not problems:
            return f"monday.com answered HTTP {status} while reading {what}"
        first = problems[0]
        code = f" ({first.code})" if first.code else ""
        return self._scrub(f"monday.com answered {what} with an error{code}: {first.message}")

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _wait_for(exc: Exception) -> float | None:
    return exc.wait if isinstance(exc, _Retry) else None


def _operation(document: str) -> str:
    """The operation name of a document (`query Items(...)` -> `Items`), for the counts."""
    head = document.strip().split("(", 1)[0].split("{", 1)[0].split()
    return head[1] if len(head) > 1 else "anonymous"


def _json(response: requests.Response) -> Json | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _problems(payload: Json | None) -> list[_Problem]:
    """The errors an answer reports: `errors[]`, or the older top-level `error_code`."""
    if payload is None:
        return []
    found = []
    for error in payload.get("errors") or ():
        if isinstance(error, dict):
            extensions = error.get("extensions")
            ext = extensions if isinstance(extensions, dict) else {}
            found.append(_problem(error.get("message"), ext.get("code"), ext))
    if payload.get("error_code") or payload.get("error_message"):
        data = payload.get("error_data")
        found.append(
            _problem(
                payload.get("error_message"),
                payload.get("error_code"),
                data if isinstance(data, dict) else {},
            )
        )
    return found


def _problem(message: object, code: object, details: Mapping[str, Any]) -> _Problem:
    text = " ".join(str(message or "no message").split())[:_MAX_MESSAGE]
    wait = details.get("retry_in_seconds")
    seconds = float(wait) if isinstance(wait, int | float) and not isinstance(wait, bool) else None
    return _Problem(text, str(code or ""), seconds)


def _log_complexity(operation: str, complexity: object) -> None:
    if isinstance(complexity, dict):
        LOG.debug(
            "monday.com %s: complexity %s, budget %s left, reset in %s s",
            operation,
            complexity.get("query"),
            complexity.get("after"),
            complexity.get("reset_in_x_seconds"),
        )


def client_from(
    credentials: Mapping[str, str],
    timeout: float = 30.0,
    sleep: Callable[[float], None] | None = None,
    answer_within: float = 120.0,
) -> MondayClient:
    """A client from `MONDAY_API_TOKEN` and `MONDAY_API_URL` (SPEC 7)."""
    token = required(
        credentials,
        "MONDAY_API_TOKEN",
        "monday.com needs an API token: set MONDAY_API_TOKEN (your avatar > Developers > "
        "My access tokens)",
    )
    url = base_url(credentials, "MONDAY_API_URL", DEFAULT_API_URL)
    return MondayClient(token, url, timeout=timeout, sleep=sleep, answer_within=answer_within)
