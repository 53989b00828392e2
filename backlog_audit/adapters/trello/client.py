"""Talking to Trello's REST API: credentials in a header, one retry policy, a request budget,
and one-line errors.

The key and token travel in `Authorization: OAuth oauth_consumer_key="...", oauth_token="..."`
(Trello accepts it instead of the `key`/`token` query parameters), so that no URL, log line,
message or recorded request holds them. `RetryPolicy` (adapters/retry.py, the one policy of
every source) retries 429, 500, 502, 503, 504 and connection resets, never a timeout; every
request runs under a whole-answer deadline (adapters/deadline.py). Trello's 429 names the
limit in its body (`API_TOKEN_LIMIT_EXCEEDED`) and sends no `Retry-After`, so the waits back
off from 2.5 s to the 10 s of Trello's window. `RequestWindow`
keeps the client under 100 requests in any 10 s (Trello's limit per token), retries included.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from backlog_audit.adapters import deadline
from backlog_audit.adapters.api import ApiError, base_url, one_line
from backlog_audit.adapters.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    is_reset,
    wait_for_answer,
    wait_for_transport,
)
from backlog_audit.adapters.urls import redact_url
from backlog_audit.errors import UsageError

__all__ = [
    "DEFAULT_BASE_URL",
    "RequestWindow",
    "TrelloClient",
    "TrelloCredentials",
    "TrelloHttpError",
    "credentials_from",
]

LOG = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://api.trello.com/1"
VARIABLE_NAMES = ("TRELLO_API_KEY", "TRELLO_TOKEN")
VARIABLES = " and ".join(VARIABLE_NAMES)
# Trello's limit per token: 100 requests in any 10 seconds (its "Rate Limits" guide).
TOKEN_LIMIT, WINDOW_SECONDS = 100, 10.0
_MAX_MESSAGE = 200


@dataclass(frozen=True)
class TrelloCredentials:
    """An API key and a token, and where Trello's API is."""

    key: str
    token: str
    base_url: str = DEFAULT_BASE_URL

    def __repr__(self) -> str:  # never show a secret, even in a debugger or a log
        return f"TrelloCredentials(base_url={redact_url(self.base_url)!r})"

    @property
    def header(self) -> str:
        """The `Authorization` header Trello accepts instead of query parameters."""
        return f'OAuth oauth_consumer_key="{self.key}", oauth_token="{self.token}"'

    def scrub(self, text: str) -> str:
        """`text` without the key or the token, on one line, at most 200 characters."""
        return one_line(text, (self.token, self.key), _MAX_MESSAGE)


def credentials_from(env: Mapping[str, str]) -> TrelloCredentials:
    """`TRELLO_API_KEY`, `TRELLO_TOKEN` and `TRELLO_BASE_URL` (SPEC 7), or exit 2."""
    key, token = ((env.get(name) or "").strip() for name in VARIABLE_NAMES)
    if not (key and token):
        missing = " and ".join(name for name in VARIABLE_NAMES if not env.get(name, "").strip())
        raise UsageError(
            f"Trello needs an API key and a token: set {missing} "
            "(https://trello.com/power-ups/admin, see docs/sources-trello.md)"
        )
    url = base_url(env, "TRELLO_BASE_URL", DEFAULT_BASE_URL)
    return TrelloCredentials(key, token, url.rstrip("/"))


class TrelloHttpError(ApiError):
    """A Trello request that failed; `status` is the HTTP status (None: no answer at all)."""


class _Retryable(Exception):
    """A 429 or 503 answer, raised inside the retry loop so that the policy sees it."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class RequestWindow:
    """At most `limit` requests in any `seconds`: `wait()` sleeps until one more may go."""

    limit: int = TOKEN_LIMIT
    seconds: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque)

    def wait(self) -> None:
        """Block until a request fits in the window, then count it."""
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.seconds:
            self._sent.popleft()
        if len(self._sent) >= self.limit:
            pause = self._sent[0] + self.seconds - now
            LOG.info("Trello's request budget is spent: waiting %.1fs", pause)
            self.sleep(pause)
            now = self.clock()
            self._sent.popleft()
        self._sent.append(now)


class TrelloClient:
    """GET requests to Trello's API with retries, a request budget and clean errors.

    `request_counts` counts requests per route (`GET /boards/{id}/cards/open`), retries
    included: the figures docs/sources-trello.md gives per audit.
    """

    def __init__(
        self,
        credentials: TrelloCredentials,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        window: RequestWindow | None = None,
        answer_within: float = 120.0,
    ) -> None:
        self._credentials = credentials
        self._timeout = timeout
        self._deadline = answer_within
        pause = time.sleep if sleep is None else sleep
        self._policy = RetryPolicy(base_wait=2.5, max_backoff=WINDOW_SECONDS, sleep=pause)
        self._window = window or RequestWindow(sleep=pause)
        self._session = requests.Session()
        self._session.headers["Authorization"] = credentials.header
        self._session.headers["Accept"] = "application/json"
        deadline.install(self._session)
        self.request_counts: Counter[str] = Counter()

    def __repr__(self) -> str:  # never show a secret, even in a debugger or a log
        return f"TrelloClient(base_url={redact_url(self._credentials.base_url)!r})"

    @property
    def max_retries(self) -> int:
        """How many times a 429 or 503 is retried before the audit fails."""
        return self._policy.max_retries

    def get(self, route: str, board: str, params: Mapping[str, str], what: str) -> Any:
        """GET `route` (`/boards/{id}/lists`) of `board` with `params`; its JSON.

        `what` names what is read, in words, for messages.
        """
        path = route.replace("{id}", board)
        try:
            return self._policy.call(
                lambda: self._once(route, path, params, what), self._wait_for, idempotent=True
            )
        except _Retryable as exc:
            raise self._http_error(exc.response, what, retried=True) from None
        except requests.RequestException:  # a reset, after the retries
            where = redact_url(self._credentials.base_url)
            raise TrelloHttpError(
                f"Trello at {where} broke off the connection while reading {what}"
                f" ({self._policy.max_retries} retries)"
            ) from None

    def close(self) -> None:
        """Release the connection pool."""
        self._session.close()

    def _once(self, route: str, path: str, params: Mapping[str, str], what: str) -> Any:
        self._window.wait()
        self.request_counts[f"GET {route}"] += 1
        LOG.debug("GET %s %s", route, dict(params))
        url = self._credentials.base_url + path
        try:
            response = deadline.within(
                self._deadline,
                lambda: self._session.get(url, params=dict(params), timeout=self._timeout),
            )
        except deadline.ResponseDeadline:
            where = redact_url(self._credentials.base_url)
            raise TrelloHttpError(
                f"Trello at {where} did not finish answering within {self._deadline:g} s "
                f"while reading {what}"
            ) from None
        except requests.Timeout:
            where = redact_url(self._credentials.base_url)
            raise TrelloHttpError(
                f"Trello at {where} did not answer within {self._timeout:g}s while reading {what}"
            ) from None
        except requests.RequestException as exc:
            if is_reset(exc):
                raise  # retried by the policy (`_wait_for`)
            where = redact_url(self._credentials.base_url)
            raise TrelloHttpError(
                f"could not reach Trello at {where} while reading {what} ({type(exc).__name__})"
            ) from None
        if response.status_code in RETRYABLE_STATUSES:
            raise _Retryable(response)
        if response.status_code >= 400:
            raise self._http_error(response, what, retried=False)
        return self._json(response, what)

    @staticmethod
    def _wait_for(exc: Exception) -> float | None:
        if isinstance(exc, _Retryable):
            return wait_for_answer(exc.response.status_code, exc.response.headers)
        return wait_for_transport(exc)

    def _json(self, response: requests.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            where = redact_url(self._credentials.base_url)
            raise TrelloHttpError(
                f"Trello at {where} did not answer {what} with JSON: check TRELLO_BASE_URL"
            ) from None

    def _http_error(
        self, response: requests.Response, what: str, *, retried: bool
    ) -> TrelloHttpError:
        status = response.status_code
        detail = _detail(response)
        said = f": {detail}" if detail else ""
        if status == 401:
            text = f"Trello refused the credentials (HTTP 401{said}) while reading {what}"
            text += f": check {VARIABLES}"
        elif status in (400, 404):
            text = f"Trello found no {what} (HTTP {status}{said}): check --trello-board"
        elif retried and self._policy.too_long(response.headers) is not None:
            gave_up = self._policy.gave_up(response.headers)
            text = f"Trello answered HTTP {status}{said} for {what}: {gave_up}"
        elif retried:
            text = (
                f"Trello kept answering HTTP {status}{said} for {what} "
                f"after {self._policy.max_retries} retries"
            )
        else:
            text = f"Trello answered HTTP {status}{said} while reading {what}"
        return TrelloHttpError(self._credentials.scrub(text), status)


def _detail(response: requests.Response) -> str:
    """What Trello said about a failure: `message` and the limit's name of a JSON body
    (`{"error": "API_TOKEN_LIMIT_EXCEEDED", "message": ...}`, or the spec's `{code,
    message}`), or a short plain-text body (`invalid token`); never an HTML page."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        if not text or text.lstrip()[:1] == "<":
            return ""
        return " ".join(text.split())[:80]
    if not isinstance(body, dict):
        return ""
    parts = [str(body[k]) for k in ("error", "code", "message") if body.get(k)]
    return " ".join(" ".join(dict.fromkeys(parts)).split())[:120]
