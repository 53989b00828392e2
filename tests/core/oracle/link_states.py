"""An item's link state (SPEC 5): own references first, then the nearest ancestor's.

`LinkEngine.link(item)` returns the state, the KRs and objectives the item works toward,
where they came from, and the bad references it consulted along the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from backlog_audit.core.linking import Resolver, Target
from backlog_audit.core.references import ReferenceReader
from backlog_audit.model import AuditOptions, Item, LinkState, OkrSet


@dataclass(frozen=True)
class Resolved:
    """What one item's (or one ancestor's) references resolve to, grouped by target."""

    references: tuple[str, ...]
    key_results: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()  # direct objective links only
    exempt: bool = False
    stale: tuple[str, ...] = ()
    dangling: tuple[tuple[str, str | None], ...] = ()  # (reference, suggestion)
    # The objectives of the KRs, then the directly named ones (computed once per reference set)
    all_objectives: tuple[str, ...] = ()

    @property
    def resolves(self) -> bool:
        """Whether anything names a current KR or objective."""
        return bool(self.key_results or self.objectives)


@dataclass(frozen=True)
class Link:
    """The outcome for one in-scope item."""

    state: LinkState
    own: Resolved
    key_results: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    carrier: Item | None = None  # the ancestor whose references were used or blamed
    carrier_links: Resolved | None = None
    conflict: Resolved | None = None  # the ancestor's links when they conflict with own
    bad_sources: tuple[tuple[Item, Resolved], ...] = field(default=())


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


class LinkEngine:
    """Link states for the items of one backlog against one OKR set."""

    def __init__(self, okrs: OkrSet, items_by_id: Mapping[str, Item], options: AuditOptions):
        self._resolver = Resolver(okrs)
        self.reader = ReferenceReader(options.label_prefixes, self._resolver)
        self._items = items_by_id
        self._options = options
        self._objective_of = {kr.id: kr.objective_id for kr in okrs.key_results}
        # A backlog repeats a few link values thousands of times: cache by value, not by item.
        self._references: dict[tuple[tuple[str, ...], ...], tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, ...], Resolved] = {}
        # A parent is consulted once for each of its children: cache ancestors by item id.
        self._ancestor: dict[str, Item | None] = {}

    def references(self, item: Item) -> tuple[str, ...]:
        """The item's own references (SPEC 4, `core.references`): link values and labels."""
        raw = (item.references, item.free_text, item.labels)
        refs = self._references.get(raw)
        if refs is None:
            refs = self._references[raw] = self.reader.own(item)
        return refs

    def resolved(self, item: Item) -> Resolved:
        """Resolve the item's own references (cached per distinct set of references)."""
        refs = self.references(item)
        hit = self._resolved.get(refs)
        if hit is None:
            hit = self._resolved[refs] = self._resolve_all(refs)
        return hit

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
            all_objectives=_unique([self._objective_of[kr] for kr in key_results] + objectives),
            exempt=exempt,
            stale=tuple(stale),
            dangling=tuple(dangling),
        )

    def objectives_of(self, resolved: Resolved) -> tuple[str, ...]:
        """The objectives of the resolved KRs, then the directly named ones."""
        return resolved.all_objectives

    def nearest_referencing_ancestor(self, item: Item) -> Item | None:
        """The first ancestor (at most max_inherit_depth up) that has any references."""
        if item.id not in self._ancestor:
            self._ancestor[item.id] = self._find_ancestor(item)
        return self._ancestor[item.id]

    def _find_ancestor(self, item: Item) -> Item | None:
        seen = {item.id}
        current = item
        for _ in range(self._options.max_inherit_depth):
            parent = self._items.get(current.parent) if current.parent else None
            if parent is None or parent.id in seen:
                return None
            if self.references(parent):
                return parent
            seen.add(parent.id)
            current = parent
        return None

    def link(self, item: Item) -> Link:
        """Decide the item's state, top to bottom through SPEC 5's table."""
        own = self.resolved(item)
        if own.references:
            return self._own_link(item, own)
        return self._inherited_link(item, own)

    def _own_link(self, item: Item, own: Resolved) -> Link:
        bad = ((item, own),) if own.stale or own.dangling else ()
        if own.resolves:
            state = LinkState.LINKED if own.key_results else LinkState.OBJECTIVE_ONLY
            return Link(
                state,
                own,
                own.key_results,
                self.objectives_of(own),
                conflict=self._conflict(item, own),
                bad_sources=bad,
            )
        if own.exempt:
            return Link(LinkState.EXEMPT, own, bad_sources=bad)
        state = LinkState.STALE if own.stale else LinkState.DANGLING
        return Link(state, own, bad_sources=bad)

    def _inherited_link(self, item: Item, own: Resolved) -> Link:
        ancestor = self.nearest_referencing_ancestor(item) if self._options.inherit else None
        if ancestor is None:
            return Link(LinkState.ORPHANED, own)
        theirs = self.resolved(ancestor)
        bad = ((ancestor, theirs),) if theirs.stale or theirs.dangling else ()
        if theirs.resolves:
            krs, objectives = theirs.key_results, self.objectives_of(theirs)
            state = LinkState.INHERITED
        elif theirs.exempt:
            krs, objectives, state = (), (), LinkState.EXEMPT
        else:
            krs, objectives, state = (), (), LinkState.ORPHANED
        return Link(state, own, krs, objectives, ancestor, theirs, bad_sources=bad)

    def _conflict(self, item: Item, own: Resolved) -> Resolved | None:
        """The ancestor's links when they contradict the item's own (SPEC 5, last rule)."""
        if not self._options.inherit:
            return None
        ancestor = self.nearest_referencing_ancestor(item)
        if ancestor is None:
            return None
        theirs = self.resolved(ancestor)
        if not theirs.key_results:
            return None
        if own.key_results:
            clash = not set(own.key_results) & set(theirs.key_results)
        else:
            their_objectives = {self._objective_of[kr] for kr in theirs.key_results}
            clash = not set(own.objectives) & their_objectives
        return theirs if clash else None
