"""CSV reports: one file per table (SPEC 10). `-o file.csv` gets the items table alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from backlog_audit.core import fix_columns
from backlog_audit.core.bad_links import BadLinks
from backlog_audit.model import AuditResult
from backlog_audit.reports import csv_rule
from backlog_audit.reports import json as json_report
from backlog_audit.reports.common import utf8
from backlog_audit.table import ITEM_COLUMNS, ItemTable, texts
from backlog_audit.table.records import BREAKDOWN_COLUMNS

if TYPE_CHECKING:
    import polars as pl

ITEMS_TABLE = "items.csv"

# The tables of a CSV report, by file name, in the order they are written. `output.py` plans
# the paths from this before there is a result, so `tables` renders exactly these, in order.
TABLES = (
    "summary.csv",
    "key_results.csv",
    "objectives.csv",
    ITEMS_TABLE,
    "orphans.csv",
    "dangling_links.csv",
    "stale_links.csv",
    "uncovered_key_results.csv",
    "inheritance_conflicts.csv",
    "lint.csv",
    "by_sprint.csv",
    "by_assignee.csv",
    "by_project.csv",
    "fix_list.csv",
    "fix_list_groups.csv",
    "warnings.csv",
)


def _cell(value: Any) -> Any:
    """Lists joined with `;`; the rest as `csv_rule.field` writes it (defused, quoted)."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _table(rows: Iterable[Mapping[str, Any]], header: Sequence[str]) -> bytes:
    body = csv_rule.table(header, ([_cell(row.get(column)) for column in header] for row in rows))
    # A BOM so that Excel opens the UTF-8 file with the right encoding.
    return utf8("\ufeff" + body)


def tables(result: AuditResult, *, items: bool = True) -> dict[str, bytes]:
    """Every table of the report (`TABLES`), by file name, in the order of `TABLES`
    (`items=False`: all but ITEMS_TABLE, which `items_chunks` writes in pieces)."""
    built = _build_tables(result)
    if items:
        built[ITEMS_TABLE] = b"".join(items_chunks(result))
    if built.keys() != set(TABLES) - (set() if items else {ITEMS_TABLE}):
        # output.py plans file paths from TABLES: a table built but not named there would
        # never be written, and one named but not built would fail later. A programming error.
        odd = sorted(built.keys() ^ set(TABLES))
        raise AssertionError(f"CSV tables built and TABLES disagree on {odd}")
    return {name: built[name] for name in TABLES if name in built}


def _build_tables(result: AuditResult) -> dict[str, bytes]:
    # The bad links and orphans (400,000 and 340,000 of a million items) are written from
    # their columns, never as one object, then one dict, per row.
    report = json_report.to_dict(result, items=False, links=False)
    summary = {k: v for k, v in report["summary"].items() if k != "open"}
    summary |= {f"open_{k}": v for k, v in report["summary"]["open"].items()}
    summary_rows = [{"figure": k, "value": v} for k, v in summary.items()]
    out = {
        "summary.csv": _table(summary_rows, ["figure", "value"]),
        "key_results.csv": _table(report["key_results"], _KR_COLUMNS),
        "objectives.csv": _table(report["objectives"], _OBJECTIVE_COLUMNS),
        "orphans.csv": _text_table({"key": result.orphans}),
        "dangling_links.csv": _frame_table(
            BadLinks.of(result.dangling_links).frame,
            ("key", "reference", "suggestion", "affected_items"),
        ),
        "stale_links.csv": _frame_table(
            BadLinks.of(result.stale_links).frame, ("key", "reference", "affected_items")
        ),
        "uncovered_key_results.csv": _table(
            [{"id": k} for k in report["uncovered_key_results"]], ["id"]
        ),
        "inheritance_conflicts.csv": _table(
            report["inheritance_conflicts"], ["key", "own", "inherited"]
        ),
        "lint.csv": _table(report["lint"], ["id", "rule", "severity", "message"]),
        # what stderr, Markdown, HTML, the workbook and the JSON report warn about too
        "warnings.csv": _table([{"warning": w} for w in report["warnings"]], ["warning"]),
    }
    for name, rows in report["breakdowns"].items():
        out[f"{name}.csv"] = _table(rows, BREAKDOWN_COLUMNS)
    out["fix_list.csv"], out["fix_list_groups.csv"] = _fix_list(result)
    return out


def _fix_list(result: AuditResult) -> tuple[bytes, bytes]:
    """The fix list (SPEC 10) and its groups, from the fix list's columns (a million items
    hold 700,000 to fix: none becomes an object). `fix_list.csv`: one row per item per group;
    the group's JQL is in `fix_list_groups.csv`, found by `group_by` and `group` (a query of
    thousands of keys on every row of its group made the file 86 MB for 200,000 items)."""
    import polars as pl

    to_fix = fix_columns.to_fix(result)
    found = [fix_columns.grouped(result, to_fix, by) for by in ("parent", "assignee")]
    by = [pl.lit(name, dtype=pl.String).alias("group_by") for name in ("parent", "assignee")]
    entries = pl.concat(rows.select(b, pl.all()) for b, (_g, rows) in zip(by, found, strict=True))
    groups = pl.concat(g.select(b, pl.all()) for b, (g, _rows) in zip(by, found, strict=True))
    return (_frame_table(entries, _FIX_LIST_COLUMNS),
            _frame_table(groups, _FIX_GROUP_COLUMNS))  # fmt: skip


_FIX_LIST_COLUMNS = ("group_by", "group", "key", "title", "link_state", "problem")
_FIX_GROUP_COLUMNS = ("group_by", "group", "items", "orphaned", "dangling", "points", "jql")


def _text_table(columns: Mapping[str, Sequence[str | None]]) -> bytes:
    """A table of text columns (one row per item of a big backlog): `_frame_table`'s."""
    import polars as pl

    frame = pl.DataFrame(
        {name: texts(values, name) for name, values in columns.items()},
        schema=dict.fromkeys(columns, pl.String),
    )
    return _frame_table(frame, tuple(columns))


def _frame_table(frame: pl.DataFrame, header: Sequence[str]) -> bytes:
    """The columns `header` of `frame` (text, or numbers) as a table, its fields by the
    engine (`csv_rule.text_fields`, `number_fields`): as `_table` writes them, faster
    (issue 15)."""
    import polars as pl

    numbers = [csv_rule.number_fields(frame[name]).alias(name)
               for name in header if frame[name].dtype != pl.String]  # fmt: skip
    laid_out = frame.select(header).with_columns(numbers)
    done = {column.name for column in numbers}
    fields = [pl.col(name) if name in done else csv_rule.text_fields(pl.col(name))
              for name in header]  # fmt: skip
    records = pl.concat_str([pl.concat_str(fields, separator=","), pl.lit(csv_rule.RECORD_END)])
    pieces = [utf8("\ufeff" + csv_rule.table(header, ()))]
    # Encoded a slice of rows at a time: a million items' fix list is 145 MB of text, which
    # as one piece was held four times over (the engine's records, their join, Python's
    # text, its bytes).
    for start in range(0, laid_out.height, _ROWS_PER_CHUNK):
        part = laid_out.slice(start, _ROWS_PER_CHUNK)
        pieces.append(part.select(records.str.join("")).item().encode("utf-8"))
    return b"".join(pieces)


# The columns of the JSON report's rows (SPEC 9), named here so that an empty table (an OKR
# set without key results) still has its full header.
_WORK_COLUMNS = ("items", "points", "share", "points_share", "todo", "in_progress", "done")
_KR_COLUMNS = ("id", "objective_id", "title", "baseline", "target", "current", *_WORK_COLUMNS)
_OBJECTIVE_COLUMNS = ("id", "title", *_WORK_COLUMNS)

# The JSON report's item fields (SPEC 9), in its order.
_ITEM_COLUMNS = ITEM_COLUMNS


def render(result: AuditResult) -> bytes:
    """The items table alone (for `-o file.csv` or `-o -`), without building the others."""
    return b"".join(chunks(result))


def chunks(result: AuditResult) -> Iterator[bytes]:
    """`render` in pieces, for writing straight to its file (`reports.STREAMED`)."""
    return items_chunks(result)


# Items encoded and written at a time: the text of a million items is never one string.
_ROWS_PER_CHUNK = 20_000
_LISTS = frozenset({"sprints", "references", "key_results", "objectives"})


def items_chunks(result: AuditResult) -> Iterator[bytes]:
    """The items table in pieces, its records built by the engine from the items table's
    columns (issue 15): the JSON report's item fields, lists joined with `; `, every field
    by `csv_rule`'s rule."""
    import polars as pl

    yield utf8("\ufeff" + csv_rule.table(_ITEM_COLUMNS, ()))
    frame = ItemTable.of(result.items).frame
    for start in range(0, frame.height, _ROWS_PER_CHUNK):
        part = frame.slice(start, _ROWS_PER_CHUNK)
        fields = [
            pl.lit(csv_rule.number_fields(part[name])) if name == "points"
            else csv_rule.text_fields(pl.col(name).list.join("; ") if name in _LISTS
                                      else pl.col(name))
            for name in _ITEM_COLUMNS
        ]  # fmt: skip
        records = pl.concat_str([pl.concat_str(fields, separator=","), pl.lit(csv_rule.RECORD_END)])
        yield part.select(records.str.join("")).item().encode("utf-8")
