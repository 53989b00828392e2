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

# The columns made from each row's pair, its parent's position and its ancestor's.
_LINKS = ("references", "key_results", "objectives", "placeholders", "link_state")
_KEYS = ("parent", "inherited_from")


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

    def rows(self, start: int, length: int) -> pl.DataFrame:
        """Rows `start` to `start + length`, with `item_schema`'s columns (`DeferredRows`)."""
        return self.columns(list(item_schema()), start, length)

    def columns(
        self, names: Sequence[str], start: int = 0, length: int | None = None
    ) -> pl.DataFrame:
        """The columns `names` (of `item_schema`) of rows `start` to `start + length`
        (None: to the end), in that order."""
        import polars as pl

        order = self._order.slice(start, length)
        own = [name for name in names if name in self._source.columns and name not in _KEYS]
        picked = self._picked(self._source.select(own), order["pos"], start)
        links = [name for name in names if name in _LINKS]
        if "inherited_from" in names:
            links.append("_from_ancestor")
        made = self._by_pair.select(links)[order["pair"]] if links else None
        keys = self._source["key"]
        extra: list[pl.Series] = []
        if "parent" in names:
            parent_pos = order["parent_pos"]
            raw = self._picked(self._source.select("parent"), order["pos"], start)["parent"]
            extra.append(
                pl.select(
                    pl.when(parent_pos.is_not_null())
                    .then(keys.gather(parent_pos))
                    .otherwise(raw)
                    .alias("parent")
                ).to_series()
            )
        if made is not None and "inherited_from" in names:
            ancestor = order["ancestor"]
            extra.append(
                pl.select(
                    pl.when(made["_from_ancestor"])
                    .then(keys.gather(ancestor))
                    .alias("inherited_from")
                ).to_series()
            )
        frame = picked.hstack([*(made.get_columns() if made is not None else ()), *extra])
        # Columns in pieces of different lengths (the source's, the engine's) would be
        # aligned again by every query that reads two of them: once here instead.
        return frame.select(names).rechunk()

    def _picked(self, frame: pl.DataFrame, positions: pl.Series, start: int) -> pl.DataFrame:
        """The rows of `frame` (the source's columns) at `positions` (those from `start`)."""
        if self._everyone:
            return frame.slice(start, positions.len())
        return gathered(frame, positions)


def gathered(frame: pl.DataFrame, positions: pl.Series) -> pl.DataFrame:
    """The rows of `frame` at `positions`; a column without any value (a CSV export's URL
    without a URL column) made null at the new length, not gathered: the engine's gather
    writes every row of it, and a column made null holds no memory until it is written."""
    import polars as pl

    empty = [name for name in frame.columns if frame[name].null_count() == frame.height]
    gathered = frame.drop(empty)[positions]
    if not empty:
        return gathered
    nulls = [pl.Series(name, [], frame[name].dtype).extend_constant(None, positions.len())
             for name in empty]  # fmt: skip
    return gathered.hstack(nulls).select(frame.columns)
