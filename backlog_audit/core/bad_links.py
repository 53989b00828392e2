"""Dangling and stale links (SPEC 6) and inheritance conflicts, from the audited items' table.

A bad reference is listed once per item whose cell holds it (its carrier: the item itself, or
the ancestor it inherits from), with how many audited items it affects. Everything stays in
columns (`table.BadLinks`): a million items carry 400,000 dangling links, which the JSON
report encodes as columns; `BadLink` objects are built only for a report that reads them.
`BadLinks.of(links)` turns a plain tuple (a portfolio's, a test's) into the same table, so
every report reads one shape.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING

from backlog_audit.core.link_states import Decision, Resolved
from backlog_audit.model import BadLink, InheritanceConflict
from backlog_audit.table import ENGINE, RowSequence, texts

if TYPE_CHECKING:
    import polars as pl


def carriers(linked: pl.DataFrame, found: Sequence[Decision], frame: pl.DataFrame,
             rank: pl.Series) -> pl.DataFrame:  # fmt: skip
    """The rows (of `frame`, every item) whose cell holds a bad reference that an audited
    item consulted: `key`, `rank` (its natural place), `cell`, `affected` (audited items),
    `seen` (the first audited item's position in `frame`, for ties).

    `linked` has each audited item's `pos` (in `frame`), `ancestor` and `pair` (index into
    `found`, the decision of its own and its ancestor's cell).
    """
    import polars as pl

    blamed = pl.lit(pl.Series([d.blamed for d in found], dtype=pl.String)).gather(pl.col("pair"))
    carrier = pl.when(blamed == "own").then(pl.col("pos")).otherwise(pl.col("ancestor"))
    return (
        linked.lazy()
        .filter(blamed.is_not_null())
        .select(carrier.alias("carrier"), "pos")
        .group_by("carrier")
        .agg(pl.len().alias("affected"), pl.col("pos").min().alias("seen"))
        .select(
            pl.lit(frame["key"]).gather(pl.col("carrier")).alias("key"),
            pl.lit(rank).gather(pl.col("carrier")).alias("rank"),
            pl.lit(frame["cell"]).gather(pl.col("carrier")).alias("cell"),
            "affected",
            "seen",
        )
        .collect(engine=ENGINE)
    )


def bad_links(
    carrying: pl.DataFrame | None, resolved: Sequence[Resolved]
) -> tuple[BadLinks, BadLinks]:
    """The dangling and the stale links: each bad reference once per carrying key, with how
    many audited items it affects (both lists in one call of the engine). `carrying` is
    `carriers`' table, None when no audited item consulted a bad reference.

    Sorted by key (natural order), then reference; ties in the order items first met them.
    """
    import polars as pl

    if carrying is None:  # most small backlogs: no query at all
        return BadLinks.of(()), BadLinks.of(())
    present = carrying["cell"].unique().to_list()
    plans = [_links(carrying, present, resolved, stale=stale) for stale in (False, True)]
    dangling, stale = pl.collect_all(plans, engine=ENGINE)
    return BadLinks(dangling), BadLinks(stale)


def _links(
    carrying: pl.DataFrame, present: list[int], resolved: Sequence[Resolved], *, stale: bool
) -> pl.LazyFrame:
    import polars as pl

    cells, references, hints = [], [], []
    for cell in present:
        found = [(r, None) for r in resolved[cell].stale] if stale else resolved[cell].dangling
        for reference, hint in found:
            cells.append(cell)
            references.append(reference)
            hints.append(hint)
    bad = pl.DataFrame(
        {
            "cell": pl.Series(cells, dtype=pl.Int64),
            "reference": texts(references),
            "suggestion": texts(hints),
        }
    )
    # A reference is in a cell once and a carrier has one cell: `seen` tells apart every
    # (key, reference) of equal keys and equal references.
    return (
        carrying.lazy()
        .join(bad.lazy(), on="cell")
        .group_by("key", "reference")
        .agg(
            pl.col("rank").first(),
            pl.col("affected").sum().cast(pl.Int64).alias("affected_items"),
            pl.col("seen").min(),
            pl.col("suggestion").first(),
        )
        .sort("rank", "reference", "seen")
        .select("key", "reference", "suggestion", "affected_items")
    )


def conflicts(linked: pl.DataFrame, found: Sequence[Decision]) -> tuple[InheritanceConflict, ...]:
    """The audited items whose own KR links contradict their ancestor's, in item order."""
    import polars as pl

    clashing = [n for n, decision in enumerate(found) if decision.conflict]
    if not clashing:
        return ()
    rows = linked.select("key", "pair").filter(pl.col("pair").is_in(clashing))
    pairs = [found[n].conflict for n in rows["pair"].to_list()]
    return tuple(
        InheritanceConflict(key, *pair)
        for key, pair in zip(rows["key"].to_list(), pairs, strict=True)
        if pair
    )


class BadLinks(RowSequence[BadLink]):
    """Dangling or stale links as columns (`frame`: `key`, `reference`, `suggestion`,
    `affected_items`), in report order: `BadLink`s are built only when someone iterates
    them, so that a million items' 400,000 dangling links go to the JSON report as columns.
    """

    _noun = "links"

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    @classmethod
    def of(cls, links: Sequence[BadLink]) -> BadLinks:
        """The columns of a sequence of links (itself when it is one already)."""
        if isinstance(links, BadLinks):
            return links
        import polars as pl

        frame = pl.DataFrame(
            {
                "key": texts([b.key for b in links]),
                "reference": texts([b.reference for b in links]),
                "suggestion": texts([b.suggestion for b in links]),
                "affected_items": pl.Series([b.affected_items for b in links], dtype=pl.Int64),
            }
        )
        table = cls(frame)
        table.__dict__["_built"] = tuple(links)
        return table

    def _build_all(self) -> tuple[BadLink, ...]:
        columns = [self.frame[name].to_list() for name in _BAD_LINK_COLUMNS]
        # Many small objects without cycles: the collector's passes over every object made
        # so far would cost two thirds of the time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return tuple(map(BadLink, *columns))
        finally:
            if was_enabled:
                gc.enable()

    def __len__(self) -> int:
        return self.frame.height


# `BadLink`'s fields, in order: the columns of `BadLinks.frame`.
_BAD_LINK_COLUMNS = ("key", "reference", "affected_items", "suggestion")
