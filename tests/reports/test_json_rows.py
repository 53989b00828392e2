"""The JSON report's items encoded by the engine read exactly as Python's `json` writes them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.reports import json as json_report
from backlog_audit.reports.json_rows import item_lines
from tests.builders import backlog, item, standard_okrs

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
# Every control character, quotes, backslashes, non-ASCII text, and a lone surrogate.
AWKWARD = ["".join(chr(c) for c in range(32)), 'say "hi"', "C:\\path", "é 中 😀 \u2028", "\x7f"]
POINTS = [None, 0.0, 3.0, 0.1, 2.5, 1e-09, 1e16, 123456789.125, 1e300 * 10]


@pytest.mark.parametrize("text", AWKWARD)
def test_text_is_escaped_as_pythons_json_escapes_it(text: str) -> None:
    data = backlog(item("APP-1", text, title=text, sprints=(text, "S2"), assignee=text))
    result = audit(data, standard_okrs(), now=NOW)
    expected = json_report._compact(json_report.item_dict(result.items[0]))
    assert item_lines(result.items).to_list() == [expected]


def test_points_are_written_as_python_writes_floats_and_infinity_as_null() -> None:
    data = backlog(*(item(f"APP-{n}", points=p) for n, p in enumerate(POINTS)))
    result = audit(data, standard_okrs(), now=NOW)
    lines = [json.loads(line)["points"] for line in item_lines(result.items).to_list()]
    assert lines == [None if p is not None and p > 1e308 else p for p in POINTS]
    text = item_lines(result.items).to_list()
    assert '"points": 1e-09' in text[5] and '"points": 1e+16' in text[6]


def test_a_lone_surrogate_in_an_item_is_audited_and_shown_as_a_replacement_character() -> None:
    result = audit(backlog(item("APP-1", "KR1.1", title="cut \ud83d emoji")), standard_okrs())
    assert result.items[0].item.title == "cut \ud83d emoji"  # the Item as the source gave it
    report = json.loads(json_report.render(result))
    assert report["items"][0]["title"] == "cut \ufffd emoji"


def test_items_written_in_pieces_join_to_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The items are encoded a slice at a time (issue 15); slices of one item each give the
    same bytes as one slice of all, and the report reads back as the plain-data report."""
    from backlog_audit.reports import json_rows

    result = audit(
        backlog(*(item(f"APP-{n}", "KR1.1", title=f"t{n}") for n in range(5))),
        standard_okrs(),
        now=datetime(2026, 11, 22, tzinfo=timezone.utc),
    )
    whole = json_report.render(result)
    monkeypatch.setattr(json_rows, "_ROWS_PER_CHUNK", 2)
    pieces = list(json_rows.items_chunks(result.items, inner="    ", pad="  "))
    assert len(pieces) == 2 * 3 + 1  # three slices, each after its separator; the list's end
    assert b"".join(json_report.chunks(result)) == whole
    assert b"".join(pieces) in whole
    assert json.loads(whole) == json.loads(json.dumps(json_report.to_dict(result)))
    empty = audit(backlog(), standard_okrs(), now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    assert json.loads(json_report.render(empty))["items"] == []
    assert b'"items": [],' in json_report.render(empty)
