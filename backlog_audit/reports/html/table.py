"""One way to write every data table: a plain HTML table that scripts can sort and filter.

The table is complete without scripts: every row is there (up to the report's caps), numbers
are right-aligned under right-aligned headers. `script.js` adds the sort buttons, the filter
box and paging; it reads sort values from `data-v` attributes (numbers as numbers, so that
`1,200` sorts after `300`), never from anything a source wrote into the page as code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from backlog_audit.reports.common import safe_url
from backlog_audit.reports.html.markup import Html, el, esc

Kind = Literal["text", "key", "num", "wide", "code"]


@dataclass(frozen=True)
class Col:
    """A column: its header and what it holds (numbers align right, wide text wraps)."""

    header: str
    kind: Kind = "text"
    hint: str | None = None  # a tooltip on the header


@dataclass(frozen=True)
class Num:
    """A number cell: what it shows and the value it sorts by (None sorts last)."""

    text: str
    value: float | None


CellValue = Html | str | Num | None


@dataclass(frozen=True)
class Table:
    """A data table: `page` rows per page once scripts run (None: no paging)."""

    id: str
    columns: tuple[Col, ...]
    rows: Sequence[Sequence[CellValue]]
    caption: str | None = None
    empty: str = "Nothing to show."
    page: int | None = None
    filterable: bool = True


def num(value: float | None, text: str) -> Num:
    """A number cell shown as `text` (formatted by the caller)."""
    return Num(text, value)


def link(text: str, url: str | None) -> Html:
    """The text as a link to the item when its URL is a safe web address, else plain text."""
    target = safe_url(url)
    if target is None:
        return esc(text)
    return el("a", text, href=target, rel="noopener noreferrer", target="_blank")


def render_table(table: Table) -> Html:
    """The table, or a line that says it is empty."""
    if not table.rows:
        return el("p", table.empty, class_="empty")
    head = el("thead", el("tr", [_th(col) for col in table.columns]))
    body = el("tbody", [_tr(table.columns, row) for row in table.rows])
    caption = el("caption", table.caption) if table.caption else None
    grid = el(
        "table",
        caption,
        head,
        body,
        id=f"{table.id}-table",  # the section around it may take the plain name
        class_="data",
        data_page=table.page,
        data_filter=table.filterable,
    )
    return el("div", grid, class_="table-wrap")


def _th(col: Col) -> Html:
    return el("th", col.header, scope="col", class_=_class(col.kind), title=col.hint,
              data_kind="num" if col.kind == "num" else "text")  # fmt: skip


def _tr(columns: Iterable[Col], row: Sequence[CellValue]) -> Html:
    return el("tr", [_td(col, value) for col, value in zip(columns, row, strict=True)])


def _td(col: Col, value: CellValue) -> Html:
    if isinstance(value, Num):
        v = value.value
        sort = repr(float(v)) if v is not None and math.isfinite(v) else ""
        return el("td", value.text, class_=_class(col.kind), data_v=sort)
    return el("td", "" if value is None else value, class_=_class(col.kind))


def _class(kind: Kind) -> str | None:
    return None if kind == "text" else kind
