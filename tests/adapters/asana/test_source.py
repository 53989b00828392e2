"""`AsanaSource` on the wire: what it asks for, paging, fields, and how it fails."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date

import pytest

from backlog_audit.adapters import make_source
from backlog_audit.adapters.asana.source import AsanaSource
from backlog_audit.adapters.asana.tasks import TASK_FIELDS
from backlog_audit.errors import EXIT_SOURCE, EXIT_USAGE, SourceError, UsageError
from backlog_audit.run import AuditRequest
from tests.adapters.asana.fake_server import AsanaData, FakeAsana
from tests.adapters.asana.workspace import (
    GROWTH,
    OKR_ENUM,
    POINTS,
    TOKEN,
    Sleeps,
    config_for,
    file_okrs,
    source_for,
)


def _task_listings(fake: FakeAsana) -> list[dict[str, str]]:
    return [r.query for r in fake.requests if r.path.endswith("/tasks")]


def test_make_source_builds_the_asana_source(fake: FakeAsana) -> None:
    parts = config_for(fake.base_url)
    source = make_source("asana", parts.settings, asdict(parts.config), parts.credentials)

    assert isinstance(source, AsanaSource)


def test_asks_only_for_the_fields_it_reads_100_a_page(fake: FakeAsana) -> None:
    source_for(fake.base_url).fetch()

    queries = _task_listings(fake)
    assert len(queries) == 2  # one page per project
    for query in queries:
        assert query["limit"] == "100"
        assert query["opt_fields"] == TASK_FIELDS
        assert query["completed_since"] == "2026-10-01T00:00:00.000Z"
    # Each one read by the audit: kind, status, parent, assignee, URL, sprint and project,
    # and the OKR and points custom fields' values. Nothing else (notes, followers, dates...).
    assert sorted(TASK_FIELDS.split(",")) == [
        "assignee.name",
        "completed",
        "custom_fields.enum_value.name",
        "custom_fields.multi_enum_values.name",
        "custom_fields.name",
        "custom_fields.number_value",
        "custom_fields.resource_subtype",
        "custom_fields.text_value",
        "memberships.project.name",
        "memberships.section.name",
        "name",
        "parent",
        "permalink_url",
        "resource_subtype",
    ]


def test_completed_since_defaults_to_the_cycle_start_else_90_days_back() -> None:
    config = config_for("http://127.0.0.1:9/api/1.0", completed_since=None)
    source = AsanaSource(*config, today=lambda: date(2026, 11, 22))

    assert source.completed_since() == date(2026, 8, 24)
    assert source.completed_since(date(2026, 10, 1)) == date(2026, 10, 1)


def test_completed_work_since_the_okr_sets_cycle_start_is_in_scope_by_default() -> None:
    # Moved from tests/test_run.py: run.py no longer fills in --completed-since for Asana;
    # the source reads the cycle start from the OKR set it is given.
    okrs = replace(file_okrs(), cycle_start=date(2026, 10, 1))
    base = "http://127.0.0.1:9/api/1.0"
    source = AsanaSource(*config_for(base, completed_since=None, okr_set=okrs))
    assert source.completed_since() == date(2026, 10, 1)
    chosen = AsanaSource(*config_for(base, completed_since=date(2026, 11, 1), okr_set=okrs))
    assert chosen.completed_since() == date(2026, 11, 1)


def test_goals_time_period_start_is_the_default_completed_since(fake: FakeAsana) -> None:
    goals = "asana-goals:1000:6001"  # Q4 FY26 starts 2026-10-01
    source_for(fake.base_url, completed_since=None, okrs=goals).fetch()

    assert {q["completed_since"] for q in _task_listings(fake)} == {"2026-10-01T00:00:00.000Z"}


def test_pages_are_followed_until_next_page_is_null() -> None:
    data = AsanaData()
    data.add_field("1", "OKR", "text")
    data.add_project("2", "Big", ["1"])
    data.add_section("2", "3", "Untitled section")
    for n in range(250):
        data.add_task(str(10_000 + n), f"Task {n}", [("2", "3")], values={"1": "KR1.1"})
    seen: list[int] = []
    with _serving(data) as fake:
        backlog = AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch(
            lambda received, total: seen.append(received)
        )
        listings = _task_listings(fake)

    assert len(backlog.items) == 250
    assert len({item.id for item in backlog.items}) == 250
    assert [("offset" in q) for q in listings] == [False, True, True]
    assert seen == [100, 200, 250]


def test_points_come_from_a_detected_story_points_field(fake: FakeAsana) -> None:
    items = {item.id: item for item in source_for(fake.base_url).fetch().items}

    assert (items["4001"].points, items["4006"].points) == (3.0, None)


def test_points_that_are_no_estimate_are_warned_about_and_left_unestimated(
    fake: FakeAsana,
) -> None:
    fake.data.tasks["4001"]["values"][POINTS] = 1e308  # two would sum to infinity
    fake.data.tasks["4002"]["values"][POINTS] = -5
    fake.data.tasks["4009"]["values"][POINTS] = -1  # a parent read as a carrier: not counted
    backlog = source_for(fake.base_url).fetch()
    items = {item.id: item for item in backlog.items}

    assert (items["4001"].points, items["4002"].points, items["4009"].points) == (None,) * 3
    assert items["4003"].points == 2.0
    assert [w for w in backlog.warnings if "points" in w] == [
        # one warning for all of them: a field of bad values must not flood the report
        "2 items: points is not a number of points from 0 to 1,000,000,000 (1e+308, -5), "
        "counted as unestimated (task 4001 (Onboarding checklist), task 4002 (Invite flow))"
    ]


def test_a_single_bad_points_value_is_named_with_its_task(fake: FakeAsana) -> None:
    fake.data.tasks["4002"]["values"][POINTS] = -5
    backlog = source_for(fake.base_url).fetch()
    assert [w for w in backlog.warnings if "points" in w] == [
        "task 4002 (Invite flow): points -5 is not a number of points from 0 to 1,000,000,000: "
        "counted as unestimated"
    ]


def _with_estimate_field(fake: FakeAsana, values: dict[str, float]) -> None:
    """Give Growth a second usual points field, `Estimate`, with these task values."""
    fake.data.add_field("505", "Estimate", "number")
    fake.data.project_fields[GROWTH].append("505")
    for gid, value in values.items():
        fake.data.tasks[gid]["values"]["505"] = value


def test_the_points_field_holding_most_estimates_is_read_first(fake: FakeAsana) -> None:
    # Issue 11, point 2: Growth carries Story Points and Estimate, and its team fills Estimate
    growth = [gid for gid, t in fake.data.tasks.items() if POINTS in t["values"]]
    growth = [gid for gid in growth if fake.data.tasks[gid]["memberships"][0][0] == GROWTH]
    moved = {gid: fake.data.tasks[gid]["values"].pop(POINTS) for gid in growth}
    _with_estimate_field(fake, {gid: value for gid, value in moved.items() if value is not None})
    backlog = source_for(fake.base_url).fetch()
    points = {item.key: item.points for item in backlog.items}
    read = {gid: value for gid, value in moved.items() if gid in points}
    assert {gid: points[gid] for gid in read} == read
    assert len([v for v in read.values() if v is not None]) >= 3
    assert not [w for w in backlog.warnings if "estimates" in w]


def test_two_points_fields_that_disagree_warn_and_name_the_one_used(fake: FakeAsana) -> None:
    _with_estimate_field(fake, {"4001": 8})
    backlog = source_for(fake.base_url).fetch()
    assert {i.key: i.points for i in backlog.items}["4001"] == 3  # Story Points holds more
    assert (
        "1 items have different estimates in 'story points' and 'estimate' (first: task 4001: "
        "3 vs 8); 'story points' is used (--points-field names another)"
    ) in backlog.warnings


def test_named_points_field_must_exist_and_be_a_number_or_an_enum(fake: FakeAsana) -> None:
    with pytest.raises(UsageError, match="no custom field 'Effort'.*OKR \\(enum\\), Story Points"):
        source_for(fake.base_url, points_field="Effort").fetch()
    # An enum estimate (`.5 (30 min)`, `M`) is read by the one points rule (issue 11, point
    # 6); a text field is still no estimate.
    with pytest.raises(UsageError, match="is a text field; expected enum or number"):
        source_for(fake.base_url, points_field="OKR").fetch()


def test_unknown_okr_field_exits_2_listing_the_projects_fields(fake: FakeAsana) -> None:
    with pytest.raises(UsageError) as caught:
        source_for(fake.base_url, okr_field="Objective").fetch()

    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == (
        "Asana project Growth (2001) has no custom field 'Objective' (--okr-field); "
        "its custom fields: OKR (enum), Story Points (number)"
    )


def test_unknown_section_exits_2_listing_the_sections(fake: FakeAsana) -> None:
    with pytest.raises(UsageError, match="no section 'Sprint 99'.*Sprint 12, Sprint 13, Backlog"):
        source_for(fake.base_url, asana_section="Sprint 99").fetch()


def test_missing_token_or_project_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="set ASANA_ACCESS_TOKEN"):
        AsanaSource(*config_for("http://127.0.0.1:9", env={"ASANA_BASE_URL": "http://127.0.0.1:9"}))
    with pytest.raises(UsageError, match="--asana-project"):
        AsanaSource(*config_for("http://127.0.0.1:9", asana_project=()))


def test_fields_lists_custom_fields_with_types_and_options(fake: FakeAsana) -> None:
    fields = {f.id: f for f in source_for(fake.base_url).fields()}

    assert [(f.name, f.type, f.scope, f.likely) for f in fields.values()] == [
        ("OKR", "enum", "Growth", "okr"),
        ("Story Points", "number", "Growth, Platform", "points"),
        ("OKR", "text", "Platform", "okr"),
    ]
    assert [o.value for o in fields[OKR_ENUM].options] == [
        "KR1.1",
        "KR1.2",
        "KR2.1",
        "BAU",
        "KR0.3",
        "KR1.5",
    ]
    assert [f.id for f in source_for(fake.base_url).fields("story")] == [POINTS]


# --- failures -------------------------------------------------------------------------------


def test_429_is_retried_after_retry_after(fake: FakeAsana, sleeps: Sleeps) -> None:
    fake.inject(429, times=2, retry_after="7", path="/tasks")

    # One project: two listings read at once could share the two 429s (and the other would
    # wait at the gate, tested in test_parallel.py).
    backlog = source_for(fake.base_url, sleeps, asana_project=(GROWTH,)).fetch()

    assert len(backlog.items) == 11
    assert sleeps == [7.0, 7.0]
    assert _task_listings(fake)[:3] == [_task_listings(fake)[2]] * 3  # the same page, thrice


def test_5xx_is_retried_with_backoff(fake: FakeAsana, sleeps: Sleeps) -> None:
    fake.inject(503, times=1, path="/custom_field_settings")
    fake.inject(500, times=1, path="/custom_field_settings")

    # One project: the two projects' fields are read at once, and each would meet a fault.
    source_for(fake.base_url, sleeps, asana_project=(GROWTH,)).fetch()

    assert sleeps == [1.0, 2.0]


def test_429_that_never_ends_exits_3_after_bounded_waits(fake: FakeAsana, sleeps: Sleeps) -> None:
    fake.inject(429, times=100, retry_after="30")

    with pytest.raises(SourceError) as caught:
        # One project: two read at once would each wait, and be waited for at the gate.
        source_for(fake.base_url, sleeps, asana_project=(GROWTH,)).fetch()

    assert caught.value.exit_code == EXIT_SOURCE
    assert str(caught.value) == (
        "Asana kept answering HTTP 429 for project 2001 after 4 retries: "
        "You have made too many requests recently. Please, be chill."
    )
    assert sleeps == [30.0] * 4  # the waits asked for, and no more of them than 4


def test_429_asking_for_longer_than_is_waited_exits_3_at_once(
    fake: FakeAsana, sleeps: Sleeps
) -> None:
    # Retrying before the asked time only earns another 429: give up now, and say why.
    fake.inject(429, times=100, retry_after="3600")

    with pytest.raises(SourceError) as caught:
        source_for(fake.base_url, sleeps).fetch()

    assert str(caught.value) == (
        "Asana answered HTTP 429 for project 2001: it asks to wait 3600 s, longer than the "
        "60 s waited: You have made too many requests recently. Please, be chill."
    )
    assert sleeps == []


def test_401_exits_3_in_one_line_without_the_token(fake: FakeAsana) -> None:
    source = AsanaSource(
        *config_for(
            fake.base_url,
            env={"ASANA_ACCESS_TOKEN": "wrong-" + TOKEN, "ASANA_BASE_URL": fake.base_url},
        )
    )
    with pytest.raises(SourceError) as caught:
        source.fetch()

    message = str(caught.value)
    assert caught.value.exit_code == EXIT_SOURCE
    assert message == (
        "Asana refused the access token (HTTP 401) while reading project 2001: "
        "check ASANA_ACCESS_TOKEN"
    )
    assert TOKEN not in message and "\n" not in message
    # 401 is not retried; both projects are read at once, and the first one's error is shown
    assert sorted(r.path for r in fake.requests) == ["/projects/2001", "/projects/2002"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (403, "Asana denied access (HTTP 403) to tasks of project 2001: Forbidden"),
        (404, "Asana found no tasks of project 2001 (HTTP 404): check the gid: Not Found"),
    ],
)
def test_403_and_404_exit_3(fake: FakeAsana, status: int, expected: str) -> None:
    fake.inject(status, path="/projects/2001/tasks")

    with pytest.raises(
        SourceError, match="^" + expected.replace("(", r"\(").replace(")", r"\)") + "$"
    ):
        source_for(fake.base_url).fetch()


def test_unknown_project_exits_3_with_asanas_message(fake: FakeAsana) -> None:
    with pytest.raises(SourceError) as caught:
        source_for(fake.base_url, asana_project=("999",)).fetch()

    assert str(caught.value) == (
        "Asana found no project 999 (HTTP 404): check the gid: project: Not a recognized ID: 999"
    )


def test_unreadable_parent_is_a_warning_not_a_failure(fake: FakeAsana) -> None:
    fake.inject(403, path="/tasks/4009")

    backlog = source_for(fake.base_url).fetch()

    assert "parent task 4009 could not be read (HTTP 403): not inherited" in backlog.warnings
    assert "4009" not in {item.id for item in backlog.items}


def test_unreachable_server_exits_3() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=rf"could not reach Asana at http://127.0.0.1:{port}/api"):
        source_for(f"http://127.0.0.1:{port}/api/1.0").fetch()


def test_timeout_exits_3() -> None:
    with _silent_server() as port:
        source = source_for(f"http://127.0.0.1:{port}/api/1.0", timeout=0.2)
        with pytest.raises(
            SourceError, match="did not answer within 0.2 s while reading project 2001"
        ):
            source.fetch()


def test_proxy_credentials_in_the_base_url_are_not_shown() -> None:
    with pytest.raises(SourceError) as caught:
        source_for("http://user:hunter2@127.0.0.1:9/api/1.0").fetch()

    assert "hunter2" not in str(caught.value)


# --- helpers --------------------------------------------------------------------------------


@contextmanager
def _serving(data: AsanaData) -> Iterator[FakeAsana]:
    """A fake server for one test's own workspace."""
    fake = FakeAsana(data, token=TOKEN)
    try:
        yield fake
    finally:
        fake.close()


@contextmanager
def _silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers; yields the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_the_token_is_in_no_log_line(fake: FakeAsana, caplog: pytest.LogCaptureFixture) -> None:
    fake.inject(429, retry_after="1", path="/tasks")
    caplog.set_level(logging.DEBUG)  # every logger: ours, the SDK's, urllib3's

    source_for(fake.base_url).fetch()
    with pytest.raises(SourceError):
        AsanaSource(
            *config_for(
                fake.base_url,
                env={"ASANA_ACCESS_TOKEN": TOKEN + "x", "ASANA_BASE_URL": fake.base_url},
            )
        ).fetch()

    assert caplog.records  # the SDK and urllib3 did log at debug level
    assert TOKEN not in caplog.text
    assert "bearer" not in caplog.text.casefold()


def test_a_request_does_not_show_the_token() -> None:
    # The credentials travel beside the settings and config, in a field a repr leaves out.
    parts = config_for("http://127.0.0.1:9/api/1.0")
    request = AuditRequest(
        okrs="okrs.yaml",
        source="asana",
        source_settings=parts.settings,
        source_params=asdict(parts.config),
        credentials=parts.credentials,
    )
    assert TOKEN in parts.credentials.values()
    assert TOKEN not in repr(request)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "did not answer {what} with JSON"),
        (b"", "did not answer {what} with JSON"),
        (b"null", "answered {what} with JSON that is not an object"),
        (b"[1, 2]", "answered {what} with JSON that is not an object"),
        (b'{"data": {"gid": "1"}}', "Asana listed {what} without records"),
        (b'{"data": [{"name": "no gid"}]}', "Asana listed {what} without records"),
        (b'{"next_page": null}', "Asana listed {what} without records"),
    ],
)
@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/projects/2001/tasks", "tasks of project 2001"),
        ("/projects/2001/custom_field_settings", "custom fields of project 2001"),
    ],
)
def test_an_answer_that_is_not_asanas_json_exits_3_in_one_line(
    fake: FakeAsana, body: bytes, expected: str, path: str, what: str
) -> None:
    # A proxy's error page, a captive portal, a truncated answer: never a traceback.
    fake.inject(200, path=path, body=body)

    with pytest.raises(SourceError) as caught:
        source_for(fake.base_url).fetch()

    assert caught.value.exit_code == EXIT_SOURCE
    assert expected.format(what=what) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_single_record_that_is_not_json_exits_3(fake: FakeAsana) -> None:
    fake.inject(200, path="/projects/2001", body=b"<html>login</html>")

    with pytest.raises(SourceError, match="did not answer project 2001 with JSON: check ASANA"):
        source_for(fake.base_url).fetch()


def test_two_sections_of_one_name_are_both_audited() -> None:
    # Asana lets a project hold two sections called "Sprint 12" (a copied sprint): both count.
    data = AsanaData()
    data.add_field("1", "OKR", "text")
    data.add_project("2", "Big", ["1"])
    data.add_section("2", "31", "Sprint 12")
    data.add_section("2", "32", "Sprint 13")
    data.add_section("2", "33", " sprint  12 ")
    for gid, section in [("41", "31"), ("42", "32"), ("43", "33")]:
        data.add_task(gid, f"Task {gid}", [("2", section)], values={"1": "KR1.1"})
    with _serving(data) as fake:
        backlog = AsanaSource(
            *config_for(fake.base_url, asana_project=("2",), asana_section="Sprint 12")
        ).fetch()
        listed = [p for p in fake.paths() if p.startswith("/sections/")]

    assert sorted(item.id for item in backlog.items) == ["41", "43"]
    assert sorted(listed) == ["/sections/31/tasks", "/sections/33/tasks"]  # read at once


def test_a_section_missing_from_one_project_exits_2_before_any_task_is_read(
    fake: FakeAsana,
) -> None:
    # Growth has "Sprint 13", Platform does not.
    with pytest.raises(UsageError) as caught:
        source_for(fake.base_url, asana_section="Sprint 13").fetch()

    assert str(caught.value) == (
        "Asana project Platform (2002) has no section 'Sprint 13' (--asana-section); "
        "its sections: Sprint 12, Backlog"
    )
    assert not [p for p in fake.paths() if p.endswith("/tasks")]


def test_the_sdks_own_retries_are_not_stacked_with_ours(fake: FakeAsana, sleeps: Sleeps) -> None:
    # asana 5.x ships a urllib3 Retry(total=5) on 429/5xx; left on, each of our 5 attempts
    # would be 6 requests and 5 hidden time.sleep waits. Ours is the only policy: 5 requests.
    fake.inject(503, times=100, path="/projects/2001/custom_field_settings")

    with pytest.raises(SourceError, match="kept answering HTTP 503 .* after 4 retries"):
        source_for(fake.base_url, sleeps).fetch()

    assert fake.paths().count("/projects/2001/custom_field_settings") == 5
    assert sleeps == [1.0, 2.0, 4.0, 8.0]


def _subtasks_of_old_parents(count: int) -> AsanaData:
    """`count` subtasks (5000+n) in project 2, each under its own parent (6000+n) that was
    completed long ago and so is not listed; every parent is under grandparent 7000."""
    data = AsanaData()
    data.add_field("1", "OKR", "text")
    data.add_project("2", "Sprint", ["1"])
    data.add_project("8", "Epics", ["1"])
    data.add_section("2", "3", "Untitled section")
    data.add_section("8", "9", "Untitled section")
    old = "2025-01-01T00:00:00.000Z"
    data.add_task("7000", "Theme", [("8", "9")], completed_at=old, values={"1": "KR1.1"})
    for n in range(count):
        data.add_task(str(6000 + n), f"Epic {n}", [("8", "9")], completed_at=old, parent="7000")
        data.add_task(str(5000 + n), f"Subtask {n}", [("2", "3")], parent=str(6000 + n))
    return data


def test_parents_outside_the_listing_are_read_ten_to_a_request() -> None:
    # 25 parents: 3 batch requests (10 + 10 + 5), then 1 for their common grandparent, instead
    # of 26 requests of one task each.
    with _serving(_subtasks_of_old_parents(25)) as fake:
        backlog = AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch()
        batches = [r for r in fake.requests if r.path == "/batch"]
        alone = [r for r in fake.requests if r.path.startswith("/tasks/") and not r.batch]
        actions = [r.path for r in fake.requests if r.batch]

    carriers = {item.id: item for item in backlog.items if item.carrier_only}
    assert len(batches) == 4
    assert alone == []
    assert actions == [f"/tasks/{6000 + n}" for n in range(25)] + ["/tasks/7000"]
    assert len(carriers) == 26
    assert (carriers["6003"].parent, carriers["7000"].free_text) == ("7000", ("KR1.1",))
    assert {r.query["opt_fields"] for r in fake.requests if r.batch} == {TASK_FIELDS}


def test_a_parent_with_references_ends_the_climb() -> None:
    # Inheritance stops at the first ancestor with references (SPEC 5). First epic 6000
    # carries a link and 6001 (blank) and 6002 do not: their theme 7000 is read, once.
    # Then all three carry one: the theme is never read.
    data = _subtasks_of_old_parents(3)
    data.tasks["6000"]["values"]["1"] = "KR1.2"
    data.tasks["6001"]["values"]["1"] = " "  # blank: no reference, the climb goes on
    with _serving(data) as fake:
        AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch()
        actions = [r.path for r in fake.requests if r.batch]
    assert actions == ["/tasks/6000", "/tasks/6001", "/tasks/6002", "/tasks/7000"]

    data.tasks["6001"]["values"]["1"] = "KR1.2"
    data.tasks["6002"]["values"]["1"] = "KR1.2"
    with _serving(data) as fake:
        backlog = AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch()
        actions = [r.path for r in fake.requests if r.batch]
    assert actions == ["/tasks/6000", "/tasks/6001", "/tasks/6002"]  # 7000 is never read
    assert "7000" not in {item.id for item in backlog.items}


def test_a_parent_whose_batch_action_is_rate_limited_is_read_again_alone(
    sleeps: Sleeps,
) -> None:
    with _serving(_subtasks_of_old_parents(3)) as fake:
        fake.inject(429, times=2, retry_after="5", path="/tasks/6001")
        backlog = AsanaSource(*config_for(fake.base_url, sleeps, asana_project=("2",))).fetch()
        alone = [r.path for r in fake.requests if r.path.startswith("/tasks/") and not r.batch]

    assert "6001" in {item.id for item in backlog.items if item.carrier_only}
    assert alone == ["/tasks/6001", "/tasks/6001"]  # its action got the first 429
    assert sleeps == [5.0]


def test_a_batch_action_that_fails_otherwise_exits_3_in_one_line() -> None:
    with _serving(_subtasks_of_old_parents(2)) as fake:
        fake.inject(401, path="/tasks/6001")
        with pytest.raises(SourceError) as caught:
            AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch()

    assert str(caught.value) == "Asana answered HTTP 401 while reading task 6001: Not Authorized"


def test_parents_are_read_one_by_one_when_the_batch_endpoint_is_refused() -> None:
    # A proxy in front of Asana (ASANA_BASE_URL) may let only GETs through.
    with _serving(_subtasks_of_old_parents(2)) as fake:
        fake.inject(405, times=100, path="/batch")
        backlog = AsanaSource(*config_for(fake.base_url, asana_project=("2",))).fetch()
        alone = [r.path for r in fake.requests if r.path.startswith("/tasks/") and not r.batch]

    assert alone == ["/tasks/6000", "/tasks/6001", "/tasks/7000"]
    assert len([item for item in backlog.items if item.carrier_only]) == 3
