"""An item's link state (SPEC 5): own references first, then the nearest ancestor's.

The state depends only on what the item's own link cell resolves to and on what its nearest
referencing ancestor's cell resolves to. So `Cells` reads and resolves each distinct raw cell
once (`core.references`, `core.linking`: the one place where references meet the OKR set),
`nearest_referencing` finds every row's ancestor at once over row positions, and `decide`
gives the state for one (own cell, ancestor cell) pair, which the audit joins back to items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from backlog_audit.core.linking import Resolver, Target, label_value
from backlog_audit.core.references import ReferenceReader, is_placeholder, own_references
from backlog_audit.core.rows import RawCell
from backlog_audit.model import AuditOptions, LinkState, OkrSet

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class Resolved:
    """What one item's (or one ancestor's) references resolve to, grouped by target."""

    references: tuple[str, ...]
    key_results: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()  # direct objective links only
    exempt: bool = False
    stale: tuple[str, ...] = ()
    dangling: tuple[tuple[str, str | None], ...] = ()  # (reference, suggestion)
    # The objectives of the KRs, then the directly named ones.
    all_objectives: tuple[str, ...] = ()

    @property
    def resolves(self) -> bool:
        """Whether anything names a current KR or objective."""
        return bool(self.key_results or self.objectives)

    @property
    def bad(self) -> bool:
        """Whether a reference is stale or dangling (listed in a link table)."""
        return bool(self.stale or self.dangling)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


class Cells:
    """Reads and resolves raw link cells against one OKR set, each distinct one once."""

    def __init__(self, okrs: OkrSet, options: AuditOptions) -> None:
        self._resolver = Resolver(okrs)
        self.reader = ReferenceReader(options.label_prefixes, self._resolver)
        self.objective_of = {kr.id: kr.objective_id for kr in okrs.key_results}
        self._resolved: dict[tuple[str, ...], Resolved] = {}

    def resolve(self, cell: RawCell) -> Resolved:
        """The cell's own references (SPEC 4), resolved (cached per set of references)."""
        references, free_text, labels = cell
        refs = own_references(references, labels, self.reader.prefixes, free_text, self.reader)
        hit = self._resolved.get(refs)
        if hit is None:
            hit = self._resolved[refs] = self._resolve_all(refs)
        return hit

    def placeholders(self, cell: RawCell) -> tuple[str, ...]:
        """The raw link values of a cell that were read as placeholders (for the reports)."""
        references, free_text, labels = cell
        values = [*references, *free_text]
        values += [label_value(label, self.reader.prefixes) or "" for label in labels]
        found = (v.strip() for v in values if v.strip() and is_placeholder(v, self.reader.names))
        return tuple(dict.fromkeys(found))

    def _resolve_all(self, refs: tuple[str, ...]) -> Resolved:
        if not refs:
            return Resolved(references=refs)
        key_results: list[str] = []
        objectives: list[str] = []
        dangling: list[tuple[str, str | None]] = []
        stale: list[str] = []
        exempt = False
        for ref in refs:
            res = self._resolver.resolve(ref)
            if res.target is Target.KEY_RESULT and res.id:
                key_results.append(res.id)
            elif res.target is Target.OBJECTIVE and res.id:
                objectives.append(res.id)
            elif res.target is Target.EXEMPT:
                exempt = True
            elif res.target is Target.STALE:
                stale.append(ref)
            elif res.target is Target.DANGLING:
                dangling.append((ref, res.suggestion))
        key_results = list(dict.fromkeys(key_results))
        return Resolved(
            references=refs,
            key_results=tuple(key_results),
            objectives=_unique(objectives),
            all_objectives=_unique([self.objective_of[kr] for kr in key_results] + objectives),
            exempt=exempt,
            stale=tuple(stale),
            dangling=tuple(dangling),
        )


@dataclass(frozen=True)
class Decision:
    """The outcome for every item with one (own cell, ancestor cell) pair."""

    state: LinkState
    key_results: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    # Whether `inherited_from` names the ancestor (its links or its exemption were taken).
    from_ancestor: bool = False
    # (own, inherited) when the ancestor's KRs contradict the item's own (SPEC 5, last rule).
    conflict: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    # Whose bad references this item consulted: "own", "ancestor" or None.
    blamed: str | None = None


def decide(own: Resolved, theirs: Resolved | None, objective_of: dict[str, str]) -> Decision:
    """SPEC 5's table, top to bottom, for an item whose own cell resolved to `own` and whose
    nearest referencing ancestor's to `theirs` (None: no such ancestor, or --no-inherit)."""
    if own.references:
        return _own(own, theirs, objective_of)
    if theirs is None:
        return Decision(LinkState.ORPHANED)
    blamed = "ancestor" if theirs.bad else None
    if theirs.resolves:
        return Decision(
            LinkState.INHERITED, theirs.key_results, theirs.all_objectives, True, blamed=blamed
        )
    if theirs.exempt:
        return Decision(LinkState.EXEMPT, from_ancestor=True, blamed=blamed)
    return Decision(LinkState.ORPHANED, blamed=blamed)


def _own(own: Resolved, theirs: Resolved | None, objective_of: dict[str, str]) -> Decision:
    blamed = "own" if own.bad else None
    if own.resolves:
        state = LinkState.LINKED if own.key_results else LinkState.OBJECTIVE_ONLY
        conflict = _conflict(own, theirs, objective_of)
        return Decision(
            state, own.key_results, own.all_objectives, conflict=conflict, blamed=blamed
        )
    if own.exempt:
        return Decision(LinkState.EXEMPT, blamed=blamed)
    state = LinkState.STALE if own.stale else LinkState.DANGLING
    return Decision(state, blamed=blamed)


def _conflict(
    own: Resolved, theirs: Resolved | None, objective_of: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The ancestor's KRs when they contradict the item's own links (SPEC 5, last rule)."""
    if theirs is None or not theirs.key_results:
        return None
    if own.key_results:
        clash = not set(own.key_results) & set(theirs.key_results)
    else:
        their_objectives = {objective_of[kr] for kr in theirs.key_results}
        clash = not set(own.objectives) & their_objectives
    return (own.key_results or own.objectives, theirs.key_results) if clash else None


def nearest_referencing(rows: pl.LazyFrame, depth: int) -> pl.LazyFrame:
    """`rows` with `ancestor`: each row's nearest ancestor (row position) that has any
    references, else null.

    `rows` has `parent_pos`, each row's parent position (null: none, or not in the
    backlog), and `has_refs`. All rows walk up together, one level a step, at most `depth`
    levels; a row stops at an ancestor already on its path (a parent cycle) or at a missing
    parent, like SPEC 5's walk. One plan for every level, so the engine runs it in one go.
    """
    for columns in _walk(depth):
        rows = rows.with_columns(columns)
    return rows.drop(*(f"_step{level}" for level in range(depth + 1)), "_walking")


# Built once per depth: building the expressions costs a small audit more than running them.
@cache
def _walk(depth: int) -> list[list[pl.Expr]]:
    """The columns `nearest_referencing` adds, one list a level."""
    import polars as pl

    steps = [f"_step{level}" for level in range(depth + 1)]
    walk = [
        [
            pl.int_range(pl.len(), dtype=pl.Int64).alias(steps[0]),
            pl.lit(None, dtype=pl.Int64).alias("ancestor"),
            pl.lit(value=True).alias("_walking"),
        ]
    ]
    for level in range(1, depth + 1):
        walk.append([pl.col("parent_pos").gather(pl.col(steps[level - 1])).alias(steps[level])])
        step = pl.col(steps[level])
        fresh = step.is_not_null()
        for earlier in steps[:level]:
            fresh &= (step != pl.col(earlier)).fill_null(value=True)
        alive = (pl.col("_walking") & fresh).fill_null(value=False)
        hit = (alive & pl.col("has_refs").gather(step.fill_null(0))).fill_null(value=False)
        walk.append(
            [
                pl.when(hit).then(step).otherwise(pl.col("ancestor")).alias("ancestor"),
                (alive & ~hit).alias("_walking"),
            ]
        )
    return walk


def decisions(
    pairs: Sequence[tuple[int, int | None]], resolved: Sequence[Resolved], cells: Cells
) -> list[Decision]:
    """`decide` for each distinct (own cell, ancestor cell) pair."""
    return [
        decide(resolved[own], None if anc is None else resolved[anc], cells.objective_of)
        for own, anc in pairs
    ]
