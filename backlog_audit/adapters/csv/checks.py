"""What the rows of an export say about each other: ids a spreadsheet rounded, repeated
rows, and parents (by id, key or name; a parent outside the export named by its key)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from backlog_audit.errors import InputError
from backlog_audit.model import Item

# An id a spreadsheet showed in scientific notation and saved that way: 1.20658E+15.
_ROUNDED = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def check_ids(path: str, tool: str, items: list[Item]) -> None:
    """Exit 2 when a spreadsheet rounded the ids: then many different items share one id.

    Asana's 16-digit task ids, opened and saved in Excel, become `1.20658E+15`: 141 tasks
    would be read as one item (coverage 100%). Ids in scientific notation, or one id on rows
    with different names, are never real.
    """
    rounded = [item.id for item in items if _ROUNDED.match(item.id)]
    names: dict[str, set[str]] = {}
    for item in items:
        names.setdefault(item.id, set()).add(item.title)
    clashing = [item_id for item_id, titles in names.items() if len(titles) > 1]
    if not rounded and not clashing:
        return
    example = rounded[0] if rounded else clashing[0]
    raise InputError(
        f"{path}: ids such as '{example}' were rounded by a spreadsheet, so different items "
        f"share one id; export the CSV again from {tool} and audit it without re-saving it"
    )


def repeats(path: str, items: list[Item]) -> tuple[str, ...]:
    """A warning when rows share an id: the audit counts each item once (SPEC 6)."""
    seen: set[str] = set()
    repeated = []
    for item in items:
        if item.id in seen:
            repeated.append(item.key)
        seen.add(item.id)
    if not repeated:
        return ()
    return (
        f"{path}: {len(repeated)} rows repeat an item already read (first: {repeated[0]}); "
        "each item is counted once",
    )


def resolve_parent_names(items: list[Item]) -> list[Item]:
    """Asana exports name the parent task; point `parent` at its id when the name is unique."""
    by_name: dict[str, list[str]] = {}
    for item in items:
        by_name.setdefault(item.title, []).append(item.id)
    unique: Mapping[str, str] = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}
    return [_with_parent(item, unique) for item in items]


def _with_parent(item: Item, ids_by_name: Mapping[str, str]) -> Item:
    if item.parent is None or item.parent not in ids_by_name:
        return item
    return replace(item, parent=ids_by_name[item.parent])


def resolve_parent_keys(items: list[Item], parent_keys: Mapping[str, str]) -> list[Item]:
    """Jira's Parent column holds the parent's id, Epic Link and plain CSVs a key: use ids.

    A parent that is not in the export becomes a carrier named by its key (`parent_keys`:
    item id -> the `Parent key` column, Server/Data Center), so that the reports and the fix
    list say `CR-284` where they would say `10963`; it carries no link.
    """
    ids = {item.id for item in items}
    by_key = {item.key: item.id for item in items}
    resolved = [
        replace(item, parent=by_key[item.parent])
        if item.parent and item.parent not in ids and item.parent in by_key
        else item
        for item in items
    ]
    stubs: dict[str, Item] = {}
    for item in resolved:
        if item.parent and item.parent not in ids and item.parent not in stubs:
            key = parent_keys.get(item.id) or item.parent
            stubs[item.parent] = Item(id=item.parent, key=key, carrier_only=True)
    return resolved + list(stubs.values())
