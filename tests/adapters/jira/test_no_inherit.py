"""The Jira source follows the audit's options: no parents fetched with --no-inherit, and
sub-tasks counted with --include-types Sub-task (JQL returns them: no extra request).

Figures are worked out by hand from the table in `jira_scenario.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, AuditResult, Backlog
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeJira, FakeJiraServer
from tests.adapters.jira.test_cli import audit as cli_audit

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
NO_INHERIT = AuditOptions(inherit=False)


def parent_batches(site: FakeJira) -> int:
    """Requests that fetched parents: Cloud's bulk fetch, Data Center's search by key."""
    return len(site.parent_batches())


def fetch(make_source: Callable[..., JiraSource], inherit: bool, **scope: object) -> Backlog:
    return make_source(inherit=inherit, **scope).fetch()


def run(backlog: Backlog, options: AuditOptions) -> AuditResult:
    return audit(backlog, scenario.OKRS, options, NOW)


def test_active_sprint_without_inheritance_fetches_no_parent(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    fetch(make_source, True, board=7, sprint="active")
    inheriting = site.count()
    batches = parent_batches(site)
    site.requests.clear()
    fetch(make_source, False, board=7, sprint="active")

    # serverInfo, field list, board configuration, active sprints, one page of Sprint 42
    # (Cloud: a page of ids and one bulk fetch of them); inheriting adds one batch for the
    # epics APP-1 and APP-2 (APP-15's parent APP-10 is in the sprint, and the epics have no
    # parents)
    scope = 2 if site.mode == "cloud" else 1
    assert (inheriting, batches) == (5 + scope, 1)
    assert (site.count(), parent_batches(site)) == (4 + scope, 0)


def test_next_sprint_without_inheritance_fetches_no_parent(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Sprint 43: APP-20, APP-21 (under epic APP-1, outside the sprint), APP-22
    fetch(make_source, True, board=7, sprint="next")
    assert parent_batches(site) == 1
    site.requests.clear()

    backlog = fetch(make_source, False, board=7, sprint="next")

    assert parent_batches(site) == 0
    result = run(backlog, NO_INHERIT)
    # APP-20 linked (KR2.1); APP-21 orphaned (it would inherit); APP-22 orphaned
    assert {r.key: r.link_state.value for r in result.items} == {
        "APP-20": "linked",
        "APP-21": "orphaned",
        "APP-22": "orphaned",
    }
    assert next(r for r in result.items if r.key == "APP-21").parent_key == "APP-1"


def test_figures_of_items_that_inherit_nothing_are_unchanged(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with_parents = run(fetch(make_source, True, board=7, sprint="active"), NO_INHERIT)
    without = run(fetch(make_source, False, board=7, sprint="active"), NO_INHERIT)

    # Sprint 42 with --no-inherit: APP-11 linked, APP-14 exempt, APP-12 dangling, APP-10 and
    # APP-13 orphaned: 1 of 4; points 5+3+2+8+1 = 19, exempt 1, linked 3 (APP-11)
    s = without.summary.all
    assert (s.items, s.exempt_items, s.linked_items) == (5, 1, 1)
    assert (s.points, s.exempt_points, s.linked_points) == (19.0, 1.0, 3.0)
    assert without.summary == with_parents.summary
    # the reports still name each item's parent by key, the epic fetched or not
    assert [(r.key, r.parent_key) for r in without.items] == [
        (r.key, r.parent_key) for r in with_parents.items
    ]
    assert next(r for r in without.items if r.key == "APP-10").parent_key == "APP-1"


def test_an_out_of_scope_parent_is_named_not_read(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    backlog = fetch(make_source, False, board=7, sprint="active")

    carriers = {i.key: i for i in backlog.items if i.carrier_only}
    assert sorted(carriers) == ["APP-1", "APP-2"]
    epic = carriers["APP-1"]
    assert (epic.references, epic.url) == ((), f"{site.base_url}/browse/APP-1")
    app10 = next(i for i in backlog.items if i.key == "APP-10")
    assert app10.parent == epic.id


def test_an_out_of_scope_parent_named_by_id_alone_gets_no_made_up_link(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    # /browse/ takes a key; with only an id, a link would lead to "issue does not exist".
    # Cloud's `parent` names the epic (Data Center's Epic Link always holds its key).
    site = jira_server.jira = scenario.site("cloud")
    site.parent_ids_only = True
    backlog = fetch(make_source, False, board=7, sprint="active")

    epic_id = site.issue_by_id("APP-1").id  # type: ignore[union-attr]
    epic = next(i for i in backlog.items if i.carrier_only and i.id == epic_id)
    assert (epic.key, epic.url) == (epic_id, None)


def test_include_sub_task_counts_sprint_sub_tasks_with_no_extra_request(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    options = AuditOptions(include_types=frozenset({"Sub-task"}))
    result = run(
        make_source(board=7, sprint="active", include_types=frozenset({"sub-task"})).fetch(),
        options,
    )

    # Sprint 42 plus the sub-task APP-15, which inherits KR1.1 through APP-10 from epic APP-1:
    # items 6, exempt 1 (APP-14), linked APP-10 APP-11 APP-15: 3 of 5; points 19+1 = 20,
    # linked 5+3+1 = 9 of 19
    # the same requests as without sub-tasks (Cloud: ids, then one bulk fetch of them)
    assert site.count() == (7 if site.mode == "cloud" else 6)
    s = result.summary.all
    assert (s.items, s.exempt_items, s.linked_items) == (6, 1, 3)
    assert (s.points, s.exempt_points, s.linked_points) == (20.0, 1.0, 9.0)
    app15 = next(r for r in result.items if r.key == "APP-15")
    assert (app15.link_state.value, app15.inherited_from) == ("inherited", "APP-1")


def test_cli_no_inherit_and_include_types_reach_the_source(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    args = ("--board", "7", "--sprint", "active", "--format", "json", "-o", "-", "-q")
    report = json.loads(cli_audit(jira_server, tmp_path, *args, "--no-inherit").stdout)

    assert parent_batches(site) == 0
    s = report["summary"]
    assert (s["items"], s["linked_items"], s["inherited_items"]) == (5, 1, 0)
    assert {i["key"]: i["parent"] for i in report["items"]}["APP-10"] == "APP-1"

    site.requests.clear()
    report = json.loads(
        cli_audit(jira_server, tmp_path, *args, "--include-types", "Sub-task").stdout
    )
    assert parent_batches(site) == 1
    s = report["summary"]
    assert (s["items"], s["linked_items"], s["inherited_items"]) == (6, 3, 2)
