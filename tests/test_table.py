"""The audited items as a table: `ItemTable` and `AuditResult.to_pandas()` (issue 15)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

import polars as pl
import pytest

from backlog_audit.core import audit as core_audit
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditResult, ItemResult, LinkState
from backlog_audit.reports import json as json_report
from backlog_audit.table import ITEM_COLUMNS, ItemTable
from tests.builders import backlog, item, standard_okrs

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
RESULT = audit(
    backlog(
        item("APP-10", "KR1.1", points=2.5, sprint="Sprint 1"),
        item("APP-9", "KR9.9", assignee="ann"),
        item("APP-2", parent="EPIC-1"),
        item("EPIC-1", "O2", type="Epic"),
    ),
    standard_okrs(),
    now=NOW,
)


def test_the_items_are_a_sequence_of_results_in_report_order() -> None:
    assert [r.key for r in RESULT.items] == ["APP-2", "APP-9", "APP-10"]
    assert RESULT.items[1].key == "APP-9"
    assert [r.key for r in RESULT.items[:2]] == ["APP-2", "APP-9"]
    assert RESULT.items == tuple(RESULT.items)


def test_a_tuple_of_results_becomes_the_same_table() -> None:
    table = ItemTable.of(tuple(RESULT.items))
    # `source` indexes the items each table was built from: the backlog's, or the tuple's.
    columns = [*ITEM_COLUMNS, "placeholders"]
    assert table.frame.select(columns).equals(ItemTable.of(RESULT.items).frame.select(columns))
    assert list(table) == list(RESULT.items)


def test_to_pandas_gives_the_json_reports_items_and_tables() -> None:
    frames = RESULT.to_pandas()
    report = json.loads(json_report.render(RESULT))
    items = frames["items"]
    assert list(items.columns) == list(ITEM_COLUMNS)
    for row, entry in zip(items.to_dict("records"), report["items"], strict=True):
        # pandas shows a missing value as NaN, also in a text column.
        missing = {k for k, v in row.items() if isinstance(v, float) and math.isnan(v)}
        assert row | dict.fromkeys(missing) == entry
    assert frames["summary"].loc[0, "coverage"] == report["summary"]["coverage"]
    assert frames["summary"].loc[0, "open_items"] == report["summary"]["open"]["items"]
    assert list(frames["key_results"]["id"]) == [kr["id"] for kr in report["key_results"]]
    assert list(frames["by_sprint"]["value"]) == [
        b["value"] for b in report["breakdowns"]["by_sprint"]
    ]
    assert frames["dangling_links"].to_dict("records") == [
        {"key": "APP-9", "reference": "KR9.9", "affected_items": 1, "suggestion": None}
    ]
    assert list(frames["stale_links"].columns) == ["key", "reference", "affected_items"]


def test_select_gives_the_items_of_some_states_or_keys_in_report_order() -> None:
    table = RESULT.items
    assert isinstance(table, ItemTable)
    everything = list(RESULT.items)
    dangling = [r for r in everything if r.link_state is LinkState.DANGLING]
    assert table.select([LinkState.DANGLING]) == tuple(dangling)
    assert table.count_in(LinkState.DANGLING, LinkState.LINKED) == 2
    assert [r.key for r in table.select(keys={"APP-10", "APP-2"})] == ["APP-2", "APP-10"]
    assert [r.key for r in table.select(limit=1)] == ["APP-2"]
    assert table.select([LinkState.ORPHANED]) == ()


def _many(orphans: int, linked: int) -> AuditResult:
    items = [item(f"O-{n}", assignee="ann") for n in range(orphans)]
    items += [item(f"L-{n}", "KR1.1") for n in range(linked)]
    return audit(backlog(*items), standard_okrs(), now=NOW)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of every item built into an `ItemResult` from the table."""
    keys: list[str] = []
    build = ItemTable._build

    def counting(self: ItemTable, frame: pl.DataFrame) -> tuple[ItemResult, ...]:
        keys.extend(frame["key"].to_list())
        return build(self, frame)

    monkeypatch.setattr(ItemTable, "_build", counting)
    return keys


def test_a_slice_builds_only_its_items(built: list[str]) -> None:
    table = _many(3, 40).items
    assert [r.key for r in table[1:3]] == ["L-1", "L-2"]
    assert table[-1].key == "O-2"
    assert sorted(built) == ["L-1", "L-2", "O-2"]


def test_markdown_and_html_build_only_the_items_they_list(
    built: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A capped list builds its shown rows alone: 60 linked items are never built for the
    orphans' list, and the page's item table builds its first MAX_ROWS only."""
    from backlog_audit.reports import html, markdown
    from backlog_audit.reports.html import tables

    result = _many(30, 60)
    markdown.render(result)
    # The orphans (the fix list counts them all), never a linked item.
    assert built and not any(key.startswith("L-") for key in built)
    built.clear()
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    html.render(result)
    assert len([key for key in built if key.startswith("L-")]) <= 5


def _gathered_backlog() -> AuditResult:
    """Out of key order, an epic out of scope, links inherited, a parent outside."""
    return audit(
        backlog(
            item("APP-10", "KR1.1", sprint="Sprint 2"),
            item("EPIC-1", "KR2.1", type="Epic", url="https://example.com/EPIC-1"),
            item("APP-3", parent="EPIC-1", points=3.0),
            item("APP-2", parent="X-9", assignee="ann"),
            item("APP-1", "KR9.9", "BAU"),
            item("APP-4", parent="APP-3"),
        ),
        standard_okrs(),
        now=NOW,
    )


def _in_order_backlog() -> AuditResult:
    """Every item in scope and in key order: the source's rows are the table's."""
    items = [item(f"APP-{n}", "KR1.1" if n % 2 else "", parent="APP-1") for n in range(1, 6)]
    return audit(backlog(*items), standard_okrs(), now=NOW)


def _no_url_backlog() -> AuditResult:
    """Gathered (out of key order, an epic out of scope), and no item has a URL."""
    items = [item("APP-3", "KR1.1"), item("EPIC-1", type="Epic"), item("APP-2", parent="EPIC-1")]
    return audit(backlog(*items), standard_okrs(), now=NOW)


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each layout of the audited rows (`AuditedRows.rows`) laid out."""
    from backlog_audit.core.audited import AuditedRows

    asked: list[int] = []
    rows = AuditedRows.rows

    def counting(
        self: AuditedRows, start: int, length: int, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        asked.append(min(length, self.height - start))
        return rows(self, start, length, columns)

    monkeypatch.setattr(AuditedRows, "rows", counting)
    return asked


@pytest.mark.parametrize("make", [_gathered_backlog, _in_order_backlog, _no_url_backlog])
def test_any_slice_of_the_audited_rows_is_that_slice_of_the_whole_table(
    make: Callable[[], AuditResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = make().items.frame  # a small backlog's: laid out whole in the audit
    monkeypatch.setattr(core_audit, "_LAID_OUT_UP_TO", 0)
    table = make().items
    assert isinstance(table, ItemTable)
    for start in range(len(whole) + 1):
        for length in (1, 2, 3, len(whole)):
            assert table.rows(start, length).equals(whole.slice(start, length))
    shown = ["link_state", "key", "inherited_from", "parent"]
    assert table.rows(1, 3, shown).equals(whole.slice(1, 3).select(shown))
    assert len(table) == len(whole)
    assert table.frame.equals(whole)


def test_the_json_report_lays_out_a_large_tables_rows_a_slice_at_a_time(
    monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    """A large table is never laid out whole beside the source's (issue 15: a million
    items' copy of every column was a quarter of the peak memory)."""
    from backlog_audit.reports import json_rows

    monkeypatch.setattr(core_audit, "_LAID_OUT_UP_TO", 4)
    monkeypatch.setattr(json_rows, "_ROWS_PER_CHUNK", 2)
    result = _gathered_backlog()
    assert layouts == []
    report = json_report.render(result)
    assert layouts == [2, 2, 1]  # the five items in scope, two at a time
    # The same report once the table is laid out whole (as another report would have it).
    assert len(result.items.frame) == 5
    assert json_report.render(result) == report


def test_a_small_tables_rows_are_laid_out_once_in_the_audit(layouts: list[int]) -> None:
    """A portfolio team's 300 items: the figures and every report read one layout."""
    result = _gathered_backlog()
    assert layouts == [5]
    json_report.render(result)
    result.items.frame  # noqa: B018 (read for what it lays out)
    assert layouts == [5]
