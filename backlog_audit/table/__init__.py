"""The audited items as one columnar table: what the core computes and the reports read.

`ItemTable` is a sequence of `ItemResult`s, built one by one only when someone iterates
it, over a table with one row per in-scope item in report order. Its `frame` has the JSON
report's item columns (SPEC 9) first: the reports encode rows from it, and `to_pandas()`
(`records`) hands it to notebook users. `ItemTable.of(results)` turns a plain tuple of
`ItemResult`s (a result built by hand in a test) into the same table, so every report
reads one shape.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import cached_property
from threading import Lock
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, TypeVar, overload

from backlog_audit.model import Item, ItemResult, LinkState, StatusCategory

if TYPE_CHECKING:
    import polars as pl

# SPEC 9's item entry, in its order: the columns of `ItemTable.frame` that reports show.
ITEM_COLUMNS = ("key", "title", "type", "status", "status_category", "points", "sprint",
                "sprints", "assignee", "parent", "url", "references", "key_results",
                "objectives", "link_state", "inherited_from")  # fmt: skip
# Columns of `ItemTable.frame` after ITEM_COLUMNS that reports read but SPEC 9 does not show.
_MORE_TEXTS = ("project", "placeholders")
_STATES = {state.value: state for state in LinkState}
# The engine that runs the core's lazy plans: "auto" picks the streaming engine, whose start
# costs 1 to 2 ms a query (most of a 300-item audit's time); in memory, a million rows take
# no longer.
ENGINE: Final = "in-memory"


# The engine holds UTF-8 text, which cannot hold half a surrogate pair; a source may deliver
# one (Jira's JSON escaping half an emoji). It becomes U+FFFD, as in every text report.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SEPARATOR = "\x1f"


def texts(values: Sequence[Any], name: str = "", *, nested: bool = False) -> pl.Series:
    """A text column (`nested`: a column of lists of texts)."""
    import polars as pl

    if nested:
        # (A frame's column needs a name.)
        return text_lists({"_": values}).to_series().alias(name)
    try:
        return pl.Series(name, values, dtype=pl.String)
    except UnicodeEncodeError:
        return pl.Series(name, [_clean(v) for v in values], dtype=pl.String)


def text_lists(columns: Mapping[str, Sequence[Sequence[str]]]) -> pl.DataFrame:
    """Columns of lists of texts, as one frame.

    Lists of texts go in as one text each, split by the engine in one query: building a list
    column from Python lists costs a hundred times more. A column holding the separator (a
    control character) in a text takes the slow way.
    """
    import polars as pl

    joined = {name: [_SEPARATOR.join(v) if v else None for v in values]
              for name, values in columns.items()}  # fmt: skip
    fast = [name for name, values in joined.items()
            if not any(_SEPARATOR in text for text in values if text)]  # fmt: skip
    empty = pl.lit([], dtype=pl.List(pl.String))
    split = pl.DataFrame([texts(joined[name], name) for name in fast]).select(
        pl.col(name).str.split(_SEPARATOR).fill_null(empty) for name in fast
    )
    slow = {}
    for name in columns.keys() - set(fast):
        try:
            slow[name] = pl.Series(name, columns[name], dtype=pl.List(pl.String))
        except UnicodeEncodeError:
            slow[name] = pl.Series(name, _clean(columns[name]), dtype=pl.List(pl.String))
    return pl.DataFrame([split[name] if name in split.columns else slow[name]
                         for name in columns])  # fmt: skip


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def item_schema() -> dict[str, pl.DataType]:
    """The type of each column of `ItemTable.frame`, in order."""
    import polars as pl

    text, texts = pl.String(), pl.List(pl.String())
    lists = {"sprints", "references", "key_results", "objectives", "placeholders"}
    names = (*ITEM_COLUMNS, *_MORE_TEXTS)
    schema: dict[str, pl.DataType] = {name: texts if name in lists else text for name in names}
    schema["points"] = pl.Float64()
    schema["source"] = pl.Int64()
    return schema


T = TypeVar("T")


class RowSequence(Sequence[T]):
    """A sequence whose entries are a table's rows (`ItemTable`, `core.rows.FrameItems`,
    `core.bad_links.BadLinks`): an entry is built from its row only when it is read, every
    entry once when the sequence is iterated, compared or hashed (one rule for the three).

    A subclass gives its length, builds every entry (`_build_all`) and, when it can build a
    few rows alone, those (`_build_at`); an entry is then never built twice.
    """

    _noun: ClassVar[str] = "rows"

    @cached_property
    def _built(self) -> tuple[T, ...]:
        return self._build_all()

    def _build_all(self) -> tuple[T, ...]:
        """Every entry, in order."""
        raise NotImplementedError

    def _build_at(self, positions: Sequence[int]) -> tuple[T, ...]:
        """The entries at these row positions (a subclass that can builds them alone)."""
        built = self._built
        return tuple(built[n] for n in positions)

    def _at(self, positions: Sequence[int]) -> tuple[T, ...]:
        """The entries at these row positions: the built ones when all are built."""
        if "_built" in self.__dict__:
            built = self._built
            return tuple(built[n] for n in positions)
        return self._build_at(positions)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if "_built" in self.__dict__:
            return self._built[index]
        if isinstance(index, slice):
            return self._at(range(len(self))[index])
        return self._at([range(len(self))[index]])[0]

    def __iter__(self) -> Iterator[T]:
        return iter(self._built)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._built)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} {self._noun})"


class DeferredRows(Protocol):
    """The rows of an `ItemTable.frame` not laid out yet (the core's: gathered from the
    source's table when asked for), whole or a slice at a time."""

    @property
    def height(self) -> int:
        """How many rows there are."""
        ...

    def rows(self, start: int, length: int, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """Rows `start` to `start + length` (fewer at the end), with `columns` (None: all of
        `item_schema`'s, in order)."""
        ...


class ItemTable(RowSequence[ItemResult]):
    """The in-scope items of an audit with their links, in report order.

    `frame`: the columns of ITEM_COLUMNS (`parent` is the parent's key), then `project`,
    `placeholders` and `source`, each row's index in `items`: the `Item` it was audited from.

    The core's table is laid out when `frame` is first read (`DeferredRows`): the JSON
    report reads its rows a slice at a time (`rows`), so that a million items' columns are
    never copied whole beside the source's (issue 15). Reports that show a few of the items
    ask for those alone (`select`, `take`, a slice): only they are built into `ItemResult`s.
    """

    def __init__(
        self,
        frame: pl.DataFrame | None,
        items: Sequence[Item],
        *,
        deferred: DeferredRows | None = None,
    ) -> None:
        """A table of `frame`, or (None) of the `deferred` rows, laid out when read."""
        if frame is None and deferred is None:
            raise ValueError("an item table needs its frame or its deferred rows")
        self._frame = frame
        self._deferred = None if frame is not None else deferred
        self._items = items
        self._lock = Lock()

    @property
    def frame(self) -> pl.DataFrame:
        """The whole table (laid out once, on first reading)."""
        frame = self._frame
        if frame is None:
            with self._lock:  # two report threads lay it out once
                if self._frame is None:
                    deferred = self._deferred
                    assert deferred is not None
                    self._frame = deferred.rows(0, deferred.height)
                frame = self._frame
        return frame

    def rows(self, start: int, length: int, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """Rows `start` to `start + length` of `frame` with `columns` (None: all), without
        laying out the whole table when it is not laid out yet."""
        frame, deferred = self._frame, self._deferred
        if frame is not None or deferred is None:
            part = self.frame.slice(start, length)
            return part if columns is None else part.select(columns)
        return deferred.rows(start, length, columns)

    @classmethod
    def of(cls, results: Sequence[ItemResult]) -> ItemTable:
        """The table of a sequence of results (itself when it is one already)."""
        if isinstance(results, ItemTable):
            return results
        import polars as pl

        rows = [_row(r, n) for n, r in enumerate(results)]
        try:
            frame = pl.DataFrame(rows, schema=item_schema(), orient="row")
        except UnicodeEncodeError:
            frame = pl.DataFrame([_clean(row) for row in rows], schema=item_schema(), orient="row")
        table = cls(frame, [r.item for r in results])
        table.__dict__["_built"] = tuple(results)
        return table

    @property
    def sources(self) -> Sequence[Item]:
        """The `Item`s the rows were audited from: a row's `source` is its index here."""
        return self._items

    _noun = "items"

    def _build_all(self) -> tuple[ItemResult, ...]:
        return self._build(self.frame)

    def _build_at(self, positions: Sequence[int]) -> tuple[ItemResult, ...]:
        import polars as pl

        return self._build(self.frame[pl.Series(positions, dtype=pl.Int64)])

    def _build(self, frame: pl.DataFrame) -> tuple[ItemResult, ...]:
        """The results of some rows of `frame`, in their order."""
        columns = ("source", "link_state", "key_results", "objectives", "references",
                   "inherited_from", "parent", "placeholders")  # fmt: skip
        rows = zip(*(frame[name].to_list() for name in columns), strict=True)
        items = self._items
        return tuple(
            ItemResult(
                item=items[source],
                link_state=_STATES[state],
                key_results=tuple(krs),
                objectives=tuple(objectives),
                references=tuple(refs),
                inherited_from=inherited_from,
                parent_key=parent,
                placeholders=tuple(placeholders),
            )
            for source, state, krs, objectives, refs, inherited_from, parent, placeholders in rows
        )

    def positions(
        self, states: Collection[LinkState] | None = None, keys: Collection[str] | None = None
    ) -> list[int]:
        """The row positions of the items in one of `states` and with one of `keys`
        (None: any), in report order."""
        import polars as pl

        mask = pl.lit(value=True)
        if states is not None:
            mask &= pl.col("link_state").is_in([state.value for state in states])
        if keys is not None:
            mask &= pl.col("key").is_in(list(keys))
        found = self.frame.select(pl.arg_where(mask)).to_series()
        positions: list[int] = found.to_list()
        return positions

    def take(self, positions: Sequence[int]) -> tuple[ItemResult, ...]:
        """The results at these row positions (only they are built)."""
        return self._at(positions)

    def select(
        self,
        states: Collection[LinkState] | None = None,
        keys: Collection[str] | None = None,
        limit: int | None = None,
    ) -> tuple[ItemResult, ...]:
        """The first `limit` (None: all) results in one of `states` and with one of `keys`."""
        return self.take(self.positions(states, keys)[:limit])

    def count_in(self, *states: LinkState) -> int:
        """How many items are in one of `states`."""
        return len(self.positions(states))

    def __len__(self) -> int:
        frame, deferred = self._frame, self._deferred
        if frame is None and deferred is not None:
            return deferred.height
        return self.frame.height


def _row(result: ItemResult, source: int) -> tuple[Any, ...]:
    item = result.item
    category = item.status_category
    return (
        item.key, item.title, item.type, item.status,
        StatusCategory(category).value, item.points, item.sprint, list(item.sprints),
        item.assignee, result.parent_key, item.url, list(result.references),
        list(result.key_results), list(result.objectives), result.link_state.value,
        result.inherited_from, item.project, list(result.placeholders), source,
    )  # fmt: skip
