"""What every source that talks to an HTTP API shares: its failure with a status, its error
lines scrubbed of secrets, and its credentials and base URL read from the variables it is given.

Each API client (Jira, Asana, Trello, monday.com) words its own failures; the rules here are
the ones they must not word differently: a failure carries the HTTP status its caller decides
on, no secret ever reaches a message, and a missing token or an unusable base URL is exit 2
before the first request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from backlog_audit.adapters.urls import check_base_url
from backlog_audit.errors import SourceError, UsageError

__all__ = ["ApiError", "base_url", "one_line", "required"]


class ApiError(SourceError):
    """A request to a source's API that failed; `status` is the HTTP status (None: no answer
    at all), which callers read to tell a missing resource from a failing source."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def one_line(text: str, secrets: Iterable[str], limit: int) -> str:
    """`text` with every secret as `***`, its blanks folded to one line, cut to `limit`
    characters (ending `...` when cut)."""
    for secret in secrets:
        text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def required(credentials: Mapping[str, str], name: str, message: str) -> str:
    """The variable `name` from `credentials`, or exit 2 with `message` when it is empty."""
    value = (credentials.get(name) or "").strip()
    if not value:
        raise UsageError(message)
    return value


def base_url(
    credentials: Mapping[str, str], name: str, default: str, *, allow_userinfo: bool = False
) -> str:
    """The base URL in the variable `name` (else `default`), checked by `urls.check_base_url`
    (exit 2 naming `name` when it cannot be requested)."""
    url = (credentials.get(name) or "").strip() or default
    return check_base_url(url, name, allow_userinfo=allow_userinfo)
