"""The one CSV rule (`reports/csv_rule.py`): RFC 4180 records, spreadsheet-safe text."""

from __future__ import annotations

import pytest

from backlog_audit.reports.csv_rule import field, table


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("a, b", '"a, b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("bare\rreturn", '"bare\rreturn"'),  # was written unquoted: the row split in two
        ("=1+1", '"\'=1+1"'),
        ("-x", '"\'-x"'),
        ("@channel", '"\'@channel"'),
        ("\tindent", '"\'\tindent"'),
        (-0.05, "-0.05"),  # a number stays a number
        (12, "12"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_a_field(value: object, written: str) -> None:
    assert field(value) == written


def test_records_end_with_crlf() -> None:
    assert table(["a", "b"], [[1, "x"], [None, "y\rz"]]) == 'a,b\r\n1,x\r\n,"y\rz"\r\n'
