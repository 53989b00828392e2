"""The audited rows laid out when asked for (`core.audited`, issue 15)."""

from __future__ import annotations

import polars as pl

from backlog_audit.core.audited import gathered, nulls_of


def test_a_column_without_any_value_is_made_null_not_gathered() -> None:
    frame = pl.DataFrame(
        {"key": ["A-1", "A-2", "A-3"], "url": pl.Series([None, None, None], dtype=pl.String)}
    )
    nulls = nulls_of(frame)
    assert list(nulls) == ["url"]
    picked = gathered(frame, pl.Series([2, 0], dtype=pl.Int64), nulls)
    assert picked.columns == ["key", "url"]
    assert picked["key"].to_list() == ["A-3", "A-1"]
    assert picked["url"].dtype == pl.String
    assert picked["url"].to_list() == [None, None]


def test_the_other_columns_are_gathered() -> None:
    frame = pl.DataFrame({"url": ["u1", None, "u3"], "points": [1.0, None, None]})
    picked = gathered(frame, pl.Series([2, 1], dtype=pl.Int64))
    assert picked.to_dict(as_series=False) == {"url": ["u3", None], "points": [None, None]}
