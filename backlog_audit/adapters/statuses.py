"""Mapping status names onto status categories, for sources that give only a name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from backlog_audit.errors import UsageError
from backlog_audit.model import StatusCategory

# How many status names a warning lists before "+N more".
_SHOWN = 8

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


def is_known(status: str | None, extra: Mapping[str, StatusCategory] | None = None) -> bool:
    """Whether a status name has a category (built in or `[status_map]`), not a guess."""
    key = (status or "").casefold().strip()
    return bool(extra and key in extra) or key in DEFAULT_STATUS_MAP


def guessed_statuses_warning(where: str, names: Iterable[str]) -> str | None:
    """One warning naming the status names read as to do for want of a category, if any.

    A Jira Server export without `Status Category` counts every custom status ("Test in
    UAT", "Verified - UAT") as to do; the reader must learn which, and where to map them.
    """
    unique = sorted(dict.fromkeys(name for name in names if name), key=str.casefold)
    if not unique:
        return None
    shown = ", ".join(f"'{name}'" for name in unique[:_SHOWN])
    more = f" (+{len(unique) - _SHOWN} more)" if len(unique) > _SHOWN else ""
    return (
        f"{where}: no status category for {shown}{more}: read as to do; map them in "
        "[status_map] of the config file"
    )
