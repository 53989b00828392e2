"""Reading Jira field values: OKR references, sprints, status categories, hierarchy levels.

Pure functions over the JSON Jira returns, in both its Cloud (v3) and Data Center (v2) shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from backlog_audit.core.linking import split_free_text
from backlog_audit.model import StatusCategory

__all__ = [
    "SprintRef",
    "ValueKind",
    "choose_sprint",
    "flatten_adf",
    "issue_level",
    "parse_sprints",
    "references_from",
    "status_category",
    "unwiki",
]


class ValueKind(str, Enum):
    """How an OKR field's value is read (SPEC 4): options are never split, text is."""

    OPTION = "option"  # select, radio buttons: one option
    OPTIONS = "options"  # multi-select, checkboxes: a list of options
    CASCADING = "cascading"  # parent option with an optional child option
    TEXT = "text"  # text field, text area (ADF on Cloud v3), wiki markup on v2
    LABELS = "labels"  # a list of labels: each one a reference, never split
    GOALS = "goals"  # the Atlassian Goals field: a list of goal objects
    OTHER = "other"  # anything else: read by shape


# [KR1.2|https://...] reads as KR1.2 (Jira wiki markup links).
_WIKI_LINK = re.compile(r"\[([^\[\]|]+)\|[^\[\]]*\]")
# ADF text blocks end a line, so that text split on newlines keeps paragraphs apart (list
# items, quotes and table cells hold paragraphs, so they need no line of their own).
_ADF_BLOCKS = frozenset({"paragraph", "heading", "codeBlock"})


def unwiki(text: str) -> str:
    """Replace wiki links `[text|url]` by their text."""
    return _WIKI_LINK.sub(lambda m: m.group(1).strip(), text)


def flatten_adf(node: Any) -> str:
    """Plain text of an Atlassian Document Format node; blocks and hard breaks end lines."""
    if isinstance(node, list):
        return "".join(flatten_adf(child) for child in node)
    if not isinstance(node, Mapping):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status", "date") and isinstance(node.get("attrs"), Mapping):
        return str(node["attrs"].get("text") or "")
    if kind == "inlineCard" and isinstance(node.get("attrs"), Mapping):
        return str(node["attrs"].get("url") or "")
    inner = flatten_adf(node.get("content", []))
    return inner + "\n" if kind in _ADF_BLOCKS else inner


def free_text(value: Any) -> str:
    """A text field's value as plain text: ADF flattened, wiki links read as their text.

    The core tries it whole, then splits it (SPEC 4, `core.references`)."""
    if value is None:
        return ""
    text = flatten_adf(value) if isinstance(value, Mapping) else str(value)
    return unwiki(text)


def _text_references(value: Any) -> tuple[str, ...]:
    return split_free_text(free_text(value))


def _option_value(value: Any) -> str | None:
    if isinstance(value, Mapping):
        for key in ("value", "name", "title", "key"):
            if value.get(key):
                return str(value[key]).strip()
        return None
    text = str(value).strip() if value is not None else ""
    return text or None


def _cascading(value: Any) -> tuple[str, ...]:
    # The child option is the more specific choice (an objective's KR); without one, the parent.
    if not isinstance(value, Mapping):
        return _by_shape(value)
    child = _option_value(value.get("child"))
    parent = _option_value(value)
    chosen = child or parent
    return (chosen,) if chosen else ()


def _each(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else [value]


def _by_shape(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(ref for v in value for ref in _by_shape(v))
    if isinstance(value, Mapping) and value.get("type") == "doc":
        return _text_references(value)
    if isinstance(value, Mapping):
        found = _option_value(value)
        return (found,) if found else ()
    return _text_references(value) if isinstance(value, str) else ()


def references_from(value: Any, kind: ValueKind) -> tuple[str, ...]:
    """The raw OKR references in one field value, read as its type says (SPEC 4)."""
    if value is None or value == "" or value == []:
        return ()
    if kind is ValueKind.TEXT:
        return _text_references(value)
    if kind is ValueKind.CASCADING:
        return _cascading(value)
    if kind in (ValueKind.OPTION, ValueKind.OPTIONS, ValueKind.LABELS, ValueKind.GOALS):
        found = (_option_value(v) for v in _each(value))
        return tuple(v for v in found if v)
    return _by_shape(value)


# --- sprints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintRef:
    """A sprint as an issue's sprint field names it."""

    id: int
    name: str
    state: str  # "active" | "future" | "closed"
    start: str = ""  # ISO date-time, "" when not planned yet


_GREENHOPPER = re.compile(r"\[(.*)\]\s*$", re.DOTALL)
_GH_KEYS = ("id", "rapidViewId", "state", "name", "startDate", "endDate", "completeDate")
_GH_PAIR = re.compile(r"(?:^|,)(" + "|".join(_GH_KEYS) + r"|\w+)=")


def _parse_greenhopper(text: str) -> SprintRef | None:
    """Older Data Center text: `...Sprint@1bf75fd[id=1,rapidViewId=1,state=CLOSED,name=S 1,...]`."""
    body = _GREENHOPPER.search(text)
    if not body:
        return None
    inner = body.group(1)
    marks = list(_GH_PAIR.finditer(inner))
    pairs: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(inner)
        pairs[mark.group(1)] = inner[mark.end() : end]
    if not pairs.get("id", "").isdigit():
        return None
    start = pairs.get("startDate", "")
    return SprintRef(
        id=int(pairs["id"]),
        name=pairs.get("name", ""),
        state=pairs.get("state", "").casefold(),
        start="" if start == "<null>" else start,
    )


def _parse_sprint(value: Any) -> SprintRef | None:
    if isinstance(value, str):
        return _parse_greenhopper(value)
    if isinstance(value, Mapping) and value.get("id") is not None:
        return SprintRef(
            id=int(value["id"]),
            name=str(value.get("name", "")),
            state=str(value.get("state", "")).casefold(),
            start=str(value.get("startDate") or ""),
        )
    return None


def parse_sprints(value: Any) -> tuple[SprintRef, ...]:
    """Every sprint in a sprint field value (objects on Cloud, text on older Data Center)."""
    if value is None:
        return ()
    parsed = (_parse_sprint(v) for v in _each(value))
    return tuple(s for s in parsed if s is not None)


def choose_sprint(sprints: tuple[SprintRef, ...], in_scope: frozenset[int]) -> str | None:
    """The sprint an item counts under (SPEC 6): in scope, else active, else the earliest
    future, else the latest closed."""
    if not sprints:
        return None
    scoped = [s for s in sprints if s.id in in_scope]
    if scoped:
        return scoped[0].name
    active = [s for s in sprints if s.state == "active"]
    if active:
        return active[0].name
    future = sorted(
        (s for s in sprints if s.state == "future"), key=lambda s: (s.start or "~", s.id)
    )
    if future:
        return future[0].name
    return max(sprints, key=lambda s: (s.start, s.id)).name


# --- status and hierarchy --------------------------------------------------------------------

_CATEGORIES = {
    "new": StatusCategory.TODO,
    "indeterminate": StatusCategory.IN_PROGRESS,
    "done": StatusCategory.DONE,
}


def status_category(status: Any) -> StatusCategory:
    """Jira's `status.statusCategory.key` as our category; unknown keys count as to do."""
    category = status.get("statusCategory") if isinstance(status, Mapping) else None
    key = category.get("key") if isinstance(category, Mapping) else None
    return _CATEGORIES.get(str(key), StatusCategory.TODO)


def issue_level(issuetype: Any) -> int | None:
    """`issuetype.hierarchyLevel`, or derived per SPEC 2 where the server gives none:
    sub-tasks -1, Epics 1, anything else 0."""
    if not isinstance(issuetype, Mapping):
        return None
    level = issuetype.get("hierarchyLevel")
    if isinstance(level, int):
        return level
    if issuetype.get("subtask"):
        return -1
    return 1 if str(issuetype.get("name", "")).casefold() == "epic" else 0
