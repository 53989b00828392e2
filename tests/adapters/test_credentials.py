"""Credentials checked before any request (`adapters/credentials.py`)."""

from __future__ import annotations

import pytest

from backlog_audit.adapters.credentials import checked
from backlog_audit.errors import EXIT_USAGE, UsageError


def test_surrounding_whitespace_is_dropped() -> None:
    assert checked({"JIRA_PAT": "  pat-123\n", "JIRA_URL": "https://x"}) == {
        "JIRA_PAT": "pat-123",
        "JIRA_URL": "https://x",
    }


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("SECRET-1\nSECRET-2", "a line break (U+000A) at character 9 of 17"),
        ("SEC\rRET", "a line break (U+000D) at character 4 of 7"),
        ("SEC\x00RET", "a control character (U+0000) at character 4 of 7"),
        ("SEC\tRET", "a control character (U+0009) at character 4 of 7"),
    ],
)
def test_a_control_character_inside_is_named_never_shown(value: str, what: str) -> None:
    with pytest.raises(UsageError) as caught:
        checked({"ASANA_ACCESS_TOKEN": value})
    message = str(caught.value)
    assert message.startswith(f"ASANA_ACCESS_TOKEN holds {what}: set it to the value alone")
    assert "\n" not in message and "SEC" not in message
    assert caught.value.exit_code == EXIT_USAGE
