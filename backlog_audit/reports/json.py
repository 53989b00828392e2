"""The JSON report, schema_version 1 (SPEC 9)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from functools import partial
from typing import Any

from backlog_audit.core.bad_links import BadLinks
from backlog_audit.model import (
    AuditResult,
    BadLink,
    Changes,
    ItemResult,
    LintFinding,
    Summary,
    WorkRow,
)
from backlog_audit.reports.ahead import later
from backlog_audit.reports.common import utf8
from backlog_audit.reports.json_rows import items_chunks, records_array
from backlog_audit.table.records import breakdown_dict, tally_dict

SCHEMA_VERSION = 1


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a `Z`, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_dict(summary: Summary) -> dict[str, Any]:
    """The `summary` object."""
    total = summary.all
    return {
        "items": total.items,
        "exempt_items": total.exempt_items,
        "exempt_share": total.exempt_share,
        "linked_items": total.linked_items,
        "coverage": total.coverage,
        "points": total.points,
        "exempt_points": total.exempt_points,
        "linked_points": total.linked_points,
        "points_coverage": total.points_coverage,
        "orphaned_items": summary.orphaned_items,
        "dangling_items": summary.dangling_items,
        "stale_items": summary.stale_items,
        "objective_only_items": summary.objective_only_items,
        "inherited_items": summary.inherited_items,
        "unestimated_items": summary.unestimated_items,
        "key_results": summary.key_results,
        "uncovered_key_results": summary.uncovered_key_results,
        "open": tally_dict(summary.open),
    }


def _work(row: WorkRow, *, kr: bool) -> dict[str, Any]:
    head: dict[str, Any] = {"id": row.id}
    if kr:
        head |= {
            "objective_id": row.objective_id,
            "title": row.title,
            "baseline": row.baseline,
            "target": row.target,
            "current": row.current,
        }
    else:
        head["title"] = row.title
    return head | {
        "items": row.items,
        "points": row.points,
        "share": row.share,
        "points_share": row.points_share,
        "todo": row.todo,
        "in_progress": row.in_progress,
        "done": row.done,
    }


def item_dict(result: ItemResult) -> dict[str, Any]:
    """One entry of `items`."""
    item = result.item
    return {
        "key": item.key,
        "title": item.title,
        "type": item.type,
        "status": item.status,
        "status_category": item.status_category.value,
        "points": item.points,
        "sprint": item.sprint,
        "sprints": list(item.sprints),
        "assignee": item.assignee,
        "parent": result.parent_key,
        "url": item.url,
        "references": list(result.references),
        "key_results": list(result.key_results),
        "objectives": list(result.objectives),
        "link_state": result.link_state.value,
        "inherited_from": result.inherited_from,
    }


def _bad(link: BadLink, *, with_suggestion: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"key": link.key, "reference": link.reference}
    if with_suggestion:
        row["suggestion"] = link.suggestion
    return row | {"affected_items": link.affected_items}


def lint_dict(finding: LintFinding) -> dict[str, Any]:
    """One entry of `lint`."""
    return {
        "id": finding.id,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
    }


def changes_dict(changes: Changes | None) -> dict[str, Any] | None:
    """The `changes` object, or None when there is no earlier run."""
    if changes is None:
        return None
    return {
        "since": iso(changes.since),
        "coverage_delta": changes.coverage_delta,
        "points_coverage_delta": changes.points_coverage_delta,
        "new_orphans": list(changes.new_orphans),
        "fixed_orphans": list(changes.fixed_orphans),
        "new_dangling_links": list(changes.new_dangling_links),
        "newly_covered_key_results": list(changes.newly_covered_key_results),
        "newly_uncovered_key_results": list(changes.newly_uncovered_key_results),
    }


class _Encoded(str):
    """Text already encoded as JSON and laid out (a bad-link list, `_bad_list`): written as it
    is."""


def to_dict(result: AuditResult, *, items: bool = True, links: bool = True) -> dict[str, Any]:
    """The whole report as plain data (`items=False`: its `items` left empty; `links=False`:
    its dangling and stale links left empty, for a writer that reads their columns)."""
    found = [item_dict(r) for r in result.items] if items else []
    return _head(result) | {"items": found} | _tail(result, encoded=False, links=links)


def _bad_list(
    links: Sequence[BadLink], *, with_suggestion: bool, encoded: bool
) -> list[dict[str, Any]] | _Encoded:
    """`dangling_links` or `stale_links`: plain data, or (`encoded`) JSON text by the engine
    with `_bad`'s fields, read from the links' columns (`BadLinks`: no object per link)."""
    if not encoded:
        return [_bad(b, with_suggestion=with_suggestion) for b in links]
    frame = BadLinks.of(links).frame
    names = ("key", "reference", "suggestion") if with_suggestion else ("key", "reference")
    columns = {name: frame[name] for name in (*names, "affected_items")}
    # One level down in the report: laid out as `layout` lays out depth 1.
    return _Encoded(records_array(columns, inner="    ", pad="  "))


def _head(result: AuditResult) -> dict[str, Any]:
    """The report's entries before `items`."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(result.generated_at),
        "source": {"kind": result.source_kind, "scope": result.scope},
        "okr_cycle": result.okr_cycle,
        "summary": summary_dict(result.summary),
        "key_results": [_work(row, kr=True) for row in result.key_results],
        "objectives": [_work(row, kr=False) for row in result.objectives],
        "breakdowns": {
            "by_sprint": [breakdown_dict(r) for r in result.by_sprint],
            "by_assignee": [breakdown_dict(r) for r in result.by_assignee],
            "by_project": [breakdown_dict(r) for r in result.by_project],
        },
    }


def _tail(result: AuditResult, *, encoded: bool, links: bool = True) -> dict[str, Any]:
    """The report's entries after `items` (`encoded`: bad links as the engine's JSON text;
    `links=False`: none)."""
    dangling = result.dangling_links if links else ()
    stale = result.stale_links if links else ()
    return {
        "orphans": list(result.orphans),
        "dangling_links": _bad_list(dangling, with_suggestion=True, encoded=encoded),
        "stale_links": _bad_list(stale, with_suggestion=False, encoded=encoded),
        "uncovered_key_results": list(result.uncovered_key_results),
        "inheritance_conflicts": [
            {"key": c.key, "own": list(c.own), "inherited": list(c.inherited)}
            for c in result.inheritance_conflicts
        ],
        "lint": [lint_dict(f) for f in result.lint],
        # What the source or the audit warned about (a count that disagrees, items left
        # out): the same lines stderr, Markdown, HTML and the workbook show (SPEC 9).
        "warnings": list(result.warnings),
        "changes": changes_dict(result.changes),
    }


# Compact separators keep json's C encoder; `indent` would switch to the pure-Python one,
# which is ten times slower on a 100,000-item report.
# allow_nan=False: NaN and Infinity are not JSON; `render` writes null for them instead.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False).encode


def layout(value: Any, depth: int = 0) -> str:
    """Objects and lists of the top two levels one entry per line, anything deeper inline.

    Reads like `indent=2` where it matters (each item, KR, or link on its own line) at the
    speed of the C encoder.
    """
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, _Encoded):
        return str(value)
    if depth >= 2 or not value or not isinstance(value, (dict, list)):
        return _compact(value)
    if isinstance(value, dict):
        entries = [f"{inner}{_compact(k)}: {layout(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(entries) + f"\n{pad}}}"
    if depth >= 1 and all(type(v) is str for v in value):
        # A list of texts (the orphans' keys: 300,000 of them for a million items) in one
        # call of the C encoder. JSON escapes every quote inside a string, so `", "` in the
        # encoded list is only ever the separator between two entries.
        joined = _compact(value)[1:-1].replace('", "', '",\n' + inner + '"')
        return "[\n" + inner + joined + f"\n{pad}]"
    entries = [f"{inner}{layout(v, depth + 1)}" for v in value]
    return "[\n" + ",\n".join(entries) + f"\n{pad}]"


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite number replaced by None."""
    if isinstance(value, _Encoded):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def render(result: AuditResult) -> bytes:
    """The JSON report as UTF-8 bytes; the items are encoded by the engine (`json_rows`)."""
    return b"".join(chunks(result))


# From this many items on, the entries after them are made in a thread while the items are
# encoded and written: a million items' orphans and bad links take half a second.
_TAIL_AHEAD_FROM = 10_000


def chunks(result: AuditResult) -> Iterator[bytes]:
    """The JSON report in pieces as it is written: `layout(report)`'s bytes, each top-level
    entry a piece of its own and the items a slice at a time (`json_rows.items_chunks`),
    so that a million items, or the report around them, never make one string (issue 15).
    The entries after the items are laid out meanwhile (`ahead.later`)."""
    tail = later(
        partial(_laid_out, partial(_tail, result, encoded=True)),
        background=len(result.items) >= _TAIL_AHEAD_FROM,
    )
    yield b"{\n"
    for name, value in _laid_out(partial(_head, result)):
        yield utf8(f"  {_compact(name)}: {value},\n")
    # `items` sits one level down in the report: laid out as `layout` lays out depth 1.
    yield b'  "items": '
    yield from items_chunks(result.items, inner="    ", pad="  ")
    for name, value in tail():
        yield utf8(f",\n  {_compact(name)}: ")
        yield utf8(value)
    yield b"\n}\n"


def _laid_out(entries: Callable[[], dict[str, Any]]) -> list[tuple[str, str]]:
    """Each of the `entries()` with its value as `layout(report)` lays it out (depth 1): the
    engine's encoded lists as they are, never copied into a string of the whole."""
    laid = []
    for name, value in entries().items():
        try:
            text = value if isinstance(value, _Encoded) else layout(value, 1)
        except ValueError:
            # A figure past float's range (points of 1e308 add up to infinity, and a
            # coverage of inf / inf is NaN): null, like any figure that cannot be computed.
            # Checked only on failure, so the common report keeps the C encoder's speed.
            text = layout(finite(value), 1)
        laid.append((name, text))
    return laid
