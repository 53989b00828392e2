"""A fake Jira on 127.0.0.1 that behaves like Jira, not like our client.

Cloud mode: `/rest/api/3/search/jql` with `nextPageToken` (the old `/search` answers 410),
`fields` defaults to the id only, at most 100 issues a page when fields are asked for,
`/issue/bulkfetch` leaves out issues the user may not see, v3 text areas are ADF documents.
Data Center mode: `/rest/api/2/search` with `startAt` and `total`, no hierarchy levels, sprints
as greenhopper strings, epics linked through the `gh-epic-link` field. Both: `/field` (with
project-scoped duplicates on Cloud), the agile board, sprint and backlog endpoints, field
options, `errorMessages` bodies, injectable failures, and a request log to count requests.

Issues, sprints and boards are plain dataclasses; a tiny JQL evaluator covers the clauses the
adapter and the tests use (`=`, `!=`, `in`, `not in`, `is [not] EMPTY`, AND, OR, NOT, ORDER BY)
and answers 400 with Jira's wording for anything else.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.adapters.faults import Answer, Faults, RawRequest, serve
from tests.adapters.meeting import Meeting

SPRINT_FIELD = {"cloud": "customfield_10020", "dc": "customfield_10105"}
EPIC_LINK_FIELD = "customfield_10014"
CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
LEVELS = {"epic": 1, "initiative": 2, "theme": 3, "sub-task": -1, "subtask": -1}


@dataclass
class FakeIssue:
    """One issue. `parent` is the parent's id; `custom` maps field ids to stored values
    (text areas as plain strings: the server renders them as ADF on v3)."""

    id: str
    key: str
    summary: str = ""
    type: str = "Story"
    status: str = "To Do"
    category: str = "new"  # new | indeterminate | done
    parent: str | None = None
    labels: list[str] = field(default_factory=list)
    assignee: str | None = None
    sprints: list[int] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)

    @property
    def project(self) -> str:
        """The project key, from the issue key."""
        return self.key.split("-")[0]

    @property
    def level(self) -> int:
        """Jira's hierarchy level of the issue type."""
        return LEVELS.get(self.type.casefold(), 0)


@dataclass
class FakeSprint:
    """A sprint of a board."""

    id: int
    name: str
    state: str  # active | future | closed
    board: int
    start: str | None = None


@dataclass
class FakeBoard:
    """A board over some projects."""

    id: int
    name: str
    projects: list[str]
    type: str = "scrum"
    estimation_field: str | None = None


@dataclass
class Failure:
    """An injected answer for requests whose path contains `path`."""

    status: int
    path: str = ""
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class LoggedRequest:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    at: float = 0.0  # time.monotonic() when it arrived


class JqlError(Exception):
    """A query Jira would refuse with 400."""


def _field(
    fid: str, name: str, custom_type: str | None, json_type: str, **extra: Any
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": json_type}
    if custom_type:
        num = int(fid.split("_")[1])
        schema.update(
            custom=f"com.atlassian.jira.plugin.system.customfieldtypes:{custom_type}", customId=num
        )
        if custom_type.startswith(("gh-", "jsw-")):
            schema["custom"] = f"com.pyxis.greenhopper.jira:{custom_type}"
        clauses = [f"cf[{num}]", name]
    else:
        schema["system"] = fid
        clauses = [fid]
    return {
        "id": fid,
        "key": fid,
        "name": name,
        "custom": bool(custom_type),
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": clauses,
        "schema": schema,
        **extra,
    }


def system_fields(mode: str) -> list[dict[str, Any]]:
    """The system fields and the sprint (and, on DC, epic link) fields of a site."""
    fields = [
        _field("summary", "Summary", None, "string"),
        _field("issuetype", "Issue Type", None, "issuetype"),
        _field("status", "Status", None, "status"),
        _field("parent", "Parent", None, "issuelink"),
        _field("labels", "Labels", None, "array"),
        _field("assignee", "Assignee", None, "user"),
        _field("project", "Project", None, "project"),
        _field(SPRINT_FIELD[mode], "Sprint", "gh-sprint", "array"),
    ]
    if mode == "dc":
        fields.append(_field(EPIC_LINK_FIELD, "Epic Link", "gh-epic-link", "any"))
    return fields


def custom_field(
    fid: str, name: str, custom_type: str, project: str | None = None
) -> dict[str, Any]:
    """A custom field entry; `project` makes it a team-managed project's own field."""
    json_type = {
        "float": "number",
        "jsw-story-points": "number",
        "select": "option",
        "multiselect": "array",
        "labels": "array",
        "cascadingselect": "option-with-child",
        "goals": "array",
    }.get(custom_type, "string")
    extra = {"scope": {"type": "PROJECT", "project": {"id": project}}} if project else {}
    return _field(fid, name, custom_type, json_type, **extra)


# --- JQL -------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')|(?P<op>!=|=|\(|\)|,)|(?P<word>[^\s=!(),"\']+))'
)


def _tokens(jql: str) -> list[str]:
    out, pos = [], 0
    text = jql.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise JqlError(
                f"Error in the JQL Query: The character '{text[pos]}' is a reserved JQL character."
            )
        out.append(m.group("str") or m.group("op") or m.group("word"))
        pos = m.end()
    return out


class _Parser:
    """A recursive-descent JQL parser.

    expr := term (OR term)*; term := factor (AND factor)*; factor := NOT factor | (expr) | clause
    """

    def __init__(
        self,
        tokens: list[str],
        values: Callable[[FakeIssue, str], list[str]],
        check: Callable[[str, list[str]], None],
    ) -> None:
        self.t, self.i, self.values, self.check = tokens, 0, values, check

    def peek(self) -> str | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise JqlError("Error in the JQL Query: Expecting more input at the end of the query.")
        self.i += 1
        return tok

    def expr(self) -> Callable[[FakeIssue], bool]:
        parts = [self.term()]
        while (self.peek() or "").casefold() == "or":
            self.take()
            parts.append(self.term())
        if len(parts) == 1:  # no OR: the term alone (a layer less for each issue searched)
            return parts[0]
        return lambda issue: any(p(issue) for p in parts)

    def term(self) -> Callable[[FakeIssue], bool]:
        parts = [self.factor()]
        while (self.peek() or "").casefold() == "and":
            self.take()
            parts.append(self.factor())
        if len(parts) == 1:
            return parts[0]
        return lambda issue: all(p(issue) for p in parts)

    def factor(self) -> Callable[[FakeIssue], bool]:
        tok = self.peek()
        if tok is not None and tok.casefold() == "not":
            self.take()
            inner = self.factor()
            return lambda issue: not inner(issue)
        if tok == "(":
            self.take()
            inner = self.expr()
            if self.take() != ")":
                raise JqlError("Error in the JQL Query: Expecting ')'.")
            return inner
        return self.clause()

    def _value(self) -> str:
        tok = self.take()
        if tok in ("(", ")", ","):
            raise JqlError(f"Error in the JQL Query: Expecting a value but got '{tok}'.")
        return tok[1:-1] if tok[:1] in "\"'" else tok

    def _list(self) -> list[str]:
        if self.take() != "(":
            raise JqlError("Error in the JQL Query: Expecting '(' after 'in'.")
        items = [self._value()]
        while self.peek() == ",":
            self.take()
            items.append(self._value())
        if self.take() != ")":
            raise JqlError("Error in the JQL Query: Expecting ')' to close the list.")
        return items

    def clause(self) -> Callable[[FakeIssue], bool]:
        name = self._value().casefold()
        op = self.take().casefold()
        if op == "not":
            if self.take().casefold() != "in":
                raise JqlError("Error in the JQL Query: Expecting 'in' after 'not'.")
            op = "not in"
        if op == "is":
            negate = (self.peek() or "").casefold() == "not"
            if negate:
                self.take()
            if self.take().casefold() not in ("empty", "null"):
                raise JqlError("Error in the JQL Query: Expecting EMPTY after IS.")
            return lambda issue: bool(self.values(issue, name)) == negate
        if op in ("in", "not in"):
            wanted = self._list()
        elif op in ("=", "!="):
            wanted = [self._value()]
        else:
            raise JqlError(f"Error in the JQL Query: The operator '{op}' is not supported.")
        self.check(name, wanted)
        folded = {w.casefold() for w in wanted}
        hit = lambda issue: bool(folded & {v.casefold() for v in self.values(issue, name)})  # noqa: E731
        return hit if op in ("=", "in") else (lambda issue: not hit(issue))


_ORDER_BY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|\border\s+by\b""", re.I)


def split_order_by(jql: str) -> str:
    """The JQL without its ORDER BY part (the fake always orders by id); an "order by"
    inside a quoted string is text, as in Jira."""
    for match in _ORDER_BY.finditer(jql):
        if match.group(1) is None:
            return jql[: match.start()]
    return jql


# --- the fake --------------------------------------------------------------------------------


class FakeJira:
    """The fake site's state and behaviour; `FakeJiraServer` serves it over HTTP."""

    def __init__(
        self,
        mode: str = "cloud",
        *,
        issues: list[FakeIssue] | None = None,
        custom_fields: list[dict[str, Any]] | None = None,
        sprints: list[FakeSprint] | None = None,
        boards: list[FakeBoard] | None = None,
        options: dict[str, list[dict[str, Any]]] | None = None,
        email: str = "sm@example.com",
        token: str = "cloud-api-token-SECRET",
        pat: str = "dc-personal-access-token-SECRET",
    ) -> None:
        assert mode in ("cloud", "dc")
        self.mode = mode
        self.issues = list(issues or [])
        self.fields = system_fields(mode) + list(custom_fields or [])
        self.sprints = list(sprints or [])
        self.boards = list(boards or [])
        self.options = dict(options or {})  # field id -> [{"id","value","disabled"}]
        self.email, self.token, self.pat = email, token, pat
        self.hidden: set[str] = set()  # ids of issues the user may not see
        # Cloud bulkfetch: issue id -> how many more times it comes back in `issueErrors`
        self.bulk_errors: dict[str, int] = {}
        self.cloud_fields_cap = 100  # Cloud: issues a page when fields are asked for
        self.cloud_ids_cap = 5000  # Cloud: issues a page for id/key only
        self.dc_cap = 1000  # DC: jira.search.views.default.max
        self.agile_cap = 50
        self.sprints_ignore_start = False  # board sprints: every page is the first (a bug seen)
        self.parent_ids_only = False  # `parent` names the parent by id alone, with no key
        self.options_cap = 100  # Cloud: field options a page
        self.total_skew = 0  # DC: announce this many more (or fewer) issues than are sent
        self.page_overlap = 0  # Cloud: each next page repeats this many issues of the last
        self.stuck_token = False  # Cloud: hand out the same page token again and again
        self.failures: list[Failure] = []
        self.rules = Faults()  # the fault matrix's rules (tests/adapters/faults.py)
        self.stalled = ""  # requests whose path contains this get no answer until `release`
        self.release = threading.Event()
        self.requests: list[LoggedRequest] = []
        self.listed: set[str] = set()  # Cloud: issue ids a search has handed out
        self.delay = 0.0  # seconds before each answer (a site's latency, for benchmarks)
        self.in_flight = 0  # requests being answered now
        self.most_in_flight = 0  # the most answered at once (a bound per site is kept)
        self.meeting: Meeting | None = None  # requests held until several are in flight
        self.base_url = ""
        self._tokens: dict[str, tuple[str, int]] = {}
        self._indexed: tuple[int, int] | None = None
        self._by_ref: tuple[dict[str, tuple[int, FakeIssue]], dict[str, tuple[int, FakeIssue]]] = (
            {},
            {},
        )
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    # --- test helpers --------------------------------------------------------------------

    def fail(
        self,
        status: int,
        path: str = "",
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next `times` requests whose path contains `path` with `status`."""
        if body is None:
            body = {
                "errorMessages": [_DEFAULT_ERRORS.get(status, "Something went wrong.")],
                "errors": {},
            }
        self.failures.append(Failure(status, path, times, dict(headers or {}), body))

    def meet(
        self,
        parties: int,
        where: Callable[[LoggedRequest], bool] = lambda r: True,
        linger: float = 0.0,
    ) -> None:
        """Hold the first `parties` requests that `where` selects, in flight, until all of
        them are: a client that sends them together passes at once, one that sends them one
        after another is let go after `Meeting.TIMEOUT` with `most_in_flight` short of
        `parties`. Overlap shown without counting on timing."""
        self.meeting = Meeting(parties, where, linger)

    def count(self, path_part: str = "") -> int:
        """Requests received so far whose path contains `path_part`."""
        return sum(1 for r in self.requests if path_part in r.path)

    def parent_batches(self) -> list[list[str]]:
        """The ids or keys of each request for parents: Cloud's bulk fetches of issues no
        search listed (the scope's own come by bulk fetch too), Data Center's searches by key.
        """
        if self.mode == "cloud":
            batches = [
                [str(ref) for ref in r.body["issueIdsOrKeys"]]
                for r in self.requests
                if "bulkfetch" in r.path and isinstance(r.body, dict)
            ]
            return [b for b in batches if not set(b) <= self.listed]
        return [
            re.findall(r"[\w-]+", r.body["jql"].split("(", 1)[1])
            for r in self.requests
            if isinstance(r.body, dict) and "issuekey in" in str(r.body.get("jql"))
        ]

    # --- issue rendering -----------------------------------------------------------------

    @property
    def sprint_field(self) -> str:
        return SPRINT_FIELD[self.mode]

    def _field_type(self, fid: str) -> str:
        for f in self.fields:
            if f["id"] == fid:
                return str(f["schema"].get("custom", "")).rsplit(":", 1)[-1]
        return ""

    def issue_by_id(self, ref: str) -> FakeIssue | None:
        """The first issue whose id or key is `ref` (a key in any case)."""
        exact, folded = self._index()
        found = [hit for hit in (exact.get(ref), folded.get(ref.casefold())) if hit is not None]
        return min(found, key=lambda hit: hit[0])[1] if found else None

    def _index(self) -> tuple[dict[str, tuple[int, FakeIssue]], dict[str, tuple[int, FakeIssue]]]:
        """Issues by id and key, and by casefolded key, with their positions: a lookup is not
        a scan (a bulk fetch of 100 in a 3,000-issue site would cost the fake 300,000
        comparisons, CPU a benchmark's site would take from the client). Rebuilt when the
        list is replaced or grows (tests add issues; none changes an id or key)."""
        stamp = (id(self.issues), len(self.issues))
        if self._indexed != stamp:
            exact: dict[str, tuple[int, FakeIssue]] = {}
            folded: dict[str, tuple[int, FakeIssue]] = {}
            for n, issue in enumerate(self.issues):
                exact.setdefault(issue.id, (n, issue))
                exact.setdefault(issue.key, (n, issue))
                folded.setdefault(issue.key.casefold(), (n, issue))
            self._by_ref, self._indexed = (exact, folded), stamp
        return self._by_ref

    def _issuetype(self, issue: FakeIssue) -> dict[str, Any]:
        kind: dict[str, Any] = {
            "id": str(10000 + issue.level + 1),
            "name": issue.type,
            "subtask": issue.level < 0,
        }
        if self.mode == "cloud":
            kind["hierarchyLevel"] = issue.level
        return kind

    def _status(self, issue: FakeIssue) -> dict[str, Any]:
        cat = {
            "id": {"new": 2, "indeterminate": 4, "done": 3}[issue.category],
            "key": issue.category,
            "name": CATEGORY_NAMES[issue.category],
        }
        return {
            "name": issue.status,
            "id": str(abs(hash(issue.status)) % 10000),
            "statusCategory": cat,
        }

    def _sprint_value(self, sid: int) -> Any:
        sprint = next(s for s in self.sprints if s.id == sid)
        if self.mode == "dc":
            return (
                "com.atlassian.greenhopper.service.sprint.Sprint@1bf75fd["
                f"id={sprint.id},rapidViewId={sprint.board},state={sprint.state.upper()},"
                f"name={sprint.name},startDate={sprint.start or '<null>'},"
                f"endDate=<null>,completeDate=<null>,sequence={sprint.id}]"
            )
        value = {
            "id": sprint.id,
            "name": sprint.name,
            "state": sprint.state,
            "boardId": sprint.board,
            "goal": "",
        }
        if sprint.start:
            value["startDate"] = sprint.start
        return value

    def _parent_value(self, issue: FakeIssue) -> dict[str, Any] | None:
        parent = self.issue_by_id(issue.parent) if issue.parent else None
        if parent is None or (self.mode == "dc" and issue.level >= 0):
            return None  # Data Center: `parent` is for sub-tasks; epics link via Epic Link
        named = {"id": parent.id} if self.parent_ids_only else {"id": parent.id, "key": parent.key}
        return {
            **named,
            "self": f"{self.base_url}/rest/api/2/issue/{parent.id}",
            "fields": {
                "summary": parent.summary,
                "status": self._status(parent),
                "issuetype": self._issuetype(parent),
            },
        }

    def _adf(self, text: str) -> dict[str, Any]:
        paragraphs = [
            {"type": "paragraph", "content": [{"type": "text", "text": line}]}
            for line in text.split("\n")
            if line
        ]
        return {"type": "doc", "version": 1, "content": paragraphs}

    def _all_fields(self, issue: FakeIssue, v3: bool) -> dict[str, Any]:
        values: dict[str, Any] = {
            "summary": issue.summary,
            "issuetype": self._issuetype(issue),
            "status": self._status(issue),
            "labels": list(issue.labels),
            "project": {
                "id": str(10000 + len(issue.project)),
                "key": issue.project,
                "name": issue.project,
            },
            "assignee": {"displayName": issue.assignee, "active": True} if issue.assignee else None,
            self.sprint_field: [self._sprint_value(s) for s in issue.sprints] or None,
        }
        parent = self._parent_value(issue)
        if parent is not None:
            values["parent"] = parent
        if self.mode == "dc" and issue.level >= 0 and issue.parent:
            epic = self.issue_by_id(issue.parent)
            values[EPIC_LINK_FIELD] = epic.key if epic and epic.level > 0 else None
        for fid, value in issue.custom.items():
            textarea = self._field_type(fid) == "textarea"
            values[fid] = self._adf(value) if v3 and textarea and isinstance(value, str) else value
        return values

    def _user_value(self, name: str) -> dict[str, Any]:
        account = f"5b10a2844c20165700ede{abs(hash(name)) % 100000:05d}"
        avatar = f"https://avatar-management.example/initials/{name[:2].upper()}-3.png"
        return {
            "self": f"{self.base_url}/rest/api/3/user?accountId={account}",
            "accountId": account,
            "emailAddress": f"{name.casefold().replace(' ', '.')}@example.com",
            "avatarUrls": {
                size: f"{avatar}?size={size}" for size in ("48x48", "24x24", "16x16", "32x32")
            },
            "displayName": name,
            "active": True,
            "timeZone": "Europe/Berlin",
            "accountType": "atlassian",
        }

    def _other_fields(self, issue: FakeIssue, v3: bool) -> dict[str, Any]:
        """What `*all` (and `*navigable`) add to the fields the audit reads, shaped as Jira
        Cloud sends them for an issue without comments, work logs or attachments: every
        system field, and every custom field of the site (null when not set). A client that
        asks for every field pays for these bytes (benchmarks/bench_jira_cloud.py)."""
        url = f"{self.base_url}/rest/api/{3 if v3 else 2}/issue/{issue.key}"
        text = f"As a user I want {issue.summary or issue.key} so that the team ships it."
        reporter = self._user_value("Sam Reporter")
        others: dict[str, Any] = {str(f["id"]): None for f in self.fields if f.get("custom")}
        others.update(
            statuscategorychangedate="2026-11-10T09:00:00.000+0000",
            timespent=None, aggregatetimespent=None, timeestimate=None,
            aggregatetimeestimate=None, timeoriginalestimate=None,
            aggregatetimeoriginalestimate=None, workratio=-1,
            fixVersions=[], versions=[], components=[], issuelinks=[], subtasks=[],
            attachment=[], resolution=None, resolutiondate=None, security=None,
            environment=None, duedate=None, lastViewed=None,
            watches={"self": f"{url}/watchers", "watchCount": 1, "isWatching": False},
            votes={"self": f"{url}/votes", "votes": 0, "hasVoted": False},
            issuerestriction={"issuerestrictions": {}, "shouldDisplay": False},
            created="2026-11-02T10:15:30.000+0000",
            updated="2026-11-20T16:42:05.000+0000",
            priority={
                "self": f"{self.base_url}/rest/api/3/priority/3",
                "iconUrl": f"{self.base_url}/images/icons/priorities/medium.svg",
                "name": "Medium",
                "id": "3",
            },
            description=self._adf(text) if v3 else text,
            timetracking={},
            creator=reporter,
            reporter=reporter,
            progress={"progress": 0, "total": 0},
            aggregateprogress={"progress": 0, "total": 0},
            comment={"comments": [], "self": f"{url}/comment", "maxResults": 0, "total": 0,
                     "startAt": 0},
            worklog={"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []},
        )  # fmt: skip
        return others

    def render(self, issue: FakeIssue, wanted: list[str], v3: bool) -> dict[str, Any]:
        """The issue JSON with the `fields` asked for (`*all`/`*navigable`: every field)."""
        out: dict[str, Any] = {"id": issue.id}
        names = [w for w in wanted if w not in ("id", "key")]
        if wanted == ["id"]:
            return out
        out.update(
            expand="",
            key=issue.key,
            self=f"{self.base_url}/rest/api/{3 if v3 else 2}/issue/{issue.id}",
        )
        if not names:
            return out
        every = self._all_fields(issue, v3)
        if any(n in ("*all", "*navigable") for n in names):
            out["fields"] = {**self._other_fields(issue, v3), **every}
        else:
            out["fields"] = {
                n: every.get(n) for n in names if n in every or n.startswith("customfield_")
            }
        return out

    # --- JQL -----------------------------------------------------------------------------

    def _values(self, issue: FakeIssue, name: str) -> list[str]:
        """The values of field `name` that a JQL clause compares (only that field's: a
        search over a benchmark's 3,000 issues costs the fake CPU that the client's
        process shares)."""
        read = _JQL_FIELDS.get(name)
        if read is None:
            raise JqlError(
                f"Field '{name}' does not exist or you do not have permission to view it."
            )
        return read(self, issue)

    def _sprint_values(self, issue: FakeIssue) -> list[str]:
        names = [s.name for s in self.sprints if s.id in issue.sprints]
        return [str(s) for s in issue.sprints] + names

    def _parent_values(self, issue: FakeIssue) -> list[str]:
        parent = self.issue_by_id(issue.parent) if issue.parent else None
        return [parent.id, parent.key] if parent else []

    def _check(self, lenient: bool) -> Callable[[str, list[str]], None]:
        def check(name: str, wanted: list[str]) -> None:
            if name not in ("key", "issuekey", "id") or lenient:
                return
            for ref in wanted:
                issue = self.issue_by_id(ref)
                if issue is None or issue.id in self.hidden:
                    raise JqlError(f"An issue with key '{ref}' does not exist for field '{name}'.")

        return check

    def search(self, jql: str, lenient: bool = False) -> list[FakeIssue]:
        """Issues a JQL query finds, visible ones only, by id."""
        tokens = _tokens(split_order_by(jql))
        visible = [i for i in self.issues if i.id not in self.hidden]
        if not tokens:
            return sorted(visible, key=lambda i: int(i.id))
        parser = _Parser(tokens, self._values, self._check(lenient))
        matcher = parser.expr()
        if parser.peek() is not None:
            raise JqlError(f"Error in the JQL Query: Expecting operator but got '{parser.peek()}'.")
        return sorted((i for i in visible if matcher(i)), key=lambda i: int(i.id))

    def new_token(self, jql: str, offset: int) -> str:
        page = 1 if self.stuck_token else next(self._counter)
        token = base64.urlsafe_b64encode(f"page-{page}".encode()).decode()
        self._tokens[token] = (jql, offset)
        return token

    def page_token(self, value: str) -> tuple[str, int] | None:
        return self._tokens.get(value)


# JQL field -> its values for a clause (`FakeJira._values`).
_JQL_FIELDS: dict[str, Callable[[FakeJira, FakeIssue], list[str]]] = {
    "project": lambda jira, issue: [issue.project],
    "id": lambda jira, issue: [issue.id],
    "key": lambda jira, issue: [issue.key, issue.id],
    "issuekey": lambda jira, issue: [issue.key, issue.id],
    "issuetype": lambda jira, issue: [issue.type],
    "type": lambda jira, issue: [issue.type],
    "status": lambda jira, issue: [issue.status],
    "statuscategory": lambda jira, issue: [CATEGORY_NAMES[issue.category]],
    "labels": lambda jira, issue: issue.labels,
    "sprint": FakeJira._sprint_values,
    "parent": FakeJira._parent_values,
    "assignee": lambda jira, issue: [issue.assignee] if issue.assignee else [],
}


_DEFAULT_ERRORS = {
    400: "The request is invalid.",
    401: "You are not authenticated. Authentication required to perform this operation.",
    403: "You do not have permission to perform this operation.",
    404: "The requested resource does not exist.",
    429: "Rate limit exceeded.",
    503: "Service temporarily unavailable.",
}


class _Reply(Exception):
    """Raised by a handler to answer with a status and JSON body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _error(status: int, *messages: str) -> _Reply:
    return _Reply(status, {"errorMessages": list(messages), "errors": {}})


def _fields_param(query: dict[str, list[str]], body: Any, default: list[str]) -> list[str]:
    if isinstance(body, dict) and "fields" in body:
        raw = body["fields"]
        return [str(f) for f in raw] if isinstance(raw, list) else str(raw).split(",")
    if "fields" in query:
        return [f for value in query["fields"] for f in value.split(",") if f]
    return default


def _page_bean(values: list[Any], query: dict[str, list[str]], default: int, cap: int) -> Any:
    """A `PageBean` page of `values`: `startAt` and `maxResults` (at most `cap`) honoured."""
    start = _int(query, None, "startAt", 0)
    size = max(1, min(_int(query, None, "maxResults", default), cap))
    return {
        "maxResults": size,
        "startAt": start,
        "total": len(values),
        "isLast": start + size >= len(values),
        "values": values[start : start + size],
    }


def _int(query: dict[str, list[str]], body: Any, name: str, default: int) -> int:
    if isinstance(body, dict) and name in body:
        return int(body[name])
    return int(query[name][0]) if name in query else default


class _Routes:
    """The endpoints, each a method that returns JSON or raises `_Reply`."""

    def __init__(self, jira: FakeJira) -> None:
        self.j = jira

    def dispatch(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        for pattern, methods, handler in self._table():
            m = re.fullmatch(pattern, path)
            if m and method in methods:
                return handler(query, body, *m.groups())
        raise _error(404, f"null for uri: {self.j.base_url}{path}")

    def _table(self) -> list[tuple[str, tuple[str, ...], Callable[..., Any]]]:
        api = r"/rest/api/(2|3)"
        agile = r"/rest/agile/1\.0"
        return [
            (api + r"/serverInfo", ("GET",), self.server_info),
            (api + r"/field", ("GET",), self.field_list),
            (api + r"/search/jql", ("GET", "POST"), self.search_jql),
            (api + r"/search", ("GET", "POST"), self.search_old),
            (api + r"/issue/bulkfetch", ("POST",), self.bulkfetch),
            (api + r"/field/([^/]+)/context", ("GET",), self.contexts),
            (api + r"/field/([^/]+)/context/(\d+)/option", ("GET",), self.context_options),
            (r"/rest/api/2/customFields/(\d+)/options", ("GET",), self.dc_options),
            (agile + r"/board/(\d+)", ("GET",), self.board),
            (agile + r"/board/(\d+)/configuration", ("GET",), self.board_configuration),
            (agile + r"/board/(\d+)/sprint", ("GET",), self.board_sprints),
            (agile + r"/board/(\d+)/backlog", ("GET",), self.board_backlog),
            (agile + r"/sprint/(\d+)", ("GET",), self.sprint),
        ]

    def _version(self, version: str) -> None:
        if self.j.mode == "dc" and version == "3":
            raise _error(404, "null for uri: /rest/api/3")

    # --- platform ------------------------------------------------------------------------

    def server_info(self, query: Any, body: Any, version: str) -> Any:
        self._version(version)
        cloud = self.j.mode == "cloud"
        return {
            "baseUrl": self.j.base_url,
            "version": "1001.0.0-SNAPSHOT" if cloud else "9.12.2",
            "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 2],
            "deploymentType": "Cloud" if cloud else "Server",
            "buildNumber": 100250 if cloud else 9120002,
            "buildDate": "2026-11-01T00:00:00.000+00:00",
            "serverTime": "2026-11-22T10:00:00.000+00:00",
            "scmInfo": "abc123",
            "serverTitle": "Fake Jira",
        }

    def field_list(self, query: Any, body: Any, version: str) -> Any:
        self._version(version)
        if self.j.mode == "dc":  # Data Center knows no project-scoped fields
            return [{k: v for k, v in f.items() if k != "scope"} for f in self.j.fields]
        return self.j.fields

    def _search_or_400(self, jql: str, lenient: bool = False) -> list[FakeIssue]:
        try:
            return self.j.search(jql, lenient)
        except JqlError as exc:
            raise _error(400, str(exc)) from None

    def search_jql(self, query: dict[str, list[str]], body: Any, version: str) -> Any:
        if self.j.mode == "dc":
            raise _error(404, "null for uri: search/jql")
        token = (body or {}).get("nextPageToken") if isinstance(body, dict) else None
        token = token or (query.get("nextPageToken") or [None])[0]
        jql = (
            str((body or {}).get("jql", ""))
            if isinstance(body, dict)
            else (query.get("jql") or [""])[0]
        )
        offset = 0
        if token:
            known = self.j.page_token(token)
            if known is None or known[0] != jql:
                raise _error(400, "The provided next page token is invalid or expired.")
            offset = max(0, known[1] - self.j.page_overlap)
        wanted = _fields_param(query, body, ["id"])
        cap = self.j.cloud_ids_cap if set(wanted) <= {"id", "key"} else self.j.cloud_fields_cap
        size = max(1, min(_int(query, body, "maxResults", 50), cap))
        found = self._search_or_400(jql)
        page = found[offset : offset + size]
        with self.j._lock:
            self.j.listed |= {i.id for i in page}
        out: dict[str, Any] = {"issues": [self.j.render(i, wanted, version == "3") for i in page]}
        last = offset + size >= len(found)
        out["isLast"] = last
        if not last:
            out["nextPageToken"] = self.j.new_token(jql, offset + size)
        return out

    def search_old(self, query: dict[str, list[str]], body: Any, version: str) -> Any:
        if self.j.mode == "cloud":
            raise _error(
                410,
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
                "API. A full migration guideline is available at "
                "https://developer.atlassian.com/changelog/#CHANGE-2046",
            )
        self._version(version)
        jql = str(body.get("jql", "")) if isinstance(body, dict) else (query.get("jql") or [""])[0]
        validate = (
            body.get("validateQuery")
            if isinstance(body, dict)
            else (query.get("validateQuery") or ["strict"])[0]
        )
        return self._offset_page(
            self._search_or_400(jql, lenient=validate in ("warn", "none", False)),
            query,
            body,
            self.j.dc_cap,
            _fields_param(query, body, ["*navigable"]),
            v3=False,
        )

    def _offset_page(
        self, found: list[FakeIssue], query: Any, body: Any, cap: int, wanted: list[str], v3: bool
    ) -> Any:
        start = _int(query, body, "startAt", 0)
        size = max(1, min(_int(query, body, "maxResults", 50), cap))
        page = found[start : start + size]
        return {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(found) + self.j.total_skew,
            "issues": [self.j.render(i, wanted, v3) for i in page],
        }

    def bulkfetch(self, query: Any, body: Any, version: str) -> Any:
        if self.j.mode == "dc":
            raise _error(404, "null for uri: bulkfetch")
        refs = list((body or {}).get("issueIdsOrKeys") or [])
        if not refs or len(refs) > 100:
            raise _error(400, "issueIdsOrKeys must contain between 1 and 100 items.")
        wanted = _fields_param(query, body, ["*navigable"])
        found = [self.j.issue_by_id(str(r)) for r in refs]
        visible = sorted(
            {i.id: i for i in found if i is not None and i.id not in self.j.hidden}.values(),
            key=lambda i: int(i.id),
        )
        # Hidden and unknown issues are simply absent; `issueErrors` is for retriable errors.
        with self.j._lock:
            failing = [i for i in visible if self.j.bulk_errors.get(i.id, 0) > 0]
            for issue in failing:
                self.j.bulk_errors[issue.id] -= 1
        errors = [{"id": i.id, "errorMessage": "Timed out reading the issue."} for i in failing]
        return {
            "issues": [
                self.j.render(i, wanted, version == "3") for i in visible if i not in failing
            ],
            "issueErrors": errors,
        }

    def contexts(self, query: Any, body: Any, version: str, fid: str) -> Any:
        self._version(version)
        if fid not in self.j.options:
            raise _error(404, "The custom field was not found.")
        ctx = {
            "id": "10100",
            "name": "Default context",
            "description": "",
            "isGlobalContext": True,
            "isAnyIssueType": True,
        }
        return _page_bean([ctx], query, default=50, cap=50)

    def context_options(self, query: Any, body: Any, version: str, fid: str, ctx: str) -> Any:
        self._version(version)
        values = self.j.options.get(fid)
        if values is None or ctx != "10100":
            raise _error(404, "The custom field was not found.")
        return _page_bean(values, query, default=100, cap=self.j.options_cap)

    def dc_options(self, query: Any, body: Any, num: str) -> Any:
        values = self.j.options.get(f"customfield_{num}")
        if self.j.mode == "cloud" or values is None:
            raise _error(404, "The custom field was not found.")
        return {
            "maxResults": 100,
            "startAt": 0,
            "total": len(values),
            "isLast": True,
            "values": values,
        }

    # --- agile ---------------------------------------------------------------------------

    def _board(self, board_id: str) -> FakeBoard:
        for board in self.j.boards:
            if board.id == int(board_id):
                return board
        raise _error(404, "Board does not exist or you do not have permission to see it.")

    def board(self, query: Any, body: Any, board_id: str) -> Any:
        b = self._board(board_id)
        return {
            "id": b.id,
            "self": f"{self.j.base_url}/rest/agile/1.0/board/{b.id}",
            "name": b.name,
            "type": b.type,
        }

    def board_configuration(self, query: Any, body: Any, board_id: str) -> Any:
        b = self._board(board_id)
        out: dict[str, Any] = {
            "id": b.id,
            "name": b.name,
            "type": b.type,
            "self": f"{self.j.base_url}/rest/agile/1.0/board/{b.id}/configuration",
            "location": {"type": "project", "projectKeyOrId": b.projects[0]},
            "filter": {
                "id": str(10000 + b.id),
                "self": f"{self.j.base_url}/rest/api/2/filter/{10000 + b.id}",
            },
            "columnConfig": {
                "columns": [{"name": n, "statuses": []} for n in ("To Do", "In Progress", "Done")],
                "constraintType": "none",
            },
            "ranking": {"rankCustomFieldId": 10019},
        }
        if b.estimation_field:
            name = next(
                (f["name"] for f in self.j.fields if f["id"] == b.estimation_field),
                b.estimation_field,
            )
            out["estimation"] = {
                "type": "field",
                "field": {"fieldId": b.estimation_field, "displayName": name},
            }
        return out

    def _sprint_json(self, s: FakeSprint) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": s.id,
            "self": f"{self.j.base_url}/rest/agile/1.0/sprint/{s.id}",
            "state": s.state,
            "name": s.name,
            "originBoardId": s.board,
            "goal": "",
        }
        if s.start:
            out["startDate"] = s.start
        return out

    def board_sprints(self, query: dict[str, list[str]], body: Any, board_id: str) -> Any:
        b = self._board(board_id)
        if b.type != "scrum":
            raise _error(400, "The board does not support sprints")
        states = {s for v in query.get("state", []) for s in v.split(",") if s}
        order = {"closed": 0, "active": 1, "future": 2}
        found = sorted(
            (s for s in self.j.sprints if s.board == b.id and (not states or s.state in states)),
            key=lambda s: (order[s.state], s.id),
        )
        start, size = (
            _int(query, None, "startAt", 0),
            min(_int(query, None, "maxResults", 50), self.j.agile_cap),
        )
        page = found[0:size] if self.j.sprints_ignore_start else found[start : start + size]
        return {
            "maxResults": size,
            "startAt": start,
            "total": len(found),
            "isLast": start + size >= len(found),
            "values": [self._sprint_json(s) for s in page],
        }

    def board_backlog(self, query: dict[str, list[str]], body: Any, board_id: str) -> Any:
        b = self._board(board_id)
        open_ids = {s.id for s in self.j.sprints if s.state in ("active", "future")}
        jql = (query.get("jql") or [""])[0]
        matched = {i.id for i in self._search_or_400(jql)}
        found = [
            i
            for i in self.j.issues
            if i.id in matched
            and i.project in b.projects
            and i.category != "done"
            and not open_ids & set(i.sprints)
        ]
        return self._offset_page(
            found,
            query,
            None,
            self.j.agile_cap,
            _fields_param(query, None, ["*navigable"]),
            v3=False,
        )

    def sprint(self, query: Any, body: Any, sprint_id: str) -> Any:
        for s in self.j.sprints:
            if s.id == int(sprint_id):
                return self._sprint_json(s)
        raise _error(
            404,
            f"Sprint with id {sprint_id} does not exist or you do not have permission to see it.",
        )


def _kind_of(body: Any) -> dict[str, str]:
    """Jira's Content-Type for an answer: JSON, or HTML for an injected page (bytes)."""
    raw = isinstance(body, bytes)  # an injected non-JSON page (a login form, a proxy)
    return {"Content-Type": "text/html;charset=UTF-8" if raw else "application/json;charset=UTF-8"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _serve(self, method: str) -> None:
        jira = self.server.jira
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with jira._lock:
            body = json.loads(raw) if raw else None
            logged = LoggedRequest(
                method, parts.path, parse_qs(parts.query), body, time.monotonic()
            )
            jira.requests.append(logged)
        if jira.stalled and jira.stalled in parts.path:
            # never answer: the client's timeout must end the wait; `release` lets us go
            jira.release.wait(timeout=10)
            self.close_connection = True
            return
        with jira._lock:
            jira.in_flight += 1
            jira.most_in_flight = max(jira.most_in_flight, jira.in_flight)
        left = threading.Event()

        def leave() -> None:
            # Before the answer is written: a client's next request may follow it at once.
            if not left.is_set():
                left.set()
                with jira._lock:
                    jira.in_flight -= 1

        def answer(request: RawRequest) -> Answer:
            try:
                return self._answer(jira, method, request)
            finally:
                leave()

        try:
            if jira.meeting is not None:
                jira.meeting.attend(logged)
            if jira.delay:
                time.sleep(jira.delay)
            serve(self, jira.rules, method, (self.path, raw), answer)
        finally:
            leave()

    def _answer(self, jira: FakeJira, method: str, request: RawRequest) -> Answer:
        """Jira's own answer to a request (as a fault rule may have rewritten it)."""
        target, raw = request
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        query = parse_qs(parts.query)
        try:
            self._authenticate(jira)
            self._injected(jira, parts.path)
            result = _Routes(jira).dispatch(method, parts.path, query, body)
            return 200, result, _kind_of(result)
        except _Reply as reply:
            return reply.status, reply.body, {**_kind_of(reply.body), **reply.headers}
        except Exception as exc:  # a bug in the fake: answer 500 so the test sees it
            bug = {"errorMessages": [f"fake Jira bug: {exc!r}"], "errors": {}}
            return 500, bug, _kind_of(bug)

    def _authenticate(self, jira: FakeJira) -> None:
        given = self.headers.get("Authorization", "")
        if jira.mode == "cloud":
            expected = "Basic " + base64.b64encode(f"{jira.email}:{jira.token}".encode()).decode()
        else:
            expected = f"Bearer {jira.pat}"
        if given != expected:
            raise _error(401, _DEFAULT_ERRORS[401])

    def _injected(self, jira: FakeJira, path: str) -> None:
        with jira._lock:
            for failure in jira.failures:
                if failure.times > 0 and failure.path in path:
                    failure.times -= 1
                    raise _Reply(failure.status, failure.body, failure.headers)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, jira: FakeJira) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.jira = jira


class FakeJiraServer:
    """Serves a `FakeJira` on 127.0.0.1 in a thread; swap `.jira` between tests."""

    def __init__(self, jira: FakeJira | None = None) -> None:
        self._server = _Server(jira or FakeJira())
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self.jira = self._server.jira
        # A short poll keeps stop() (shutdown) fast: the default 0.5 s is waited out each time.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def jira(self) -> FakeJira:
        return self._server.jira

    @jira.setter
    def jira(self, value: FakeJira) -> None:
        value.base_url = self.url
        self._server.jira = value

    def start(self) -> FakeJiraServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeJiraServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def iter_requests(jira: FakeJira, method: str | None = None) -> Iterator[LoggedRequest]:
    """The logged requests, optionally of one method."""
    return (r for r in jira.requests if method is None or r.method == method)
