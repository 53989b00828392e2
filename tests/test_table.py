"""The audited items as a table: `ItemTable` and `AuditResult.to_pandas()` (issue 15)."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

from backlog_audit.core.audit import audit
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
