"""The checks every loaded OKR set passes, whatever its format: no two names alike, and at
least one key result (SPEC 3).

A reader records where it found each name (`wheres`, keyed by position: "o:0" for the first
objective, "k:0:1" for its second KR, "a:0:1:0" for that KR's first alias, "r:0", "e:0") so
that a clash is reported at the place the user wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from backlog_audit.core.linking import normalise
from backlog_audit.errors import OkrFileError
from backlog_audit.model import OkrSet


@dataclass(frozen=True)
class Name:
    """One id, alias, title, retired or exempt value, with where it was written."""

    text: str
    label: str  # e.g. "id of key result KR1.1"
    where: str
    is_id: bool = False


def check_names(path: str, names: Iterable[Name]) -> None:
    """Refuse any two names that normalise to the same text (SPEC 3), and empty ones.

    Resolution (SPEC 4) compares normalised text, so two such names would make a reference
    ambiguous; the first clash found is reported at its second occurrence.
    """
    seen: dict[str, Name] = {}
    for name in names:
        norm = normalise(name.text)
        if not norm:
            problem = f"{name.label} '{name.text}' has no letters or digits to match on"
            raise OkrFileError(path, name.where, problem)
        first = seen.setdefault(norm, name)
        if first is not name:
            raise OkrFileError(path, name.where, _clash_problem(first, name, norm))


def _clash_problem(first: Name, second: Name, norm: str) -> str:
    """The message for two names that normalise alike."""
    if first.is_id and second.is_id:
        return f"duplicate id '{second.text}' (first used at {first.where})"
    return (
        f"{second.label} '{second.text}' is the same as {first.label} '{first.text}' "
        f"({first.where}) once normalised ('{norm}'); every id, alias, title, retired and "
        "exempt value must be distinct"
    )


def okr_names(okrs: OkrSet, wheres: Mapping[str, str]) -> list[Name]:
    """Every name of a loaded set, each with the place recorded for it in `wheres`."""
    names: list[Name] = []
    for i, obj in enumerate(okrs.objectives):
        names.append(Name(obj.id, f"id of objective {obj.id}", wheres[f"o:{i}"], True))
        names.append(Name(obj.title, f"title of objective {obj.id}", wheres[f"o:{i}"]))
        for j, kr in enumerate(obj.key_results):
            where = wheres[f"k:{i}:{j}"]
            names.append(Name(kr.id, f"id of key result {kr.id}", where, True))
            names.append(Name(kr.title, f"title of key result {kr.id}", where))
            names.extend(
                Name(alias, f"alias of key result {kr.id}", wheres[f"a:{i}:{j}:{n}"])
                for n, alias in enumerate(kr.aliases)
            )
    for i, value in enumerate(okrs.retired):
        names.append(Name(value, "retired id", wheres[f"r:{i}"], True))
    for i, value in enumerate(okrs.exempt):
        names.append(Name(value, "exempt value", wheres[f"e:{i}"]))
    return names


def check_has_key_results(path: str, okrs: OkrSet) -> None:
    """Refuse a set without a single key result (`objectives: []`, a header-only table).

    Audited against it, every link would be dangling and coverage zero, with exit 0: that
    is a wrong or truncated file, not a finding about the backlog.
    """
    if not okrs.key_results:
        raise OkrFileError(
            path,
            None,
            "no key results: an OKR set needs at least one (every link would be dangling)",
        )
