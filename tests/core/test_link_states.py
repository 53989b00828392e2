"""An item's link state (SPEC 5), driven by the table in link_state_cases.yaml beside it.

Each case runs the whole pure audit on a tiny backlog, so the table checks what a reader of
the report sees: every in-scope item's state, KRs, objectives and `inherited_from`, and the
dangling, stale and conflict tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult, LinkState
from tests.builders import backlog, item_from_dict, load_yaml, okrs_from_dict

TABLE = load_yaml(Path(__file__).parent / "link_state_cases.yaml")
OKRS = okrs_from_dict(TABLE["okrs"])


def _options(raw: dict[str, Any]) -> AuditOptions:
    fields = dict(raw)
    for name in ("include_types", "exclude_types"):
        if name in fields:
            fields[name] = frozenset(fields[name])
    if "label_prefixes" in fields:
        fields["label_prefixes"] = tuple(fields["label_prefixes"])
    return AuditOptions(**fields)


def _run(case: dict[str, Any]) -> AuditResult:
    items = (item_from_dict(raw) for raw in case["items"])
    return audit(backlog(*items), OKRS, _options(case.get("options", {})))


def _items_seen(result: AuditResult) -> dict[str, dict[str, Any]]:
    return {
        r.key: {
            "state": r.link_state.value,
            "krs": sorted(r.key_results),
            "objectives": sorted(r.objectives),
            "inherited_from": r.inherited_from,
        }
        for r in result.items
    }


def _items_expected(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {
            "state": want["state"],
            "krs": sorted(want.get("krs", [])),
            "objectives": sorted(want.get("objectives", [])),
            "inherited_from": want.get("inherited_from"),
        }
        for key, want in case["expect"].items()
    }


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: c["name"])
def test_link_state_as_the_table_says(case: dict[str, Any]) -> None:
    result = _run(case)

    assert _items_seen(result) == _items_expected(case)
    dangling = [[b.key, b.reference, b.affected_items, b.suggestion] for b in result.dangling_links]
    assert sorted(dangling) == sorted(case.get("dangling", []))
    stale = [[b.key, b.reference, b.affected_items] for b in result.stale_links]
    assert sorted(stale) == sorted(case.get("stale", []))
    conflicts = [[c.key, sorted(c.own), sorted(c.inherited)] for c in result.inheritance_conflicts]
    assert conflicts == case.get("conflicts", [])


def test_the_table_reaches_every_state() -> None:
    states = {want["state"] for case in TABLE["cases"] for want in case["expect"].values()}
    assert states == {state.value for state in LinkState}


def test_inherit_depth_is_an_option() -> None:
    case = next(c for c in TABLE["cases"] if c["name"] == "3 levels up is still inherited")
    shallow = dict(case, options={"max_inherit_depth": 2})

    assert _items_seen(_run(shallow))["APP-1"]["state"] == "orphaned"
