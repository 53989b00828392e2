"""vcrpy settings for Jira cassettes: what is matched, and what is scrubbed before recording.

Requests match on method, path, query and body, not on host and port, so that cassettes
recorded from the fake (on a random port) replay against any URL.

While a cassette is in use, requests go through `requests`' transport one at a time: vcrpy is
not thread-safe (kevin1024/vcrpy#212). To open each connection, and to send a request it
records, it puts the real connection classes back process-wide for a moment
(`vcr.patch.force_reset`); a request another thread opened in that moment got a real
connection. On replay it went to REPLAY_URL and failed, and vcrpy's pool patch then looped
for ever in the first thread, dropping connections not of the class it had seen (test runs
that never ended once a board audit read its board on a worker). The audit's threads still
run as they do for real; only their requests take turns.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import requests
import vcr
from requests.adapters import HTTPAdapter

CASSETTES = Path(__file__).parent / "cassettes"
# Replays point here: nothing listens, so a request missing from a cassette fails loudly.
REPLAY_URL = "http://127.0.0.1:9"
SECRET_HEADERS = (
    "authorization",
    "cookie",
    "set-cookie",
    "x-atlassian-token",
    "proxy-authorization",
)
SECRET_PARAMS = ("token", "api_token", "access_token", "apikey", "password", "jwt")
# JSON keys whose values are scrubbed; `nextPageToken` is a page cursor, not a credential.
_SECRET_KEY = re.compile(r"(?<!page)token|password|secret|authorization|cookie", re.IGNORECASE)


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "***" if _SECRET_KEY.search(k) else _scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    return value


def _scrub_body(body: bytes | str | None) -> bytes | str | None:
    if not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    text = json.dumps(_scrub_json(data))
    return text.encode() if isinstance(body, bytes) else text


def _scrub_request(request: Any) -> Any:
    request.body = _scrub_body(request.body)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    body = response.get("body", {})
    body["string"] = _scrub_body(body.get("string"))
    return response


# Held by the request in `requests`' transport while a cassette is in use.
_TRANSPORT = threading.RLock()


@contextmanager
def one_request_at_a_time() -> Iterator[None]:
    """Requests (of any thread) are sent, and answered, one after the other in the block."""
    send = HTTPAdapter.send

    def taking_turns(adapter: HTTPAdapter, request: Any, **kwargs: Any) -> requests.Response:
        with _TRANSPORT:
            return send(adapter, request, **kwargs)

    with mock.patch.object(HTTPAdapter, "send", taking_turns):
        yield


class _TakingTurns(vcr.VCR):
    """A VCR whose cassettes are used with `one_request_at_a_time`."""

    @contextmanager
    def use_cassette(self, path: str, **kwargs: Any) -> Iterator[Any]:
        with super().use_cassette(path, **kwargs) as cassette, one_request_at_a_time():
            yield cassette


def recorder(record_mode: str = "none") -> vcr.VCR:
    """A VCR that replays only by default; recording is `record_jira_cassettes.py`'s job.
    Requests under its cassettes take turns (see the module's docstring)."""
    return _TakingTurns(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query", "body"],
        filter_headers=list(SECRET_HEADERS),
        filter_query_parameters=list(SECRET_PARAMS),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
