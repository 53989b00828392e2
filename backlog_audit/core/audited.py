"""The audited items' rows, kept as the source's table and each row's place in it (issue 15).

An audited item's row is the source's row (its key, title, status...) with the links of its
(own cell, ancestor cell) pair and its parent's and ancestor's keys. Gathering the source's
columns for a million in-scope rows copies every text column (15 MiB each) beside the
source's, which stays held for the items themselves: `AuditedRows` keeps where each row
comes from instead, and lays out the columns asked for (the figures' few, during the audit)
or the rows asked for (a slice of the JSON report's items at a time). `ItemTable` lays out
the whole table for a report that reads it whole (`table.DeferredRows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backlog_audit.table import item_schema

if TYPE_CHECKING:
    import polars as pl

# The columns made from each row's pair.
_LINKS = ("references", "key_results", "objectives", "placeholders", "link_state")


class AuditedRows:
    """The in-scope rows in report order, laid out when asked for.

    `source`: the table the audit read (one row per item, `key` and `parent` among its
    columns); `order`: one row per in-scope item in report order, `pos` (its row in `source`),
    `parent_pos` (its parent's, null: none in `source`), `ancestor` (its nearest referencing
    ancestor's) and `pair` (its row in `by_pair`); `by_pair`: the link columns of each
    distinct pair and `_from_ancestor` (whether `inherited_from` names the ancestor).
    """

    def __init__(self, source: pl.DataFrame, order: pl.DataFrame, by_pair: pl.DataFrame) -> None:
        import polars as pl

        wanted = item_schema()
        self._source = source.select(name for name in source.columns if name in wanted)
        self._order = order
        self._by_pair = by_pair
        self._plans: dict[tuple[str, ...], tuple[pl.DataFrame, pl.DataFrame, list[str]]] = {}
        positions = order["pos"]
        # Every row in scope and in order (most backlogs of stories): nothing to gather.
        self._everyone = positions.len() == source.height and positions.equals(
            pl.int_range(0, source.height, dtype=pl.Int64, eager=True), check_names=False
        )

    @property
    def height(self) -> int:
        """How many items are in scope."""
        return self._order.height

    @property
    def order(self) -> pl.DataFrame:
        """`pos`, `parent_pos`, `ancestor` and `pair` of each row, in report order."""
        return self._order

    def rows(self, start: int, length: int, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """Rows `start` to `start + length` with `columns` (None: `item_schema`'s), as
        `DeferredRows` gives them."""
        return self.columns(list(item_schema()) if columns is None else columns, start, length)

    def columns(
        self, names: Sequence[str], start: int = 0, length: int | None = None
    ) -> pl.DataFrame:
        """The columns `names` (of `item_schema`) of rows `start` to `start + length`
        (None: to the end), in that order."""
        import polars as pl

        source, links, empty = self._plan(tuple(names))
        order = self._order.slice(start, length)
        if self._everyone:
            frame = source.slice(start, order.height)
        else:
            frame = gathered(source, order["pos"], empty)
        if links.width:
            frame = frame.hstack(links[order["pair"]].get_columns())
        keys = self._source["key"]
        made = []
        if "parent" in names:
            parent_pos = order["parent_pos"]
            made.append(
                pl.when(parent_pos.is_not_null())
                .then(keys.gather(parent_pos))
                .otherwise(pl.col("parent"))
                .alias("parent")
            )
        if "inherited_from" in names:
            ancestor = keys.gather(order["ancestor"])
            made.append(pl.when("_from_ancestor").then(ancestor).alias("inherited_from"))
        # Columns in pieces of different lengths (the source's, the engine's) would be
        # aligned again by every query that reads two of them: once here instead.
        return frame.with_columns(made).select(names).rechunk()

    def _plan(self, names: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
        """What `columns(names)` reads: the source's columns, the pairs' columns, and which
        of the source's columns hold no value at all (worked out once: the JSON report asks
        for a hundred slices of a million items)."""
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plans[names] = self._new_plan(names)
        return plan

    def _new_plan(self, names: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
        source = self._source.select(
            name for name in names if name in self._source.columns and name != "inherited_from"
        )
        links = [name for name in names if name in _LINKS]
        if "inherited_from" in names:
            links.append("_from_ancestor")
        empty = [name for name in source.columns if source[name].null_count() == source.height]
        return source, self._by_pair.select(links), empty


def gathered(frame: pl.DataFrame, positions: pl.Series, empty: Sequence[str] = ()) -> pl.DataFrame:
    """The rows of `frame` at `positions`; the columns `empty`, which hold no value at all
    (a CSV export's URL without a URL column), made null at the new length, not gathered:
    the engine's gather writes every row of a column, and one made null holds no memory
    until it is written."""
    import polars as pl

    picked = frame.drop(empty)[positions] if empty else frame[positions]
    if not empty:
        return picked
    nulls = [pl.Series(name, [], frame[name].dtype).extend_constant(None, positions.len())
             for name in empty]  # fmt: skip
    return picked.hstack(nulls).select(frame.columns)
