"""The teams' audited items as one table, rolled up to the company set (SPEC 11, "Items").

Each team's items come as the core left them (`table.ItemTable.frame`: report order, link
states decided). A team's table adds the item's team, its identity (source site and key)
and the company KRs and objectives its links roll up to. The portfolio's table
keeps each identity once, as the first team (config order) has it, in natural key order, and
lists every team that has it. No figure is counted here: `figures` hands these tables to the
core's tallies (`core.tallies`), with the rolled-up ids in the core's `key_results` and
`objectives` columns (`counting`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, overload
from urllib.parse import urlsplit

from backlog_audit.core.order import natural_sort
from backlog_audit.model import Item, ItemResult
from backlog_audit.portfolio.rollup import RollUp
from backlog_audit.table import ItemTable, item_schema, texts

if TYPE_CHECKING:
    import polars as pl

# The columns a team's table adds to the core's item columns.
_TEAM, _SITE, _KRS, _OBJECTIVES = "_team", "_site", "_krs", "_objectives"


@dataclass(frozen=True)
class TeamTable:
    """One team's audited items: `frame` has the core's columns and those above; a row's
    `source` is its `Item`'s index in `items`."""

    name: str
    frame: pl.DataFrame
    items: Sequence[Item]


@dataclass(frozen=True)
class PortfolioTable:
    """Every team's items, each identity once: `items` for the reports, `frame` for the
    figures, `teams[i]` the names of the teams that have `items[i]`."""

    items: ItemTable
    frame: pl.DataFrame
    teams: tuple[tuple[str, ...], ...]


def site_of_url(url: str | None, site: str) -> str:
    """An item's source site: its URL's scheme and host, else the team's source site."""
    if url:
        try:
            parts = urlsplit(url)
        except ValueError:  # "http://[::1/x": no host to read
            return site
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}".casefold()
    return site


# A URL's scheme and host as `urlsplit` reads them, when nothing before its path is one of
# the characters `urlsplit` strips, removes or refuses; any other URL is read by `urlsplit`.
_PLAIN_HOST = r"^([A-Za-z][A-Za-z0-9+.\-]*://[^/?#\x00-\x20\[\]]+)(?:[/?#]|$)"


def url_sites(urls: pl.Series, site: str) -> pl.Series:
    """`site_of_url` of every URL, called once per distinct host (or unusual URL)."""
    import polars as pl

    prefix = urls.str.extract(_PLAIN_HOST)
    read = pl.select(pl.when(prefix.is_not_null()).then(prefix).otherwise(urls)).to_series()
    distinct = read.drop_nulls().unique().to_list()
    found = [site_of_url(value, site) for value in distinct]
    return read.replace_strict(
        pl.Series(distinct, dtype=pl.String), pl.Series(found, dtype=pl.String), default=site
    ).alias(_SITE)


def team_table(name: str, results: Sequence[ItemResult], up: RollUp, site: str) -> TeamTable:
    """A team's items with its name, their identity and the company ids they roll up to."""
    import polars as pl

    table = ItemTable.of(results)
    frame = table.frame
    items = table.sources
    reach: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[str, ...], ...]] = {}
    krs, objectives = [], []
    # Once per distinct pair of link lists: a backlog holds few of them.
    for links in zip(frame["key_results"].to_list(), frame["objectives"].to_list(), strict=True):
        pair = (tuple(links[0]), tuple(links[1]))
        if pair not in reach:
            reach[pair] = up.contributions(*pair)
        krs.append(list(reach[pair][0]))
        objectives.append(list(reach[pair][1]))
    frame = frame.with_columns(
        pl.lit(name, dtype=pl.String).alias(_TEAM),
        url_sites(frame["url"], site),
        texts(krs, _KRS, nested=True),
        texts(objectives, _OBJECTIVES, nested=True),
    )
    return TeamTable(name, frame, items)


def merged(tables: Sequence[TeamTable]) -> PortfolioTable:
    """The teams' items, each (site, key) once as its first team has it, in natural key
    order (ties in config order), with the teams that have it."""
    import polars as pl

    if not tables:  # every team failed (--keep-going): no items
        empty = pl.DataFrame(schema=item_schema())
        none = pl.Series([], dtype=pl.List(pl.String))
        frame = empty.with_columns(none.alias(_KRS), none.alias(_OBJECTIVES))
        return PortfolioTable(ItemTable(empty, []), frame, ())
    items = Joined([table.items for table in tables])
    frames = [
        table.frame.with_columns(pl.col("source") + start)
        for table, start in zip(tables, items.starts, strict=True)
    ]
    every = pl.concat(frames, how="vertical")
    identity = [_SITE, "key"]
    teams = every.group_by(identity, maintain_order=True).agg(pl.col(_TEAM).alias("_teams"))
    first = every.unique(subset=identity, keep="first", maintain_order=True)
    frame = natural_sort(first.with_columns(teams["_teams"]), "key")
    return PortfolioTable(
        ItemTable(frame.select(list(item_schema())), items),
        frame,
        tuple(tuple(names) for names in frame["_teams"].to_list()),
    )


class Joined(Sequence[Item]):
    """The teams' `Item`s as one sequence, each read from its team's only when asked for (a
    source may build an `Item` only then)."""

    def __init__(self, parts: Sequence[Sequence[Item]]) -> None:
        self._parts = parts
        self.starts = list(accumulate((len(part) for part in parts[:-1]), initial=0))
        self._length = sum(len(part) for part in parts)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self[n] for n in range(self._length)[index]]
        n = range(self._length)[index]  # IndexError past the end, as a list's
        part = bisect_right(self.starts, n) - 1
        return self._parts[part][n - self.starts[part]]


def counting(frame: pl.DataFrame) -> pl.DataFrame:
    """The table the core's tallies read: the rolled-up company ids as `key_results` and
    `objectives`."""
    import polars as pl

    return frame.select(
        "key", "link_state", "points", "status_category", "sprint", "assignee", "project",
        pl.col(_KRS).alias("key_results"), pl.col(_OBJECTIVES).alias("objectives"),
    )  # fmt: skip
