"""Which columns of an export look like the link or the points field.

Real "all fields" exports have hundreds of columns. `backlog-audit fields` marks the likely
ones, and a missing `--okr-field` or `--points-field` column is reported with at most five
likely candidates instead of every header. A column is a likely link when its name says so
(`OKR`, `Key result`, `Objective`, an Atlassian `Goals` field) or when its values look like KR
ids (`KR1.2`, `O3 - ...`); a likely estimate when its name says points or estimate, except
time tracking (`Original estimate`, `Remaining Estimate`, `Σ ...`: seconds, not points).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backlog_audit.adapters.csv.table import Table, field_name
from backlog_audit.errors import InputError

_LINK_NAME = re.compile(r"\bokrs?\b|key results?\b|\bobjectives?\b|\bgoals?\b", re.IGNORECASE)
# A value naming a KR or an objective by id: `KR1.2`, `kr 3`, `O2 - Retention`, `okr:KR1.1`.
_KR_LIKE = re.compile(r"^\s*(?:o?kr:\s*)?(?:kr|o)\s*-?\s*\d+(?:\.\d+)*(?:$|[\s:|(\-–—])", re.I)
_POINTS_NAME = re.compile(r"points?\b|\bestimate\b|\bsize\b", re.IGNORECASE)
# Jira's time tracking: seconds, whatever the name says.
_TIME_TRACKING = re.compile(
    r"^σ|\b(original|remaining)\s+estimate\b|\btime\s+(spent|estimate)\b", re.IGNORECASE
)
_SAMPLE_ROWS = 200
_SHOWN = 5
# A column whose values look like KR ids in at least this share of its non-empty cells.
_KR_SHARE = 0.5


def kr_like_values(values: Iterable[str]) -> int:
    """How many of the values look like KR or objective ids."""
    return sum(1 for value in values if _KR_LIKE.match(value))


def likely(header: str, values: list[str]) -> str | None:
    """ "okr" or "points" when a column looks like the link or the estimate field, else None.

    `values` are a sample of the column's non-empty cells.
    """
    name = field_name(header)
    if _LINK_NAME.search(name):
        return "okr"
    if values and kr_like_values(values) >= max(1, _KR_SHARE * len(values)):
        return "okr"
    if _TIME_TRACKING.search(header):
        return None
    if _POINTS_NAME.search(name):
        return "points"
    return None


def samples(table: Table) -> dict[str, list[str]]:
    """Each distinct header's non-empty values in the first rows (a repeated column once)."""
    found: dict[str, list[str]] = {header: [] for header in dict.fromkeys(table.headers)}
    for number, row in enumerate(table):
        if number >= _SAMPLE_ROWS:
            break
        for header, values in found.items():
            values.extend(row.values(header))
    return found


def likely_columns(table: Table, kind: str) -> str:
    """`likely: 'A', 'B'` naming at most five columns that look like `kind` ("okr" or
    "points"), the likeliest link first; or a pointer to `backlog-audit fields`."""
    sampled = samples(table)
    candidates = [h for h, values in sampled.items() if likely(h, values) == kind]
    if kind == "okr":  # most KR-like values first: the likeliest link column leads
        candidates.sort(key=lambda h: -kr_like_values(sampled[h]))
    if not candidates:
        return f"none of its {len(sampled)} columns looks like one (`backlog-audit fields`)"
    shown = ", ".join(f"'{h}'" for h in candidates[:_SHOWN])
    more = f" (+{len(candidates) - _SHOWN} more)" if len(candidates) > _SHOWN else ""
    return f"likely: {shown}{more}"


def missing_column(table: Table, column: str, flag: str, kind: str) -> InputError:
    """Exit 2 for a column that is not in the export, naming at most five likely ones."""
    return InputError(f"{table.path}: no column '{column}' ({flag}); {likely_columns(table, kind)}")
