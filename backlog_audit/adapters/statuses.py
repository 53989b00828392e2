"""Mapping status names onto status categories, for sources that give only a name."""

from __future__ import annotations

from collections.abc import Mapping

from backlog_audit.errors import UsageError
from backlog_audit.model import StatusCategory

# Jira's own category names and common workflow statuses; `[status_map]` in the config adds
# to it (e.g. "Ready for QA" = "in_progress").
DEFAULT_STATUS_MAP: Mapping[str, StatusCategory] = {
    **dict.fromkeys(
        ("to do", "todo", "new", "open", "backlog", "selected for development", "ready"),
        StatusCategory.TODO,
    ),
    **dict.fromkeys(
        (
            "in progress",
            "in_progress",
            "indeterminate",
            "in review",
            "review",
            "in qa",
            "testing",
            "blocked",
        ),
        StatusCategory.IN_PROGRESS,
    ),
    **dict.fromkeys(
        ("done", "closed", "resolved", "complete", "completed", "released", "won't do"),
        StatusCategory.DONE,
    ),
}


def parse_status_map(raw: Mapping[str, str]) -> dict[str, StatusCategory]:
    """Validate a `[status_map]` table: status name -> todo | in_progress | done."""
    known = {c.value: c for c in StatusCategory}
    table: dict[str, StatusCategory] = {}
    for name, category in raw.items():
        found = known.get(str(category).casefold())
        if found is None:
            raise UsageError(
                f"status_map: {name!r} maps to {category!r}; expected one of {', '.join(known)}"
            )
        table[name.casefold().strip()] = found
    return table


def categorise(
    status: str | None, extra: Mapping[str, StatusCategory] | None = None
) -> StatusCategory:
    """The category of a status name; unknown names count as to do."""
    key = (status or "").casefold().strip()
    if extra and key in extra:
        return extra[key]
    return DEFAULT_STATUS_MAP.get(key, StatusCategory.TODO)
