"""A fake Asana API on 127.0.0.1, real HTTP, for the Asana adapter's tests.

It serves what the adapter reads, shaped like Asana's API (checked against the OpenAPI spec by
`tests/adapters/asana/test_fake_server.py`):

- `GET /projects/{gid}`, `/projects/{gid}/tasks`, `/projects/{gid}/sections`,
  `/projects/{gid}/custom_field_settings`, `/sections/{gid}/tasks`, `/tasks/{gid}`,
  `/tasks/{gid}/subtasks` (every subtask, completed or not: no `completed_since` there),
  `/goals?workspace=&time_periods=`, `/goal_relationships?supported_goal=`,
  `/time_periods/{gid}`, `/portfolios/{gid}/items` (projects and nested portfolios);
- `POST /batch` with up to 10 GET actions, each answered (and faulted) like a request of its
  own, with its own `status_code` (`options.limit`/`offset`/`fields` as the query);
- `limit` (1-100) / `offset` paging with `next_page`, `completed_since` on task listings;
- `opt_fields` honoured (dotted paths; compact records without it);
- Asana's error bodies `{"errors": [{"message", "help"}]}` for 400, 401, 404, and injected
  429 (with `Retry-After`) and 5xx;
- a request log (`FakeAsana.requests`) and a count of requests in flight (`most_in_flight`),
  with `meet` and `hold` to make requests overlap or follow one another in a test.

Tests build the workspace with `AsanaData`'s `add_*` methods, then start `FakeAsana(data)`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.adapters.faults import Answer, Faults, RawRequest, serve
from tests.adapters.meeting import Meeting

Json = dict[str, Any]

API_PREFIX = "/api/1.0"
MAX_LIMIT = 100
MAX_BATCH = 10  # Asana's limit of actions in one batch request
_HELP = "For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors"


# --- the workspace's data --------------------------------------------------------------------


@dataclass
class AsanaData:
    """A small Asana workspace: projects, sections, custom fields, tasks, goals."""

    workspace: str = "1000"
    projects: dict[str, Json] = field(default_factory=dict)
    sections: dict[str, Json] = field(default_factory=dict)
    custom_fields: dict[str, Json] = field(default_factory=dict)
    project_fields: dict[str, list[str]] = field(default_factory=dict)
    tasks: dict[str, Json] = field(default_factory=dict)
    goals: dict[str, Json] = field(default_factory=dict)
    relationships: list[Json] = field(default_factory=list)
    time_periods: dict[str, Json] = field(default_factory=dict)
    portfolios: dict[str, Json] = field(default_factory=dict)

    # builders ------------------------------------------------------------------------------

    def add_project(self, gid: str, name: str, fields: Iterable[str] = ()) -> None:
        """A project carrying the custom fields `fields` (gids added with `add_field`)."""
        self.projects[gid] = {"gid": gid, "resource_type": "project", "name": name}
        self.project_fields[gid] = list(fields)

    def add_portfolio(self, gid: str, name: str, items: Iterable[tuple[str, str]] = ()) -> None:
        """A portfolio holding `items`: ("project", gid) or ("portfolio", gid) pairs (a nested
        portfolio may be added after the one holding it)."""
        self.portfolios[gid] = {
            "gid": gid,
            "resource_type": "portfolio",
            "name": name,
            "items": list(items),
        }

    def portfolio_items(self, gid: str) -> list[Json]:
        """A portfolio's items as compact records, in the order they were added."""
        tables = {"project": self.projects, "portfolio": self.portfolios}
        return [_compact(tables[kind][item]) for kind, item in self.portfolios[gid]["items"]]

    def add_section(self, project: str, gid: str, name: str) -> None:
        """A section of `project`."""
        self.sections[gid] = {
            "gid": gid,
            "resource_type": "section",
            "name": name,
            "project": self.projects[project],
        }

    def add_field(
        self,
        gid: str,
        name: str,
        subtype: str,
        options: Iterable[tuple[str, str]] = (),
        disabled: Iterable[str] = (),
    ) -> None:
        """A custom field; `options` are (gid, name) pairs for enum and multi_enum fields, those
        named in `disabled` switched off (Asana keeps them on the tasks that already have them)."""
        off = set(disabled)
        definition: Json = {
            "gid": gid,
            "resource_type": "custom_field",
            "name": name,
            "resource_subtype": subtype,
            "type": subtype,
        }
        if subtype in ("enum", "multi_enum"):
            definition["enum_options"] = [
                {
                    "gid": g,
                    "resource_type": "enum_option",
                    "name": n,
                    "enabled": n not in off,
                    "color": "blue",
                }
                for g, n in options
            ]
        if subtype == "number":
            definition["precision"] = 0
        self.custom_fields[gid] = definition

    def add_task(
        self,
        gid: str,
        name: str,
        memberships: Iterable[tuple[str, str]] = (),
        *,
        completed_at: str | None = None,
        parent: str | None = None,
        assignee: str | None = None,
        subtype: str = "default_task",
        values: dict[str, Any] | None = None,
    ) -> None:
        """A task in (project gid, section gid) memberships (in Asana every task of a project is
        in one of its sections); `values` by custom field gid:
        an option name (enum), a list of names (multi_enum), a string (text), a number."""
        self.tasks[gid] = {
            "gid": gid,
            "name": name,
            "memberships": list(memberships),
            "completed_at": completed_at,
            "parent": parent,
            "assignee": assignee,
            "resource_subtype": subtype,
            "values": dict(values or {}),
        }

    def add_time_period(self, gid: str, display_name: str, start_on: str, end_on: str) -> None:
        """A time period goals can belong to."""
        self.time_periods[gid] = {
            "gid": gid,
            "resource_type": "time_period",
            "display_name": display_name,
            "start_on": start_on,
            "end_on": end_on,
            "period": display_name.split()[0] if display_name[:1] in "QH" else "FY",
            "parent": None,
        }

    def add_goal(
        self,
        gid: str,
        name: str,
        *,
        time_period: str | None = None,
        metric: tuple[float, float, float] | None = None,
        unit: str = "none",
        owner: str | None = None,
    ) -> None:
        """A goal; `metric` is (initial, target, current)."""
        goal: Json = {
            "gid": gid,
            "resource_type": "goal",
            "name": name,
            "owner": _user(owner),
            "time_period": self.time_periods.get(time_period) if time_period else None,
            "workspace": {"gid": self.workspace, "resource_type": "workspace", "name": "Acme"},
            "metric": None,
            "status": "green",
            "notes": "",
        }
        if metric is not None:
            initial, target, current = metric
            goal["metric"] = {
                "gid": f"{gid}9",
                "resource_type": "task",
                "resource_subtype": "number",
                "precision": 0,
                "unit": unit,
                "currency_code": "EUR" if unit == "currency" else None,
                "initial_number_value": initial,
                "target_number_value": target,
                "current_number_value": current,
                "current_display_value": str(current),
                "progress_source": "manual",
            }
        self.goals[gid] = goal

    def add_support(self, goal: str, kind: str, gid: str, weight: float = 1.0) -> None:
        """`kind` ("goal", "project", "portfolio" or "task") `gid` supports `goal`."""
        tables = {
            "goal": self.goals,
            "project": self.projects,
            "portfolio": self.portfolios,
            "task": self.tasks,
        }
        name = tables[kind][gid]["name"]
        self.relationships.append(
            {
                "gid": f"77{len(self.relationships) + 1}",
                "resource_type": "goal_relationship",
                "resource_subtype": "subgoal" if kind == "goal" else "supporting_work",
                "supporting_resource": {"gid": gid, "resource_type": kind, "name": name},
                "supported_goal": _compact(self.goals[goal]),
                "contribution_weight": weight,
            }
        )

    # views as the API shows them ------------------------------------------------------------

    def field_value(self, field_gid: str, raw: Any) -> Json:
        """A task's value record of one custom field."""
        definition = self.custom_fields[field_gid]
        subtype = definition["resource_subtype"]
        options = {o["name"]: o for o in definition.get("enum_options", [])}
        record = {
            k: definition[k] for k in ("gid", "resource_type", "name", "resource_subtype", "type")
        }
        record["enabled"] = True
        display: str | None = None
        if subtype == "enum":
            record["enum_value"] = options.get(raw) if raw is not None else None
            display = raw
        elif subtype == "multi_enum":
            record["multi_enum_values"] = [options[n] for n in raw or ()]
            display = ", ".join(raw) if raw else None
        elif subtype == "text":
            record["text_value"] = raw
            display = raw
        elif subtype == "number":
            record["number_value"] = raw
            record["precision"] = definition.get("precision", 0)
            display = None if raw is None else str(raw)
        record["display_value"] = display
        return record

    def task_view(self, gid: str) -> Json:
        """The full task record."""
        task = self.tasks[gid]
        projects = [p for p, _ in task["memberships"]]
        field_gids = dict.fromkeys(f for p in projects for f in self.project_fields.get(p, []))
        field_gids.update(dict.fromkeys(task["values"]))
        memberships = [
            {
                "project": _compact(self.projects[p]),
                "section": _compact(self.sections[s]),
            }
            for p, s in task["memberships"]
        ]
        return {
            "gid": gid,
            "resource_type": "task",
            "resource_subtype": task["resource_subtype"],
            "name": task["name"],
            "completed": task["completed_at"] is not None,
            "completed_at": task["completed_at"],
            "assignee": _user(task["assignee"]),
            "parent": self.task_compact(task["parent"]) if task["parent"] else None,
            "permalink_url": f"https://app.asana.com/1/{self.workspace}/task/{gid}",
            "num_subtasks": len(self.subtasks_of(gid)),
            "memberships": memberships,
            "projects": [_compact(self.projects[p]) for p in projects],
            "custom_fields": [self.field_value(f, task["values"].get(f)) for f in field_gids],
            "notes": "",
        }

    def task_compact(self, gid: str) -> Json:
        """The compact task record."""
        task = self.tasks[gid]
        return {
            "gid": gid,
            "resource_type": "task",
            "name": task["name"],
            "resource_subtype": task["resource_subtype"],
        }

    def subtasks_of(self, gid: str) -> list[str]:
        """Gids of the task's subtasks, in insertion order (Asana lists them in their order)."""
        return [sub for sub, task in self.tasks.items() if task["parent"] == gid]

    def tasks_of(self, project: str | None = None, section: str | None = None) -> list[str]:
        """Gids of the tasks in a project or a section, in insertion order."""
        return [
            gid
            for gid, task in self.tasks.items()
            if any(
                (p == project) if section is None else (s == section)
                for p, s in task["memberships"]
            )
        ]


def _user(name: str | None) -> Json | None:
    if name is None:
        return None
    gid = str(zlib.crc32(name.encode()) % 10**8 + 5 * 10**8)  # stable across runs
    return {"gid": gid, "resource_type": "user", "name": name}


def _compact(record: Json) -> Json:
    return {
        k: record[k] for k in ("gid", "resource_type", "name", "resource_subtype") if k in record
    }


# --- opt_fields ------------------------------------------------------------------------------


def _field_tree(opt_fields: str) -> Json:
    tree: Json = {}
    for path in opt_fields.split(","):
        node = tree
        for part in path.strip().split("."):
            if part:
                node = node.setdefault(part, {})
    return tree


def select(record: Any, tree: Json) -> Any:
    """`record` reduced to the dotted `opt_fields` in `tree` (gid always kept)."""
    if isinstance(record, list):
        return [select(r, tree) for r in record]
    if not isinstance(record, dict):
        return record
    out = {"gid": record["gid"]} if "gid" in record else {}
    for key, sub in tree.items():
        if key not in record:
            continue
        value = record[key]
        if sub:
            out[key] = select(value, sub)
        elif isinstance(value, dict) and "gid" in value:
            out[key] = _compact(value)
        elif isinstance(value, list):
            out[key] = [_compact(v) if isinstance(v, dict) and "gid" in v else v for v in value]
        else:
            out[key] = value
    return out


# --- the HTTP server -------------------------------------------------------------------------


@dataclass
class Fault:
    """An injected failure: the next `times` requests whose path contains `path` get `status`."""

    status: int
    times: int = 1
    retry_after: str | None = None
    path: str = ""
    body: bytes | None = None  # sent as is instead of Asana's error body (a proxy's page, bad JSON)


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    batch: bool = False  # an action inside a POST /batch, not a request of its own
    body: bytes = b""


class ApiError(Exception):
    """An Asana error answer."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}
        self.raw = raw

    def body(self) -> Json:
        error: Json = {"message": self.message, "help": _HELP}
        if self.status >= 500:
            error["phrase"] = "6 sad squid snuggle softly"
        return {"errors": [error]}


class FakeAsana:
    """The fake API, serving `data` at `base_url` until `close()`."""

    def __init__(self, data: AsanaData, token: str = "fake-token-0123456789") -> None:
        self.data = data
        self.token = token
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.rules = Faults()  # the fault matrix's rules (tests/adapters/faults.py)
        self.task_page_cap = MAX_LIMIT  # tasks a page at most, whatever `limit` asks
        self.in_flight = 0  # requests being answered now
        self.most_in_flight = 0  # the most answered at once (a bound per site is kept)
        self.meeting: Meeting | None = None
        self.holds: list[tuple[Callable[[Request], bool], threading.Event]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll keeps close() (shutdown) fast: tests start a server each.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """What ASANA_BASE_URL should be."""
        return f"http://127.0.0.1:{self._server.server_port}{API_PREFIX}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def inject(
        self,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        path: str = "",
        body: bytes | None = None,
    ) -> None:
        """Answer the next `times` matching requests with `status` (429, 5xx, 401, ...), and
        with `body` as is when given (a 200 that is not JSON, a proxy's HTML page)."""
        with self._lock:
            self.faults.append(Fault(status, times, retry_after, path, body))

    def meet(
        self, parties: int, where: Callable[[Request], bool] = lambda r: True, linger: float = 0.0
    ) -> None:
        """Hold the first `parties` requests `where` selects, in flight, until all of them
        are (`tests/adapters/meeting.py`): overlap shown without counting on timing."""
        self.meeting = Meeting(parties, where, linger)

    def hold(self, where: Callable[[Request], bool], until: threading.Event) -> None:
        """Hold the requests `where` selects, in flight, until `until` is set (at most
        `Meeting.TIMEOUT`): a test orders one request's answer after another's."""
        self.holds.append((where, until))

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [r.path for r in self.requests]

    # request handling ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, Json | bytes, dict[str, str]]:
        """Answer one request: (status, JSON body or raw bytes, extra headers)."""
        url = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = url.path[len(API_PREFIX) :] if url.path.startswith(API_PREFIX) else url.path
        request = Request(method, path, query, headers, body=body)
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self._wait_for_others(request)
            return self._answer(method, path, query, headers, body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _wait_for_others(self, request: Request) -> None:
        """Hold `request` while a test's meeting or hold asks so (see `meet`, `hold`)."""
        if self.meeting is not None:
            self.meeting.attend(request)
        for where, until in self.holds:
            if where(request):
                until.wait(Meeting.TIMEOUT)

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Json | bytes, dict[str, str]]:
        try:
            self._check_fault(path)
            self._check_auth(headers)
            if (method, path) == ("POST", "/batch"):
                return 200, self._batch(body, headers), {}
            if method != "GET":
                raise ApiError(405, f"{method} is not served by this fake")
            return 200, self._route(path, query), {}
        except ApiError as exc:
            return exc.status, exc.body() if exc.raw is None else exc.raw, exc.headers

    def _batch(self, body: bytes, headers: dict[str, str]) -> Json:
        try:
            actions = json.loads(body)["data"]["actions"]
        except (ValueError, KeyError, TypeError):
            raise ApiError(400, "data: Missing input") from None
        if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_BATCH:
            raise ApiError(400, f"actions: Must have between 1 and {MAX_BATCH} actions")
        return {"data": [self._action(action, headers) for action in actions]}

    def _action(self, action: Json, headers: dict[str, str]) -> Json:
        """One batch action, answered as Asana does: its own status code, headers, body."""
        path = str(action.get("relative_path", ""))
        query = {k: str(v) for k, v in (action.get("data") or {}).items()}
        options = action.get("options") or {}
        if options.get("fields"):
            query["opt_fields"] = ",".join(options["fields"])
        query.update({k: str(options[k]) for k in ("limit", "offset") if k in options})
        with self._lock:
            self.requests.append(Request("GET", path, query, headers, batch=True))
        try:
            self._check_fault(path)
            if str(action.get("method", "")).lower() != "get":
                raise ApiError(405, "only GET actions are served by this fake")
            return {"status_code": 200, "headers": {}, "body": self._route(path, query)}
        except ApiError as exc:
            return {"status_code": exc.status, "headers": exc.headers, "body": exc.body()}

    def _check_fault(self, path: str) -> None:
        with self._lock:
            fault = next((f for f in self.faults if f.times > 0 and f.path in path), None)
            if fault is None:
                return
            fault.times -= 1
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        messages = {
            401: "Not Authorized",
            403: "Forbidden",
            404: "Not Found",
            429: "You have made too many requests recently. Please, be chill.",
        }
        message = messages.get(fault.status, "Server Error")
        raise ApiError(fault.status, message, headers, fault.body)

    def _check_auth(self, headers: dict[str, str]) -> None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if auth != f"Bearer {self.token}":
            raise ApiError(401, "Not Authorized")

    def _route(self, path: str, query: dict[str, str]) -> Json:
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match:
                return handler(query, *match.groups())
        raise ApiError(404, f"No matching route for request: {path}")

    def _routes(self) -> list[tuple[str, Callable[..., Json]]]:
        return [
            (r"/projects/(\d+)", self._project),
            (r"/projects/(\d+)/tasks", self._project_tasks),
            (r"/projects/(\d+)/sections", self._project_sections),
            (r"/projects/(\d+)/custom_field_settings", self._field_settings),
            (r"/sections/(\d+)/tasks", self._section_tasks),
            (r"/tasks/(\d+)", self._task),
            (r"/tasks/(\d+)/subtasks", self._subtasks),
            (r"/goals", self._goals),
            (r"/goal_relationships", self._goal_relationships),
            (r"/time_periods/(\d+)", self._time_period),
            (r"/portfolios/(\d+)/items", self._portfolio_items),
        ]

    # endpoints -------------------------------------------------------------------------------

    def _known(self, table: dict[str, Json], gid: str, kind: str) -> Json:
        if gid not in table:
            raise ApiError(404, f"{kind}: Not a recognized ID: {gid}")
        return table[gid]

    def _project(self, query: dict[str, str], gid: str) -> Json:
        project = self._known(self.data.projects, gid, "project")
        return {"data": _view(project, query, _compact(project))}

    def _project_tasks(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.projects, gid, "project")
        return self._task_listing(self.data.tasks_of(project=gid), query, f"/projects/{gid}/tasks")

    def _section_tasks(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.sections, gid, "section")
        return self._task_listing(self.data.tasks_of(section=gid), query, f"/sections/{gid}/tasks")

    def _task_listing(self, gids: list[str], query: dict[str, str], path: str) -> Json:
        since = _completed_since(query.get("completed_since"))
        kept = [g for g in gids if _open_or_done_since(self.data.tasks[g]["completed_at"], since)]
        records = [_view(self.data.task_view(g), query, self.data.task_compact(g)) for g in kept]
        return _page(records, query, path, self.task_page_cap)

    def _project_sections(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.projects, gid, "project")
        sections = [s for s in self.data.sections.values() if s["project"]["gid"] == gid]
        records = [_view(s, query, _compact(s)) for s in sections]
        return _page(records, query, f"/projects/{gid}/sections")

    def _field_settings(self, query: dict[str, str], gid: str) -> Json:
        project = self._known(self.data.projects, gid, "project")
        settings = [
            {
                "gid": f"{gid}{field_gid}",
                "resource_type": "custom_field_setting",
                "is_important": True,
                "parent": _compact(project),
                "project": _compact(project),
                "custom_field": self.data.custom_fields[field_gid],
            }
            for field_gid in self.data.project_fields.get(gid, [])
        ]
        records = [_view(s, query, {k: s[k] for k in ("gid", "resource_type")}) for s in settings]
        return _page(records, query, f"/projects/{gid}/custom_field_settings")

    def _task(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.tasks, gid, "task")
        return {"data": _view(self.data.task_view(gid), query, self.data.task_compact(gid))}

    def _subtasks(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.tasks, gid, "task")
        subtasks = self.data.subtasks_of(gid)
        records = [
            _view(self.data.task_view(g), query, self.data.task_compact(g)) for g in subtasks
        ]
        return _page(records, query, f"/tasks/{gid}/subtasks")

    def _goals(self, query: dict[str, str]) -> Json:
        if query.get("workspace") != self.data.workspace:
            raise ApiError(400, "workspace: Missing input or not a recognized ID")
        periods = {p for p in query.get("time_periods", "").split(",") if p}
        goals = [
            g
            for g in self.data.goals.values()
            if not periods or (g["time_period"] or {}).get("gid") in periods
        ]
        records = [_view(g, query, _compact(g)) for g in goals]
        return _page(records, query, "/goals")

    def _goal_relationships(self, query: dict[str, str]) -> Json:
        goal = query.get("supported_goal", "")
        self._known(self.data.goals, goal, "supported_goal")
        subtype = query.get("resource_subtype")
        found = [
            r
            for r in self.data.relationships
            if r["supported_goal"]["gid"] == goal and subtype in (None, r["resource_subtype"])
        ]
        compact_keys = (
            "gid",
            "resource_type",
            "resource_subtype",
            "supporting_resource",
            "contribution_weight",
        )
        records = [_view(r, query, {k: r[k] for k in compact_keys}) for r in found]
        return _page(records, query, "/goal_relationships")

    def _portfolio_items(self, query: dict[str, str], gid: str) -> Json:
        self._known(self.data.portfolios, gid, "portfolio")
        records = [_view(r, query, r) for r in self.data.portfolio_items(gid)]
        return _page(records, query, f"/portfolios/{gid}/items")

    def _time_period(self, query: dict[str, str], gid: str) -> Json:
        period = self._known(self.data.time_periods, gid, "time_period")
        return {"data": _view(period, query, _compact(period))}


def _view(record: Json, query: dict[str, str], compact: Json) -> Json:
    opt_fields = query.get("opt_fields")
    return select(record, _field_tree(opt_fields)) if opt_fields else compact


def _completed_since(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    if raw == "now":
        return datetime.max.replace(tzinfo=timezone.utc)
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"completed_since: Not a valid date-time: {raw}") from None


def _open_or_done_since(completed_at: str | None, since: datetime | None) -> bool:
    if completed_at is None or since is None:
        return True
    return datetime.fromisoformat(completed_at.replace("Z", "+00:00")) >= since


def _offset_token(path: str, index: int) -> str:
    raw = json.dumps({"path": path, "index": index}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset_index(token: str, path: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if decoded["path"] == path:
            return int(decoded["index"])
    except (ValueError, KeyError, TypeError):
        pass
    raise ApiError(400, "offset: Your pagination token is invalid.")


def _page(records: list[Json], query: dict[str, str], path: str, cap: int = MAX_LIMIT) -> Json:
    """One page of `records` as `limit` and `offset` ask (at most `cap` of them); all of
    them without a limit."""
    if "limit" not in query:
        return {"data": records}
    try:
        limit = int(query["limit"])
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit: Must be between 1 and {MAX_LIMIT}")
    start = _offset_index(query["offset"], path) if query.get("offset") else 0
    end = start + min(limit, cap)
    next_page = None
    if end < len(records):
        token = _offset_token(path, end)
        rest = f"{path}?limit={limit}&offset={token}"
        next_page = {"offset": token, "path": rest, "uri": f"https://app.asana.com/api/1.0{rest}"}
    return {"data": records[start:end], "next_page": next_page}


def _handler_for(fake: FakeAsana) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm on, the body waits for
        # the client's delayed ACK, 40 ms a request on Linux, most of an audit's test time.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())

            def answer(request: RawRequest) -> Answer:
                status, body, extra = fake.handle(method, request[0], headers, request[1])
                return status, body, {"Content-Type": "application/json; charset=UTF-8", **extra}

            serve(self, fake.rules, method, (self.path, sent), answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the request log is `fake.requests`."""

    return Handler
