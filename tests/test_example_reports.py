"""The bundled examples' JSON, CSV and Markdown reports, byte for byte against golden copies.

A refactor (a new layout, a new core) must leave every report of the examples unchanged but
for the time it was generated. To accept an intended change, run the suite with
`BACKLOG_AUDIT_UPDATE_GOLDEN=1` and review the diff of `tests/golden/` like code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.cli_runner import invoke

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("BACKLOG_AUDIT_UPDATE_GOLDEN") == "1"

# What differs from run to run: the time of the run, in the JSON and in Markdown.
_VOLATILE = (
    (re.compile(rb'"generated_at": "[^"]*"'), b'"generated_at": "<scrubbed>"'),
    (re.compile(rb"\*\*Generated:\*\* [^\n]*"), b"**Generated:** <scrubbed>"),
)

EXAMPLES = {
    "jira": "examples/jira-export.csv",
    "asana": "examples/asana-export.csv",
}


def scrub(data: bytes) -> bytes:
    """The report without what changes between two runs of the same audit."""
    for pattern, replacement in _VOLATILE:
        data = pattern.sub(replacement, data)
    return data


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by relative path, scrubbed."""
    return {
        path.relative_to(folder).as_posix(): scrub(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_reports_match_golden(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Relative paths, as in the README: the reports name the export as typed.
    monkeypatch.chdir(ROOT)
    out = tmp_path / name
    invoke(
        [
            "audit",
            "--source",
            "csv",
            "--input",
            EXAMPLES[name],
            "--okrs",
            "examples/okrs.yaml",
            "--format",
            "json",
            "--format",
            "csv",
            "--format",
            "md",
            "--no-history",
            "-q",
            "-o",
            str(out),
        ]
    )
    produced = files_under(out)
    golden = GOLDEN / name
    if UPDATE:
        for relative, data in produced.items():
            (golden / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden / relative).write_bytes(data)
    expected = files_under(golden)
    assert sorted(produced) == sorted(expected)
    for relative, data in produced.items():
        assert data == expected[relative], f"{name}/{relative} differs from tests/golden"
