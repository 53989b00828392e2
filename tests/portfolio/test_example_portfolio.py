"""The bundled example portfolio (examples/portfolio/), figures worked out by hand.

Growth (Jira CSV, its set okrs/growth.yaml):
  GRO-1 GKR-1.1 -> CKR-1.2, 3 pts, done        GRO-5 no link (orphaned), 1 pt
  GRO-2 GKR-1.2 -> CKR-1.1, 5 pts              GRO-6 CKR-1.1 (a company KR), 2 pts
  GRO-3 GKR-2.1 -> GKR-1.1 -> CKR-1.2, 2 pts   GRO-7 GO-1 objective only -> CO-1, unestimated
  GRO-4 GKR-2.2, no aligns_to: linked, rolls up to nothing, 3 pts
  items 7, linked 6 (all but GRO-5): 6/7 = 85.7%; points 16, linked 15: 93.75%
Onboarding (Asana CSV, okrs/onboarding.yaml; OO-1 aligns to CKR-2.1, OO-2 to CO-1):
  ...01 ON-1.2 -> OO-1 -> CKR-2.1, 5 pts       ...05 KTLO: exempt, 2 pts
  ...02 ON-1.1 -> OO-1 -> CKR-2.1, 3 pts       ...06 no link (orphaned), 1 pt
  ...03 ON-2.1 -> CKR-1.2 (its own wins over OO-2's CO-1), 2 pts
  ...04 OO-1 objective only -> CKR-2.1, 1 pt   ...07 CKR-2.1, 2 pts
  items 7, exempt 1, linked 5: 5/6 = 83.3%; points 16, exempt 2, linked 13: 13/14
Platform (Trello export, company set only, labels):
  Cache build images CKR-3.1 3 pts, Runner autoscaling CKR-3.1 5 pts,
  Day-one pipeline templates CKR-2.1 2 pts, Rotate certificates BAU (exempt) 1 pt,
  Upgrade Postgres no link 3 pts, Public status page CKR-9.9 (dangling) 1 pt
  items 6, exempt 1, linked 3: 3/5 = 60%; points 15, exempt 1, linked 10: 10/14
Portfolio: 20 items, exempt 2, linked 6 + 5 + 3 = 14: 14/18; points 47, exempt 3,
linked 15 + 13 + 10 = 38: 38/44.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import EXAMPLES, invoke

CONFIG = str(EXAMPLES / "portfolio" / "backlog-audit.toml")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("portfolio") / "report.json"
    invoke(["audit", "--config", CONFIG, "--format", "json", "-o", str(out), "--no-history"])
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_matrix_is_every_team_by_every_company_kr(report: dict) -> None:
    cells = {(c["team"], c["key_result"]): (c["items"], c["points"]) for c in report["matrix"]}
    assert cells == {
        # Growth: GRO-2 (5) and GRO-6 (2); GRO-1 (3) and GRO-3 (2, through the chain)
        ("Growth", "CKR-1.1"): (2, 7.0),
        ("Growth", "CKR-1.2"): (2, 5.0),
        ("Growth", "CKR-2.1"): (0, 0.0),
        ("Growth", "CKR-3.1"): (0, 0.0),
        ("Growth", "CKR-3.2"): (0, 0.0),
        # Onboarding: ...03 (2); ...01 5 + ...02 3 + ...04 1 + ...07 2 = 11
        ("Onboarding", "CKR-1.1"): (0, 0.0),
        ("Onboarding", "CKR-1.2"): (1, 2.0),
        ("Onboarding", "CKR-2.1"): (4, 11.0),
        ("Onboarding", "CKR-3.1"): (0, 0.0),
        ("Onboarding", "CKR-3.2"): (0, 0.0),
        # Platform: the templates card (2); cache 3 + autoscaling 5 = 8
        ("Platform", "CKR-1.1"): (0, 0.0),
        ("Platform", "CKR-1.2"): (0, 0.0),
        ("Platform", "CKR-2.1"): (1, 2.0),
        ("Platform", "CKR-3.1"): (2, 8.0),
        ("Platform", "CKR-3.2"): (0, 0.0),
    }


def test_company_rows_roll_up_every_team(report: dict) -> None:
    krs = {r["id"]: (r["items"], r["points"]) for r in report["key_results"]}
    # Each row is the matrix's column summed: no item is in two teams here.
    assert krs == {
        "CKR-1.1": (2, 7.0),
        "CKR-1.2": (3, 7.0),  # 2 + 1 items, 5 + 2 points
        "CKR-2.1": (5, 13.0),  # 4 + 1 items, 11 + 2 points
        "CKR-3.1": (2, 8.0),
        "CKR-3.2": (0, 0.0),
    }
    objectives = {r["id"]: (r["items"], r["points"]) for r in report["objectives"]}
    # CO-1: CKR-1.1's 2 + CKR-1.2's 3 + GRO-7 (objective only, GO-1 -> CO-1, 0 points)
    assert objectives == {"CO-1": (6, 14.0), "CO-2": (5, 13.0), "CO-3": (2, 8.0)}
    assert report["uncovered_key_results"] == ["CKR-3.2"]


def test_portfolio_summary_counts_every_item_once(report: dict) -> None:
    summary = report["summary"]
    assert (summary["items"], summary["exempt_items"], summary["linked_items"]) == (20, 2, 14)
    assert summary["coverage"] == pytest.approx(14 / 18)
    assert (summary["points"], summary["exempt_points"], summary["linked_points"]) == (
        47.0,
        3.0,
        38.0,
    )
    assert summary["points_coverage"] == pytest.approx(38 / 44)
    assert summary["orphaned_items"] == 3
    assert summary["dangling_items"] == 1


def test_each_team_has_its_own_figures(report: dict) -> None:
    teams = {t["name"]: t for t in report["teams"]}
    assert [t["name"] for t in report["teams"]] == ["Growth", "Onboarding", "Platform"]
    growth, onboarding, platform = teams["Growth"], teams["Onboarding"], teams["Platform"]
    assert growth["summary"]["coverage"] == pytest.approx(6 / 7)
    assert growth["summary"]["points_coverage"] == pytest.approx(15 / 16)
    assert onboarding["summary"]["coverage"] == pytest.approx(5 / 6)
    assert onboarding["summary"]["points_coverage"] == pytest.approx(13 / 14)
    assert platform["summary"]["coverage"] == pytest.approx(3 / 5)
    assert platform["summary"]["points_coverage"] == pytest.approx(10 / 14)
    assert growth["orphans"] == ["GRO-5"]
    assert growth["uncovered_key_results"] == ["GKR-1.3"]  # its own set's KRs
    assert platform["uncovered_key_results"] == ["CKR-1.1", "CKR-1.2", "CKR-3.2"]
    assert all(t["error"] is None for t in report["teams"])


def test_unaligned_team_okrs_are_listed(report: dict) -> None:
    assert report["unaligned"] == [
        {"team": "Growth", "id": "GO-2", "kind": "objective", "aligns_to": None},
        {"team": "Growth", "id": "GKR-2.2", "kind": "key_result", "aligns_to": None},
    ]


def test_items_name_their_teams(report: dict) -> None:
    teams = {item["key"]: item["teams"] for item in report["items"]}
    assert teams["GRO-1"] == ["Growth"]
    assert teams["1209000000000001"] == ["Onboarding"]
    assert len(teams) == 20


def test_the_example_runs_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(["audit", "--config", CONFIG, "--no-history", "-q"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backlog-audit.md", "backlog-audit.xlsx"]
