"""The part of Asana's OpenAPI spec that the adapter uses, cached as JSON under tests/.

The full spec (`../shared/specs/asana_oas.yaml` beside the repository, 3 MB of YAML) takes
seconds to load and is not in the repository; `oas_subset.json` holds the endpoints the
adapter calls and every schema they reach, without descriptions and examples.
`test_fake_server.py` checks that the cached subset still equals a fresh cut of the full
spec whenever the full spec is present (`ASANA_SPEC` names another copy).
Regenerate with: `python -m tests.adapters.asana.oas`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

# Beside the repository, as CI lays it out (the Jira spec tests look there too).
FULL_SPEC = Path(
    os.environ.get(
        "ASANA_SPEC", Path(__file__).resolve().parents[4] / "shared" / "specs" / "asana_oas.yaml"
    )
)
SUBSET = Path(__file__).with_name("oas_subset.json")

ENDPOINTS = (
    "/projects/{project_gid}",
    "/projects/{project_gid}/tasks",
    "/projects/{project_gid}/sections",
    "/projects/{project_gid}/custom_field_settings",
    "/sections/{section_gid}/tasks",
    "/tasks/{task_gid}",
    "/tasks/{task_gid}/subtasks",
    "/goals",
    "/goal_relationships",
    "/time_periods/{time_period_gid}",
    "/portfolios/{portfolio_gid}/items",
    "/batch",
)
# The one POST the adapter sends: parent tasks (and subtask listings) read ten to a batch.
POST_ENDPOINTS = frozenset({"/batch"})
# The full record schemas, for records shaped by opt_fields (listings declare compact ones).
RECORD_SCHEMAS = (
    "ErrorResponse",
    "TaskResponse",
    "SectionResponse",
    "CustomFieldSettingResponse",
    "GoalResponse",
    "GoalRelationshipResponse",
    "ProjectResponse",
    "TimePeriodResponse",
    "ProjectCompact",
)
_PROSE = frozenset({"description", "example", "examples", "x-docs-overrides", "x-readme"})


def load_full(path: Path = FULL_SPEC) -> dict[str, Any]:
    """The full spec; the JSON round trip turns YAML's int keys (200) into strings."""
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.load(handle, Loader=yaml.CSafeLoader)
    return json.loads(json.dumps(loaded))  # type: ignore[no-any-return]


def _strip(node: Any, in_properties: bool = False) -> Any:
    """The node without prose; property *names* (a field called `description`) are kept."""
    if isinstance(node, list):
        return [_strip(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {
        k: _strip(v, in_properties=(k == "properties" and not in_properties))
        for k, v in node.items()
        if in_properties or k not in _PROSE
    }


def _refs(node: Any) -> set[tuple[str, str]]:
    if isinstance(node, list):
        return set().union(*(_refs(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_refs(v) for v in node.values())) if node else set()
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/"):
        kind, name = ref.split("/")[2:4]
        found.add((kind, name))
    return found


def cut(full: dict[str, Any]) -> dict[str, Any]:
    """The endpoints of `ENDPOINTS` (GET only, and POST for `POST_ENDPOINTS`) and every
    component they reach."""
    paths = {
        p: {
            k: v
            for k, v in full["paths"][p].items()
            if k in ("get", "parameters") or (k == "post" and p in POST_ENDPOINTS)
        }
        for p in ENDPOINTS
    }
    wanted = _refs(paths) | {("schemas", name) for name in RECORD_SCHEMAS}
    components: dict[str, dict[str, Any]] = {}
    while wanted:
        kind, name = wanted.pop()
        if name in components.get(kind, {}):
            continue
        node = full["components"][kind][name]
        components.setdefault(kind, {})[name] = node
        wanted |= _refs(node)
    subset = {k: v for k, v in full.items() if k not in ("paths", "components", "tags", "x-readme")}
    return _strip({**subset, "paths": paths, "components": components})  # type: ignore[no-any-return]


def load_subset() -> dict[str, Any]:
    """The cached subset."""
    return json.loads(SUBSET.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def dump(spec: dict[str, Any]) -> str:
    """The subset as it is stored: sorted keys, one level of indent per nesting."""
    return json.dumps(spec, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    SUBSET.write_text(dump(cut(load_full())), encoding="utf-8")
    print(f"wrote {SUBSET}")
