"""Lean requests: the request budget, page handling, parent batches, counts and warnings."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from backlog_audit.adapters.jira.issues import BASE_FIELDS
from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.core.audit import audit
from backlog_audit.errors import SourceError, UsageError
from backlog_audit.model import AuditOptions
from tests.adapters.jira import scenario
from tests.adapters.jira.fake_server import FakeIssue, FakeJira, FakeJiraServer, FakeSprint

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
SEARCH_PATHS = ("/rest/api/3/search/jql", "/rest/api/2/search")


def big_site(mode: str, n: int, epics: int = 1) -> FakeJira:
    """`n` stories in project BIG on board 7's active sprint 42, spread over `epics` epics
    of project EPIC (outside any query on BIG)."""
    site = scenario.site(mode)
    site.issues = [
        FakeIssue(
            str(50000 + e),
            f"EPIC-{e + 1}",
            type="Epic",
            custom={scenario.OKR_FIELD: {"value": "KR1.1"}},
        )
        for e in range(epics)
    ]
    site.issues += [
        FakeIssue(str(60000 + i), f"BIG-{i + 1}", sprints=[42], parent=str(50000 + i % epics))
        for i in range(n)
    ]
    return site


def searches(site: FakeJira) -> list[object]:
    """The scope's search requests (not the searches for parents by key)."""
    return [
        r
        for r in site.requests
        if r.path in SEARCH_PATHS and "issuekey in" not in r.body["jql"]  # type: ignore[index]
    ]


@pytest.mark.parametrize("n", [1, 100, 101, 250, 1000])
def test_cloud_jql_audit_of_n_issues_makes_at_most_pages_plus_five_requests(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource], n: int
) -> None:
    jira_server.jira = big_site("cloud", n)
    backlog = make_source(jql="project = BIG").fetch()
    assert sum(1 for i in backlog.items if not i.carrier_only) == n
    batches = math.ceil(n / 100)  # bulkfetch takes 100 ids a request
    # serverInfo + field list + one page of ids (5,000 a page) + batches + one bulk fetch of
    # the epic
    assert jira_server.jira.count() == 2 + 1 + batches + 1
    assert jira_server.jira.count() <= batches + 5


@pytest.mark.parametrize("n", [1, 250, 1000])
def test_cloud_sprint_audit_of_n_issues_stays_within_the_budget(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource], n: int
) -> None:
    jira_server.jira = big_site("cloud", n)
    make_source(board=7, sprint="active").fetch()
    batches = math.ceil(n / 100)
    # serverInfo, field list, board configuration, active sprints, a page of ids, batches,
    # one parent batch: within ceil(N/100) + 5 plus the parent fetches
    assert len(jira_server.jira.parent_batches()) == 1
    assert jira_server.jira.count() == batches + 6 == batches + 5 + 1


def with_initiative(site: FakeJira, epic_link: dict[str, object] | None) -> FakeJira:
    """`site` (a `big_site`) with initiative INI-1 above every epic; `epic_link` replaces the
    epics' OKR field value (None: the epics carry no link)."""
    site.issues.append(FakeIssue("40001", "INI-1", type="Initiative"))
    for issue in site.issues:
        if issue.type == "Epic":
            issue.parent = "40001"
            issue.custom = {scenario.OKR_FIELD: epic_link} if epic_link else {}
    return site


def test_a_250_issue_sprint_with_linked_epics_over_initiatives_stays_within_the_budget(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    # 250 stories over 3 epics outside the scope; the epics sit under an initiative. The
    # epics carry links, so inheritance stops there: the initiative is never fetched.
    site = jira_server.jira = with_initiative(big_site("cloud", 250, epics=3), {"value": "KR1.1"})
    backlog = make_source(board=7, sprint="active").fetch()
    assert {i.key for i in backlog.items if i.carrier_only} == {"EPIC-1", "EPIC-2", "EPIC-3"}
    # serverInfo, field list, board configuration, active sprints, a page of ids, 3 batches,
    # 1 parent batch
    assert site.count() == 9 == math.ceil(250 / 100) + 5 + len(site.parent_batches())


def test_a_parent_linked_only_by_a_prefixed_label_also_ends_the_climb(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = with_initiative(big_site("cloud", 10, epics=2), None)
    site.issue_by_id("EPIC-1").labels = ["okr:KR1.1"]  # type: ignore[union-attr]
    site.issue_by_id("EPIC-2").labels = ["KR1.1"]  # no prefix: not a reference  # type: ignore[union-attr]
    backlog = make_source(jql="project = BIG").fetch()
    # EPIC-2 has no references, so its initiative is fetched, once (EPIC-1's is the same one)
    assert site.parent_batches() == [["50000", "50001"], ["40001"]]
    assert "INI-1" in {i.key for i in backlog.items}


def test_only_the_fields_the_audit_reads_are_asked_for(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    make_source(jql="project = APP").fetch()
    if site.mode == "cloud":  # the search lists ids alone; the bulk fetches ask for fields
        assert searches(site)[0].body["fields"] == ["id"]  # type: ignore[attr-defined]
        asked = next(r.body["fields"] for r in site.requests if "bulkfetch" in r.path)  # type: ignore[index]
    else:
        asked = searches(site)[0].body["fields"]  # type: ignore[attr-defined]
    custom = [scenario.OKR_FIELD, scenario.POINTS_FIELD[site.mode], site.sprint_field]
    if site.mode == "dc":
        custom.append("customfield_10014")  # the Epic Link, where DC keeps epic parents
    assert asked == [*BASE_FIELDS, *custom]
    assert not any("/issue/" in r.path and "bulkfetch" not in r.path for r in site.requests)


def test_short_pages_advance_by_what_came_back(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource], mode: str
) -> None:
    site = jira_server.jira = big_site(mode, 100)
    site.cloud_ids_cap, site.dc_cap = 37, 7  # fewer than the adapter asks for
    backlog = make_source(jql="project = BIG").fetch()
    keys = [i.key for i in backlog.items if not i.carrier_only]
    assert keys == [f"BIG-{i}" for i in range(1, 101)]  # in the search's order
    assert len(searches(site)) == (3 if mode == "cloud" else 15)  # ceil(100/37), ceil(100/7)
    if mode == "dc":
        # the pages after the first are asked for together: they arrive in any order
        starts = sorted(r.body["startAt"] for r in searches(site))  # type: ignore[attr-defined]
        assert starts == list(range(0, 100, 7))


def test_an_issue_sent_twice_counts_once(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = big_site("cloud", 250)
    site.cloud_ids_cap = 100
    site.page_overlap = 3  # each page repeats the last 3 issues of the one before
    backlog = make_source(jql="project = BIG").fetch()
    ids = [i.id for i in backlog.items]
    assert len(ids) == len(set(ids)) == 251  # 250 stories and their epic


def test_bad_points_of_many_issues_are_one_warning_and_a_repeat_counts_once(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = big_site("cloud", 250)
    site.cloud_ids_cap = 100
    site.page_overlap = 3  # 3 issues come twice, on two pages
    for issue in site.issues:
        if issue.key.startswith("BIG-"):
            issue.custom[scenario.POINTS_FIELD["cloud"]] = -1.0
    backlog = make_source(jql="project = BIG").fetch()
    bad = [w for w in backlog.warnings if "is not a number of points" in w]
    assert bad == [
        "250 items: Story point estimate is not a number of points from 0 to 1,000,000,000 (-1.0), "
        "counted as unestimated "
        "(BIG-1, BIG-2, BIG-3, BIG-4, BIG-5, BIG-6, BIG-7, BIG-8, BIG-9, BIG-10, ... first 10)"
    ]


def test_parents_come_in_batches_of_at_most_100(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource], mode: str
) -> None:
    site = jira_server.jira = big_site(mode, 150, epics=150)
    backlog = make_source(jql="project = BIG").fetch()
    assert sum(1 for i in backlog.items if i.carrier_only) == 150
    # asked for together: in any order
    assert sorted(len(b) for b in site.parent_batches()) == [50, 100]


def test_a_parent_nobody_may_see_fails_neither_batch_nor_audit(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.hidden.add("10001")  # epic APP-1
    backlog = make_source(board=7, sprint="active").fetch()
    fetched = {i.key for i in backlog.items if i.title}
    assert "APP-1" not in fetched and "APP-2" in fetched  # the visible parent of the batch came
    # the hidden epic stays named, as a stub without links (issue 11, point 9)
    (stub,) = [i for i in backlog.items if i.key == "APP-1"]
    assert stub.carrier_only and (stub.title, stub.references) == ("", ())
    assert (
        "1 parent issue(s) could not be read (no permission, or deleted): APP-1" in backlog.warnings
    )


def test_parents_are_followed_three_levels_up_and_no_further(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = scenario.site("cloud")
    # APP-5 -> EPC-1 -> INI-1 -> TOP-2 -> TOP-1: the fourth level up is never fetched
    site.issues = [
        FakeIssue("1", "TOP-1", type="Theme"),
        FakeIssue("2", "TOP-2", type="Theme", parent="1"),
        FakeIssue("3", "INI-1", type="Initiative", parent="2"),
        FakeIssue("4", "EPC-1", type="Epic", parent="3"),
        FakeIssue("5", "APP-5", type="Story", parent="4"),
    ]
    backlog = make_source(jql="project = APP").fetch()
    assert {i.key for i in backlog.items if i.carrier_only} == {"EPC-1", "INI-1", "TOP-2"}
    assert len(site.parent_batches()) == 3


def test_several_active_sprints_are_audited_together(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.sprints.append(FakeSprint(46, "Sprint 42b", "active", 7, "2026-11-09T09:00:00.000Z"))
    site.issue_by_id("APP-22").sprints = [46]  # type: ignore[union-attr]
    backlog = make_source(board=7, sprint="active").fetch()
    scoped = {i.key: i.sprint for i in backlog.items if not i.carrier_only}
    assert scoped["APP-22"] == "Sprint 42b" and scoped["APP-10"] == "Sprint 42"
    assert searches(site)[0].body["jql"] == "sprint in (42, 46)"  # type: ignore[attr-defined]


def test_a_sprint_list_cut_short_by_a_server_ignoring_start_at_is_a_source_warning(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # one sprint a page, and every page is the first: the second active sprint is never seen
    site.sprints.append(FakeSprint(46, "Sprint 42b", "active", 7, "2026-11-09T09:00:00.000Z"))
    site.agile_cap, site.sprints_ignore_start = 1, True
    backlog = make_source(board=7, sprint="active").fetch()
    assert searches(site)[0].body["jql"] == "sprint = 42"  # type: ignore[attr-defined]
    assert (
        "Jira sent the same entries again for startAt=1 of /rest/agile/1.0/board/7/sprint "
        "(startAt ignored?): the list stops at 1 entries"
    ) in backlog.warnings


def test_a_sprint_name_missing_from_a_list_cut_short_says_the_list_may_be_incomplete(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # The error ends the run before any warning is shown, so it carries the warning itself.
    site.sprints.append(FakeSprint(46, "Sprint 42b", "active", 7, "2026-11-09T09:00:00.000Z"))
    site.agile_cap, site.sprints_ignore_start = 1, True
    with pytest.raises(UsageError) as caught:
        make_source(board=7, sprint="Sprint 42b").fetch()
    assert str(caught.value) == (
        "board 7 has no sprint named 'Sprint 42b'; the sprint list may be incomplete: "
        "Jira sent the same entries again for startAt=1 of /rest/agile/1.0/board/7/sprint "
        "(startAt ignored?): the list stops at 1 entries"
    )


def test_a_count_that_disagrees_with_the_items_received_is_warned_about(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = scenario.site("dc")
    site.total_skew = 2
    backlog = make_source(jql="project = APP AND type = Bug").fetch()
    assert "Jira counted 3 issues but sent 1" in " ".join(backlog.warnings)


def test_an_empty_scope_is_warned_about(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    backlog = make_source(jql="project = NOPE").fetch()
    assert backlog.items == () and "the scope holds no issues" in backlog.warnings


def test_a_board_without_an_active_sprint_searches_nothing(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.sprints = [s for s in site.sprints if s.state != "active"]
    backlog = make_source(board=7, sprint="active").fetch()
    assert backlog.items == ()
    assert "board 7 has no active sprint: nothing to audit" in backlog.warnings
    assert searches(site) == []


def test_progress_reports_items_received(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource], mode: str
) -> None:
    site = jira_server.jira = big_site(mode, 250)
    site.dc_cap = 100
    seen: list[tuple[int, int | None]] = []
    make_source(jql="project = BIG").fetch(lambda got, total: seen.append((got, total)))
    if mode == "dc":  # the pages are taken in order
        assert seen == [(100, 250), (200, 250), (250, 250)]
    else:  # Cloud: the listed ids are the total; the batches finish in any order
        assert len(seen) == 3 and seen[-1] == (250, 250)
        assert [got for got, _ in seen] == sorted(got for got, _ in seen)
        assert {total for _, total in seen} == {250}


def test_a_page_token_handed_out_twice_stops_the_search(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = big_site("cloud", 350)
    site.cloud_ids_cap = 100
    site.stuck_token = True
    with pytest.raises(SourceError, match="page 2 hands out a page token given before"):
        make_source(jql="project = BIG").fetch()
    assert len(searches(site)) == 2  # the second page hands back the token it was sent


def test_a_cycle_of_parents_ends_the_climb_and_the_audit(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    # APP-5 -> EPC-1 -> INI-1 -> EPC-1 ...: a broken hierarchy must not loop or fail
    site = jira_server.jira = scenario.site("cloud")
    site.issues = [
        FakeIssue("3", "INI-1", type="Initiative", parent="4"),
        FakeIssue("4", "EPC-1", type="Epic", parent="3"),
        FakeIssue("5", "APP-5", type="Story", parent="4"),
    ]
    backlog = make_source(jql="project = APP").fetch()
    assert {i.key: i.parent for i in backlog.items} == {"APP-5": "4", "EPC-1": "3", "INI-1": "4"}
    assert len(site.parent_batches()) == 2  # EPC-1, then INI-1; INI-1's parent is known
    result = audit(backlog, scenario.OKRS, AuditOptions(), NOW)
    assert [(r.key, r.link_state.value) for r in result.items] == [("APP-5", "orphaned")]


def test_sprints_are_asked_for_at_the_largest_page_and_paged_by_what_came_back(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # 120 closed sprints before board 7's own five; the agile API sends 50 a page
    site.sprints += [FakeSprint(1000 + n, f"Old {n}", "closed", 7) for n in range(120)]
    site.issue_by_id("APP-22").sprints = [1119]  # type: ignore[union-attr]
    backlog = make_source(board=7, sprint="Old 119").fetch()
    assert [i.key for i in backlog.items if not i.carrier_only] == ["APP-22"]
    asked = [
        (r.query["startAt"], r.query["maxResults"]) for r in site.requests if "/sprint" in r.path
    ]
    assert asked == [(["0"], ["1000"]), (["50"], ["1000"]), (["100"], ["1000"])]


@pytest.mark.parametrize(("errors", "fetches", "read"), [(1, 2, True), (2, 2, False)])
def test_a_parent_jira_failed_to_read_is_asked_for_once_more(
    jira_server: FakeJiraServer,
    make_source: Callable[..., JiraSource],
    errors: int,
    fetches: int,
    read: bool,
) -> None:
    # bulkfetch lists issues it could not read this time in `issueErrors` (a retriable error)
    site = jira_server.jira = scenario.site("cloud")
    site.bulk_errors["10001"] = errors  # epic APP-1, parent of APP-10 in the active sprint
    backlog = make_source(board=7, sprint="active").fetch()
    batches = site.parent_batches()
    assert len(batches) == fetches
    assert batches[1] == ["10001"]  # only the failed one is asked for again
    assert ("APP-1" in {i.key for i in backlog.items if i.title}) is read
    warned = any("could not be read" in w and "APP-1" in w for w in backlog.warnings)
    assert warned is not read
