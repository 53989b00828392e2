"""A backlog as the core's table: one row per item, one column per field (issue 15).

Sources deliver `Item`s; `ItemRows.of(items)` lays them out as columns, numbers their raw link
values (`cell`: the same select values, free text and labels get the same number, so the core
reads and resolves each distinct cell once), then `unique` keeps each item once (SPEC 6) and
`in_scope` says which rows are counted work (SPEC 2). A source that reads columns itself (the
CSV source) builds the table with `ItemRows.of_columns` and delivers its `items`: a sequence
that builds `Item`s only when read, and that `ItemRows.of` turns back into the same table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backlog_audit.model import AuditOptions, Item, StatusCategory
from backlog_audit.table import RowSequence, texts

if TYPE_CHECKING:
    import polars as pl

# Types counted when a source gives no hierarchy level (SPEC 2): everything but these.
NON_STANDARD_TYPES = frozenset({"epic", "sub-task", "subtask", "milestone"})
# Test-management types (Xray's five, Zephyr's Test) are test cases and their runs, not backlog
# work, whatever level Jira gives them (SPEC 2): one real export held 59 Xray tests in 75 items,
# every one "inherited" from one epic. --include-types brings them back.
TEST_TYPES = frozenset({"test", "test set", "test plan", "test execution", "precondition"})

# What an item's own references are read from (`core.references`): select values, free text
# and labels, in that order.
RawCell = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]

_TEXT = ("id", "key", "title", "type", "status", "status_category", "parent", "sprint",
         "assignee", "project", "url")  # fmt: skip


@dataclass(frozen=True)
class ItemRows:
    """Items as columns, with their distinct raw link cells.

    `frame` has the text columns above, `points` (Float64), `level` (Int64), `carrier_only`,
    `sprints` (list), `cell` (index into `cells`) and `source` (the item's index in `items`,
    so that a row can give back the very `Item` it came from).
    """

    frame: pl.DataFrame
    cells: tuple[RawCell, ...]
    items: Sequence[Item]

    @classmethod
    def of(cls, items: Sequence[Item]) -> ItemRows:
        """Lay out a source's items as columns (each attribute read once); items a source
        delivered as columns (`FrameItems`) are their own table."""
        import polars as pl

        if isinstance(items, FrameItems):
            return cls(items.frame, items.cells, items)
        numbers: dict[RawCell, int] = {}
        cell = [
            numbers.setdefault((i.references, i.free_text, i.labels), len(numbers)) for i in items
        ]
        columns: dict[str, pl.Series] = {
            name: texts([getattr(i, name) for i in items], name)
            for name in _TEXT
            if name != "status_category"
        }
        columns["status_category"] = pl.Series(
            [i.status_category.value for i in items], dtype=pl.String
        )
        columns["points"] = pl.Series([i.points for i in items], dtype=pl.Float64)
        columns["level"] = pl.Series([i.level for i in items], dtype=pl.Int64)
        columns["carrier_only"] = pl.Series([i.carrier_only for i in items], dtype=pl.Boolean)
        columns["sprints"] = texts([list(i.sprints) for i in items], nested=True)
        columns["cell"] = pl.Series(cell, dtype=pl.Int64)
        columns["source"] = pl.Series(range(len(items)), dtype=pl.Int64)
        frame = pl.DataFrame({name: columns[name].alias(name) for name in columns})
        return cls(frame, tuple(numbers), items)

    @classmethod
    def of_columns(cls, columns: pl.DataFrame, cells: Sequence[RawCell]) -> ItemRows:
        """The table of items a source read as columns: `columns` has every column of
        `frame` but `source` (any order), `cell` indexing `cells`."""
        import polars as pl

        schema = frame_schema()
        frame = columns.with_row_index("source").select(
            pl.col(name).cast(kind) for name, kind in schema.items()
        )
        items = FrameItems(frame, tuple(cells))
        return cls(frame, items.cells, items)


def frame_schema() -> dict[str, pl.DataType]:
    """`ItemRows.frame`'s columns and their types, in order."""
    import polars as pl

    schema: dict[str, pl.DataType] = {name: pl.String() for name in _TEXT}
    schema |= {"points": pl.Float64(), "level": pl.Int64(), "carrier_only": pl.Boolean(),
               "sprints": pl.List(pl.String()), "cell": pl.Int64(),
               "source": pl.Int64()}  # fmt: skip
    return schema


_CATEGORIES = {category.value: category for category in StatusCategory}


class FrameItems(RowSequence[Item]):
    """A source's items held as the core's columns (`ItemRows.frame`, `cells`): the audit
    reads the columns; an `Item` is built only when someone reads the items one by one."""

    _noun = "items"

    def __init__(self, frame: pl.DataFrame, cells: tuple[RawCell, ...]) -> None:
        self.frame = frame
        self.cells = cells

    def _build_all(self) -> tuple[Item, ...]:
        return self._build(self.frame)

    def _build_at(self, positions: Sequence[int]) -> tuple[Item, ...]:
        # A report that shows a few items builds those alone.
        import polars as pl

        return self._build(self.frame[pl.Series(positions, dtype=pl.Int64)])

    def _build(self, frame: pl.DataFrame) -> tuple[Item, ...]:
        """The items of some rows of the table, in their order."""
        rows = zip(*(frame[name].to_list() for name in frame.columns), strict=True)
        return tuple(map(self._item, rows))

    def _item(self, row: tuple[Any, ...]) -> Item:
        """The `Item` of one row of the table (its columns in `frame_schema`'s order)."""
        (item_id, key, title, kind, status, category, parent, sprint, assignee, project, url,
         points, level, carrier_only, sprints, cell, _source) = row  # fmt: skip
        references, free_text, labels = self.cells[cell]
        return Item(
            id=item_id, key=key, title=title, type=kind, status=status,
            status_category=_CATEGORIES[category], points=points, references=references,
            free_text=free_text, labels=labels, parent=parent, sprints=tuple(sprints),
            sprint=sprint, assignee=assignee, project=project, url=url, level=level,
            carrier_only=carrier_only,
        )  # fmt: skip

    def __len__(self) -> int:
        return self.frame.height


def unique(frame: pl.DataFrame) -> pl.DataFrame:
    """Each item once, by id, where it first appeared; an in-scope copy beats a carrier-only
    copy (SPEC 6: the same item reached twice counts once)."""
    import polars as pl

    if frame["id"].n_unique() == frame.height:  # no id twice: nothing to choose
        return frame
    chosen = (
        frame.with_row_index("_row")
        .group_by("id", maintain_order=True)
        .agg(
            pl.col("_row").first().alias("_first"),
            pl.col("_row").filter(~pl.col("carrier_only")).first().alias("_counted"),
        )
        .select(pl.coalesce("_counted", "_first"))
        .to_series()
    )
    return frame[chosen]


class TypeScope:
    """SPEC 2's type scope, decided once per distinct type name: the one place of the rule.

    --exclude-types and --include-types first, then test-management types (out), then the
    hierarchy level when the source gives one, else the type name. `counted()` applies it to
    a table's rows (`type`, `level`, `carrier_only`); `tests` are the types left out as
    test-management items (the audit says so).
    """

    # What a type name says: out, in, or by level (else by name: counted, not counted).
    _OUT, _IN, _NAMED, _UNNAMED = 0, 1, 2, 3

    def __init__(self, types: Iterable[str | None], options: AuditOptions) -> None:
        self.codes: dict[str, int] = {}
        tests: set[str] = set()
        for name in types:
            # AuditOptions casefolds its type names, whoever built it.
            kind = (name or "").casefold()
            if kind in TEST_TYPES and kind not in options.include_types:
                tests.add(name or "")
            if kind in options.exclude_types:
                code = self._OUT
            elif kind in options.include_types:
                code = self._IN
            elif kind in TEST_TYPES:
                code = self._OUT
            else:
                code = self._UNNAMED if kind in NON_STANDARD_TYPES else self._NAMED
            self.codes[name or ""] = code
        self.tests = frozenset(tests)

    def counted(self) -> pl.Expr:
        """Whether each row is counted work (Boolean, named `in_scope`)."""
        import polars as pl

        # Every name is in `codes`; the default only keeps the engine from checking so.
        code = (
            pl.col("type")
            .fill_null("")
            .replace_strict(
                list(self.codes), list(self.codes.values()), default=self._OUT, return_dtype=pl.Int8
            )
        )
        by_default = (
            pl.when(pl.col("level").is_not_null())
            .then(pl.col("level") == 0)
            .otherwise(code == self._NAMED)
        )
        counted = (code == self._IN) | ((code >= self._NAMED) & by_default)
        return (~pl.col("carrier_only") & counted).alias("in_scope")


def scope_mask(frame: pl.DataFrame, options: AuditOptions) -> pl.Series:
    """Whether each row of the table is counted work (SPEC 2, `TypeScope`)."""
    scope = TypeScope(frame["type"].unique().to_list(), options)
    return frame.select(scope.counted()).to_series()


def text_set(values: Iterable[str]) -> pl.Series:
    """A set of names for `is_in`: one list value (the engine's unambiguous form)."""
    import polars as pl

    return pl.Series(sorted(values), dtype=pl.String).implode()


def in_scope(item: Item, options: AuditOptions) -> bool:
    """Whether one item is counted work (SPEC 2), by the same rule as a whole table."""
    return bool(scope_mask(ItemRows.of([item]).frame, options)[0])
