"""Audits of the fake Trello boards give the figures worked out by hand in `boards.py`.

Every link state Trello can have: linked, objective_only, exempt, stale, dangling (with and
without a suggestion) and orphaned. `inherited` cannot occur: Trello cards have no parents.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditResult, LinkState, StatusCategory
from backlog_audit.reports.json import to_dict
from tests.adapters.trello.boards import (
    BIG,
    MOBILE,
    PLATFORM,
    Sleeps,
    growth_board,
    okr_set,
    source_for,
    summary_figures,
)
from tests.adapters.trello.fake_server import FakeTrello, TrelloBoard

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def _audit(fake: FakeTrello, board: str | None = "GrWth123", **kw: Any) -> AuditResult:
    return audit(source_for(fake.base_url, board, **kw).fetch(), okr_set(), now=NOW)


def _states(result: AuditResult) -> dict[str, str]:
    return {r.key: r.link_state.value for r in result.items}


def test_growth_board_has_every_link_state(fake: FakeTrello) -> None:
    result = _audit(fake)

    assert _states(result) == {
        "A01": "linked",
        "A02": "linked",
        "A03": "exempt",
        "A04": "orphaned",
        "A05": "stale",
        "A06": "dangling",
        "A07": "objective_only",
        "A08": "linked",
        "A09": "linked",
        "A10": "orphaned",
    }
    # 10 open cards of open lists (A11 archived, A12 in an archived list); exempt A03;
    # linked A01 A02 A07 A08 A09. Points 3+5+2+8+1+0+3+2.5+1+0 = 25.5, linked 3+5+3+2.5+1.
    assert summary_figures(result) == (10, 1, 5, 25.5, 14.5)
    s = result.summary
    assert (s.orphaned_items, s.dangling_items, s.stale_items) == (2, 1, 1)
    assert (s.objective_only_items, s.inherited_items, s.unestimated_items) == (1, 0, 2)
    assert s.all.coverage == 5 / 9
    assert s.all.points_coverage == 14.5 / 23.5


def test_growth_dangling_link_has_its_suggestion_and_stale_link_its_card(fake: FakeTrello) -> None:
    result = _audit(fake)

    assert [(d.key, d.reference, d.suggestion) for d in result.dangling_links] == [
        ("A06", "KR12", "KR1.2")
    ]
    assert [(s.key, s.reference) for s in result.stale_links] == [("A05", "KR0.3")]
    assert result.uncovered_key_results == ("KR2.2",)
    assert result.orphans == ("A04", "A10")


def test_growth_key_result_rows(fake: FakeTrello) -> None:
    rows = {
        r.id: (r.items, r.points, r.todo, r.in_progress, r.done) for r in _audit(fake).key_results
    }

    # KR1.1: A01 (to do, 3) and A09 (due complete: done, 1); KR1.2: A02 (Done list, 5);
    # KR2.1: A08 through its okr: label (to do, 2.5).
    assert rows == {
        "KR1.1": (2, 4.0, 1, 0, 1),
        "KR1.2": (1, 5.0, 0, 0, 1),
        "KR2.1": (1, 2.5, 1, 0, 0),
        "KR2.2": (0, 0.0, 0, 0, 0),
    }


def test_growth_cards_read_as_items(fake: FakeTrello) -> None:
    backlog = source_for(fake.base_url).fetch()
    items = {i.key: i for i in backlog.items}

    a01 = items["A01"]
    assert (a01.type, a01.status, a01.status_category, a01.assignee) == (
        "Card",
        "To Do",
        StatusCategory.TODO,
        "Ana Lopez",
    )
    assert (a01.project, a01.sprint, a01.parent, a01.level) == ("Growth", None, None, 0)
    assert a01.url == "https://trello.com/c/A01/1-onboarding-checklist"
    assert items["A09"].status_category is StatusCategory.DONE  # dueComplete in To Do
    assert items["A03"].status_category is StatusCategory.IN_PROGRESS  # Doing
    assert items["A05"].status_category is StatusCategory.IN_PROGRESS  # Review
    assert items["A02"].status_category is StatusCategory.DONE  # Done
    # The 55th label, past Trello's default of 50, is read.
    assert items["A08"].labels == ("okr:KR2.1",)
    # Numbers arrive as strings: "2.5" is 2.5 points.
    assert items["A08"].points == 2.5
    assert "A11" not in items and "A12" not in items
    assert backlog.scope == "board=GrWth123"
    assert backlog.warnings == (
        "card A10 (Search spike): points '-3' is not a number of points from 0 to "
        "1,000,000,000: counted as unestimated",
    )


def test_an_audit_makes_six_requests(fake: FakeTrello) -> None:
    source = source_for(fake.base_url)

    source.fetch()

    expected = {
        "GET /boards/{id}": 1,
        "GET /boards/{id}/lists": 1,
        "GET /boards/{id}/customFields": 1,
        "GET /boards/{id}/labels": 1,
        "GET /boards/{id}/members": 1,
        "GET /boards/{id}/cards/open": 1,
    }
    assert source.request_counts == expected
    assert fake.counts() == expected
    labels = next(r for r in fake.requests if r.path.endswith("/labels"))
    assert labels.query == {"limit": "1000"}


def test_selected_lists_only(fake: FakeTrello) -> None:
    result = _audit(fake, lists=("Doing", "review"))

    # A03 (exempt), A07 (objective only) in Doing; A05 (stale) in Review.
    assert _states(result) == {"A03": "exempt", "A05": "stale", "A07": "objective_only"}
    assert summary_figures(result) == (3, 1, 1, 6.0, 3.0)
    assert result.scope == "board=GrWth123 lists=Doing,review"


def test_board_named_by_its_id_gives_the_same_items(fake: FakeTrello) -> None:
    board_id = growth_board().id
    by_id = source_for(fake.base_url, board_id).fetch()
    by_link = source_for(fake.base_url).fetch()

    assert by_id.items == by_link.items
    assert fake.requests[0].path == f"/boards/{board_id}"


def test_text_field_links_are_split_and_resolved(fake: FakeTrello) -> None:
    result = _audit(fake, PLATFORM)

    assert _states(result) == {
        "B01": "linked",
        "B02": "orphaned",
        "B03": "linked",
        "B04": "dangling",
        "B05": "linked",
        "B06": "orphaned",
    }
    krs = {r.key: r.key_results for r in result.items}
    assert krs["B01"] == ("KR2.1", "KR1.1")  # "KR2.1, KR1.1" split
    assert krs["B03"] == ("KR2.1",)  # "kr 2.1 - churn" by its leading id
    assert krs["B05"] == ("KR1.1",)  # by the alias "Activation tech leads"
    assert [(d.reference, d.suggestion) for d in result.dangling_links] == [("KR 9.9", None)]
    # Points from the number field named "Points": 5 + 3 + 2; linked 5 + 2.
    assert summary_figures(result) == (6, 0, 3, 10.0, 7.0)
    # "N/A" is a placeholder: B06 is orphaned, and the report says what its field held.
    assert [r.placeholders for r in result.items if r.key == "B06"] == [("N/A",)]


def test_board_without_okr_field_reads_labels_and_says_so(fake: FakeTrello) -> None:
    result = _audit(fake, MOBILE)

    assert _states(result) == {
        "C01": "linked",
        "C02": "linked",
        "C03": "orphaned",
        "C04": "dangling",
        "C05": "linked",
    }
    assert {r.key: r.key_results for r in result.items if r.key_results} == {
        "C01": ("KR1.1",),  # okr:KR1.1; "frontend" is ignored, never dangling
        "C02": ("KR2.1",),  # KR:KR2.1: the prefix is case-insensitive
        "C05": ("KR1.2",),  # KR1.2 names a KR exactly: no prefix needed
    }
    assert [(d.key, d.reference, d.suggestion) for d in result.dangling_links] == [
        ("C04", "KR7.7", None)
    ]
    assert result.warnings == (
        "Trello board Mobile has no custom field 'OKR': only labels are read as OKR links",
    )
    assert summary_figures(result) == (5, 0, 3, 0.0, 0.0)


def test_okr_field_labels_reads_the_labels_without_a_warning(fake: FakeTrello) -> None:
    result = _audit(fake, MOBILE, okr_field="labels")

    assert _states(result) == _states(_audit(fake, MOBILE))
    assert result.warnings == ()


def test_points_from_a_dropdown_of_sizes_through_the_points_map(fake: FakeTrello) -> None:
    board = TrelloBoard("Sizes", "SiZeS001", created=1_763_000_000)
    size = board.add_field("Size", "list", ("S", "M", "XL?"))
    todo = board.add_list("To Do")
    for short, value in [("S01", "S"), ("S02", "M"), ("S03", "XL?"), ("S04", None)]:
        board.add_card(short, todo, values={size: value}, short_link=short)
    fake.boards.append(board)
    points_map = {"s": 1.0, "m": 3.0}

    backlog = source_for(
        fake.base_url, "SiZeS001", points_field="size", points_map=points_map
    ).fetch()

    assert [(i.key, i.points) for i in backlog.items] == [
        ("S01", 1.0),
        ("S02", 3.0),
        ("S03", None),
        ("S04", None),
    ]
    assert backlog.warnings[-1] == (
        "card S03 (S03): points 'XL?' is not a number of points from 0 to 1,000,000,000: "
        "counted as unestimated"
    )


def test_more_than_a_thousand_cards_are_paged_with_before(fake: FakeTrello) -> None:
    source = source_for(fake.base_url, BIG)
    result = audit(source.fetch(), okr_set(), now=NOW)

    # 2,345 cards: 782 with KR1.1 (n % 3 == 0), 782 BAU, 781 without a link.
    assert summary_figures(result) == (2345, 782, 782, 0.0, 0.0)
    assert result.summary.orphaned_items == 781
    pages = [r.query for r in fake.requests if r.path.endswith("/cards/open")]
    assert [p.get("limit") for p in pages] == ["1000", "1000", "1000"]
    assert "before" not in pages[0]
    # Each page starts before the oldest card of the one before: cards 1,345 and 345.
    board_cards = {c["id"]: c["name"] for b in fake.boards if b.short_link == BIG for c in b.cards}
    assert [board_cards[p["before"]] for p in pages[1:]] == ["Card 1345", "Card 345"]
    assert source.request_counts["GET /boards/{id}/cards/open"] == 3


def test_a_429_is_retried_after_a_backoff(fake: FakeTrello, sleeps: Sleeps) -> None:
    fake.inject(429, times=1, path="/cards")
    source = source_for(fake.base_url, sleep=sleeps)

    result = audit(source.fetch(), okr_set(), now=NOW)

    assert summary_figures(result) == (10, 1, 5, 25.5, 14.5)
    assert sleeps == [2.5]  # Trello sends no Retry-After: the policy's first wait
    assert source.request_counts["GET /boards/{id}/cards/open"] == 2


def test_a_429_with_retry_after_waits_that_long(fake: FakeTrello, sleeps: Sleeps) -> None:
    fake.inject(429, times=1, path="/lists", retry_after="7")

    source_for(fake.base_url, sleep=sleeps).fetch()

    assert sleeps == [7.0]


def test_the_export_gives_the_same_json_report_as_the_api(fake: FakeTrello, tmp_path: Path) -> None:
    export = tmp_path / "board.json"
    export.write_text(json.dumps(growth_board().export()), encoding="utf-8")

    from_api = to_dict(_audit(fake))
    from_export = to_dict(audit(source_for(None, input=str(export)).fetch(), okr_set(), now=NOW))

    assert from_export == from_api
    assert from_api["summary"]["items"] == 10
    assert len(fake.requests) == 6  # the API audit's; the export made none


def test_status_map_names_a_list(fake: FakeTrello) -> None:
    status_map = {"review": StatusCategory.DONE}
    items = {i.key: i for i in source_for(fake.base_url, status_map=status_map).fetch().items}

    assert items["A05"].status_category is StatusCategory.DONE
    assert items["A03"].status_category is StatusCategory.IN_PROGRESS


def test_link_states_cover_all_but_inherited(fake: FakeTrello) -> None:
    seen = {r.link_state for r in _audit(fake).items}

    assert seen == set(LinkState) - {LinkState.INHERITED}
