"""Each OKR quality rule (issue 6): one passing and one failing case per rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backlog_audit.model import OkrSet
from backlog_audit.okrs.lint import (
    RULE_IDS,
    LintSettings,
    lint,
)
from backlog_audit.okrs.lint.rules import RULES, Hit, Rule
from tests.okrs.lint.lint_builders import (
    DELIVER_IOS_APP,
    PARENT,
    found,
    good_kr,
    one_objective,
)

# --- the seed examples of the issue ----------------------------------------------------------


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


@pytest.mark.parametrize(
    ("title", "figure"),
    [
        ("Improve our MRR to 330k", "330k"),
        ("Reach $1.5M in annual revenue", "$1.5M"),
        ("Make checkout 20% faster", "20%"),
        ("Grow usage 3x", "3x"),
        ("Land 2bn page views", "2bn"),
    ],
)
def test_a_figure_with_a_unit_or_magnitude_is_a_number_in_an_objective(
    title: str, figure: str
) -> None:
    bad = lint(one_objective(good_kr(), title=title))
    assert found(bad, "objective-has-number") == [("O1", "warning")]
    assert f"('{figure}')" in bad[0].message


@pytest.mark.parametrize(
    "title", ["Roll out 360-degree feedback", "Ship the 5-star review flow", "Cut 330kg of CO2"]
)
def test_a_number_glued_to_a_word_is_a_name_not_a_figure(title: str) -> None:
    assert found(lint(one_objective(good_kr(), title=title)), "objective-has-number") == []


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


def test_every_rule_id_is_distinct() -> None:
    assert len(set(RULE_IDS)) == len(RULE_IDS) == 12


def test_a_finding_takes_its_rule_id_and_severity_from_the_rule() -> None:
    findings = lint(DELIVER_IOS_APP, PARENT)

    by_id = {r.id: r for r in RULES}
    assert findings
    assert all(f.severity in by_id[f.rule].severities for f in findings)
    assert {f.severity for f in findings if f.rule == "no-metric"} == {by_id["no-metric"].severity}


def test_a_check_cannot_name_a_severity_its_rule_does_not_declare() -> None:
    def check(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
        yield Hit("O1", "message", "error")

    toy = Rule("toy", ("warning",), "objective", "always", "to test", check)

    with pytest.raises(ValueError, match="does not declare severity error"):
        list(toy.findings(OkrSet(objectives=()), None, LintSettings()))
