"""Normalising references and resolving them against an OKR set (SPEC 4).

`Resolver` answers, for one raw reference, what it names: a current KR, an objective, a
retired KR, an exempt marker, or nothing (with a "did you mean"). Results are cached per
reference, because a backlog repeats the same few values thousands of times.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from enum import Enum

from backlog_audit.model import OkrSet

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-"})
# ASCII punctuation and symbols, plus the Unicode punctuation (bullets, typographic quotes,
# CJK brackets...) that pasted lists and rich text bring along: every "P" character up to the
# CJK punctuation block; NFKC has already folded full-width and small forms to ASCII.
_PUNCTUATION = string.punctuation + "".join(
    chr(code) for code in range(0x80, 0x3040) if unicodedata.category(chr(code)).startswith("P")
)
# What may follow an id for a prefix match: whitespace or one of these, never "." (SPEC 4).
_BOUNDARY = frozenset("-:|()[]")
_SPLIT = re.compile(r"[,;\n\r]+")
_MAX_SUGGESTION_DISTANCE = 2


def _fold(text: str) -> str:
    """NFKC, casefold and one dash: the part of normalising that keeps whitespace."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DASHES)


def normalise(text: str) -> str:
    """The comparable form of a reference, id, alias or title: `KR 1.2` -> `kr1.2`."""
    return "".join(_fold(text).split()).strip(_PUNCTUATION)


def split_free_text(text: str) -> tuple[str, ...]:
    """Split a free-text field into references on `,`, `;` and newlines (SPEC 4)."""
    if not _SPLIT.search(text):  # the common case: one value
        return (text.strip(),) if text.strip() else ()
    return tuple(part.strip() for part in _SPLIT.split(text) if part.strip())


def label_value(label: str, prefixes: tuple[str, ...]) -> str | None:
    """What a label names after its pattern prefix (case-insensitive), stripped.

    None when no prefix matches; `""` for a bare prefix (`okr:`, `okr: `), which names nothing.
    """
    low = label.casefold()
    for prefix in prefixes:
        if prefix and low.startswith(prefix.casefold()):
            return label[len(prefix) :].strip()
    return None


def starts_with_id(reference: str, norm_id: str) -> bool:
    """Whether `reference` starts with the normalised id, followed by a boundary.

    Whitespace inside the reference is skipped while matching (`KR 1.2 Activation` starts
    with `kr1.2`); the character after the id must be the end, whitespace or one of
    `- – — : | ( ) [ ]` (so `KR1.20` and `KR1.2.1` do not start with `kr1.2`).
    """
    text = _fold(reference).lstrip(_PUNCTUATION + string.whitespace)
    pos = 0
    for char in norm_id:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text) or text[pos] != char:
            return False
        pos += 1
    return pos == len(text) or text[pos].isspace() or text[pos] in _BOUNDARY


def damerau_levenshtein(a: str, b: str) -> int:
    """Damerau-Levenshtein distance: insertions, deletions, substitutions and transpositions.

    The unrestricted distance (Lowrance-Wagner), as SPEC 4 names it: text next to a transposed
    pair may still be edited, so `kr21` -> `kr1.2` is 2 (swap, then insert the dot), where
    the restricted "optimal string alignment" variant says 3.
    """
    far = len(a) + len(b)
    # d[i + 1][j + 1] is the distance of a[:i] and b[:j]; row and column 0 hold `far` so that
    # no transposition reaches before the start of either string.
    d = [[far] * (len(b) + 2) for _ in range(len(a) + 2)]
    for i in range(len(a) + 1):
        d[i + 1][1] = i
    for j in range(len(b) + 1):
        d[1][j + 1] = j
    last_row: dict[str, int] = {}  # character -> last row of `a` (1-based) holding it
    for i in range(1, len(a) + 1):
        last_col = 0  # last column of `b` (1-based) in this row whose character is a[i - 1]
        for j in range(1, len(b) + 1):
            row, col = last_row.get(b[j - 1], 0), last_col
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost, last_col = 0, j
            d[i + 1][j + 1] = min(
                d[i][j] + cost,
                d[i + 1][j] + 1,
                d[i][j + 1] + 1,
                d[row][col] + (i - row - 1) + 1 + (j - col - 1),
            )
        last_row[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


class Target(str, Enum):
    """What a reference resolved to."""

    KEY_RESULT = "key_result"
    OBJECTIVE = "objective"
    STALE = "stale"
    EXEMPT = "exempt"
    DANGLING = "dangling"


@dataclass(frozen=True)
class Resolution:
    """The answer for one reference: what it names, and a suggestion when nothing."""

    target: Target
    id: str | None = None  # KR id, objective id, retired id or exempt value
    suggestion: str | None = None


class _Table:
    """Exact lookups (id, then aliases, then titles) and prefix matching on ids."""

    def __init__(self, ids: dict[str, str], *lower: dict[str, str]) -> None:
        self.exact = [ids, *lower]
        # Longest id first, so that KR1.2 is tried before KR1 (SPEC 4: longest wins).
        self.prefixes = sorted(ids.items(), key=lambda pair: -len(pair[0]))

    def find(self, reference: str, norm: str) -> str | None:
        for table in self.exact:
            if norm in table:
                return table[norm]
        for norm_id, target in self.prefixes:
            if starts_with_id(reference, norm_id):
                return target
        return None


def _index(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Normalised text -> target, keeping the first target for a text."""
    index: dict[str, str] = {}
    for text, target in pairs:
        index.setdefault(normalise(text), target)
    return index


class Resolver:
    """Resolves references against one OKR set, following SPEC 4 step by step."""

    def __init__(self, okrs: OkrSet) -> None:
        krs = okrs.key_results
        self._krs = _Table(
            _index([(kr.id, kr.id) for kr in krs]),
            _index([(alias, kr.id) for kr in krs for alias in kr.aliases]),
            _index([(kr.title, kr.id) for kr in krs]),
        )
        self._objectives = _Table(
            _index([(o.id, o.id) for o in okrs.objectives]),
            _index([(o.title, o.id) for o in okrs.objectives]),
        )
        self._retired = _Table(_index([(r, r) for r in okrs.retired]))
        self._exempt = _Table(_index([(e, e) for e in okrs.exempt]))
        tables = (self._krs, self._objectives, self._retired, self._exempt)
        self._exact = [exact for table in tables for exact in table.exact]
        names = [kr.id for kr in krs] + [o.id for o in okrs.objectives]
        names += [alias for kr in krs for alias in kr.aliases]
        self._candidates = {normalise(name): name for name in names}
        self._cache: dict[str, Resolution] = {}

    def names(self, text: str) -> bool:
        """Whether `text` is exactly (normalised) an id, alias or title of a KR or objective,
        a retired id or an exempt value: the test for a whole free-text value and for a label
        without the prefix (SPEC 4). The prefix rule does not apply here."""
        norm = normalise(text)
        return bool(norm) and any(norm in exact for exact in self._exact)

    def resolve(self, reference: str) -> Resolution:
        """Resolve one raw reference (cached)."""
        hit = self._cache.get(reference)
        if hit is None:
            hit = self._cache[reference] = self._resolve(reference)
        return hit

    def _resolve(self, reference: str) -> Resolution:
        norm = normalise(reference)
        steps = (
            (self._krs, Target.KEY_RESULT),
            (self._objectives, Target.OBJECTIVE),
            (self._retired, Target.STALE),
            (self._exempt, Target.EXEMPT),
        )
        for table, target in steps:
            found = table.find(reference, norm)
            if found is not None:
                return Resolution(target, found)
        return Resolution(Target.DANGLING, suggestion=self.suggest(reference))

    def suggest(self, reference: str) -> str | None:
        """The one known id or alias within distance 2 of the reference, else None."""
        forms = {normalise(reference), _head(reference)} - {""}
        if not forms:  # punctuation only ("-", "?"): nothing to compare, nothing is near
            return None
        best: dict[str, int] = {}
        for norm_name, name in self._candidates.items():
            distance = min(damerau_levenshtein(form, norm_name) for form in forms)
            if distance <= _MAX_SUGGESTION_DISTANCE:
                best[name] = distance
        if not best:
            return None
        nearest = min(best.values())
        winners = [name for name, distance in best.items() if distance == nearest]
        return winners[0] if len(winners) == 1 else None


def _head(reference: str) -> str:
    """The reference up to its first whitespace or boundary character, normalised."""
    text = _fold(reference).strip(_PUNCTUATION + string.whitespace)
    for pos, char in enumerate(text):
        if char.isspace() or char in _BOUNDARY:
            return normalise(text[:pos])
    return normalise(text)
