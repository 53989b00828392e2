"""Loading and validating OKR sets (SPEC 3): YAML, CSV and XLSX files, or Asana Goals.

`load_okrs()` is the one entry point. Every problem with a file raises `OkrFileError` with the
file, the place (`line N (yaml.path)` for YAML, `row N` for CSV/XLSX) and what is wrong, so the
CLI can print one line and exit 2. `yaml_file` and `table_file` read the formats; `validate`
holds the checks every set passes whatever its format; `lint` judges a valid set's quality.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from backlog_audit.errors import OkrFileError
from backlog_audit.model import OkrSet
from backlog_audit.okrs.table_file import load_csv, load_xlsx
from backlog_audit.okrs.validate import check_has_key_results
from backlog_audit.okrs.yaml_file import load_yaml

__all__ = ["ASANA_GOALS_PREFIX", "load_audited_okrs", "load_okrs"]

ASANA_GOALS_PREFIX = "asana-goals:"


def load_okrs(spec: str, credentials: Mapping[str, str] | None = None) -> OkrSet:
    """Read and validate the OKR set named by `spec`: a file path or `asana-goals:...`.

    `credentials` are the environment variables an `asana-goals:` set is read with (the CLI
    passes those the Asana source lists); the environment itself is not read here.

    Raises `OkrFileError` (exit 2) for any file that cannot be read or is invalid.
    """
    if spec.startswith(ASANA_GOALS_PREFIX):
        # Imported here so that file-based runs never import the Asana client.
        from backlog_audit.adapters.asana.goals import load_goal_okrs

        return load_goal_okrs(spec, credentials or {})
    suffix = Path(spec).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml(spec)
    if suffix == ".csv":
        return load_csv(spec)
    if suffix == ".xlsx":
        return load_xlsx(spec)
    raise OkrFileError(
        spec, None, f"unknown OKR file type '{suffix or spec}': expected .yaml, .yml, .csv or .xlsx"
    )


def load_audited_okrs(spec: str, env: Mapping[str, str] | None = None) -> OkrSet:
    """The OKR set an audit measures against: as `load_okrs`, and refused (exit 2) when it
    holds no key result at all. A parent set (`okrs lint --parent`, a portfolio's company
    set) may be objectives alone; the set items link to may not."""
    okrs = load_okrs(spec, env)
    check_has_key_results(spec, okrs)
    return okrs
