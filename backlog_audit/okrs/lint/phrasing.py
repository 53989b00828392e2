"""How the rules read titles: word lists and a simple grammar, never guesswork (docs/lint.md)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backlog_audit.okrs.lint.settings import LintSettings

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


def title_similarity(a: str, b: str) -> float:
    """difflib's ratio of two titles, compared as case-folded words without punctuation."""

    def words(text: str) -> str:
        return " ".join(_WORD.findall(text.casefold()))

    return difflib.SequenceMatcher(None, words(a), words(b)).ratio()


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint, or ''; a choice that starts with the word comes first."""
    options = list(choices)
    close = [c for c in options if word and c.startswith(word)]
    close = close or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
