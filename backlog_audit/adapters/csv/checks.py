"""What the rows of an export say about each other: ids a spreadsheet rounded, repeated
rows, and parents (by id, key or name; a parent outside the export named by its key).

Each works on the item columns (`items.ItemColumns.frame`), once per distinct value."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backlog_audit.errors import InputError
from backlog_audit.model import StatusCategory

if TYPE_CHECKING:
    import polars as pl

# An id a spreadsheet showed in scientific notation and saved that way: 1.20658E+15.
_ROUNDED = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def check_ids(path: str, tool: str, items: pl.DataFrame) -> tuple[str, ...]:
    """Exit 2 when a spreadsheet rounded the ids: then many different items share one id.
    Else a warning when rows share an id: the audit counts each item once (SPEC 6).

    Asana's 16-digit task ids, opened and saved in Excel, become `1.20658E+15`: 141 tasks
    would be read as one item (coverage 100%). Ids in scientific notation, or one id on rows
    with different names, are never real.
    """
    import polars as pl

    ids = items["id"]
    # Only an id that starts with a digit (or a character past ASCII: `\d` reads other
    # scripts' digits) and has an E can be in scientific notation: the rule reads those
    # alone. The first test compares texts, five times cheaper than looking for the E.
    digit_first = ids.filter(((ids >= "0") & (ids < ":")) | (ids >= "\x80"))
    maybe = digit_first.filter(digit_first.str.contains("[eE]"))
    rounded = [item_id for item_id in maybe.to_list() if _ROUNDED.match(item_id)]
    if not rounded and ids.hash().n_unique() == ids.len():
        # Ids that hash apart differ (one pass over 64-bit numbers, where telling every id
        # apart hashes and compares a million texts); two that hash alike are compared.
        return ()
    repeated = items.filter(~pl.col("id").is_first_distinct())
    titles = (
        items.filter(pl.col("id").is_in(repeated["id"].implode()))
        .group_by("id", maintain_order=True)
        .agg(pl.col("title").n_unique())
    )
    clashing = titles.filter(pl.col("title") > 1)["id"]
    if rounded or clashing.len():
        example = rounded[0] if rounded else clashing[0]
        raise InputError(
            f"{path}: ids such as '{example}' were rounded by a spreadsheet, so different "
            f"items share one id; export the CSV again from {tool} and audit it without "
            "re-saving it"
        )
    if not repeated.height:
        return ()
    return (
        f"{path}: {repeated.height} rows repeat an item already read (first: "
        f"{repeated['key'][0]}); each item is counted once",
    )


def resolve_parent_names(items: pl.DataFrame) -> pl.DataFrame:
    """Asana exports name the parent task; point `parent` at its id when the name is unique."""
    import polars as pl

    unique = items.group_by("title").agg(pl.col("id").first(), pl.len()).filter(pl.col("len") == 1)
    return items.with_columns(pl.col("parent").replace(unique["title"], unique["id"]))


def resolve_parent_keys(items: pl.DataFrame, empty_cell: int) -> pl.DataFrame:
    """Jira's Parent column holds the parent's id, Epic Link and plain CSVs a key: use ids.

    A parent that is not in the export becomes a carrier named by its key (the `parent_key`
    column: `Parent key`, Server/Data Center; the last one an item's rows give), so that the
    reports and the fix list say `CR-284` where they would say `10963`; it carries no link
    (`empty_cell`: the number of the cell with nothing in it).
    """
    import polars as pl

    ids, parent = items["id"], pl.col("parent")
    # The few distinct parents are looked up among the ids (a table of the parents, not of
    # a million ids): those that are no id are named by a key, or outside the export.
    parents = items["parent"].drop_nulls().unique()
    known = ids.filter(ids.is_in(parents.implode()))
    named_by = parents.filter(~parents.is_in(known.implode()))
    if not named_by.len():  # every parent is an item of the export, named by its id
        return items
    outside = parent.is_in(named_by.implode())
    # A parent named by a key (the last item of that key): only those rows are looked up.
    by_key = (
        items.filter(pl.col("key").is_in(named_by.implode()))
        .group_by("key", maintain_order=True)
        .agg(pl.col("id").last())
    )
    resolved = items.with_columns(
        pl.when(outside).then(parent.replace(by_key["key"], by_key["id"])).otherwise(parent)
    )
    # A parent whose key no item has stays as it was: outside the export.
    missing = (
        items.filter(outside & ~parent.is_in(by_key["key"].implode()))
        .select("id", "parent")
        .unique("parent", keep="first", maintain_order=True)
    )
    if not missing.height:
        return resolved
    named = items.drop_nulls("parent_key").group_by("id").agg(pl.col("parent_key").last())
    stubs = missing.join(named, on="id", how="left", maintain_order="left").select(
        pl.col("parent").alias("id"),
        pl.coalesce("parent_key", "parent").alias("key"),
        pl.lit("").alias("title"),
        pl.lit("").alias("type"),
        pl.lit("").alias("status"),
        pl.lit(StatusCategory.TODO.value).alias("status_category"),
        pl.lit(True).alias("carrier_only"),
        pl.lit(empty_cell, pl.Int64).alias("cell"),
        pl.lit([], dtype=pl.List(pl.String)).alias("sprints"),
    )
    return pl.concat([resolved, stubs], how="diagonal_relaxed")
