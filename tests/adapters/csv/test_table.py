"""Reading an export's file (issue 15): mapped, never copied whole; the engine reads a UTF-8
file itself, once the source's own map of it is closed."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from backlog_audit.adapters.csv import table
from backlog_audit.adapters.csv.table import read_table

MAPS = Path("/proc/self/maps")


@pytest.mark.skipif(not MAPS.exists(), reason="reads Linux's list of mapped files")
def test_the_engine_reads_the_file_after_the_source_has_unmapped_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two maps of a 100 MB export would count 200 MB in the peak memory.
    path = tmp_path / "export.csv"
    path.write_text("key,okr\nA-1,KR1.1\n", encoding="utf-8")
    engine_records = table.engine_records
    mapped_then: list[bool] = []

    def spy(source: Path | bytes, delimiter: str) -> pl.DataFrame | None:
        mapped_then.append(str(path) in MAPS.read_text())
        return engine_records(source, delimiter)

    monkeypatch.setattr(table, "engine_records", spy)
    assert read_table(str(path)).frame.rows() == [("A-1", "KR1.1")]
    assert mapped_then == [False]
