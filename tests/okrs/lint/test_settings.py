"""Lint settings from the config's [lint] table (docs/lint.md "Tuning")."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.errors import UsageError
from backlog_audit.okrs.lint import (
    DEFAULT_OUTPUT_VERBS,
    LintSettings,
)


def test_settings_from_mapping() -> None:
    settings = LintSettings.from_mapping(
        {
            "disable": ["lagging-only"],
            "max_krs_per_objective": 3,
            "near_duplicate_ratio": 0.8,
            "extra_output_verbs": ["pilot"],
        }
    )

    assert settings.disabled == frozenset({"lagging-only"})
    assert settings.max_krs_per_objective == 3
    assert settings.near_duplicate_ratio == 0.8
    assert settings.output_verbs == (*DEFAULT_OUTPUT_VERBS, "pilot")
    assert LintSettings.from_mapping({}) == LintSettings()


BAD_SETTINGS = {
    "unknown key": ({"max_kr": 3}, "[lint] unknown key 'max_kr'"),
    "unknown rule": ({"disable": ["output-phrase"]}, "unknown lint rule 'output-phrase' (did"),
    "not a number": (
        {"max_krs_per_objective": "two"},
        "[lint] max_krs_per_objective must be a whole number, got 'two'",
    ),
    "zero KRs": ({"max_krs_per_objective": 0}, "[lint] max_krs_per_objective must be at least 1"),
    "ratio above 1": ({"near_duplicate_ratio": 1.5}, "[lint] near_duplicate_ratio must be above 0"),
    "list of numbers": ({"output_verbs": [1]}, "[lint] output_verbs must be a list of non-empty"),
    "bad regex": ({"metric_patterns": ["(rate"]}, "[lint] metric pattern '(rate' is not a valid"),
}


@pytest.mark.parametrize("table, message", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_bad_settings_are_usage_errors(table: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        LintSettings.from_mapping(table)
    assert str(caught.value).startswith(message)
