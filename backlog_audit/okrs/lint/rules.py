"""The OKR quality rules (issue 6), each stated once: id, severity, summary, rationale, check.

A rule's check yields `Hit`s (the objective or KR id and the message); `Rule.findings` turns
them into `LintFinding`s carrying the rule's own id and severity, so neither is written twice.
`RULES` is the order findings on one id come in. docs/lint.md's rule table and its "why each
rule" list are generated from these rules (tests/okrs/lint/test_rule_docs.py checks them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from backlog_audit.core.linking import normalise
from backlog_audit.model import LintFinding, OkrSet
from backlog_audit.okrs.lint.phrasing import has_metric, output_verb, suggest, title_similarity

if TYPE_CHECKING:
    from backlog_audit.okrs.lint.settings import LintSettings

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

_BASELINE_IN_TITLE = re.compile(r"\bfrom\s+[<>~≈≥≤]?\s*-?\d", re.IGNORECASE)
_TARGET_IN_TITLE = re.compile(
    r"\b(to|at least|at most|above|below|under|over|reach(es|ing)?)\s+[<>~≈≥≤]?\s*-?\d|[≥≤]\s*\d",
    re.IGNORECASE,
)
# A number that states a quantity: with a currency sign, thousands separators, a unit or a
# magnitude suffix (`$1.5M`, `10,000`, `330k`, `20%`, `3x`). Not one: a year (2026), digits
# glued to letters (Q4, B2B, 330kg) or glued to a word by a hyphen (`360-degree`: a name).
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?[$€£¥]?\d+(?:[.,]\d+)*(?:[kmb]n?|x|\s?%)?(?!\w|-\w)|%|\bpercent\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(19|20)\d\d")


class Hit(NamedTuple):
    """What a check found: the id it is about, the message, and a severity when not the rule's."""

    subject: str
    message: str
    severity: str | None = None


Check = Callable[[OkrSet, "OkrSet | None", "LintSettings"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: what it is called, how severe, what it looks at, when and why it fires."""

    id: str
    severities: tuple[str, ...]  # the first is the usual one; the others a check may name
    about: str  # what a finding names: "KR", "objective"...
    summary: str  # when it fires, as docs/lint.md's table says
    rationale: str  # why it matters, as docs/lint.md's "why each rule" says
    check: Check

    @property
    def severity(self) -> str:
        """The severity of a finding whose check names none."""
        return self.severities[0]

    def findings(
        self, okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
    ) -> Iterator[LintFinding]:
        """The check's hits as findings of this rule."""
        for hit in self.check(okrs, parent, settings):
            severity = hit.severity or self.severity
            if severity not in self.severities:
                raise ValueError(f"rule {self.id} does not declare severity {severity}")
            yield LintFinding(hit.subject, self.id, severity, hit.message)


def rule(
    rule_id: str, *severities: str, about: str, summary: str, rationale: str
) -> Callable[[Check], Rule]:
    """Make the decorated check a `Rule` with these words."""

    def make(check: Check) -> Rule:
        return Rule(rule_id, severities, about, summary, rationale, check)

    return make


@rule(
    "output-phrased",
    WARNING,
    about="KR",
    summary="the title opens with an output verb and names no metric (see below)",
    rationale='"Launch the mobile app" can be done without anything changing for a customer. '
    'A KR should say what the output is *for*: "Weekly active users of the mobile app from 0 '
    'to 2,000". The message suggests rephrasing it as the behaviour the output should cause.',
)
def output_phrased(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """KRs that describe delivering something instead of a measurable change."""
    for kr in okrs.key_results:
        verb = output_verb(kr.title, settings.output_verbs)
        if verb and not has_metric(kr.title, settings):
            yield Hit(
                kr.id,
                f"'{kr.title}' describes an output ('{verb}'), not an outcome: shipping it does "
                "not show that anything changed. Rephrase it as the customer behaviour the "
                "output should cause, with a metric from a baseline to a target.",
            )


@rule(
    "no-metric",
    WARNING,
    about="KR",
    summary="no `metric:` and the title matches no metric pattern",
    rationale="a KR is a metric moved from a baseline to a target; without the metric nobody "
    'can tell whether it was met. A title that names it ("Net activation rate of tech leads '
    'from 50% to 70%") satisfies the rule; the `metric:` field is still better, because '
    "reports show it.",
)
def no_metric(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """KRs with no `metric` and a title that names nothing measurable."""
    for kr in okrs.key_results:
        if not kr.metric and not has_metric(kr.title, settings):
            yield Hit(
                kr.id,
                f"{kr.id} names no metric, so nobody can tell whether it was met. Add "
                "'metric:' (what is counted or measured) or name it in the title.",
            )


@rule(
    "no-baseline",
    WARNING,
    about="KR",
    summary='no `baseline:` and the title has no "from *number*"',
    rationale="without the baseline the target cannot be judged ambitious or trivial. A title "
    'that states it ("... from 50% to 70%") satisfies the rule; the `baseline:` field is still '
    "better, because reports show it.",
)
def no_baseline(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """KRs without a baseline, neither as `baseline` nor as "from X" in the title."""
    for kr in okrs.key_results:
        if kr.baseline is None and not _BASELINE_IN_TITLE.search(kr.title):
            yield Hit(
                kr.id,
                f"{kr.id} has no baseline: without today's value the target cannot be judged "
                "ambitious or trivial. Add 'baseline:' (measure it first if unknown).",
            )


@rule(
    "no-target",
    WARNING,
    about="KR",
    summary='no `target:` and the title has no "to / at least / at most / above / below / '
    'under / over / reach *number*"',
    rationale="without the target any movement counts as success. A title that states it "
    '("... from 50% to 70%") satisfies the rule; the `target:` field is still better, because '
    "reports show it.",
)
def no_target(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """KRs without a target, neither as `target` nor as "to Y" in the title."""
    for kr in okrs.key_results:
        if kr.target is None and not _TARGET_IN_TITLE.search(kr.title):
            yield Hit(
                kr.id,
                f"{kr.id} has no target: without one, any movement counts as success. Add "
                "'target:' with the value that would mean the objective is met.",
            )


@rule(
    "target-equals-baseline",
    WARNING,
    about="KR",
    summary="`baseline` and `target` are equal",
    rationale="asks for no change. Either set the target you aim for or keep it as a health "
    "metric outside the OKRs.",
)
def target_equals_baseline(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[Hit]:
    """KRs whose target is their baseline: no change is asked for."""
    for kr in okrs.key_results:
        if kr.baseline is not None and kr.baseline == kr.target:
            yield Hit(
                kr.id,
                f"{kr.id} has target = baseline = {kr.baseline:g}: it asks for no change. Set "
                "the target you aim for, or track it as a health metric outside the OKRs.",
            )


@rule(
    "objective-has-number",
    WARNING,
    about="objective",
    summary="the title holds a figure (`10,000`, `5`, `20%`, `330k`, `$1.5M`, `3x`); years such "
    "as 2026, digits inside names (`Q4`, `B2B`) and numbers glued to a word by a hyphen "
    "(`360-degree`) do not count",
    rationale="objectives are qualitative and say where to go; figures belong in their KRs, "
    "where they can be tracked.",
)
def objective_has_number(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[Hit]:
    """Objectives whose title carries a figure."""
    for obj in okrs.objectives:
        figures = [m for m in _NUMBER.findall(obj.title) if not _YEAR.fullmatch(m.lstrip("+-"))]
        if figures:
            yield Hit(
                obj.id,
                f"objective {obj.id} contains a figure ('{figures[0]}'): objectives say "
                "qualitatively where to go; numbers belong in its key results.",
            )


@rule(
    "too-many-krs",
    WARNING,
    about="objective",
    summary="more KRs than `max_krs_per_objective` (default 2)",
    rationale="with more than two KRs the team's focus spreads thin; keep the two that best "
    "show the outcome.",
)
def too_many_krs(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """Objectives with more KRs than `max_krs_per_objective`."""
    limit = settings.max_krs_per_objective
    for obj in okrs.objectives:
        if len(obj.key_results) > limit:
            yield Hit(
                obj.id,
                f"objective {obj.id} has {len(obj.key_results)} key results (more than "
                f"{limit}): focus spreads thin. Keep the {limit} that best show the outcome; "
                "track the rest as health metrics.",
            )


@rule(
    "objective-without-krs",
    ERROR,
    about="objective",
    summary="no key results",
    rationale="nothing measures it, and backlog items can only link to it as objective-only "
    "links (SPEC 5).",
)
def objective_without_krs(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[Hit]:
    """Objectives with no key result at all."""
    for obj in okrs.objectives:
        if not obj.key_results:
            yield Hit(
                obj.id,
                f"objective {obj.id} has no key results, so nothing measures it and work can "
                "only link to it loosely. Add one or two outcome KRs, or drop the objective.",
            )


@rule(
    "impact-metric-at-team-level",
    INFO,
    about="KR",
    summary="in a set with `level: team`, the title or metric names a word of `impact_words` "
    "(revenue, MRR, ARR, profit, margin, cost, EBITDA, sales, bookings, income)",
    rationale="revenue, profit and cost are moved by many teams and many outside factors; one "
    "team can rarely move or attribute them. Prefer the customer behaviour that drives them "
    "(activation, retention, usage). Info only: sometimes a team does own one.",
)
def impact_metric_at_team_level(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[Hit]:
    """In a team-level set, KRs on revenue, profit, cost and the like."""
    if okrs.level != "team":
        return
    words = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in settings.impact_words) + r")\b", re.IGNORECASE
    )
    for kr in okrs.key_results:
        found = words.search(f"{kr.title} {kr.metric or ''}")
        if found:
            yield Hit(
                kr.id,
                f"{kr.id} measures {found.group(0)}, which one team can rarely move or "
                "attribute alone. Consider the customer behaviour that drives it (activation, "
                "retention, usage) as the team's KR, and leave the business result to the "
                "company set.",
            )


@rule(
    "lagging-only",
    WARNING,
    about="objective",
    summary="every KR has `indicator: lagging` (KRs with no indicator do not count as lagging)",
    rationale="lagging indicators move after the cycle, too late to steer; add a leading "
    "indicator the team can see moving within weeks.",
)
def lagging_only(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """Objectives whose KRs are all marked lagging."""
    for obj in okrs.objectives:
        if obj.key_results and all(kr.indicator == "lagging" for kr in obj.key_results):
            yield Hit(
                obj.id,
                f"every key result of objective {obj.id} is a lagging indicator: they move "
                "only after the cycle, too late to steer. Add a leading indicator the team "
                "can see moving within weeks.",
            )


@rule(
    "unaligned",
    WARNING,
    ERROR,
    about="objective",
    summary="with `--parent`: warning when the objective has no `aligns_to`; error when "
    "`aligns_to` names no objective or KR id of the parent set (ids compare normalised, as "
    "links do)",
    rationale="a team objective that supports nothing above it deserves a question; an "
    "`aligns_to` that names an unknown id is a typo or a stale id and is an error.",
)
def unaligned(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """With a parent set: objectives without `aligns_to`, and `aligns_to` naming nothing."""
    if parent is None:
        return
    known = {normalise(i): i for i in _ids(parent)}
    for obj in okrs.objectives:
        if obj.aligns_to is None:
            yield Hit(
                obj.id,
                f"objective {obj.id} does not say which objective of {_name(parent)} it "
                "supports. Add 'aligns_to:' with that objective or KR id, or question why "
                "the team pursues it.",
            )
        elif normalise(obj.aligns_to) not in known:
            yield Hit(
                obj.id,
                f"objective {obj.id} aligns to '{obj.aligns_to}', which is not an objective or "
                f"KR id of {_name(parent)}{suggest(obj.aligns_to, known.values())}. Fix the id.",
                ERROR,
            )


def _ids(okrs: OkrSet) -> list[str]:
    return [o.id for o in okrs.objectives] + [kr.id for kr in okrs.key_results]


def _name(okrs: OkrSet) -> str:
    return okrs.source or "the parent set"


@rule(
    "near-duplicate-kr",
    WARNING,
    about="the later KR",
    summary="two KR titles are at least `near_duplicate_ratio` (default 0.9) alike",
    rationale="two KRs that measure the same thing split the work linked to them. Identical "
    "normalised ids and titles are already refused when the file loads (see "
    "[okr-files.md](okr-files.md)); this rule catches the near misses.",
)
def near_duplicate_kr(okrs: OkrSet, parent: OkrSet | None, settings: LintSettings) -> Iterator[Hit]:
    """KRs whose title nearly repeats an earlier KR's; each is reported once, at the later KR."""
    krs = okrs.key_results
    for j, second in enumerate(krs):
        for first in krs[:j]:
            ratio = title_similarity(first.title, second.title)
            if ratio >= settings.near_duplicate_ratio:
                yield Hit(
                    second.id,
                    f"{second.id} reads almost like {first.id} ({ratio:.0%} similar): two KRs "
                    "measuring the same thing split the work linked to it. Merge them, or make "
                    "the difference explicit in the titles.",
                )
                break


RULES: tuple[Rule, ...] = (
    output_phrased,
    no_metric,
    no_baseline,
    no_target,
    target_equals_baseline,
    objective_has_number,
    too_many_krs,
    objective_without_krs,
    impact_metric_at_team_level,
    lagging_only,
    unaligned,
    near_duplicate_kr,
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
