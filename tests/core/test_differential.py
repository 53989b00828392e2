"""The columnar core against the object-by-object oracle (issue 15): the same `AuditResult`.

The oracle (`tests/core/oracle`) is today's audit as it was before the core became columnar,
item by item. Random backlogs (keys of every shape, duplicate ids, parent cycles, chains deeper
than the inheritance depth, select values, free text and labels mixed, placeholders, points
with decimals) and every case of the semantics tables go through both; every field of the
result must be equal, items in the same order. A bounded number of examples runs in CI.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlog_audit.core.audit import audit
from backlog_audit.model import AuditOptions, Backlog, Item, OkrSet, StatusCategory
from tests.builders import backlog, item_from_dict, load_yaml, okrs_from_dict, standard_okrs
from tests.core.oracle.audit import audit as oracle_audit

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
OKRS = standard_okrs()

# Link values of every kind against the standard set: KRs by id, alias-like and title-like
# text, objectives, retired and exempt values, typos, placeholders, lists in one value.
REFERENCES = ["KR1.1", "kr 1.2", "KR1.2 - Activation", "KR2.1", "O1", "O2 - growth", "KR0.3",
              "BAU", "KTLO", "KR9.9", "KR13", "RK1.2", "N/A", "TBD", "-", "", " ",
              "KR1.1, KR2.1", "KR1.3; KR9.9", "O1.4", "KR1.20", "none"]  # fmt: skip
LABELS = ["okr:KR1.1", "kr:KR2.1", "okr:", "frontend", "KR1.3", "OKR:KR9.9", "BAU", "ux"]
TYPES = ["Story", "Task", "Bug", "Epic", "Sub-task", "subtask", "Test", "Test Set", "Milestone",
         "story", "Precondition", ""]  # fmt: skip
# Keys of every shape: prefixes and numbers (leading zeros, long, none), case, Unicode
# letters that casefold differently (ß, İ), separators, and the empty key.
KEY_TEXT = st.sampled_from(["APP-", "app-", "ÄPP-", "straße-", "STRASSE-", "İ", "x", "", "A1B",
                            "-", " ", "Z_", "ab"])  # fmt: skip
KEY_NUMBER = st.sampled_from(["", "1", "2", "9", "10", "010", "0", "00", "99999999999999999999"])
KEYS = st.builds(lambda a, n, b, m: a + n + b + m, KEY_TEXT, KEY_NUMBER, KEY_TEXT, KEY_NUMBER)
POINTS = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, 0.1, 0.2, 0.3, 2.5, 1e-9, 3.3333333333333335, 13.0]),
    st.floats(min_value=0, max_value=1000, allow_nan=False),
)
CATEGORIES = st.sampled_from(list(StatusCategory))
SMALL_TEXT = st.one_of(st.none(), st.sampled_from(["", "Sprint 9", "Sprint 10", "sprint 9",
                                                   "ann", "Bob", "APP", "WEB"]))  # fmt: skip


@st.composite
def backlogs(draw: st.DrawFn) -> Backlog:
    """A random backlog whose parents point inside it (chains, cycles) or nowhere."""
    size = draw(st.integers(min_value=0, max_value=25))
    ids = draw(st.lists(st.sampled_from([f"id{n}" for n in range(30)] + [""]),
                        min_size=size, max_size=size))  # fmt: skip
    items = []
    for item_id in ids:
        parent = draw(st.one_of(st.none(), st.just(""), st.sampled_from(ids or ["x"]),
                                st.just("missing")))  # fmt: skip
        items.append(
            Item(
                id=item_id,
                key=draw(KEYS),
                title=draw(st.sampled_from(["", "Fix it", "=1+1"])),
                type=draw(st.sampled_from(TYPES)),
                status=draw(st.sampled_from(["", "To Do", "Done"])),
                status_category=draw(CATEGORIES),
                points=draw(POINTS),
                references=tuple(draw(st.lists(st.sampled_from(REFERENCES), max_size=3))),
                free_text=tuple(draw(st.lists(st.sampled_from(REFERENCES), max_size=2))),
                labels=tuple(draw(st.lists(st.sampled_from(LABELS), max_size=2))),
                parent=parent,
                sprints=tuple(
                    draw(st.lists(st.sampled_from(["Sprint 9", "Sprint 10"]), max_size=2))
                ),  # fmt: skip
                sprint=draw(SMALL_TEXT),
                assignee=draw(SMALL_TEXT),
                project=draw(SMALL_TEXT),
                url=draw(st.one_of(st.none(), st.just("https://example.test/1"))),
                level=draw(st.one_of(st.none(), st.sampled_from([-1, 0, 1, 2]))),
                carrier_only=draw(st.booleans()),
            )
        )
    return backlog(*items)


OPTIONS = st.builds(
    AuditOptions,
    inherit=st.booleans(),
    include_types=st.sampled_from([frozenset(), frozenset({"epic"}), frozenset({"test"})]),
    exclude_types=st.sampled_from([frozenset(), frozenset({"bug"}), frozenset({"story"})]),
    max_inherit_depth=st.sampled_from([1, 2, 3, 4]),
)


def assert_same(data: Backlog, okrs: OkrSet, options: AuditOptions) -> None:
    """Every field of the two results equal; on failure, say which one differs."""
    columnar = audit(data, okrs, options, now=NOW)
    oracle = oracle_audit(data, okrs, options, now=NOW)
    for name in columnar.__dataclass_fields__:
        mine, theirs = getattr(columnar, name), getattr(oracle, name)
        if name == "items":
            mine, theirs = list(mine), list(theirs)
        assert mine == theirs, name
    # Points summed item by item: equal to the last digit, and -0.0 never shows.
    assert repr(columnar.summary) == repr(oracle.summary)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=backlogs(), options=OPTIONS)
def test_the_columnar_core_gives_the_oracles_result(data: Backlog, options: AuditOptions) -> None:
    assert_same(data, OKRS, options)


def test_a_chain_deeper_than_the_inheritance_depth_and_a_cycle() -> None:
    chain = [Item(id=f"c{n}", key=f"C-{n}", parent=f"c{n + 1}") for n in range(6)]
    chain.append(Item(id="c6", key="C-6", type="Epic", references=("KR1.1",)))
    cycle = [Item(id="a", key="A-1", parent="b"), Item(id="b", key="B-1", parent="a")]
    for depth in (1, 3, 6, 7):
        assert_same(backlog(*chain, *cycle), OKRS, AuditOptions(max_inherit_depth=depth))


STATES = load_yaml(Path(__file__).parent / "link_state_cases.yaml")
LINKING = load_yaml(Path(__file__).parent / "linking_cases.yaml")


def _options(raw: dict[str, Any]) -> AuditOptions:
    fields = dict(raw)
    for name in ("include_types", "exclude_types"):
        if name in fields:
            fields[name] = frozenset(fields[name])
    if "label_prefixes" in fields:
        fields["label_prefixes"] = tuple(fields["label_prefixes"])
    return AuditOptions(**fields)


@pytest.mark.parametrize("case", STATES["cases"], ids=lambda case: case["name"])
def test_every_link_state_case_gives_the_oracles_result(case: dict[str, Any]) -> None:
    items = (item_from_dict(raw) for raw in case["items"])
    options = _options(case.get("options", {}))
    assert_same(backlog(*items), okrs_from_dict(STATES["okrs"]), options)


@pytest.mark.parametrize("name", sorted(LINKING["okr_sets"]))
def test_every_reference_case_gives_the_oracles_result(name: str) -> None:
    """Each reference of the resolution table as an item's link, a label and free text."""
    refs = [case["ref"] for case in LINKING["cases"] if case.get("set", "main") == name]
    items = [Item(id=f"r{n}", key=f"R-{n}", references=(ref,)) for n, ref in enumerate(refs)]
    items += [Item(id=f"l{n}", key=f"L-{n}", labels=(ref,)) for n, ref in enumerate(refs)]
    items += [Item(id=f"f{n}", key=f"F-{n}", free_text=(ref,)) for n, ref in enumerate(refs)]
    assert_same(backlog(*items), okrs_from_dict(LINKING["okr_sets"][name]), AuditOptions())


def test_points_add_up_item_by_item_like_the_oracle() -> None:
    """Thousands of decimal estimates: an engine's pairwise sum would differ in the last digit."""
    rng = random.Random(15)
    items = [
        Item(id=f"i{n}", key=f"APP-{n}", points=rng.choice([0.1, 0.2, 0.3, 1.7, 2.35, None]),
             references=(rng.choice(["KR1.1", "KR2.1", "BAU", "O1", ""]),),
             sprint=f"Sprint {n % 3}", status_category=rng.choice(list(StatusCategory)))
        for n in range(5000)
    ]  # fmt: skip
    assert_same(backlog(*items), OKRS, AuditOptions())
