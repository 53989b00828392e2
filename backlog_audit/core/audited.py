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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from backlog_audit.table import item_schema

if TYPE_CHECKING:
    import polars as pl

# The columns made from each row's pair.
_LINKS = ("references", "key_results", "objectives", "placeholders", "link_state")


class AuditedRows:
    """The in-scope rows in report order, laid out when asked for.

    `source`: the table the audit read (one row per item, `key` and `parent` among its
    columns); `order`: one row per in-scope item in report order, `pos` (its row in `source`),
    `parent_pos` (its parent's, null: none in `source`), `has_parent` (whether it is not
    null), `ancestor` (its nearest referencing ancestor's) and `pair` (its row in
    `by_pair`); `by_pair`: the link columns of each distinct pair and `_elsewhere` (whether
    `inherited_from` is null rather than the ancestor's key).

    A layout runs no engine query (gathers by row, slices, `zip_with`): a portfolio team's
    audit of 300 items pays each query's fixed cost, not its rows.
    """

    def __init__(self, source: pl.DataFrame, order: pl.DataFrame, by_pair: pl.DataFrame) -> None:
        import polars as pl

        wanted = item_schema()
        self._source = source[[name for name in source.columns if name in wanted]]
        self._keys = source[["key"]]
        self._no_keys = pl.Series("key", [], pl.String).extend_constant(None, source.height)
        # Each row's ancestor where `inherited_from` names it (else null): worked out once,
        # each slice then only gathers.
        elsewhere = by_pair[["_elsewhere"]][order["pair"]].to_series()
        self._order = order.hstack([order["ancestor"].set(elsewhere, None).alias("_inherit_pos")])
        self._by_pair = by_pair
        self._plans: dict[tuple[str, ...], _Plan] = {}
        positions = order["pos"]
        # Every row in scope and in order (most backlogs of stories): nothing to gather.
        # (Positions are distinct rows of `source`: as many, and sorted, is every row.)
        self._everyone = positions.len() == source.height and positions.is_sorted()

    @property
    def height(self) -> int:
        """How many items are in scope."""
        return self._order.height

    @property
    def order(self) -> pl.DataFrame:
        """`pos`, `parent_pos`, `has_parent`, `ancestor` and `pair` of each row, in report
        order."""
        return self._order[["pos", "parent_pos", "has_parent", "ancestor", "pair"]]

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

        plan = self._plan(tuple(names))
        order = self._order.slice(start, length)
        if self._everyone:
            frame = plan.source.slice(start, order.height)
        else:
            frame = gathered(plan.source, order["pos"], plan.nulls)
        made = {column.name: column for column in frame.get_columns()}
        if plan.links.width:
            made |= {column.name: column for column in plan.links[order["pair"]].get_columns()}
        if "parent" in names:
            # The parent's key when it is in the source, else the parent as the source named it.
            at_parent = self._keys_at(order["parent_pos"])
            made["parent"] = at_parent.zip_with(order["has_parent"], made["parent"])
        if "inherited_from" in names:
            made["inherited_from"] = self._keys_at(order["_inherit_pos"])
        # Columns in pieces of different lengths (the source's, the engine's) would be
        # aligned again by every query that reads two of them: once here instead.
        return pl.DataFrame([made[name].alias(name) for name in names]).rechunk()

    def _keys_at(self, positions: pl.Series) -> pl.Series:
        """The source's keys at `positions` (null where a position is null)."""
        if positions.null_count() == positions.len():  # (a gather by rows needs one)
            return self._no_keys.slice(0, positions.len())
        return self._keys[positions].to_series()

    def _plan(self, names: tuple[str, ...]) -> _Plan:
        """What `columns(names)` reads (worked out once: the JSON report asks for a hundred
        slices of a million items)."""
        plan = self._plans.get(names)
        if plan is None:
            own = self._source.columns
            source = self._source[[name for name in names if name in own]]
            links = self._by_pair[[name for name in names if name in _LINKS]]
            plan = self._plans[names] = _Plan(source, links, nulls_of(source))
        return plan


class _Plan(NamedTuple):
    """The source's columns a set of columns reads, the pairs' columns, and a null column
    the source's length for each of the source's columns that holds no value at all."""

    source: pl.DataFrame
    links: pl.DataFrame
    nulls: dict[str, pl.Series]


def nulls_of(frame: pl.DataFrame) -> dict[str, pl.Series]:
    """For each column of `frame` without any value (a CSV export's URL without a URL
    column), a null column as long as `frame`: made null, it holds no memory until written."""
    import polars as pl

    return {
        column.name: pl.Series(column.name, [], column.dtype).extend_constant(None, frame.height)
        for column in frame.get_columns()
        if column.null_count() == frame.height
    }


def gathered(
    frame: pl.DataFrame, positions: pl.Series, nulls: Mapping[str, pl.Series] | None = None
) -> pl.DataFrame:
    """The rows of `frame` at `positions`; the columns of `nulls` (`nulls_of(frame)`) sliced
    from those, not gathered: the engine's gather writes every row of a column."""
    import polars as pl

    if not nulls:
        return frame[positions]
    picked = frame[[name for name in frame.columns if name not in nulls]][positions]
    made = {column.name: column for column in picked.get_columns()}
    made |= {name: column.slice(0, positions.len()) for name, column in nulls.items()}
    return pl.DataFrame([made[name] for name in frame.columns])
