"""Factories for the core's plain data: OKR sets, items and backlogs built in Python.

The audit core takes frozen dataclasses, so tests build them directly instead of going through
a file loader or a source. `okrs_from_dict` reads the small OKR sets written at the top of the
YAML case tables (the same shape as SPEC 3's YAML file, without the loader's validation, so a
table may hold a deliberately clashing set to test precedence).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from backlog_audit.model import Backlog, Item, KeyResult, Objective, OkrSet, StatusCategory


def load_yaml(path: Path) -> Any:
    """A YAML file of test cases, parsed."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def okrs_from_dict(data: Mapping[str, Any]) -> OkrSet:
    """An OkrSet from SPEC 3's YAML shape: objectives with key_results, retired, exempt."""
    objectives = tuple(_objective(raw) for raw in data.get("objectives", ()))
    return OkrSet(
        objectives=objectives,
        retired=tuple(data.get("retired", ())),
        exempt=tuple(data.get("exempt", ())),
        cycle=data.get("cycle"),
    )


def _objective(raw: Mapping[str, Any]) -> Objective:
    krs = tuple(
        KeyResult(
            id=kr["id"],
            objective_id=raw["id"],
            title=kr.get("title", ""),
            baseline=kr.get("baseline"),
            target=kr.get("target"),
            current=kr.get("current"),
            unit=kr.get("unit"),
            aliases=tuple(kr.get("aliases", ())),
        )
        for kr in raw.get("key_results", ())
    )
    return Objective(id=raw["id"], title=raw.get("title", ""), key_results=krs)


# The OKR set most state and audit tests share: two objectives, four KRs, two retired ids,
# three exempt markers.
STANDARD_OKRS: dict[str, Any] = {
    "cycle": "2026-Q4",
    "objectives": [
        {
            "id": "O1",
            "title": "Increase the activation rate of technical leaders",
            "key_results": [
                {
                    "id": "KR1.1",
                    "title": "Net activation rate of tech leads from 50% to 70%",
                    "baseline": 50,
                    "target": 70,
                    "current": 55,
                    "unit": "%",
                },
                {"id": "KR1.2", "title": "Time to first value from 30 to 10 minutes"},
                {"id": "KR1.3", "title": "Weekly active teams from 40 to 60"},
            ],
        },
        {
            "id": "O2",
            "title": "Make billing self-serve",
            "key_results": [{"id": "KR2.1", "title": "Self-serve upgrades from 5% to 20%"}],
        },
    ],
    "retired": ["KR0.3", "KR0.4"],
    "exempt": ["BAU", "KTLO", "Tech debt"],
}


def standard_okrs() -> OkrSet:
    """The shared OKR set (see STANDARD_OKRS)."""
    return okrs_from_dict(STANDARD_OKRS)


_CATEGORIES = {c.value: c for c in StatusCategory}


def item(key: str, *refs: str, **fields: Any) -> Item:
    """An item whose id is its key; refs are the link field's values.

    Defaults make a plain in-scope Story (no level, so judged by type name). `status_category`
    may be given as its value string ("todo", "in_progress", "done").
    """
    fields.setdefault("type", "Story")
    fields.setdefault("id", key)
    category = fields.pop("status_category", "todo")
    if isinstance(category, str):
        category = _CATEGORIES[category]
    return Item(key=key, references=tuple(refs), status_category=category, **fields)


def item_from_dict(raw: Mapping[str, Any]) -> Item:
    """An item from a case table row: key, refs, free_text, labels, parent, type, level,
    carrier_only."""
    fields = dict(raw)
    key = fields.pop("key")
    refs = fields.pop("refs", ())
    for name in ("labels", "free_text"):
        if name in fields:
            fields[name] = tuple(fields[name])
    return item(key, *refs, **fields)


def backlog(*items: Item, kind: str = "csv", scope: str = "test backlog") -> Backlog:
    """A backlog of the given items."""
    return Backlog(kind=kind, scope=scope, items=tuple(items))
