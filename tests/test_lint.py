"""OKR quality lint (issue 6): one passing and one failing case per rule, plus settings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.errors import UsageError
from backlog_audit.lint import (
    DEFAULT_OUTPUT_VERBS,
    RULE_IDS,
    LintSettings,
    count_by_severity,
    is_output_phrased,
    lint,
)
from backlog_audit.model import KeyResult, LintFinding, Objective, OkrSet

GOOD_TITLE = "Net activation rate of users classified as tech leads from 50% to 70%"


def kr(kr_id: str, title: str, **fields: Any) -> KeyResult:
    """A KR of objective O?, the objective id taken from the KR id ("KR1.2" -> "O1")."""
    return KeyResult(id=kr_id, objective_id="O" + kr_id[2:].split(".")[0], title=title, **fields)


def good_kr(kr_id: str = "KR1.1", title: str = GOOD_TITLE, **fields: Any) -> KeyResult:
    """A KR no rule objects to."""
    return kr(kr_id, title, **fields)


def objective(obj_id: str, title: str, *krs: KeyResult, **fields: Any) -> Objective:
    return Objective(id=obj_id, title=title, key_results=krs, **fields)


def one_objective(
    *krs: KeyResult, title: str = "Tech leads adopt the product", **fields: Any
) -> OkrSet:
    return OkrSet(objectives=(objective("O1", title, *krs, **fields),))


def found(findings: tuple[LintFinding, ...], rule: str) -> list[tuple[str, str]]:
    """(id, severity) of the findings of one rule."""
    return [(f.id, f.severity) for f in findings if f.rule == rule]


# --- the seed examples of the issue ----------------------------------------------------------

DELIVER_IOS_APP = OkrSet(
    objectives=(
        objective(
            "O1",
            "Deliver new iOS app",
            kr("KR1.1", "Launch the mobile app"),
            kr("KR1.2", "Code MVP"),
            kr("KR1.3", "Publish the app by November"),
            kr("KR1.4", "Integrate user testing"),
        ),
    )
)


def test_task_list_krs_are_each_output_phrased() -> None:
    findings = lint(DELIVER_IOS_APP)

    assert found(findings, "output-phrased") == [
        ("KR1.1", "warning"),
        ("KR1.2", "warning"),
        ("KR1.3", "warning"),
        ("KR1.4", "warning"),
    ]
    message = next(f.message for f in findings if f.rule == "output-phrased")
    assert message.startswith("'Launch the mobile app' describes an output ('launch')")
    assert "customer behaviour" in message


def test_outcome_kr_of_the_issue_passes_clean() -> None:
    assert lint(one_objective(good_kr())) == ()


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


# --- one failing and one passing case per rule ------------------------------------------------


def test_no_metric() -> None:
    vague = good_kr(title="Better onboarding for new teams", baseline=3, target=5)
    assert found(lint(one_objective(vague)), "no-metric") == [("KR1.1", "warning")]
    named = good_kr(title="Better onboarding for new teams", baseline=3, target=5, metric="NPS")
    assert found(lint(one_objective(named)), "no-metric") == []
    in_title = good_kr(title="Onboarding NPS of new teams", baseline=3, target=5)
    assert found(lint(one_objective(in_title)), "no-metric") == []


def test_no_baseline() -> None:
    bad = lint(one_objective(good_kr(title="Weekly active teams", target=400, metric="teams")))
    assert found(bad, "no-baseline") == [("KR1.1", "warning")]
    with_field = good_kr(title="Weekly active teams", baseline=200, target=400, metric="teams")
    assert found(lint(one_objective(with_field)), "no-baseline") == []


def test_no_target() -> None:
    bad = lint(one_objective(good_kr(title="Weekly active teams", baseline=200, metric="t")))
    assert found(bad, "no-target") == [("KR1.1", "warning")]
    # "to 400" in the title states the target.
    in_title = good_kr(title="Weekly active teams up to 400", baseline=200, metric="t")
    assert found(lint(one_objective(in_title)), "no-target") == []


def test_target_equals_baseline() -> None:
    bad = lint(one_objective(good_kr(baseline=50, target=50)))
    assert found(bad, "target-equals-baseline") == [("KR1.1", "warning")]
    assert "target = baseline = 50" in bad[0].message
    assert (
        found(lint(one_objective(good_kr(baseline=50, target=70))), "target-equals-baseline") == []
    )


def test_objective_has_number() -> None:
    bad = lint(one_objective(good_kr(), title="Grow to 10,000 paying teams"))
    assert found(bad, "objective-has-number") == [("O1", "warning")]
    assert "('10,000')" in bad[0].message
    # Years and digits inside names (Q4, B2B) are not figures.
    fine = one_objective(good_kr(), title="Win B2B teams in Q4 2026")
    assert found(lint(fine), "objective-has-number") == []


def test_too_many_krs() -> None:
    krs = (
        good_kr("KR1.1"),
        good_kr("KR1.2", "Median time to first pipeline from 3 days to 1 day"),
        good_kr("KR1.3", "Support tickets per 100 new teams from 12 to 8"),
    )
    assert found(lint(one_objective(*krs)), "too-many-krs") == [("O1", "warning")]
    assert found(lint(one_objective(*krs[:2])), "too-many-krs") == []
    roomy = LintSettings(max_krs_per_objective=3)
    assert found(lint(one_objective(*krs), settings=roomy), "too-many-krs") == []


def test_objective_without_krs() -> None:
    assert found(lint(one_objective()), "objective-without-krs") == [("O1", "error")]
    assert found(lint(one_objective(good_kr())), "objective-without-krs") == []


def test_impact_metric_at_team_level() -> None:
    revenue = good_kr(title="Revenue from new teams from 1.2 to 2 (million EUR)", metric="rev")
    team = OkrSet(objectives=one_objective(revenue).objectives, level="team")
    assert found(lint(team), "impact-metric-at-team-level") == [("KR1.1", "info")]
    company = OkrSet(objectives=team.objectives, level="company")
    assert found(lint(company), "impact-metric-at-team-level") == []
    behaviour = OkrSet(objectives=one_objective(good_kr()).objectives, level="team")
    assert found(lint(behaviour), "impact-metric-at-team-level") == []


def test_lagging_only() -> None:
    second = "Median time to first pipeline from 3 days to 1 day"
    lagging = one_objective(
        good_kr(indicator="lagging"), good_kr("KR1.2", second, indicator="lagging")
    )
    assert found(lint(lagging), "lagging-only") == [("O1", "warning")]
    mixed = one_objective(
        good_kr(indicator="lagging"), good_kr("KR1.2", second, indicator="leading")
    )
    assert found(lint(mixed), "lagging-only") == []
    unmarked = one_objective(good_kr(), good_kr("KR1.2", second))
    assert found(lint(unmarked), "lagging-only") == []


PARENT = OkrSet(
    objectives=(objective("CO-2", "Teams succeed on day one", kr("KRC.1", "x")),),
    source="company.yaml",
)


def test_unaligned() -> None:
    aligned = one_objective(good_kr(), aligns_to="co-2")  # ids compare normalised
    assert found(lint(aligned, PARENT), "unaligned") == []
    to_parent_kr = one_objective(good_kr(), aligns_to="KRC.1")
    assert found(lint(to_parent_kr, PARENT), "unaligned") == []

    missing = lint(one_objective(good_kr()), PARENT)
    assert found(missing, "unaligned") == [("O1", "warning")]
    assert "which objective of company.yaml it supports" in missing[0].message

    unknown = lint(one_objective(good_kr(), aligns_to="CO-9"), PARENT)
    assert found(unknown, "unaligned") == [("O1", "error")]
    assert "'CO-9', which is not an objective or KR id of company.yaml" in unknown[0].message
    assert "(did you mean 'CO-2'?)" in unknown[0].message


def test_unaligned_needs_a_parent_set() -> None:
    assert found(lint(one_objective(good_kr())), "unaligned") == []


def test_near_duplicate_kr() -> None:
    twins = one_objective(
        good_kr("KR1.1", "Weekly active teams from 100 to 200"),
        good_kr("KR1.2", "Weekly active teams from 100 to 300"),
    )
    findings = lint(twins)
    assert found(findings, "near-duplicate-kr") == [("KR1.2", "warning")]
    assert "KR1.2 reads almost like KR1.1 (97% similar)" in findings[0].message

    distinct = one_objective(
        good_kr("KR1.1", "Weekly active teams from 100 to 200"),
        good_kr("KR1.2", "Support tickets per 100 new teams from 12 to 8"),
    )
    assert found(lint(distinct), "near-duplicate-kr") == []


def test_near_duplicate_kr_reports_each_later_kr_once() -> None:
    triplets = one_objective(
        good_kr("KR1.1", "Weekly active teams from 100 to 200"),
        good_kr("KR1.2", "Weekly active teams from 100 to 300"),
        good_kr("KR1.3", "Weekly active teams from 100 to 400"),
    )
    findings = lint(triplets, settings=LintSettings(max_krs_per_objective=3))

    assert found(findings, "near-duplicate-kr") == [("KR1.2", "warning"), ("KR1.3", "warning")]
    assert "KR1.3 reads almost like KR1.1" in findings[-1].message


# --- running the rules ------------------------------------------------------------------------


def test_findings_come_in_file_order_then_rule_order() -> None:
    okrs = OkrSet(
        objectives=(
            objective("O1", "Grow to 5 markets", good_kr("KR1.1", "Launch the app")),
            objective("O2", "Teams trust the report"),
        )
    )

    assert [(f.id, f.rule) for f in lint(okrs)] == [
        ("O1", "objective-has-number"),
        ("KR1.1", "output-phrased"),
        ("KR1.1", "no-metric"),
        ("KR1.1", "no-baseline"),
        ("KR1.1", "no-target"),
        ("O2", "objective-without-krs"),
    ]


def test_disabled_rules_are_not_run() -> None:
    settings = LintSettings().disable(["output-phrased", "no-metric"])

    rules = {f.rule for f in lint(DELIVER_IOS_APP, settings=settings)}

    assert rules == {"no-baseline", "no-target", "too-many-krs"}


def test_count_by_severity_lists_every_severity() -> None:
    counts = count_by_severity(lint(DELIVER_IOS_APP))
    # 4 KRs x (output-phrased, no-metric, no-baseline, no-target) + too-many-krs
    assert counts == {"error": 0, "warning": 17, "info": 0}


# --- settings from the [lint] table -----------------------------------------------------------


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


def test_every_rule_id_is_distinct() -> None:
    assert len(set(RULE_IDS)) == len(RULE_IDS) == 12


# --- properties -------------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["launch", "ship", "weekly", "active", "teams", "from", "to", "10", "50%", "rate", "revenue"]
)
TITLES = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
NUMBERS = st.none() | st.integers(-5, 5).map(float)


@st.composite
def okr_sets(draw: st.DrawFn) -> OkrSet:
    """Sets of up to 4 objectives with up to 4 KRs each, titles drawn from a small vocabulary."""
    objectives = []
    for i in range(1, draw(st.integers(0, 4)) + 1):
        krs = tuple(
            KeyResult(
                id=f"KR{i}.{j}",
                objective_id=f"O{i}",
                title=draw(TITLES),
                baseline=draw(NUMBERS),
                target=draw(NUMBERS),
                indicator=draw(st.sampled_from([None, "leading", "lagging"])),
            )
            for j in range(1, draw(st.integers(0, 4)) + 1)
        )
        aligns_to = draw(st.sampled_from([None, "CO-2", "CO-9"]))
        objectives.append(Objective(f"O{i}", draw(TITLES), krs, aligns_to=aligns_to))
    return OkrSet(tuple(objectives), level=draw(st.sampled_from([None, "team", "company"])))


# No deadline: a slow CI runner must not turn a correct example into a failure.
@settings(deadline=None)
@given(okr_sets(), st.booleans())
def test_findings_are_about_ids_of_the_set_and_in_file_order(
    okrs: OkrSet, with_parent: bool
) -> None:
    findings = lint(okrs, PARENT if with_parent else None)

    order = [i for o in okrs.objectives for i in (o.id, *(kr.id for kr in o.key_results))]
    assert all(f.id in order for f in findings)
    assert all(f.rule in RULE_IDS and f.severity in ("error", "warning", "info") for f in findings)
    positions = [order.index(f.id) for f in findings]
    assert positions == sorted(positions)
    # Each rule says a thing about an id at most once.
    assert len({(f.id, f.rule) for f in findings}) == len(findings)
