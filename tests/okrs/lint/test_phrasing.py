"""How the rules read titles (docs/lint.md "How output-phrased decides")."""

from __future__ import annotations

import pytest

from backlog_audit.okrs.lint import (
    LintSettings,
    is_output_phrased,
)

# --- output-phrased: the grammar --------------------------------------------------------------

PHRASING = {
    "Launch the mobile app": True,
    "Code MVP": True,
    "We will ship v2 of the API": True,  # opening filler is skipped
    "Shipped 3 new features": True,  # a count of outputs is still an output
    "Rolling out SSO to every customer": True,  # multi-word verb, inflected
    "Set up product analytics": True,
    "Written onboarding guide": True,  # irregular form
    "Increase weekly retention from 40% to 50%": False,  # outcome verb
    "Build time from 20 to 5 minutes": False,  # "build" as a noun, with a metric
    "Release frequency per month from 1 to 4": False,
    "Launch the app so that 30% of new users pay": False,  # names a measured change
    "Publisher churn down to 2": False,  # "publisher" is not "publish"
}


@pytest.mark.parametrize("title, expected", PHRASING.items(), ids=PHRASING.keys())
def test_output_phrasing_grammar(title: str, expected: bool) -> None:
    assert is_output_phrased(title) is expected


def test_output_verbs_and_metric_patterns_are_tunable() -> None:
    settings = LintSettings.from_mapping(
        {"extra_output_verbs": ["pilot"], "metric_patterns": [r"\bsignups?\b"]}
    )

    assert is_output_phrased("Pilot the new onboarding", settings)
    assert not is_output_phrased("Pilot the new onboarding")
    # Replacing the metric patterns drops the defaults: "%" no longer counts as a metric.
    assert is_output_phrased("Launch the app to 30% of users", settings)
    assert not is_output_phrased("Launch the app to reach 500 signups", settings)
