"""A small audit imports only what it uses (issue 15, point 6).

The README's first command must stay fast on a fresh machine: it should not pay for the
portfolio, the other commands, the HTTP sources' client libraries or pandas. Each case runs
the command in a fresh interpreter and lists the modules it ended up importing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CHILD = """
import json, sys
from backlog_audit.cli import main
sys.argv = ["backlog-audit", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported(args: list[str], tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter holds after running `backlog-audit ARGS`."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def readme_command(out: Path) -> list[str]:
    return [
        "audit", "--source", "csv", "--input", str(EXAMPLES / "jira-export.csv"),
        "--okrs", str(EXAMPLES / "okrs.yaml"), "--format", "xlsx", "--format", "md",
        "--format", "json", "-o", str(out), "--no-history",
    ]  # fmt: skip


UNUSED_BY_A_CSV_AUDIT = [
    "backlog_audit.cli.portfolio",
    "backlog_audit.teams",
    "backlog_audit.portfolio",
    "backlog_audit.cli.history",
    "backlog_audit.cli.okrs",
    "backlog_audit.cli.fields",
    "backlog_audit.adapters.jira.source",
    "backlog_audit.adapters.asana.source",
    "jira",
    "asana",
    "requests",
    "pandas",
]


@pytest.fixture(scope="module")
def readme_modules(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules of one run of the README's first command (run once for every case)."""
    tmp = tmp_path_factory.mktemp("startup")
    modules = imported(readme_command(tmp / "out"), tmp)
    assert "backlog_audit.core.audit" in modules  # it did audit
    assert "openpyxl" in modules  # and wrote the workbook
    return modules


@pytest.mark.parametrize("module", UNUSED_BY_A_CSV_AUDIT)
def test_the_readme_command_does_not_import(module: str, readme_modules: set[str]) -> None:
    assert module not in readme_modules


def test_help_loads_no_audit_engine(tmp_path: Path) -> None:
    modules = imported(["--help"], tmp_path)
    assert "polars" not in modules
    assert "openpyxl" not in modules
