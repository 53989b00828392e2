"""A team set and the company set as one set to resolve against (SPEC 11, "Resolving").

References resolve against both sets together, so a name both define differently would be
ambiguous: that is exit 2 naming both files. A retired id or an exempt value both list is
the same marker, not a clash.
"""

from __future__ import annotations

from collections.abc import Iterator

from backlog_audit.core.linking import normalise
from backlog_audit.errors import UsageError
from backlog_audit.model import OkrSet


def _names(okrs: OkrSet) -> Iterator[tuple[str, str, str]]:
    """(normalised name, what it is, what it names) for every name a reference can match."""
    for obj in okrs.objectives:
        yield normalise(obj.id), f"objective id {obj.id}", f"objective {obj.id}"
        yield normalise(obj.title), f"title of objective {obj.id}", f"objective {obj.id}"
        for kr in obj.key_results:
            yield normalise(kr.id), f"key result id {kr.id}", f"key result {kr.id}"
            yield normalise(kr.title), f"title of key result {kr.id}", f"key result {kr.id}"
            for alias in kr.aliases:
                yield normalise(alias), f"alias {alias!r} of key result {kr.id}", kr.id
    for value in okrs.retired:
        yield normalise(value), f"retired id {value}", f"retired {normalise(value)}"
    for value in okrs.exempt:
        yield normalise(value), f"exempt value {value!r}", f"exempt {normalise(value)}"


def check_clashes(team: OkrSet, company: OkrSet) -> None:
    """Exit 2 when the two sets define one name differently, naming both files."""
    company_names = {norm: (label, named) for norm, label, named in _names(company)}
    for norm, label, named in _names(team):
        other = company_names.get(norm)
        if other is None:
            continue
        same_marker = other[1] == named and named.startswith(("retired", "exempt"))
        if not same_marker:
            raise UsageError(
                f"{team.source}: {label} clashes with {other[0]} of {company.source}: "
                "a reference to it would be ambiguous; rename one of them"
            )


def combined(team: OkrSet | None, company: OkrSet) -> OkrSet:
    """The set a team's references resolve against: its own and the company's together."""
    if team is None:
        return company
    check_clashes(team, company)
    return OkrSet(
        objectives=team.objectives + company.objectives,
        retired=_union(team.retired, company.retired),
        exempt=_union(team.exempt, company.exempt),
        cycle=team.cycle or company.cycle,
        cycle_start=team.cycle_start or company.cycle_start,
        cycle_end=team.cycle_end or company.cycle_end,
        level=team.level,
        source=team.source,
        native=team.native,
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Both lists, a value the second repeats (normalised) only once."""
    seen = {normalise(value) for value in first}
    return first + tuple(value for value in second if normalise(value) not in seen)
