"""Running the rules: file order, disabled rules, counts, and properties over any set."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.okrs.lint import (
    RULE_IDS,
    LintSettings,
    count_by_severity,
    lint,
)
from tests.okrs.lint.lint_builders import (
    DELIVER_IOS_APP,
    PARENT,
    good_kr,
    objective,
)

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
