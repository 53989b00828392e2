"""An export's rows as the core's item columns (issue 15): each dialect rule once per column,
and the rules that need Python (points, statuses, link and label cells) once per distinct
value, by the one function each rule has (`adapters.points`, `adapters.statuses`).

What each item's fields are read from (SPEC 7, docs/sources-csv.md): its key, id, title,
type, status and category, estimate, link cells and labels, parent, sprints, assignee,
project and URL, by the dialect's columns; Asana's type, status and level from its parent
and `Completed At`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

from backlog_audit.adapters.csv.columns import likely_columns, missing_column
from backlog_audit.adapters.csv.dialects import ASANA, JIRA, Dialect
from backlog_audit.adapters.csv.table import Table
from backlog_audit.adapters.interface import Progress
from backlog_audit.adapters.points import (
    BadPoints,
    InvalidPoints,
    choose_points_fields,
    parse_points,
)
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.statuses import categorise, guessed_statuses_warning, is_known
from backlog_audit.adapters.urls import check_base_url
from backlog_audit.core.rows import RawCell
from backlog_audit.errors import InputError
from backlog_audit.model import StatusCategory

if TYPE_CHECKING:
    import polars as pl

_LABEL_FIELDS = frozenset({"labels", "tags"})
DEFAULT_OKR_FIELD = "OKR"
# Rows turned into columns between two progress reports, at the least: a bar that moves,
# in at most about 50 steps, at no cost to the reading.
PROGRESS_EVERY = 2_000
_STEPS = 50


@dataclass(frozen=True)
class ItemColumns:
    """An export's items as columns: those of `core.rows.ItemRows.frame` but `source`, and
    `parent_key` (Server/Data Center's `Parent key`, naming a parent not in the export);
    `cell` numbers the distinct link cells, `cells`."""

    frame: pl.DataFrame
    cells: tuple[RawCell, ...]


class ColumnReader:
    """Reads one table's rows into item columns, with the columns resolved once."""

    def __init__(
        self, table: Table, dialect: Dialect, settings: SourceSettings, jira_url: str | None
    ) -> None:
        self.table = table
        self.dialect = dialect
        self.settings = settings
        self.okr_column = _link_column(table, dialect, settings.okr_field)
        self.labels_are_links = (self.okr_column or "").casefold() in _LABEL_FIELDS
        self.points_columns, self._points_warning = _points_columns(table, dialect, settings)
        self.url_prefix = _url_prefix(dialect, jira_url)
        self.bad_points = BadPoints()
        # Status names read as to do for want of a category (no Status Category column).
        self.guessed: list[str] = []
        self.has_category = table.has(dialect.status_category)

    def warnings(self) -> list[str]:
        """What the rows read gave reason to say, once each."""
        path = self.table.path
        found = []
        if self.okr_column is None:
            hint = likely_columns(self.table, "okr")
            hint = f" ({hint})" if hint.startswith("likely") else ""
            found.append(
                f"{path}: no column '{self.settings.okr_field}': reading labels only; "
                f"--okr-field names the link column{hint}"
            )
        if self._points_warning:
            found.append(f"{path}: {self._points_warning}")
        found += [f"{path}: {warning}" for warning in self.bad_points.warnings()]
        guessed = guessed_statuses_warning(path, self.guessed)
        return [*found, guessed] if guessed else found

    def read(self, progress: Progress | None = None) -> ItemColumns:
        """Every row that is not blank as item columns (exit 2 for a row without a key);
        `progress` hears the rows read, of the export's, as they go."""
        import polars as pl

        frame = self._rows(progress)
        if frame["key"].null_count():
            self._refuse_keyless(frame)
            frame = frame.filter(pl.col("key").is_not_null())
        if progress is not None:  # blank rows are no items: the total is what was read
            progress(frame.height, frame.height)
        cell, cells = self._cells(frame)
        frame = frame.with_columns(
            self._points(frame), self._categories(frame), cell, pl.lit(False).alias("carrier_only")
        )
        return ItemColumns(frame.select(pl.exclude("^_.*$")), cells)

    def _rows(self, progress: Progress | None) -> pl.DataFrame:
        """The rule of each column for every row, on the cells the rules read, cleaned a
        slice of rows at a time when progress is heard (about 50 slices, each a multiple of
        PROGRESS_EVERY rows)."""
        import polars as pl

        used, rows = self._columns_read(), self.table.frame
        total = rows.height
        if progress is None:
            cleaned = self.table.cleaned(used)
        else:
            progress(0, total)
            step = PROGRESS_EVERY * max(1, ceil(total / PROGRESS_EVERY / _STEPS))
            parts = [self.table.cleaned(used, rows.head(0))]
            for start in range(0, total, step):
                parts.append(self.table.cleaned(used, rows.slice(start, step)))
                if start + step < total:
                    progress(start + step, total)
            cleaned = pl.concat(parts)
        # Every rule strips a cell first: the cells as written are not needed again.
        self.table = self.table.with_cells(cleaned)
        del cleaned, rows
        return self.table.frame.with_row_index("_row").select(pl.col("_row"), *self._expressions())

    def _columns_read(self) -> list[str]:
        d = self.dialect
        optional = [d.epic_link, d.parent_key, self.okr_column]
        return [d.key, d.id, d.title, d.type, d.status, d.status_category, *d.parent, d.sprint,
                d.assignee, d.project, d.labels, d.url, *self.points_columns,
                *(column for column in optional if column)]  # fmt: skip

    def _expressions(self) -> list[pl.Expr]:
        import polars as pl

        t, d = self.table, self.dialect
        key = t.value(d.key)
        parent = pl.coalesce(
            [t.value(c) for c in d.parent] + ([t.value(d.epic_link)] if d.epic_link else [])
        )
        sprints = t.values(d.sprint)
        url = t.value(d.url)
        if self.url_prefix is not None:
            url = pl.coalesce(url, pl.concat_str(pl.lit(self.url_prefix), key))
        columns = [
            key.alias("key"),
            pl.coalesce(t.value(d.id), key).alias("id"),
            pl.coalesce(t.value(d.title), pl.lit("")).alias("title"),
            parent.alias("parent"),
            (t.value(d.parent_key) if d.parent_key else pl.lit(None, pl.String)).alias(
                "parent_key"
            ),
            sprints.alias("sprints"),
            # Exports list sprints oldest first; the last is the one the item is in now.
            pl.coalesce(t.cells(d.sprint)[::-1] or [pl.lit(None, pl.String)]).alias("sprint"),
            t.value(d.assignee).alias("assignee"),
            t.value(d.project).alias("project"),
            url.alias("url"),
            *self._points_text(),
            *self._link_cells(),
        ]
        if d is ASANA:
            done = t.value(d.status_category).is_not_null()
            return [
                *columns,
                pl.coalesce(
                    t.value(d.type),
                    pl.when(parent.is_not_null()).then(pl.lit("Subtask")).otherwise(pl.lit("Task")),
                ).alias("type"),
                pl.coalesce(
                    t.value(d.status),
                    pl.when(done).then(pl.lit("Completed")).otherwise(pl.lit("Incomplete")),
                ).alias("status"),
                pl.when(done)
                .then(pl.lit(StatusCategory.DONE.value))
                .otherwise(pl.lit(StatusCategory.TODO.value))
                .alias("_named"),
                pl.when(parent.is_not_null()).then(-1).otherwise(0).cast(pl.Int64).alias("level"),
            ]
        return [
            *columns,
            pl.coalesce(t.value(d.type), pl.lit("")).alias("type"),
            pl.coalesce(t.value(d.status), pl.lit("")).alias("status"),
            pl.coalesce(t.value(d.status_category), t.value(d.status)).alias("_named"),
            pl.lit(None, pl.Int64).alias("level"),
        ]

    def _points_text(self) -> list[pl.Expr]:
        """`_points`: the first estimate of the points columns; `_points_from`: which."""
        import polars as pl

        values = [self.table.value(column) for column in self.points_columns]
        if not values:
            return [
                pl.lit(None, pl.String).alias("_points"),
                pl.lit(None, pl.Int64).alias("_points_from"),
            ]
        found = [pl.when(value.is_not_null()).then(pl.lit(n)) for n, value in enumerate(values)]
        return [pl.coalesce(values).alias("_points"), pl.coalesce(found).alias("_points_from")]

    def _link_cells(self) -> list[pl.Expr]:
        """`_link<n>`: the link column's cells (none when the labels are the link field);
        `_label<n>`: the labels column's."""
        reads_links = not self.labels_are_links and self.okr_column is not None
        links = self.table.cells(self.okr_column) if reads_links and self.okr_column else []
        labels = self.table.cells(self.dialect.labels)
        return [c.alias(f"_link{n}") for n, c in enumerate(links)] + [
            c.alias(f"_label{n}") for n, c in enumerate(labels)
        ]

    def _refuse_keyless(self, frame: pl.DataFrame) -> None:
        """Exit 2 at the first row with cells but no key; a row without any cell is blank."""
        import polars as pl

        keyless = frame.filter(pl.col("key").is_null())["_row"]
        if not keyless.len():
            return
        cells = self.table.cleaned(self.table.headers, self.table.frame[keyless])
        rows = keyless.filter(cells.select(pl.any_horizontal(pl.all().is_not_null())).to_series())
        if rows.len():
            raise InputError(
                f"{self.table.path}: row {rows[0] + 2}: no value in '{self.dialect.key}'"
            )

    def _points(self, frame: pl.DataFrame) -> pl.Series:
        """Each distinct estimate parsed once (`parse_points`); one that is none is
        unestimated, and warned about per row, as `BadPoints` gathers them."""
        import polars as pl

        texts = frame["_points"]
        parsed: dict[str, float] = {}
        bad: list[str] = []
        for text in texts.drop_nulls().unique(maintain_order=True).to_list():
            try:
                estimate = parse_points(text, self.settings.points_map)
            except InvalidPoints:
                bad.append(text)
                continue
            if estimate is not None:
                parsed[text] = estimate
        if bad:
            rows = frame.filter(pl.col("_points").is_in(bad)).select(
                "_points_from", "key", "_points"
            )
            for column, key, text in rows.iter_rows():
                self.bad_points.add(f"'{self.points_columns[column]}'", key, text)
        points = texts.replace_strict(
            list(parsed), list(parsed.values()), default=None, return_dtype=pl.Float64
        )
        return points.alias("points")

    def _categories(self, frame: pl.DataFrame) -> pl.Series:
        """Each distinct status (or category) name's category, by `statuses.categorise`."""
        import polars as pl

        named = frame["_named"]
        if self.dialect is ASANA:
            return named.alias("status_category")
        status_map = self.settings.status_map
        names = named.unique(maintain_order=True).to_list()
        if not self.has_category:
            self.guessed += [name or "" for name in names if not is_known(name, status_map)]
        known = [name for name in names if name is not None]
        categories = [categorise(name, status_map).value for name in known]
        default = categorise(None, status_map).value
        return named.replace_strict(
            known, categories, default=default, return_dtype=pl.String
        ).alias("status_category")

    def _cells(self, frame: pl.DataFrame) -> tuple[pl.Series, tuple[RawCell, ...]]:
        """Each row's number among the distinct (select values, free text, labels) it
        holds, in the order they first appear, and those cells."""
        import polars as pl

        keys = [name for name in frame.columns if name.startswith(("_link", "_label"))]
        links = sum(1 for name in keys if name.startswith("_link"))
        numbers: dict[RawCell, int] = {}
        if not keys:
            numbers[((), (), ())] = 0
            cell = pl.repeat(0, frame.height, dtype=pl.Int64, eager=True)
            return cell.alias("cell"), tuple(numbers) if frame.height else ()
        if len(keys) == 1:  # (a column's own `unique` takes half the time of a frame's)
            distinct = frame[keys[0]].unique(maintain_order=True).to_frame()
        else:
            distinct = frame.select(keys).unique(maintain_order=True)
        found = []
        for values in distinct.iter_rows():
            free_text = tuple(value for value in values[:links] if value is not None)
            labels = _labels([value for value in values[links:] if value is not None], self.dialect)
            found.append(numbers.setdefault(((), free_text, labels), len(numbers)))
        if len(keys) == 1:
            return _numbered(frame[keys[0]], distinct[keys[0]], found), tuple(numbers)
        numbered = distinct.with_columns(pl.Series("cell", found, dtype=pl.Int64))
        joined = frame.select(keys).join(
            numbered, on=keys, how="left", nulls_equal=True, maintain_order="left"
        )
        return joined["cell"], tuple(numbers)


def _numbered(column: pl.Series, distinct: pl.Series, found: Sequence[int]) -> pl.Series:
    """Each cell's number, `found[i]` for a cell holding `distinct[i]` (None included).

    The cells are read as an enumeration of the distinct texts: one lookup a row, then the
    numbers gathered by place; a join of the column with its distinct values costs twice
    that (about 35 ms a million rows, against 20)."""
    import polars as pl

    texts = [text is not None for text in distinct.to_list()]
    by_place = pl.Series([n for n, text in zip(found, texts, strict=True) if text], dtype=pl.Int64)
    places = column.cast(pl.Enum(distinct.drop_nulls())).to_physical()
    cell = by_place.gather(places)
    if not all(texts):  # the empty cell's number, where the column holds none
        cell = cell.fill_null(found[texts.index(False)])
    return cell.alias("cell")


def _labels(values: Sequence[str], dialect: Dialect) -> tuple[str, ...]:
    if dialect is ASANA:  # Asana puts all tags in one comma-separated cell
        return tuple(tag.strip() for cell in values for tag in cell.split(",") if tag.strip())
    return tuple(label for cell in values for label in cell.split())


def _link_column(table: Table, dialect: Dialect, asked: str) -> str | None:
    """The link column; None when the default `OKR` is absent but labels are there (SPEC 4:
    a source with no link field reads its labels, and says so)."""
    if table.has(asked):
        return asked
    if asked.strip().casefold() == DEFAULT_OKR_FIELD.casefold() and table.has(dialect.labels):
        return None
    raise missing_column(table, asked, "--okr-field", "okr")


def _points_columns(
    table: Table, dialect: Dialect, settings: SourceSettings
) -> tuple[tuple[str, ...], str | None]:
    """The points columns, in the order an item's estimate is looked for, and a warning.

    `--points-field` names one. Without it, the dialect's usual names that the export has are
    ordered by the one points rule (`points.choose_points_fields`): most estimates first.
    """
    import polars as pl

    if settings.points_field:
        if not table.has(settings.points_field):
            raise missing_column(table, settings.points_field, "--points-field", "points")
        return (settings.points_field,), None
    present: dict[tuple[int, ...], str] = {}
    for name in dialect.points:  # `Story Points` and `Story points` are one column
        if table.has(name):
            present.setdefault(table.positions(name), name)
    if len(present) < 2:  # nothing to choose between: no extra pass over the rows
        return tuple(present.values()), None
    key = pl.coalesce(table.value(dialect.key), pl.lit(""))
    candidates = {  # blank values count for nothing: only the filled ones are handed over
        name: table.frame.select(key, table.value(name).alias("v")).drop_nulls("v").rows()
        for name in present.values()
    }
    choice = choose_points_fields(candidates, settings.points_map)
    return choice.order, choice.warning


def _url_prefix(dialect: Dialect, jira_url: str | None) -> str | None:
    """What an item's key is appended to for its URL, when the export has no `url`."""
    base = (jira_url or "").rstrip("/")
    if dialect is JIRA and base:
        # Checked as the Jira source checks it: no password or javascript: in the reports.
        return check_base_url(base, "Jira URL").rstrip("/") + "/browse/"
    if dialect is ASANA:
        # app.asana.com/0/0/<gid> opens a task whatever project it is in.
        return "https://app.asana.com/0/0/"
    return None
