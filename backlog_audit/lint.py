"""OKR quality rules: outcomes over outputs, measurable KRs, focus and alignment (issue 6).

Each rule is a plain function `(okrs, parent, settings) -> iterator of LintFinding` and is
listed in `RULES` with its id and severity. `lint()` runs the enabled rules and returns the
findings in OKR-file order. Phrasing is judged by word lists and a simple grammar, never by
guesswork, and every list is tunable through `LintSettings` (the `[lint]` table of the config
file). `docs/lint.md` explains each rule to users.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backlog_audit.core.linking import normalise
from backlog_audit.errors import UsageError
from backlog_audit.model import KeyResult, LintFinding, Objective, OkrSet

__all__ = [
    "DEFAULT_IMPACT_WORDS",
    "DEFAULT_METRIC_PATTERNS",
    "DEFAULT_OUTPUT_VERBS",
    "ERROR",
    "INFO",
    "RULES",
    "RULE_IDS",
    "WARNING",
    "LintSettings",
    "Rule",
    "count_by_severity",
    "is_output_phrased",
    "lint",
]

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

# Verbs that open a task ("Launch the mobile app") rather than a change in behaviour. Each
# also matches its regular inflections (launches, launched, launching; ship -> shipped).
DEFAULT_OUTPUT_VERBS: tuple[str, ...] = (
    "add",
    "build",
    "code",
    "complete",
    "conduct",
    "configure",
    "create",
    "decide",
    "define",
    "deliver",
    "deploy",
    "design",
    "develop",
    "document",
    "draft",
    "finalise",
    "finalize",
    "finish",
    "hire",
    "hold",
    "host",
    "implement",
    "install",
    "integrate",
    "introduce",
    "launch",
    "make",
    "migrate",
    "organise",
    "organize",
    "prepare",
    "produce",
    "prototype",
    "publish",
    "redesign",
    "refactor",
    "release",
    "rewrite",
    "roll out",
    "run",
    "set up",
    "ship",
    "start",
    "write",
)

# Patterns (regular expressions, matched case-insensitively) that show a KR measures something.
DEFAULT_METRIC_PATTERNS: tuple[str, ...] = (
    r"\bfrom\s+\S+.*\bto\s+\S+",  # "from 50% to 70%"
    r"%|\bpercent\b|\bpct\b",
    r"\b(rates?|ratio|share|score|nps|csat|retention|churn|conversion|adoption|activation)\b",
    r"\b(engagement|satisfaction|latency|uptime|availability|frequency|lead time|cycle time)\b",
    r"\b(time[ -]to|per (day|week|month|quarter|user|team|customer|account))\b",
    r"\b(average|median|mean|p\d\d|number of|count of)\b",
)

# Business results one team rarely moves alone or can attribute to its own work.
DEFAULT_IMPACT_WORDS: tuple[str, ...] = (
    "revenue",
    "mrr",
    "arr",
    "profit",
    "profits",
    "margin",
    "cost",
    "costs",
    "ebitda",
    "sales",
    "bookings",
    "income",
)

# Opening words skipped before looking for an output verb: "We will ship ...".
_FILLER = frozenset({"we", "will", "to", "shall", "should", "must", "the", "team", "our", "i"})
_IRREGULAR = {
    "build": ("built",),
    "hold": ("held",),
    "make": ("made",),
    "run": ("ran",),
    "write": ("wrote", "written"),
}
_WORD = re.compile(r"[a-z][a-z'-]*|\d+")
_BASELINE_IN_TITLE = re.compile(r"\bfrom\s+[<>~≈≥≤]?\s*-?\d", re.IGNORECASE)
_TARGET_IN_TITLE = re.compile(
    r"\b(to|at least|at most|above|below|under|over|reach(es|ing)?)\s+[<>~≈≥≤]?\s*-?\d|[≥≤]\s*\d",
    re.IGNORECASE,
)
# A number that states a quantity; years (2026) and digits glued to letters (Q4, B2B) are not.
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?(?![\w])|%|\bpercent\b", re.IGNORECASE)
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class LintSettings:
    """What the rules look for; built from the config's `[lint]` table by `from_mapping`."""

    disabled: frozenset[str] = frozenset()
    max_krs_per_objective: int = 2
    output_verbs: tuple[str, ...] = DEFAULT_OUTPUT_VERBS
    metric_patterns: tuple[str, ...] = DEFAULT_METRIC_PATTERNS
    impact_words: tuple[str, ...] = DEFAULT_IMPACT_WORDS
    near_duplicate_ratio: float = 0.9
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = sorted(self.disabled - set(RULE_IDS))
        if unknown:
            raise UsageError(f"unknown lint rule '{unknown[0]}'{_suggest(unknown[0], RULE_IDS)}")
        if self.max_krs_per_objective < 1:
            raise UsageError("[lint] max_krs_per_objective must be at least 1")
        if not 0 < self.near_duplicate_ratio <= 1:
            raise UsageError("[lint] near_duplicate_ratio must be above 0 and at most 1")
        object.__setattr__(self, "_compiled", _compile(self.metric_patterns))

    @property
    def metric_regexes(self) -> tuple[re.Pattern[str], ...]:
        """The metric patterns, compiled case-insensitively."""
        return self._compiled

    def disable(self, rules: Iterable[str]) -> LintSettings:
        """These settings with more rules switched off (`--disable`)."""
        return replace(self, disabled=self.disabled | frozenset(rules))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LintSettings:
        """Settings from a `[lint]` table; unknown keys and wrong types are a UsageError.

        Keys: `disable` (rule ids), `max_krs_per_objective`, `near_duplicate_ratio`, and for
        each word list (`output_verbs`, `metric_patterns`, `impact_words`) either the key
        itself (replaces the default list) or `extra_<key>` (adds to it).
        """
        _check_keys(data)
        defaults = cls()
        values: dict[str, Any] = {
            "disabled": frozenset(_strings(data, "disable")),
            "max_krs_per_objective": _int(data, "max_krs_per_objective", 2),
            "near_duplicate_ratio": _float(data, "near_duplicate_ratio", 0.9),
        }
        for name in _LIST_KEYS:
            base = _strings(data, name) if name in data else getattr(defaults, name)
            values[name] = tuple(base) + tuple(_strings(data, f"extra_{name}"))
        return cls(**values)


_LIST_KEYS = ("output_verbs", "metric_patterns", "impact_words")
_SETTING_KEYS = (
    "disable",
    "max_krs_per_objective",
    "near_duplicate_ratio",
    *_LIST_KEYS,
    *(f"extra_{k}" for k in _LIST_KEYS),
)


def _suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint, or ''; a choice that starts with the word comes first."""
    options = list(choices)
    close = [c for c in options if word and c.startswith(word)]
    close = close or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_keys(data: Mapping[str, Any]) -> None:
    for key in data:
        if key not in _SETTING_KEYS:
            raise UsageError(f"[lint] unknown key '{key}'{_suggest(key, _SETTING_KEYS)}")


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"[lint] {key} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _int(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"[lint] {key} must be a whole number, got {value!r}")
    return value


def _float(data: Mapping[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"[lint] {key} must be a number, got {value!r}")
    return float(value)


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as e:
            raise UsageError(
                f"[lint] metric pattern {pattern!r} is not a valid regex: {e}"
            ) from None
    return tuple(compiled)


# --- phrasing ---------------------------------------------------------------------------------


def _inflections(verb: str) -> frozenset[str]:
    """A verb and its regular forms: ship -> ships, shipped, shipping; code -> coded, coding."""
    forms = {verb, verb + "s", verb + "es", verb + "d", verb + "ed", verb + "ing"}
    forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # ship -> shipped
    if verb.endswith("e"):
        forms.add(verb[:-1] + "ing")
    return frozenset(forms | set(_IRREGULAR.get(verb, ())))


def _opening_words(title: str) -> list[str]:
    """The title's words, lower-cased, after any opening filler ("We will ...")."""
    words = _WORD.findall(title.casefold())
    while words and words[0] in _FILLER:
        words.pop(0)
    return words


def output_verb(title: str, verbs: Iterable[str]) -> str | None:
    """The output verb the title opens with ("Launch the app" -> "launch"), or None."""
    words = _opening_words(title)
    for verb in verbs:
        first, *rest = verb.casefold().split()
        n = 1 + len(rest)
        if words[:1] and words[0] in _inflections(first) and words[1:n] == rest:
            return verb
    return None


def has_metric(text: str, settings: LintSettings) -> bool:
    """Whether the text names something measured (a metric pattern matches)."""
    return any(p.search(text) for p in settings.metric_regexes)


def is_output_phrased(title: str, settings: LintSettings | None = None) -> bool:
    """A KR title that opens with an output verb and names no metric (see docs/lint.md)."""
    settings = settings or LintSettings()
    return output_verb(title, settings.output_verbs) is not None and not has_metric(title, settings)


# --- the rules --------------------------------------------------------------------------------

Check = Callable[[OkrSet, "OkrSet | None", LintSettings], Iterator[LintFinding]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: its id, its severity (as documented), one line of purpose, its check."""

    id: str
    severity: str
    summary: str
    check: Check


def check_output_phrased(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs that describe delivering something instead of a measurable change."""
    for kr in okrs.key_results:
        verb = output_verb(kr.title, settings.output_verbs)
        if verb and not has_metric(kr.title, settings):
            yield LintFinding(
                kr.id,
                "output-phrased",
                WARNING,
                f"'{kr.title}' describes an output ('{verb}'), not an outcome: shipping it does "
                "not show that anything changed. Rephrase it as the customer behaviour the "
                "output should cause, with a metric from a baseline to a target.",
            )


def check_no_metric(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs with no `metric` and a title that names nothing measurable."""
    for kr in okrs.key_results:
        if not kr.metric and not has_metric(kr.title, settings):
            yield LintFinding(
                kr.id,
                "no-metric",
                WARNING,
                f"{kr.id} names no metric, so nobody can tell whether it was met. Add "
                "'metric:' (what is counted or measured) or name it in the title.",
            )


def check_no_baseline(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs without a baseline, neither as `baseline` nor as "from X" in the title."""
    for kr in okrs.key_results:
        if kr.baseline is None and not _BASELINE_IN_TITLE.search(kr.title):
            yield LintFinding(
                kr.id,
                "no-baseline",
                WARNING,
                f"{kr.id} has no baseline: without today's value the target cannot be judged "
                "ambitious or trivial. Add 'baseline:' (measure it first if unknown).",
            )


def check_no_target(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs without a target, neither as `target` nor as "to Y" in the title."""
    for kr in okrs.key_results:
        if kr.target is None and not _TARGET_IN_TITLE.search(kr.title):
            yield LintFinding(
                kr.id,
                "no-target",
                WARNING,
                f"{kr.id} has no target: without one, any movement counts as success. Add "
                "'target:' with the value that would mean the objective is met.",
            )


def check_target_equals_baseline(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs whose target is their baseline: no change is asked for."""
    for kr in okrs.key_results:
        if kr.baseline is not None and kr.baseline == kr.target:
            yield LintFinding(
                kr.id,
                "target-equals-baseline",
                WARNING,
                f"{kr.id} has target = baseline = {kr.baseline:g}: it asks for no change. Set "
                "the target you aim for, or track it as a health metric outside the OKRs.",
            )


def check_objective_has_number(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """Objectives whose title carries a figure."""
    for obj in okrs.objectives:
        figures = [m for m in _NUMBER.findall(obj.title) if not _YEAR.fullmatch(m.lstrip("+-"))]
        if figures:
            yield LintFinding(
                obj.id,
                "objective-has-number",
                WARNING,
                f"objective {obj.id} contains a figure ('{figures[0]}'): objectives say "
                "qualitatively where to go; numbers belong in its key results.",
            )


def check_too_many_krs(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """Objectives with more KRs than `max_krs_per_objective`."""
    limit = settings.max_krs_per_objective
    for obj in okrs.objectives:
        if len(obj.key_results) > limit:
            yield LintFinding(
                obj.id,
                "too-many-krs",
                WARNING,
                f"objective {obj.id} has {len(obj.key_results)} key results (more than "
                f"{limit}): focus spreads thin. Keep the {limit} that best show the outcome; "
                "track the rest as health metrics.",
            )


def check_objective_without_krs(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """Objectives with no key result at all."""
    for obj in okrs.objectives:
        if not obj.key_results:
            yield LintFinding(
                obj.id,
                "objective-without-krs",
                ERROR,
                f"objective {obj.id} has no key results, so nothing measures it and work can "
                "only link to it loosely. Add one or two outcome KRs, or drop the objective.",
            )


def check_impact_metric_at_team_level(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """In a team-level set, KRs on revenue, profit, cost and the like."""
    if okrs.level != "team":
        return
    words = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in settings.impact_words) + r")\b", re.IGNORECASE
    )
    for kr in okrs.key_results:
        found = words.search(f"{kr.title} {kr.metric or ''}")
        if found:
            yield LintFinding(
                kr.id,
                "impact-metric-at-team-level",
                INFO,
                f"{kr.id} measures {found.group(0)}, which one team can rarely move or "
                "attribute alone. Consider the customer behaviour that drives it (activation, "
                "retention, usage) as the team's KR, and leave the business result to the "
                "company set.",
            )


def check_lagging_only(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """Objectives whose KRs are all marked lagging."""
    for obj in okrs.objectives:
        if obj.key_results and all(kr.indicator == "lagging" for kr in obj.key_results):
            yield LintFinding(
                obj.id,
                "lagging-only",
                WARNING,
                f"every key result of objective {obj.id} is a lagging indicator: they move "
                "only after the cycle, too late to steer. Add a leading indicator the team "
                "can see moving within weeks.",
            )


def check_unaligned(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """With a parent set: objectives without `aligns_to`, and `aligns_to` naming nothing."""
    if parent is None:
        return
    known = {normalise(i): i for i in _ids(parent)}
    for obj in okrs.objectives:
        if obj.aligns_to is None:
            yield LintFinding(
                obj.id,
                "unaligned",
                WARNING,
                f"objective {obj.id} does not say which objective of {_name(parent)} it "
                "supports. Add 'aligns_to:' with that objective or KR id, or question why "
                "the team pursues it.",
            )
        elif normalise(obj.aligns_to) not in known:
            yield LintFinding(
                obj.id,
                "unaligned",
                ERROR,
                f"objective {obj.id} aligns to '{obj.aligns_to}', which is not an objective or "
                f"KR id of {_name(parent)}{_suggest(obj.aligns_to, known.values())}. Fix the id.",
            )


def _ids(okrs: OkrSet) -> list[str]:
    return [o.id for o in okrs.objectives] + [kr.id for kr in okrs.key_results]


def _name(okrs: OkrSet) -> str:
    return okrs.source or "the parent set"


def check_near_duplicate_kr(
    okrs: OkrSet, parent: OkrSet | None, settings: LintSettings
) -> Iterator[LintFinding]:
    """KRs whose title nearly repeats an earlier KR's; each is reported once, at the later KR."""
    krs = okrs.key_results
    for j, second in enumerate(krs):
        for first in krs[:j]:
            ratio = title_similarity(first.title, second.title)
            if ratio >= settings.near_duplicate_ratio:
                yield LintFinding(
                    second.id,
                    "near-duplicate-kr",
                    WARNING,
                    f"{second.id} reads almost like {first.id} ({ratio:.0%} similar): two KRs "
                    "measuring the same thing split the work linked to it. Merge them, or make "
                    "the difference explicit in the titles.",
                )
                break


def title_similarity(a: str, b: str) -> float:
    """difflib's ratio of two titles, compared as case-folded words without punctuation."""

    def words(text: str) -> str:
        return " ".join(_WORD.findall(text.casefold()))

    return difflib.SequenceMatcher(None, words(a), words(b)).ratio()


RULES: tuple[Rule, ...] = (
    Rule("output-phrased", WARNING, "a KR that describes an output", check_output_phrased),
    Rule("no-metric", WARNING, "a KR that names no metric", check_no_metric),
    Rule("no-baseline", WARNING, "a KR without a baseline", check_no_baseline),
    Rule("no-target", WARNING, "a KR without a target", check_no_target),
    Rule(
        "target-equals-baseline",
        WARNING,
        "a KR that asks for no change",
        check_target_equals_baseline,
    ),
    Rule("objective-has-number", WARNING, "a figure in an objective", check_objective_has_number),
    Rule("too-many-krs", WARNING, "more KRs than the limit", check_too_many_krs),
    Rule("objective-without-krs", ERROR, "an objective with no KRs", check_objective_without_krs),
    Rule(
        "impact-metric-at-team-level",
        INFO,
        "a business-result KR in a team set",
        check_impact_metric_at_team_level,
    ),
    Rule("lagging-only", WARNING, "only lagging KRs", check_lagging_only),
    Rule(
        "unaligned",
        "warning/error",
        "no or unknown aligns_to (with --parent)",
        check_unaligned,
    ),
    Rule("near-duplicate-kr", WARNING, "two KRs saying nearly the same", check_near_duplicate_kr),
)
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)


def lint(
    okrs: OkrSet, parent: OkrSet | None = None, settings: LintSettings | None = None
) -> tuple[LintFinding, ...]:
    """Every finding of the enabled rules, in OKR-file order (objective, then its KRs)."""
    settings = settings or LintSettings()
    findings = [
        finding
        for rule in RULES
        if rule.id not in settings.disabled
        for finding in rule.check(okrs, parent, settings)
    ]
    position = _positions(okrs.objectives)
    # sorted() is stable, so findings on one id keep the order of RULES.
    return tuple(sorted(findings, key=lambda f: position.get(f.id, len(position))))


def _positions(objectives: Iterable[Objective]) -> dict[str, int]:
    """File order of every objective and KR id."""
    order: list[Objective | KeyResult] = []
    for obj in objectives:
        order.append(obj)
        order.extend(obj.key_results)
    return {entry.id: i for i, entry in reversed(list(enumerate(order)))}


def count_by_severity(findings: Iterable[LintFinding]) -> dict[str, int]:
    """How many findings of each severity (every severity present, possibly 0)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts
