"""The item sheets written from columns (issue 15) are the workbook the row-by-row writer made.

Each workbook is rendered twice: as the writer does it (Items, Orphaned Work and Dangling
Links built as columns and written by the engine) and with the earlier row-by-row builders of
`oracle_sheets.py` in their place. Every part of the two packages must be the same bytes (but
the time in docProps/core.xml), and read back by openpyxl every cell of the item sheets must
have the same value, type and style: on the bundled examples and on items made to hurt.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from backlog_audit.adapters import SourceSettings
from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.source import CsvSource
from backlog_audit.core.audit import audit
from backlog_audit.core.bad_links import BadLinks
from backlog_audit.model import AuditResult, Item
from backlog_audit.okrs import load_okrs
from backlog_audit.reports import xlsx
from backlog_audit.reports.xlsx import cells, frame_rows, item_sheets
from backlog_audit.reports.xlsx.sheets import DANGLING, ITEMS, ORPHANED
from tests.builders import backlog, item, standard_okrs
from tests.reports.xlsx import oracle_sheets

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
URL = "https://x.example/browse/"


def rendered(result: AuditResult, monkeypatch: pytest.MonkeyPatch, *, oracle: bool) -> bytes:
    """The workbook, with the item sheets built by the writer or by the oracle."""
    builders: dict[Callable[[AuditResult], Any], Callable[[AuditResult], Any]] = {
        item_sheets.items: oracle_sheets.items,
        item_sheets.orphaned_work: oracle_sheets.orphaned_work,
        item_sheets.dangling_links: oracle_sheets.dangling_links,
    }
    sheets = tuple(builders.get(build, build) if oracle else build for build in xlsx.TABLE_SHEETS)
    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "TABLE_SHEETS", sheets)
        return xlsx.render(result)


def parts(workbook: bytes) -> dict[str, bytes]:
    package = zipfile.ZipFile(io.BytesIO(workbook))
    return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def cells_of(workbook: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """What a reader gets of every cell of the item sheets: value, type, style, link."""
    wb = load_workbook(io.BytesIO(workbook))
    found = {}
    for title in (ITEMS, ORPHANED, DANGLING):
        ws = wb[title]
        found[title] = [
            (cell.coordinate, cell.value, cell.data_type, cell.number_format, cell.quotePrefix,
             cell.font.u, cell.font.color.rgb if cell.font.color else None,
             cell.alignment.wrap_text, cell.alignment.vertical, cell.alignment.indent,
             cell.hyperlink.target if cell.hyperlink else None,
             ws.row_dimensions[cell.row].height)
            for row in ws.iter_rows() for cell in row
        ]  # fmt: skip
    return found


def assert_same_workbook(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch, *, exact: bool = True
) -> None:
    """The same package byte for byte (`exact`), and the same cells read back."""
    new, old = (
        rendered(result, monkeypatch, oracle=False),
        rendered(result, monkeypatch, oracle=True),
    )
    new_parts, old_parts = parts(new), parts(old)
    assert new_parts.keys() == old_parts.keys()
    for name, data in old_parts.items():
        assert new_parts[name] == data or not exact, name
    assert cells_of(new) == cells_of(old)


@pytest.mark.parametrize("export", ["jira-export.csv", "asana-export.csv"])
def test_the_bundled_examples_workbooks_are_unchanged(
    export: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    okrs = load_okrs(str(ROOT / "examples" / "okrs.yaml"))
    config = CsvConfig(input_path=str(ROOT / "examples" / export))
    source = CsvSource(SourceSettings(okrs=okrs), config, {}).fetch()
    assert_same_workbook(audit(source, okrs, now=NOW), monkeypatch)


def test_the_hand_built_result_reads_back_the_same(
    result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its items hold whole points as ints (2), which the table holds as floats: written
    # `<v>2.0</v>` where the row writer wrote `<v>2</v>`, the same number to a reader.
    assert_same_workbook(result, monkeypatch, exact=False)


def hurtful() -> tuple[Item, ...]:
    """Items whose cells test every rule: formulas, refused characters, Excel's limits,
    characters outside the BMP, line breaks, escapes, odd numbers and links."""
    long_words = "word " * 8_000  # 40,000 characters: cut
    emoji = "😀" * 20_000  # 20,000 characters, 40,000 UTF-16 units: cut between pairs
    titles = [
        '=HYPERLINK("http://evil.example","click")', "+cmd", "-1", "@SUM(A1)", "\tTab",
        "\rCR first", "a\x01b\x0bc\x1fd", "\x02\x03", long_words, emoji, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀 ok",
        "line one\nline two\r\nline three", "a & b < c > d \"quoted\" 'single'",
        "A title long enough to wrap over several lines of its sixty character column " * 3,
        "\ufffe\uffff noncharacters", "",
    ]  # fmt: skip
    urls = [
        "javascript:alert(1)", "HTTPS://UPPER.example/A", "https://x.example/a b",
        " https://x.example/padded ", "https://x.example/ünï", URL + "a" * 3_000,
        "httpſ://x.example/long-s", "file:///etc/passwd", None, "",
        "https://x.example/?a=1&b=<2>", "http://plain.example/x",
    ]  # fmt: skip
    points = [None, 2.5, 0.0, 3.0, -1.0, math.nan, math.inf, 1e300, 0.1 + 0.2, 12_345.0]
    found = [
        item("EPIC-1", "KR9.9", type="Epic", title="Epic with a bad link"),
        item("EPIC-2", "KR1.1", type="Epic", title="=Epic"),
    ]
    for n, title in enumerate(titles):
        refs = [("KR1.1",), (), ("KR9.9",), ("O2",), ("KR0.3",), ("N/A",), ("KR1.2", "KR2.1")]
        found.append(
            item(
                f"APP-{n + 1}" if n != 3 else "=APP-4",
                *refs[n % len(refs)],
                title=title,
                url=urls[n % len(urls)],
                points=points[n % len(points)],
                parent=("EPIC-1", "EPIC-2", None)[n % 3],
                assignee=("Ana", "", None, "=Boss", "Chloé 🚀")[n % 5],
                sprint=("Sprint 1", None, "-Sprint")[n % 3],
                sprints=(("Sprint 1", "Sprint 2"), (), ("=S",))[n % 3],
                project=("APP", None, "@P")[n % 3],
                status=("To Do", "", "+Doing")[n % 3],
            )
        )
    return tuple(found)


def test_items_made_to_hurt_are_written_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_workbook(audit(backlog(*hurtful()), standard_okrs(), now=NOW), monkeypatch)


def test_slices_of_rows_and_the_cap_on_links_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are written a slice at a time; links stop at Excel's cap counting only links."""
    monkeypatch.setattr(frame_rows, "_ROWS_PER_SLICE", 3)
    monkeypatch.setattr(cells, "MAX_HYPERLINKS", 4)
    assert_same_workbook(audit(backlog(*hurtful()), standard_okrs(), now=NOW), monkeypatch)


def test_the_dangling_links_sheet_reads_the_links_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the JSON report and the CSV tables: a million items' 400,000 dangling links are
    never a `BadLink` each (issue 15)."""
    # (The sheet against the row-by-row oracle's: the tests above.)
    expected = item_sheets.dangling_links(audit(backlog(*hurtful()), standard_okrs())).frame
    result = audit(backlog(*hurtful()), standard_okrs(), now=NOW)

    def one_by_one(*_args: object) -> None:
        raise AssertionError("the sheet read its links one by one")

    monkeypatch.setattr(BadLinks, "__iter__", one_by_one)
    monkeypatch.setattr(BadLinks, "__getitem__", one_by_one)
    assert item_sheets.dangling_links(result).frame.equals(expected)


def test_no_items_no_orphans_no_bad_links(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_workbook(audit(backlog(), standard_okrs(), now=NOW), monkeypatch)
    linked = backlog(item("APP-1", "KR1.1", url=URL + "APP-1"))
    assert_same_workbook(audit(linked, standard_okrs(), now=NOW), monkeypatch)


def test_half_an_emoji_reads_as_a_replacement_character() -> None:
    """The items table holds text as UTF-8, which cannot hold half a surrogate pair: it is
    U+FFFD, as in every text report (the row-by-row writer dropped it)."""
    result = audit(backlog(item("APP-1", title="cut \ud83d here")), standard_okrs(), now=NOW)
    ws = load_workbook(io.BytesIO(xlsx.render(result)))[ITEMS]
    assert ws["B2"].value == "cut \ufffd here"
