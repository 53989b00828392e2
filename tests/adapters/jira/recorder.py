"""vcrpy settings for Jira cassettes: what is matched, and what is scrubbed before recording.

Requests match on method, path, query and body, not on host and port, so that cassettes
recorded from the fake (on a random port) replay against any URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import vcr

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


def recorder(record_mode: str = "none") -> vcr.VCR:
    """A VCR that replays only by default; recording is `record_jira_cassettes.py`'s job."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query", "body"],
        filter_headers=list(SECRET_HEADERS),
        filter_query_parameters=list(SECRET_PARAMS),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
