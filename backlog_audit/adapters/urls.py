"""Base URLs of the API sources (`JIRA_URL`/`--jira-url`, `ASANA_BASE_URL`).

Checked once, before any request: a URL that cannot be requested is a usage error (exit 2),
not a failing source (exit 3), and no message ever shows a `user:password@` part.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from backlog_audit.errors import UsageError

__all__ = ["check_base_url", "redact_url"]


def redact_url(url: str) -> str:
    """The URL without any user:password part, query or fragment, for messages.

    Works on malformed URLs too (a port out of range), since it is used to report them.
    """
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_base_url(url: str, name: str, *, allow_userinfo: bool = False) -> str:
    """`url` when it is an http(s) URL with a host, a valid port, and no query or fragment;
    else exit 2 naming `name`.

    `allow_userinfo=False` refuses `user:password@`: credentials belong in the environment,
    and a URL is copied into messages and reports (Jira's browse links).
    """
    shown = redact_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (parsing the port raises ValueError when it is not one)
    except ValueError as exc:
        raise UsageError(f"{name} is not a valid URL ({exc}): {shown}") from None
    if parts.scheme not in ("http", "https"):
        # Only the scheme is shown: the rest of a javascript: or data: "URL" is arbitrary text.
        got = f"{parts.scheme}:" if parts.scheme else shown
        raise UsageError(f"{name} must start with http:// or https:// (got {got})")
    if not parts.hostname:
        raise UsageError(f"{name} names no host: {shown}")
    if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
        # Paths are appended to a base URL, so a query would swallow them; and a query is
        # where a token might hide, to be copied into messages and reports (browse links).
        raise UsageError(f"{name} must not contain a query (?...) or fragment (#...): {shown}")
    if not allow_userinfo and (parts.username or parts.password):
        raise UsageError(
            f"{name} must not contain a user name or password (set them in the "
            f"environment instead): {shown}"
        )
    return url
