"""Talking to Asana: the official SDK, one retry policy, paging, and one-line errors.

The `asana` 5.x SDK builds the requests (auth header, query encoding, JSON decoding). Its
urllib3 `Retry` is switched off (`retry_strategy = False`) so that `RetryPolicy` from
`adapters/retry.py` is the only retry policy: bounded, honouring `Retry-After`, sleeping through
an injectable function. Every call runs under a whole-answer deadline (`adapters/deadline.py`)
besides the per-read timeout. Paging is done here rather than by the SDK's `PageIterator`, so that a
429 on page 7 retries page 7 instead of starting over, and a repeated offset is refused.

`ApiException` is never turned into text (its `__str__` dumps headers and body); every failure
becomes a `SourceError` with one line naming what was being read, scrubbed of the token.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

import asana
import urllib3
from asana.rest import ApiException

from backlog_audit.adapters import deadline
from backlog_audit.adapters.api import ApiError, base_url, required
from backlog_audit.adapters.paging import PageGuard
from backlog_audit.adapters.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    is_reset,
    wait_for_answer,
    wait_for_transport,
)
from backlog_audit.adapters.urls import redact_url

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_BASE_URL",
    "PAGE_SIZE",
    "RETRY_STATUSES",
    "AsanaClient",
    "AsanaHttpError",
    "client_from",
]

LOG = logging.getLogger(__name__)
T = TypeVar("T")
Json = dict[str, Any]

DEFAULT_BASE_URL = "https://app.asana.com/api/1.0"
PAGE_SIZE = 100  # Asana's maximum `limit`
BATCH_SIZE = 10  # Asana's maximum number of actions in one batch request
# What the one retry policy retries (adapters/retry.py), named here for the batch readers.
RETRY_STATUSES = RETRYABLE_STATUSES
_MAX_MESSAGE = 200


class AsanaHttpError(ApiError):
    """An Asana request that failed; `status` is the HTTP status (None: no answer at all)."""


def _asana_message(body: bytes | str | None) -> str:
    """The first `errors[].message` of an Asana error body, or ''."""
    if not body:
        return ""
    try:
        payload = json.loads(body)
        message = payload["errors"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return " ".join(str(message).split())[:_MAX_MESSAGE]


class AsanaClient:
    """The SDK's API objects plus retries, paging and error translation.

    `call(what, fn)` runs one SDK call; `what` says in words what is being read, for messages.
    """

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        answer_within: float = 120.0,
    ) -> None:
        self._token = token
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._deadline = answer_within
        self._policy = RetryPolicy(sleep=time.sleep if sleep is None else sleep)
        cfg = asana.Configuration()
        cfg.access_token = token
        cfg.host = self.base_url
        # One retry policy: ours. urllib3's would sleep with time.sleep, out of our control.
        cfg.retry_strategy = False
        api = asana.ApiClient(cfg)
        deadline.install(api.rest_client.pool_manager)
        self.tasks = asana.TasksApi(api)
        self.projects = asana.ProjectsApi(api)
        self.sections = asana.SectionsApi(api)
        self.custom_field_settings = asana.CustomFieldSettingsApi(api)
        self.goals = asana.GoalsApi(api)
        self.goal_relationships = asana.GoalRelationshipsApi(api)
        self.time_periods = asana.TimePeriodsApi(api)
        self.portfolios = asana.PortfoliosApi(api)
        self.batch = asana.BatchAPIApi(api)

    def __repr__(self) -> str:  # never show the token, even in a debugger or a log
        return f"AsanaClient(base_url={redact_url(self.base_url)!r})"

    @property
    def request_options(self) -> dict[str, Any]:
        """Keyword arguments every SDK call gets: the raw payload, and our timeout.

        The SDK only honours an int or a (connect, read) tuple as timeout, never a float.
        """
        return {"full_payload": True, "_request_timeout": (self._timeout, self._timeout)}

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one SDK call with retries; any failure becomes a one-line `AsanaHttpError`.

        Every call reads: GETs, and POST /batch of GET actions, as safe to retry as a GET.
        """
        try:
            return self._policy.call(
                lambda: deadline.within(self._deadline, fn), self._wait_for, idempotent=True
            )
        except ApiException as exc:
            raise self._api_error(what, exc) from None
        except deadline.ResponseDeadline:
            where = redact_url(self.base_url)
            raise AsanaHttpError(
                f"Asana at {where} did not finish answering within {self._deadline:g} s "
                f"while reading {what}"
            ) from None
        except urllib3.exceptions.HTTPError as exc:
            raise self._transport_error(what, exc) from None

    def get(self, what: str, fn: Callable[[Json], Any], opts: Mapping[str, Any]) -> Json:
        """One resource: `fn(opts)` is an SDK call; returns the payload's `data`."""
        payload = self._payload(what, self.call(what, lambda: fn(dict(opts))))
        data = payload.get("data")
        if not isinstance(data, dict):
            raise AsanaHttpError(f"Asana answered without data while reading {what}")
        return data

    def pages(
        self, what: str, fn: Callable[[Json], Any], opts: Mapping[str, Any]
    ) -> Iterator[list[Json]]:
        """Every page of a listing, `PAGE_SIZE` records a page, following `next_page.offset`.

        A listing that cannot be proved complete (`adapters/paging.py`: an empty page with a
        next offset, a page of records sent before, an offset handed out twice) is refused.
        """
        guard = PageGuard(f"Asana's listing of {what}")
        offset: str | None = None
        while True:
            page_opts = {**opts, "limit": PAGE_SIZE}
            if offset:
                page_opts["offset"] = offset
            payload = self._payload(what, self.call(what, partial(fn, page_opts)))
            records = _records(what, payload)
            LOG.debug("%s: page %d, %d records", what, guard.pages + 1, len(records))
            next_page = payload.get("next_page")
            offset = next_page.get("offset") if isinstance(next_page, dict) else None
            offset = str(offset) if offset else None
            guard.page((r["gid"] for r in records), more=offset is not None, cursor=offset)
            yield records
            if offset is None:
                return

    def get_many(
        self, label: str, what: Callable[[str], str], paths: list[str], fields: str
    ) -> list[Json | AsanaHttpError]:
        """GET several resources through Asana's batch API, `BATCH_SIZE` to a request.

        One result per path, in order: the record, or the error its action answered (the
        caller decides which are fatal). `label` names the kind ("parent tasks") and
        `what(path)` one resource, for messages. Saves the round trips of one request each,
        not rate-limit budget: Asana counts every action.
        """
        answers = self._batch(label, paths, {"fields": fields.split(",")})
        return [self._action(what(p), a) for p, a in zip(paths, answers, strict=True)]

    def first_pages(
        self, label: str, what: Callable[[str], str], paths: list[str], fields: str
    ) -> list[tuple[list[Json], bool] | AsanaHttpError]:
        """The first page (`PAGE_SIZE` records) of several listings through the batch API.

        One result per path, in order: (records, whether more pages follow), or the error its
        action answered. A listing with more pages is for the caller to read alone (`records`).
        """
        options = {"limit": PAGE_SIZE, "fields": fields.split(",")}
        answers = self._batch(label, paths, options)
        return [self._listing_action(what(p), a) for p, a in zip(paths, answers, strict=True)]

    def _batch(self, label: str, paths: list[str], options: Json) -> list[Any]:
        """The raw answers of GET `paths` with `options`, `BATCH_SIZE` actions to a request."""
        answers: list[Any] = []
        for start in range(0, len(paths), BATCH_SIZE):
            chunk = paths[start : start + BATCH_SIZE]
            actions = [
                {"method": "get", "relative_path": path, "options": options} for path in chunk
            ]
            body = {"data": {"actions": actions}}
            names = f"a batch of {len(chunk)} {label}"
            send = partial(self.batch.create_batch_request, body, {}, **self.request_options)
            payload = self._payload(names, self.call(names, send))
            got = payload.get("data")
            if not isinstance(got, list) or len(got) != len(chunk):
                raise AsanaHttpError(f"Asana answered {names} without one result per request")
            answers.extend(got)
        return answers

    def records(self, what: str, fn: Callable[[Json], Any], opts: Mapping[str, Any]) -> list[Json]:
        """Every record of a listing, all pages joined."""
        return [record for page in self.pages(what, fn, opts) for record in page]

    # --- errors --------------------------------------------------------------------------

    def _payload(self, what: str, payload: Any) -> Json:
        """The decoded answer, or a one-line error when it is not a JSON object.

        The SDK hands back the raw bytes when the body is not JSON (a proxy's or a captive
        portal's HTML page behind a wrong ASANA_BASE_URL), and parsed JSON of any shape.
        """
        if isinstance(payload, dict):
            return payload
        where = redact_url(self.base_url)
        if isinstance(payload, (bytes, str)):
            message = f"Asana at {where} did not answer {what} with JSON: check ASANA_BASE_URL"
        else:
            message = f"Asana at {where} answered {what} with JSON that is not an object"
        raise AsanaHttpError(self._scrub(message))

    @staticmethod
    def _wait_for(exc: Exception) -> float | None:
        """How long the server asked us to wait before retrying `exc`; None: do not retry."""
        # status 0: the SDK's word for no answer at all (its own transport failure)
        if isinstance(exc, ApiException) and exc.status:
            return wait_for_answer(exc.status, dict(exc.headers or {}))
        return wait_for_transport(exc)

    def _action(self, what: str, answer: Any) -> Json | AsanaHttpError:
        """One batch action's record, or its failure as an error (not raised)."""
        answer = answer if isinstance(answer, dict) else {}
        status = answer.get("status_code")
        body = answer.get("body")
        data = body.get("data") if isinstance(body, dict) else None
        if status == 200 and isinstance(data, dict) and data.get("gid"):
            return data
        if not isinstance(status, int) or status == 200:
            return AsanaHttpError(f"Asana answered {what} in a batch without data")
        message = self._status_text(status, what, None, retried=False)
        detail = _asana_message(json.dumps(body)) if isinstance(body, dict) else ""
        message = f"{message}: {detail}" if detail else message
        return AsanaHttpError(self._scrub(" ".join(message.split())), status)

    def _listing_action(self, what: str, answer: Any) -> tuple[list[Json], bool] | AsanaHttpError:
        """One batch action's page of records and whether more follow, or its failure."""
        answer = answer if isinstance(answer, dict) else {}
        body = answer.get("body")
        if answer.get("status_code") != 200 or not isinstance(body, dict):
            failed = self._action(what, answer)
            assert isinstance(failed, AsanaHttpError)  # a record needs a 200 and an object body
            return failed
        try:
            records = _records(what, body)
        except AsanaHttpError as exc:
            return exc
        next_page = body.get("next_page")
        return records, isinstance(next_page, dict) and bool(next_page.get("offset"))

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _api_error(self, what: str, exc: ApiException) -> AsanaHttpError:
        status = exc.status
        if status == 401:
            # Asana's own text adds nothing here; say which setting to check.
            message = f"Asana refused the access token (HTTP 401) while reading {what}"
            message += ": check ASANA_ACCESS_TOKEN"
        else:
            headers = dict(exc.headers or {})
            message = self._status_text(status, what, exc.reason, headers=headers)
            detail = _asana_message(exc.body)
            message = f"{message}: {detail}" if detail else message
        return AsanaHttpError(self._scrub(" ".join(message.split())), status or None)

    def _status_text(
        self,
        status: int | None,
        what: str,
        reason: object,
        *,
        retried: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        if status == 403:
            return f"Asana denied access (HTTP 403) to {what}"
        if status == 404:
            return f"Asana found no {what} (HTTP 404): check the gid"
        if status in RETRY_STATUSES and retried:
            if headers and self._policy.too_long(headers) is not None:
                return f"Asana answered HTTP {status} for {what}: {self._policy.gave_up(headers)}"
            retries = self._policy.max_retries
            return f"Asana kept answering HTTP {status} for {what} after {retries} retries"
        if not status:
            where = redact_url(self.base_url)
            return f"could not reach Asana at {where} while reading {what}: {reason}"
        return f"Asana answered HTTP {status} while reading {what}"

    def _transport_error(self, what: str, exc: urllib3.exceptions.HTTPError) -> AsanaHttpError:
        where = redact_url(self.base_url)
        reason = getattr(exc, "reason", None) or exc
        # urllib3's NewConnectionError (refused, unknown host) subclasses its TimeoutError.
        timed_out = isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
            reason, urllib3.exceptions.NewConnectionError
        )
        if timed_out:
            message = (
                f"Asana at {where} did not answer within {self._timeout:g} s while reading {what}"
            )
        elif is_reset(exc):
            retries = self._policy.max_retries
            message = (
                f"Asana at {where} broke off the connection while reading {what}"
                f" ({retries} retries)"
            )
        else:
            message = (
                f"could not reach Asana at {where} while reading {what} ({type(reason).__name__})"
            )
        return AsanaHttpError(self._scrub(message))


def _records(what: str, payload: Json) -> list[Json]:
    """A listing page's records; each must be an object with a gid, as every Asana record is.

    A page without `data` is malformed, not empty (Asana sends `[]`): read as no records it
    would lose a batch listing's subtasks without a word.
    """
    data = payload.get("data")
    if isinstance(data, list) and all(isinstance(r, dict) and r.get("gid") for r in data):
        return data
    raise AsanaHttpError(f"Asana listed {what} without records (objects with a gid)")


def client_from(
    credentials: Mapping[str, str],
    timeout: float = 30.0,
    sleep: Callable[[float], None] | None = None,
    answer_within: float = 120.0,
) -> AsanaClient:
    """An `AsanaClient` from the `ASANA_ACCESS_TOKEN` and `ASANA_BASE_URL` the caller passes
    (SPEC 7; the CLI reads them from the environment)."""
    token = required(
        credentials,
        "ASANA_ACCESS_TOKEN",
        "Asana needs a personal access token: set ASANA_ACCESS_TOKEN",
    )
    # A proxy in front of Asana may take a user:password: allowed, and never shown.
    url = base_url(credentials, "ASANA_BASE_URL", DEFAULT_BASE_URL, allow_userinfo=True)
    return AsanaClient(token, url, timeout=timeout, sleep=sleep, answer_within=answer_within)
