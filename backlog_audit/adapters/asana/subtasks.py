"""Subtasks of the listed Asana tasks, for an audit that counts them (--include-types Subtask).

A project's listing holds only its member tasks; a subtask is seldom a member. So the subtasks
of the listed tasks are read a level at a time (subtasks of subtasks next, as deep as they go),
only under tasks that have some (`num_subtasks`), first pages ten to a batch request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from backlog_audit.adapters.asana.batch import BatchResult, read_batched
from backlog_audit.adapters.asana.client import AsanaClient, AsanaHttpError
from backlog_audit.adapters.asana.tasks import SUBTASK_FIELDS
from backlog_audit.adapters.interface import Progress

__all__ = ["Subtasks", "read_subtasks", "open_or_done_since"]

Json = dict[str, Any]


@dataclass
class Subtasks:
    """What reading subtasks found besides the tasks it added to the scope."""

    # subtask gid -> the listed task it sits under (its sprint and project come from there)
    hosts: dict[str, Json] = field(default_factory=dict)
    # subtasks completed before the audited window: link carriers only, never counted
    skipped: dict[str, Json] = field(default_factory=dict)


def read_subtasks(
    client: AsanaClient,
    tasks: dict[str, tuple[Json, str]],
    since: date,
    warnings: list[str],
    progress: Progress | None,
) -> Subtasks:
    """Add the subtasks of the listed tasks to `tasks`, a level at a time, each once.

    A subtask completed before `since` is left out, as the listing leaves out tasks, but
    its own subtasks are still read: open work under it counts (and inherits through it).
    """
    found = Subtasks()
    # where each task read so far sits: its listed ancestor (or itself) and the project
    where = {gid: (task, project) for gid, (task, project) in tasks.items()}
    parents = [gid for gid, (task, _) in tasks.items() if _may_have_subtasks(task)]
    while parents:
        listings = _subtask_lists(client, parents, warnings)
        parents = []
        for parent_gid, subtasks in listings.items():
            host, project = where[parent_gid]
            for subtask in subtasks:
                gid = str(subtask["gid"])
                if gid in where:  # also a member of the project, or met before
                    continue
                where[gid] = (host, project)
                if open_or_done_since(subtask, since):
                    tasks[gid] = (subtask, project)
                    found.hosts[gid] = host
                else:
                    found.skipped[gid] = subtask
                if _may_have_subtasks(subtask):
                    parents.append(gid)
        if progress:
            progress(len(tasks), None)
    return found


def _subtask_lists(
    client: AsanaClient, parents: list[str], warnings: list[str]
) -> dict[str, list[Json]]:
    """The subtasks of each of `parents`: first pages ten to a batch request, a listing
    with more pages (or whose action met a rate limit or an outage) read alone."""

    def batch(gids: list[str]) -> Sequence[BatchResult[list[Json]]]:
        results = client.first_pages(
            "subtask listings",
            lambda path: f"subtasks of task {path.split('/')[2]}",
            [f"/tasks/{gid}/subtasks" for gid in gids],
            SUBTASK_FIELDS,
        )
        # a listing with more pages is read alone, from its start
        return [r if isinstance(r, AsanaHttpError) else None if r[1] else r[0] for r in results]

    def alone(gid: str) -> list[Json]:
        return client.records(
            f"subtasks of task {gid}",
            lambda o: client.tasks.get_subtasks_for_task(gid, o, **client.request_options),
            {"opt_fields": SUBTASK_FIELDS},
        )

    # The task was listed a moment ago: deleted since, or its subtasks are private.
    return read_batched(
        parents,
        batch,
        alone,
        lambda gid, status: f"subtasks of task {gid} could not be read (HTTP {status})",
        warnings,
    )


def _may_have_subtasks(task: Json) -> bool:
    """Whether a task has subtasks to read (when Asana did not say, it may)."""
    count = task.get("num_subtasks")
    return not isinstance(count, int) or count > 0


def open_or_done_since(task: Json, since: date) -> bool:
    """Whether a task is audited under the completed-since rule (SPEC 7)."""
    if not task.get("completed"):
        return True
    raw = task.get("completed_at")
    if not isinstance(raw, str):
        return True  # completed, but Asana did not say when: counted rather than lost
    try:
        completed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return True
    if completed.tzinfo is None:  # Asana writes UTC with a Z; a bare time is taken as UTC
        completed = completed.replace(tzinfo=timezone.utc)
    start = datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc)
    return completed >= start
