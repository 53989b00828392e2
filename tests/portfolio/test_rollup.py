"""`aligns_to` roll-up: chains, cycles, unknown targets, unaligned (SPEC 11)."""

from __future__ import annotations

import pytest

from backlog_audit.errors import UsageError
from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.portfolio.rollup import roll_up

COMPANY = OkrSet(
    (Objective("C1", "Company one", (KeyResult("CK1", "C1", "Company KR one"),)),),
    source="company.yaml",
)


def team(*objectives: Objective) -> OkrSet:
    return OkrSet(objectives, source="team.yaml")


def kr(kr_id: str, obj: str, aligns_to: str | None = None) -> KeyResult:
    return KeyResult(kr_id, obj, f"title of {kr_id}", aligns_to=aligns_to)


def test_a_chain_reaches_the_company_kr() -> None:
    up = roll_up(
        team(
            Objective("T1", "t1", (kr("K1", "T1", "ck1"),)),  # ids compare normalised
            Objective("T2", "t2", (kr("K2", "T2", "K1"), kr("K3", "T2"))),
            Objective("T3", "t3", (kr("K4", "T3"),), aligns_to="T2"),
        ),
        COMPANY,
    )
    assert up.targets["K1"] == "CK1"
    assert up.targets["K2"] == "CK1"  # K2 -> K1 -> CK1
    assert up.targets["K3"] is None  # neither it nor T2 aligns
    assert up.targets["K4"] is None  # T3 -> T2, which aligns to nothing
    assert up.unaligned == (("T1", "objective"), ("T2", "objective"), ("K3", "key_result"),
                            ("T3", "objective"), ("K4", "key_result"))  # fmt: skip


def test_a_kr_own_aligns_to_wins_over_its_objective() -> None:
    up = roll_up(
        team(Objective("T1", "t1", (kr("K1", "T1", "CK1"), kr("K2", "T1")), aligns_to="C1")),
        COMPANY,
    )
    assert (up.targets["K1"], up.targets["K2"], up.targets["T1"]) == ("CK1", "C1", "C1")


def test_a_cycle_is_exit_2_naming_file_and_ids() -> None:
    cyclic = team(
        Objective("T1", "t1", (kr("K1", "T1", "K2"),)),
        Objective("T2", "t2", (kr("K2", "T2", "K1"),)),
    )
    with pytest.raises(UsageError, match=r"team.yaml: aligns_to makes a cycle: K1 -> K2 -> K1"):
        roll_up(cyclic, COMPANY)


def test_an_unknown_target_is_exit_2() -> None:
    with pytest.raises(UsageError, match=r"team.yaml: K1 aligns to 'CK9', which is no id"):
        roll_up(team(Objective("T1", "t1", (kr("K1", "T1", "CK9"),))), COMPANY)


TWO = OkrSet(
    (
        Objective("C1", "Company one", (KeyResult("CK1", "C1", "Company KR one"),)),
        Objective("C2", "Company two", (KeyResult("CK2", "C2", "Company KR two"),)),
    ),
    source="company.yaml",
)


def test_an_item_reaches_its_krs_targets_and_the_objectives_it_links_itself() -> None:
    # T1 aligns to C1, but its KR K1 to CK2: an item on K1 works toward CK2 and C2 only.
    up = roll_up(team(Objective("T1", "t1", (kr("K1", "T1", "CK2"),), aligns_to="C1")), TWO)
    # The core gives an item on K1 the objectives [T1]: K1's own, which adds nothing.
    assert up.contributions(["K1"], ["T1"]) == (("CK2",), ("C2",))
    # An objective the item links itself beside a KR counts, as in a single audit's rows.
    assert up.contributions(["CK1"], ["C1", "C2"]) == (("CK1",), ("C1", "C2"))
    assert up.contributions(["K1"], ["T1", "C1"]) == (("CK2",), ("C2", "C1"))
    assert up.contributions([], ["T1"]) == ((), ("C1",))  # objective-only: T1's aligns_to
