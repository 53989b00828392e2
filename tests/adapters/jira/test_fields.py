"""Field discovery on real `/field` lists of public Jira sites, and through the fake server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from backlog_audit.adapters.interface import FieldOption
from backlog_audit.adapters.jira.fields import FieldCatalog
from backlog_audit.adapters.jira.source import JiraSource
from backlog_audit.adapters.jira.values import ValueKind
from backlog_audit.core.references import own_references
from backlog_audit.errors import UsageError
from tests import cli_runner
from tests.adapters.jira import scenario
from tests.adapters.jira.conftest import env_for
from tests.adapters.jira.fake_server import FakeJira, FakeJiraServer, custom_field
from tests.adapters.jira.scenario import public_fields


def catalog(instance: str) -> FieldCatalog:
    return FieldCatalog.from_json(public_fields()[instance])


def test_three_story_points_fields_on_the_jira_site_are_refused_with_every_candidate() -> None:
    with pytest.raises(UsageError) as caught:
        catalog("Jira").resolve("Story Points", "story-point field (--points-field)")
    message = str(caught.value)
    for fid in ("customfield_10623", "customfield_10571", "customfield_10653"):
        assert f"{fid} (float, global)" in message
    assert "3 Jira fields have that name" in message


def test_ids_names_and_clause_names_resolve_case_insensitively() -> None:
    apache = catalog("Apache")
    for given in ("Story Points", "story points", "customfield_12310293", "cf[12310293]"):
        assert apache.resolve(given, "x").ids == ("customfield_12310293",)


@pytest.mark.parametrize(
    ("instance", "points", "sprint"),
    [
        ("Apache", ("customfield_12310293",), ("customfield_12310921",)),
        ("Sakai", ("customfield_10016",), ("customfield_10020",)),  # jsw-story-points first
        ("JiraEcosystem", ("customfield_19406",), ("customfield_10880",)),
        ("Qt", ("customfield_10183",), ("customfield_10302",)),
    ],
)
def test_story_point_and_sprint_fields_are_found_by_type(
    instance: str, points: tuple[str, ...], sprint: tuple[str, ...]
) -> None:
    found = catalog(instance)
    assert found.detect_points() is not None and found.detect_points().ids == points  # type: ignore[union-attr]
    assert found.of_type("gh-sprint").ids == sprint  # type: ignore[union-attr]


def test_detecting_points_on_the_jira_site_is_ambiguous() -> None:
    with pytest.raises(UsageError, match="'Story Points' is ambiguous"):
        catalog("Jira").detect_points()


def test_the_goals_field_reads_as_goals_and_looks_like_an_okr_field() -> None:
    sakai = catalog("Sakai")
    goals = sakai.resolve("Goals", "OKR field")
    assert goals.ids == ("customfield_10162",) and goals.kind is ValueKind.GOALS
    assert sakai.likely(sakai.by_id("customfield_10162")) == "okr"  # type: ignore[arg-type]
    assert sakai.likely(sakai.by_id("customfield_10016")) == "points"  # type: ignore[arg-type]


def test_same_named_project_fields_of_one_type_are_one_logical_field() -> None:
    fields = FieldCatalog.from_json(
        [
            custom_field("customfield_10300", "OKR", "select", project="10001"),
            custom_field("customfield_10301", "OKR", "select", project="10002"),
        ]
    )
    okr = fields.resolve("okr", "OKR field")
    assert okr.ids == ("customfield_10300", "customfield_10301")
    assert okr.kind is ValueKind.OPTION


def test_same_named_fields_of_different_types_are_refused() -> None:
    fields = FieldCatalog.from_json(
        [
            custom_field("customfield_10300", "OKR", "select", project="10001"),
            custom_field("customfield_10301", "OKR", "textfield", project="10002"),
        ]
    )
    with pytest.raises(UsageError, match=r"customfield_10300 \(select, project 10001\), "):
        fields.resolve("OKR", "OKR field")


def test_a_jql_across_team_managed_projects_reads_each_projects_field(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    site = jira_server.jira = scenario.site("cloud")
    site.fields = [f for f in site.fields if f["id"] != scenario.OKR_FIELD]
    site.fields += [
        custom_field("customfield_10300", "OKR", "select", project="10001"),
        custom_field("customfield_10301", "OKR", "select", project="10002"),
    ]
    site.issues = [
        site.issue_by_id("APP-10"),  # type: ignore[list-item]
        site.issue_by_id("APP-20"),  # type: ignore[list-item]
    ]
    site.issues[0].custom = {"customfield_10300": {"value": "KR1.1"}}
    site.issues[1].custom = {"customfield_10301": {"value": "KR2.1"}}
    site.issues[0].parent = None
    backlog = make_source(jql="project in (APP, WEB)").fetch()
    assert {i.key: i.references for i in backlog.items} == {
        "APP-10": ("KR1.1",),
        "APP-20": ("KR2.1",),
    }


def test_an_ambiguous_points_field_stops_the_audit_with_exit_2(
    jira_server: FakeJiraServer, make_source: Callable[..., JiraSource]
) -> None:
    jira_server.jira = FakeJira("dc", custom_fields=public_fields()["Jira"])
    with pytest.raises(UsageError) as caught:
        make_source(jql="project = APP", points_field="Story Points").fetch()
    assert caught.value.exit_code == 2
    assert "customfield_10653" in str(caught.value)


def test_an_unknown_okr_field_is_exit_2_but_a_missing_default_leaves_labels(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    with pytest.raises(UsageError, match="no field named or with id 'Objective'"):
        make_source(jql="project = APP", okr_field="Objective").fetch()
    site.fields = [f for f in site.fields if f["name"] != "OKR"]
    backlog = make_source(jql="key = APP-33").fetch()
    assert "only labels are read as OKR links" in backlog.warnings[0]
    assert backlog.items[0].labels == ("okr:KR2.1",) and backlog.items[0].references == ()


def test_labels_as_the_okr_field_are_read_by_the_one_label_rule(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Issue 11, point 4: the core reads labels (a prefix, or a label naming the OKR set
    # exactly), so that "important" is ignored instead of being a dangling link.
    site.issue_by_id("APP-33").labels = ["okr:KR2.1", "KR1.2"]  # type: ignore[union-attr]
    backlog = make_source(jql="key = APP-33", okr_field="labels").fetch()
    assert backlog.items[0].references == ()
    assert backlog.items[0].labels == ("okr:KR2.1", "KR1.2")


def test_a_text_area_okr_field_is_split_after_adf_and_wiki_links(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    # Cloud serves it as an ADF document (v3), Data Center as wiki text (v2)
    issue = site.issue_by_id("APP-12")
    issue.custom[scenario.NOTES_FIELD] = "[KR1.1|https://okrs.example/kr/1.1]\nKR2.1; KR1.2"  # type: ignore[union-attr]
    backlog = make_source(jql="key = APP-12", okr_field="OKR notes").fetch()
    item = backlog.items[0]
    # the text, whole: the core tries it whole, then splits it (SPEC 4, issue 11 point 5)
    assert item.references == () and item.free_text == ("KR1.1\nKR2.1; KR1.2",)
    assert own_references((), (), (), item.free_text) == ("KR1.1", "KR2.1", "KR1.2")


def test_a_text_okr_field_that_names_an_alias_whole_is_one_reference(
    site: FakeJira, jira_server: FakeJiraServer, tmp_path: Path
) -> None:
    issue = site.issue_by_id("APP-12")
    issue.custom[scenario.NOTES_FIELD] = "Testing, Iteration & Documentation (D2)"  # type: ignore[union-attr]
    okrs = tmp_path / "okrs.yaml"
    okrs.write_text(
        "objectives:\n  - id: O1\n    title: Ship\n    key_results:\n      - id: KR1.2\n"
        "        title: Docs\n        aliases: ['Testing, Iteration & Documentation (D2)']\n",
        encoding="utf-8",
    )
    args = ["audit", "--source", "jira", "--okrs", str(okrs), "--jql", "key = APP-12"]
    args += ["--okr-field", "OKR notes", "--format", "json", "-o", "-", "--no-history"]
    result = cli_runner.invoke(args, 0, env=env_for(site, jira_server.url))
    (item,) = json.loads(result.stdout)["items"]
    assert (item["key_results"], item["link_state"]) == (["KR1.2"], "linked")


def test_points_come_from_the_board_estimation_field(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.fields.append(custom_field("customfield_10400", "Effort", "float"))
    site.boards[0].estimation_field = "customfield_10400"
    site.issue_by_id("APP-10").custom["customfield_10400"] = 13.0  # type: ignore[union-attr]
    backlog = make_source(board=7, sprint="active").fetch()
    assert {i.key: i.points for i in backlog.items}["APP-10"] == 13.0


def test_points_that_are_no_estimate_are_warned_about_by_key_and_left_unestimated(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    field = scenario.POINTS_FIELD[site.mode]
    name = "Story point estimate" if site.mode == "cloud" else "Story Points"
    site.issue_by_id("APP-10").custom[field] = -3.0  # type: ignore[union-attr]
    site.issue_by_id("APP-1").custom[field] = 1e308  # the parent: read, but not counted  # type: ignore[union-attr]
    backlog = make_source(jql="key in (APP-10, APP-11)").fetch()
    points = {i.key: i.points for i in backlog.items}
    assert points == {"APP-10": None, "APP-11": 3.0, "APP-1": None}
    bad = [w for w in backlog.warnings if "points from 0" in w]
    assert bad == [
        f"APP-10: {name} -3.0 is not a number of points from 0 to 1,000,000,000: "
        "counted as unestimated"
    ]


def test_a_time_based_board_estimation_is_warned_about(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.boards[0].estimation_field = "timeoriginalestimate"
    backlog = make_source(board=7, sprint="active").fetch()
    assert any("estimates in time (timeoriginalestimate)" in w for w in backlog.warnings)
    assert {i.key: i.points for i in backlog.items}["APP-10"] == 5.0  # the story-point field


def test_fields_lists_options_and_marks_likely_fields(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    listed = {f.id: f for f in make_source().fields("okr")}
    assert set(listed) == {scenario.OKR_FIELD, scenario.NOTES_FIELD}
    okr = listed[scenario.OKR_FIELD]
    assert (okr.name, okr.type, okr.scope, okr.likely) == ("OKR", "select", "global", "okr")
    assert okr.options == (
        FieldOption("20001", "KR1.1", False),
        FieldOption("20002", "KR0.3", True),
    )
    points = make_source().fields("story point")
    assert [(f.id, f.likely) for f in points] == [(scenario.POINTS_FIELD[site.mode], "points")]


@pytest.mark.parametrize("mode", ["cloud"])  # Cloud pages contexts and options
def test_fields_lists_every_option_across_pages(
    site: FakeJira, make_source: Callable[..., JiraSource]
) -> None:
    site.options[scenario.OKR_FIELD] = [
        {"id": str(30000 + n), "value": f"KR{n}.1", "disabled": n % 2 == 0} for n in range(250)
    ]
    site.options_cap = 100
    listed = make_source().fields("OKR")
    okr = next(f for f in listed if f.id == scenario.OKR_FIELD)
    assert len(okr.options) == 250
    assert okr.options[249] == FieldOption("30249", "KR249.1", False)
    assert okr.options[248].disabled
    pages = [r.query.get("startAt") for r in site.requests if r.path.endswith("/option")]
    assert pages == [["0"], ["100"], ["200"]]


@pytest.mark.parametrize(
    ("instance", "points"),
    [
        ("Apache", {"customfield_12310293"}),  # not "Original story points" (Advanced Roadmaps)
        ("Qt", {"customfield_10183"}),
        ("Sakai", {"customfield_10016", "customfield_10026"}),
    ],
)
def test_likely_points_fields_on_public_sites_leave_out_original_estimates(
    instance: str, points: set[str]
) -> None:
    found = catalog(instance)
    assert {f.id for f in found.fields if found.likely(f) == "points"} == points
