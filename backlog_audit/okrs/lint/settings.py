"""What the lint rules look for, and how the config's `[lint]` table tunes it.

Every word list has a default here and can be replaced (`output_verbs = [...]`) or extended
(`extra_output_verbs = [...]`); docs/lint.md lists the keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backlog_audit.errors import UsageError
from backlog_audit.okrs.lint.phrasing import suggest
from backlog_audit.okrs.lint.rules import RULE_IDS

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
            raise UsageError(f"unknown lint rule '{unknown[0]}'{suggest(unknown[0], RULE_IDS)}")
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


def _check_keys(data: Mapping[str, Any]) -> None:
    for key in data:
        if key not in _SETTING_KEYS:
            raise UsageError(f"[lint] unknown key '{key}'{suggest(key, _SETTING_KEYS)}")


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
