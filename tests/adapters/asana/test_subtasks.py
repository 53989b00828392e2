"""What the Asana source reads for the audit's options: subtasks only when they are counted
(--include-types Subtask), parents only when links are inherited (not with --no-inherit).

The sprint workspace of this module (figures worked out by hand in each test):

Project Checkout (2101), fields OKR (enum) and Story Points, section Sprint 12 (3101):
  5001 Checkout flow   KR1.1  3 pts  open     member   subtasks 5101 5102 5103
  5002 Billing         -      5 pts  open     member   subtasks 5105 5106
  5003 Docs            KR2.1  1 pt   open     member   no subtasks
  5004 Ancient         -      -      done 2025-05-05 (not listed)   subtask 5107
  5101 Design          -      2 pts  open                   subtask of 5001
  5102 Build           KR1.2  1 pt   done 2026-10-20        subtask of 5001
  5103 Old spike       -      5 pts  done 2026-09-01        subtask of 5001, subtask 5104
  5104 Follow-up       -      1 pt   open                   subtask of 5103
  5105 Run book        BAU    1 pt   open                   subtask of 5002
  5106 Invoices        -      2 pts  open     member   subtask of 5002
  5107 Lost step       KR1.1  1 pt   open                   subtask of 5004
Only 5001-5003 and 5106 are members of the project: Asana lists no other task there.
Completed since 2026-10-01.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.core.audit import audit
from backlog_audit.errors import SourceError
from backlog_audit.model import AuditOptions, AuditResult, Backlog, LinkState
from tests.adapters.asana.fake_server import AsanaData, FakeAsana
from tests.adapters.asana.test_cli import OKR_FILE
from tests.adapters.asana.workspace import (
    GROWTH,
    OKR_ENUM,
    POINTS,
    TOKEN,
    file_okrs,
    source_for,
    summary_figures,
)
from tests.cli_runner import invoke

PROJECT, SECTION = "2101", "3101"
SUBTASKS = AuditOptions(include_types=frozenset({"Subtask"}))
DEFAULT = AuditOptions()


def sprint_workspace() -> AsanaData:
    """The workspace of this module's docstring."""
    data = AsanaData()
    options = [("601", "KR1.1"), ("602", "KR1.2"), ("603", "KR2.1"), ("604", "BAU")]
    data.add_field(OKR_ENUM, "OKR", "enum", options)
    data.add_field(POINTS, "Story Points", "number")
    data.add_project(PROJECT, "Checkout", [OKR_ENUM, POINTS])
    data.add_section(PROJECT, SECTION, "Sprint 12")
    member = [(PROJECT, SECTION)]

    def add(gid: str, name: str, okr: str | None, points: float | None, **kw: Any) -> None:
        values = {OKR_ENUM: okr, POINTS: points}
        data.add_task(gid, name, kw.pop("memberships", ()), values=values, **kw)

    add("5001", "Checkout flow", "KR1.1", 3, memberships=member, assignee="Ana")
    add("5002", "Billing", None, 5, memberships=member)
    add("5003", "Docs", "KR2.1", 1, memberships=member)
    add("5004", "Ancient", None, None, memberships=member, completed_at="2025-05-05T10:00:00Z")
    add("5101", "Design", None, 2, parent="5001")
    add("5102", "Build", "KR1.2", 1, parent="5001", completed_at="2026-10-20T10:00:00.000Z")
    add("5103", "Old spike", None, 5, parent="5001", completed_at="2026-09-01T10:00:00.000Z")
    add("5104", "Follow-up", None, 1, parent="5103")
    add("5105", "Run book", "BAU", 1, parent="5002")
    add("5106", "Invoices", None, 2, parent="5002", memberships=member)
    add("5107", "Lost step", "KR1.1", 1, parent="5004")
    return data


@pytest.fixture()
def sprint() -> Iterator[FakeAsana]:
    """The fake Asana API serving the sprint workspace."""
    server = FakeAsana(sprint_workspace(), token=TOKEN)
    yield server
    server.close()


def fetch(fake: FakeAsana, options: AuditOptions = DEFAULT) -> Backlog:
    """The sprint project's backlog, the source told the audit's options as run.py does."""
    return source_for(
        fake.base_url,
        asana_project=(PROJECT,),
        inherit=options.inherit,
        include_types=options.include_types,
        exclude_types=options.exclude_types,
    ).fetch()


def states(result: AuditResult) -> dict[str, LinkState]:
    return {r.key: r.link_state for r in result.items}


def wire(fake: FakeAsana) -> list[tuple[str, str]]:
    """The HTTP requests made (batch actions are inside their POST, not requests)."""
    return [(r.method, r.path) for r in fake.requests if not r.batch]


def batch_actions(fake: FakeAsana) -> list[str]:
    return [r.path for r in fake.requests if r.batch]


def test_default_scope_reads_no_subtask_and_counts_none(sprint: FakeAsana) -> None:
    backlog = fetch(sprint)
    result = audit(backlog, file_okrs())

    # project, its field settings, one page of tasks: nothing else (5106's parent is listed)
    assert wire(sprint) == [
        ("GET", "/projects/2101"),
        ("GET", "/projects/2101/custom_field_settings"),
        ("GET", "/projects/2101/tasks"),
    ]
    listing = next(r for r in sprint.requests if r.path.endswith("/tasks"))
    assert "num_subtasks" not in listing.query["opt_fields"]
    # 5001 linked, 5002 orphaned, 5003 linked; the listed subtask 5106 is not counted
    assert states(result) == {
        "5001": LinkState.LINKED,
        "5002": LinkState.ORPHANED,
        "5003": LinkState.LINKED,
    }
    s = result.summary.all
    assert (s.items, s.linked_items, s.points, s.linked_points) == (3, 2, 9, 4)


def test_include_subtask_reads_the_subtasks_of_listed_tasks(sprint: FakeAsana) -> None:
    result = audit(fetch(sprint, SUBTASKS), file_okrs(), SUBTASKS)

    # In scope: 5001 5002 5003, the member subtask 5106 once, and the subtasks 5101, 5102
    # (done since the cycle start), 5104 (under the old spike 5103) and 5105. Not 5103 (done
    # before 2026-10-01), not 5107 (its parent 5004 is not listed).
    assert states(result) == {
        "5001": LinkState.LINKED,
        "5002": LinkState.ORPHANED,
        "5003": LinkState.LINKED,
        "5101": LinkState.INHERITED,  # from 5001
        "5102": LinkState.LINKED,
        "5104": LinkState.INHERITED,  # through 5103 (no link) from 5001
        "5105": LinkState.EXEMPT,
        "5106": LinkState.ORPHANED,  # 5002 above it has no link
    }
    s = result.summary.all
    # items 8, exempt 1 (5105), linked 5001 5003 5101 5102 5104 = 5: coverage 5/7
    assert (s.items, s.exempt_items, s.linked_items) == (8, 1, 5)
    assert s.coverage == pytest.approx(5 / 7)
    # points 3+5+1+2+1+1+1+2 = 16, exempt 1, linked 3+1+2+1+1 = 8
    assert (s.points, s.exempt_points, s.linked_points) == (16, 1, 8)
    assert s.points_coverage == pytest.approx(8 / 15)
    assert {r.key: r.inherited_from for r in result.items if r.inherited_from} == {
        "5101": "5001",
        "5104": "5001",
    }


def test_subtasks_are_read_ten_listings_a_batch_only_under_tasks_that_have_some(
    sprint: FakeAsana,
) -> None:
    fetch(sprint, SUBTASKS)

    # 5001 and 5002 have subtasks (num_subtasks), 5003 and 5106 none: one batch of two
    # listings; then the old spike 5103's listing. No parent batch: every parent is known.
    assert wire(sprint) == [
        ("GET", "/projects/2101"),
        ("GET", "/projects/2101/custom_field_settings"),
        ("GET", "/projects/2101/tasks"),
        ("POST", "/batch"),
        ("POST", "/batch"),
    ]
    assert batch_actions(sprint) == [
        "/tasks/5001/subtasks",
        "/tasks/5002/subtasks",
        "/tasks/5103/subtasks",
    ]
    listing = next(r for r in sprint.requests if r.batch)
    assert listing.query["limit"] == "100"
    assert listing.query["opt_fields"].split(",")[-2:] == ["num_subtasks", "completed_at"]


def test_a_subtask_outside_the_project_sits_where_its_parent_sits(sprint: FakeAsana) -> None:
    items = {item.id: item for item in fetch(sprint, SUBTASKS).items}

    design, follow_up = items["5101"], items["5104"]
    assert (design.type, design.level, design.parent) == ("Subtask", -1, "5001")
    assert (design.project, design.sprint) == ("Checkout", "Sprint 12")
    assert (follow_up.parent, follow_up.project, follow_up.sprint) == (
        "5103",
        "Checkout",
        "Sprint 12",
    )
    assert items["5103"].carrier_only and not items["5101"].carrier_only
    assert [item.id for item in fetch(sprint, SUBTASKS).items].count("5106") == 1


def test_a_subtask_in_another_project_sits_where_its_audited_parent_sits() -> None:
    # 5101 is also filed in the Design project's Backlog: the audit of Checkout still shows
    # it under Checkout / Sprint 12, where the parent it was read through sits
    data = sprint_workspace()
    data.add_project("2201", "Design", [POINTS])
    data.add_section("2201", "3201", "Backlog")
    data.tasks["5101"]["memberships"] = [("2201", "3201")]
    server = FakeAsana(data, token=TOKEN)
    try:
        design = {item.id: item for item in fetch(server, SUBTASKS).items}["5101"]
    finally:
        server.close()
    assert (design.project, design.sprint) == ("Checkout", "Sprint 12")


def test_excluding_subtasks_wins_over_including_them(sprint: FakeAsana) -> None:
    both = AuditOptions(include_types=frozenset({"subtask"}), exclude_types=frozenset({"SUBTASK"}))
    fetch(sprint, both)

    assert not batch_actions(sprint)


def test_a_long_subtask_list_is_read_alone_page_by_page() -> None:
    data = sprint_workspace()
    for n in range(120):
        data.add_task(f"{9000 + n}", f"Step {n}", parent="5003", values={POINTS: 1})
    fake = FakeAsana(data, token=TOKEN)
    try:
        backlog = fetch(fake, SUBTASKS)
        requests = wire(fake)
        actions = batch_actions(fake)
    finally:
        fake.close()

    # The batch's first page of 5003's listing holds 100 of 120: that listing is read alone,
    # two pages of 100 a page (the batch's page is not pieced together with the rest).
    assert requests[3:] == [
        ("POST", "/batch"),
        ("GET", "/tasks/5003/subtasks"),
        ("GET", "/tasks/5003/subtasks"),
        ("POST", "/batch"),
    ]
    assert actions == ["/tasks/5001/subtasks", "/tasks/5002/subtasks", "/tasks/5003/subtasks"] + [
        "/tasks/5103/subtasks"
    ]
    steps = [item for item in backlog.items if item.parent == "5003"]
    assert len(steps) == len({item.id for item in steps}) == 120


def test_a_subtask_listing_the_token_may_not_read_is_a_warning(sprint: FakeAsana) -> None:
    sprint.inject(403, path="/tasks/5002/subtasks")

    backlog = fetch(sprint, SUBTASKS)

    assert "subtasks of task 5002 could not be read (HTTP 403)" in backlog.warnings
    assert {"5101", "5102", "5104"} <= {item.id for item in backlog.items}
    assert "5105" not in {item.id for item in backlog.items}


def test_a_subtask_listing_that_met_a_rate_limit_is_read_again_alone(sprint: FakeAsana) -> None:
    sprint.inject(429, retry_after="1", path="/tasks/5001/subtasks")

    backlog = fetch(sprint, SUBTASKS)

    assert ("GET", "/tasks/5001/subtasks") in wire(sprint)
    assert {"5101", "5102", "5104"} <= {item.id for item in backlog.items}


def test_a_batch_listing_answered_without_data_is_a_source_error(sprint: FakeAsana) -> None:
    # a 200 whose body holds no `data`: malformed, not "no subtasks" (they would be lost)
    sprint.inject(200, path="/tasks/5001/subtasks")

    with pytest.raises(SourceError, match="Asana listed subtasks of task 5001 without records"):
        fetch(sprint, SUBTASKS)


def test_a_refused_batch_endpoint_reads_each_subtask_listing_alone(sprint: FakeAsana) -> None:
    # a proxy that lets only GETs through answers the POST itself with 405
    sprint.inject(405, times=2, path="/batch")

    backlog = fetch(sprint, SUBTASKS)

    assert wire(sprint)[3:] == [
        ("POST", "/batch"),
        ("GET", "/tasks/5001/subtasks"),
        ("GET", "/tasks/5002/subtasks"),
        ("POST", "/batch"),
        ("GET", "/tasks/5103/subtasks"),
    ]
    counted = {i.id for i in backlog.items if not i.carrier_only}
    assert counted == {"5001", "5002", "5003", "5101", "5102", "5104", "5105", "5106"}


# --- --no-inherit: no parents outside the listing ------------------------------------------


def test_no_inherit_reads_no_parent_outside_the_listing(fake: FakeAsana) -> None:
    # The shared workspace (workspace.py): 4007's parent 4009 is not listed.
    inheriting = source_for(fake.base_url).fetch()
    with_parents = len(fake.requests)
    fake.requests.clear()
    not_inheriting = source_for(fake.base_url, inherit=False).fetch()

    # per project: the project, its field settings, one page of tasks (2 x 3); inheriting adds
    # one batch for the parent 4009, of one action
    assert with_parents == 2 * 3 + 1 + 1
    assert [(r.method, r.path) for r in fake.requests].count(("POST", "/batch")) == 0
    assert len(fake.requests) == 2 * 3
    assert "4009" in {i.id for i in inheriting.items if i.carrier_only}
    assert not [i for i in not_inheriting.items if i.carrier_only]
    # items in scope and their own data are the same either way
    counted = {i.id: i for i in inheriting.items if not i.carrier_only}
    assert counted == {i.id: i for i in not_inheriting.items}


def test_no_inherit_changes_no_figure_of_items_that_inherit_nothing(fake: FakeAsana) -> None:
    no_inherit = AuditOptions(inherit=False)
    with_parents = audit(source_for(fake.base_url).fetch(), file_okrs(), no_inherit)
    without = audit(source_for(fake.base_url, inherit=False).fetch(), file_okrs(), no_inherit)

    # the hand-worked figures of test_audit.py: no counted task inherits there
    assert summary_figures(without) == (11, 1, 6, 30, 15)
    assert without.summary == with_parents.summary
    assert without.items == with_parents.items


def test_no_inherit_with_subtasks_orphans_what_would_inherit(sprint: FakeAsana) -> None:
    options = AuditOptions(inherit=False, include_types=frozenset({"subtask"}))
    result = audit(fetch(sprint, options), file_okrs(), options)

    # 5101 and 5104 inherit no more: linked 5001 5003 5102 = 3 of 7; points 3+1+1 = 5 of 15
    s = result.summary.all
    assert (s.items, s.exempt_items, s.linked_items, s.linked_points) == (8, 1, 3, 5)
    assert s.coverage == pytest.approx(3 / 7)
    assert {r.key for r in result.items if r.link_state is LinkState.ORPHANED} == {
        "5002",
        "5101",
        "5104",
        "5106",
    }
    # subtasks are still read (they are counted); no parent batch was ever needed here
    assert batch_actions(sprint) == [
        "/tasks/5001/subtasks",
        "/tasks/5002/subtasks",
        "/tasks/5103/subtasks",
    ]


# --- through the command line: flags and config file reach the source ---------------------


@pytest.fixture()
def okr_file(tmp_path: Path) -> str:
    path = tmp_path / "okrs.yaml"
    path.write_text(OKR_FILE, encoding="utf-8")
    return str(path)


def audit_cli(fake: FakeAsana, project: str, okrs: str, *args: str) -> dict[str, Any]:
    """`backlog-audit audit --source asana` of `project`, its JSON report."""
    env = {"ASANA_ACCESS_TOKEN": TOKEN, "ASANA_BASE_URL": fake.base_url}
    argv = ["audit", "--source", "asana", "--asana-project", project, "--okrs", okrs]
    argv += ["--completed-since", "2026-10-01", "--format", "json", "-o", "-", "-q"]
    result = invoke([*argv, "--no-history", *args], env=env)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_cli_include_types_subtask_counts_subtasks_outside_the_project(
    sprint: FakeAsana, okr_file: str
) -> None:
    report = audit_cli(sprint, PROJECT, okr_file, "--include-types", "Subtask")

    s = report["summary"]
    assert (s["items"], s["exempt_items"], s["linked_items"], s["inherited_items"]) == (8, 1, 5, 2)
    assert (s["points"], s["linked_points"]) == (16, 8)
    assert batch_actions(sprint) == [
        "/tasks/5001/subtasks",
        "/tasks/5002/subtasks",
        "/tasks/5103/subtasks",
    ]


def test_cli_without_include_types_makes_no_subtask_request(
    sprint: FakeAsana, okr_file: str
) -> None:
    report = audit_cli(sprint, PROJECT, okr_file)

    assert report["summary"]["items"] == 3
    assert len(sprint.requests) == 3 and not batch_actions(sprint)


@pytest.mark.parametrize("how", ["flag", "config"])
def test_cli_no_inherit_reads_no_parent(
    fake: FakeAsana, okr_file: str, tmp_path: Path, how: str
) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text("no-inherit = true\n", encoding="utf-8")
    args = ["--no-inherit"] if how == "flag" else ["--config", str(config)]

    report = audit_cli(fake, GROWTH, okr_file, *args)

    # Growth alone: the project, its field settings, one page of tasks; no batch for 4009
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/projects/2001"),
        ("GET", "/projects/2001/custom_field_settings"),
        ("GET", "/projects/2001/tasks"),
    ]
    # in scope: 4001 4002 4003 4004 4005 4006 4011 4023; exempt 4003; linked 4001 4002 4006 4023
    s = report["summary"]
    assert (s["items"], s["exempt_items"], s["linked_items"], s["inherited_items"]) == (8, 1, 4, 0)


def test_cli_inheriting_reads_the_parent_outside_the_listing(
    fake: FakeAsana, okr_file: str
) -> None:
    audit_cli(fake, GROWTH, okr_file)

    assert wire(fake)[3:] == [("POST", "/batch")]
    assert batch_actions(fake) == ["/tasks/4009"]
