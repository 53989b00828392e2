"""The fix list from columns (`core.fix_columns`) against the item-by-item oracle (issue 15).

`tests/core/oracle/fixlist.py` is the fix list as it was built before it read columns: one
item and one link at a time. The groups (order, ties, counts, points, JQL), each group's
entries and each problem's words must be the oracle's, and so must the CSV report's two fix
list tables, byte for byte: on edge cases (duplicate keys, keys of every shape, an item that
is dangling while its parent carries dangling and stale links, empty tables) and on random
results, audited (`test_differential.backlogs`) or made up link by link.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlog_audit.core.audit import audit
from backlog_audit.core.fixlist import fix_groups, problems
from backlog_audit.model import AuditResult, Backlog, BadLink, Item, ItemResult, LinkState
from backlog_audit.reports import csv as csv_report
from backlog_audit.reports import csv_rule
from tests.core.oracle import fixlist as oracle
from tests.core.test_differential import KEYS, NOW, OKRS, POINTS, backlogs
from tests.core.test_fixlist import result as result_of

L = LinkState


def assert_same_fix_list(result: AuditResult) -> None:
    """The columnar fix list, its CSV tables and its problems' words are the oracle's."""
    expected = oracle.fix_groups(result)
    found = [
        (g.by.value, g.value,
         tuple((e.key, e.title, e.link_state.value, e.points, e.url, e.problem)
               for e in g.entries),
         len(g.entries), g.count(L.ORPHANED), g.count(L.DANGLING), g.points, g.jql)
        for g in fix_groups(result)
    ]  # fmt: skip
    assert found == expected
    # Points added in item order: equal to the last digit, and -0.0 never shows.
    assert repr([g[6] for g in found]) == repr([g[6] for g in expected])
    tables = csv_report.tables(result, items=False)
    assert tables["fix_list.csv"] == _csv(
        ("group_by", "group", "key", "title", "link_state", "problem"),
        [(g[0], g[1], e[0], e[1], e[2], e[5]) for g in expected for e in g[2]],
    )
    assert tables["fix_list_groups.csv"] == _csv(
        ("group_by", "group", "items", "orphaned", "dangling", "points", "jql"),
        [(g[0], g[1], *g[3:]) for g in expected],
    )
    to_fix = [r for r in result.items if r.link_state in oracle.FIX_STATES]
    assert problems(result, to_fix) == oracle.problems(result, to_fix)


def _csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    return ("\ufeff" + csv_rule.table(header, rows)).encode("utf-8")


def item(key: str, state: LinkState = L.ORPHANED, *, parent: str | None = None,
         assignee: str | None = None, points: float | None = 1.0, title: str = "T",
         placeholders: tuple[str, ...] = ()) -> ItemResult:  # fmt: skip
    """An in-scope item in `state`; only what the fix list reads is filled in."""
    return ItemResult(
        item=Item(id=key, key=key, title=title, points=points, assignee=assignee,
                  url=f"https://x/{key}"),
        link_state=state, key_results=(), objectives=(), references=(), parent_key=parent,
        placeholders=placeholders,
    )  # fmt: skip


CASES = {
    "nothing at all": result_of(),
    "nothing to fix": result_of(item("A-1", L.LINKED), item("A-2", L.STALE)),
    "duplicate keys, each with its links": result_of(
        item("A-1", L.DANGLING, parent="E-1"),
        item("A-1", L.DANGLING, parent="E-1"),
        item("A-1", L.ORPHANED, parent="E-1"),
        item("E-1", L.DANGLING),
        dangling=(
            BadLink("A-1", "KR21", 2, "KR2.1"),
            BadLink("A-1", "KR9", 1, ""),
            BadLink("E-1", "KR8", 3),
            BadLink("A-1", "KR7", 1),
        ),
        stale=(BadLink("E-1", "KR0.3", 3), BadLink("A-1", "KR0.3", 1)),
    ),
    "dangling, stale and orphan on one item and its parent": result_of(
        item("A-2", L.DANGLING, parent="E-2", placeholders=("N/A",)),
        item("A-3", L.ORPHANED, parent="E-2", placeholders=("TBD", "N/A")),
        item("A-4", L.ORPHANED, parent="E-3", placeholders=("-",)),
        item("A-5", L.ORPHANED, parent="E-4"),
        dangling=(BadLink("E-2", "KR9.9", 2, "KR1.9"),),
        stale=(BadLink("E-2", "KR0.3", 2), BadLink("E-4", "KR0.1", 1), BadLink("A-5", "X", 1)),
    ),
    "keys of every shape": result_of(
        *(
            item(k, L.ORPHANED if n % 2 else L.DANGLING, parent=p, assignee=a)
            for n, (k, p, a) in enumerate(
                [
                    ("APP-1\n", "app-10", "Ana"),
                    ('odd "key"', "APP-9", "ana"),
                    ("x\\y", "", ""),
                    ("straße-2", "STRASSE-2", "(unassigned)"),
                    ("", "(no parent)", None),
                    ("٣-1", "APP-9", "Bob"),
                    ("app-01", "app-10", "Bob"),
                    ("APP-1", "ß", "bob"),
                    ("Z_9-1", "APP-10", "Ana"),
                    ("a", "app-9", None),
                    ("9", "9", "9"),
                ]
            )
        )  # fmt: skip
    ),
    "equal sizes: natural order, then text": result_of(
        *(item(f"A-{n}", parent=p) for n, p in enumerate(["E-10", "e-9", "E-9", "E-09", "e-10"]))
    ),
    "points: unestimated, negative zero, decimals": result_of(
        item("A-1", points=None),
        item("A-2", points=-0.0),
        item("A-3", points=0.1),
        item("A-4", points=0.2),
        item("A-5", points=0.3),
        item("A-6", L.DANGLING, points=1e-9),
    ),
}


@pytest.mark.parametrize("jql", [True, False])
@pytest.mark.parametrize("name", CASES)
def test_every_edge_case_gives_the_oracles_fix_list(name: str, jql: bool) -> None:
    assert_same_fix_list(replace(CASES[name], supports_jql=jql))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=backlogs(), jql=st.booleans())
def test_an_audited_backlogs_fix_list_is_the_oracles(data: Backlog, jql: bool) -> None:
    assert_same_fix_list(replace(audit(data, OKRS, now=NOW), supports_jql=jql))


STATES = st.sampled_from([L.ORPHANED, L.DANGLING, L.LINKED, L.EXEMPT])
PLACEHOLDERS = st.lists(st.sampled_from(["N/A", "TBD", "-", "", "'x'"]), max_size=2)


@st.composite
def made_up(draw: st.DrawFn) -> AuditResult:
    """Items and bad links drawn freely: links on keys that are items, parents, or nothing,
    on duplicate keys, with and without (empty) suggestions."""
    keys = draw(st.lists(KEYS, min_size=1, max_size=8))
    names = st.one_of(st.none(), st.sampled_from(keys), st.sampled_from(["", "Ana", "ana"]))
    items = [
        item(
            draw(st.sampled_from(keys)),
            draw(STATES),
            parent=draw(names),
            assignee=draw(names),
            points=draw(POINTS),
            title=draw(st.sampled_from(["", "=1"])),
            placeholders=tuple(draw(PLACEHOLDERS)),
        )  # fmt: skip
        for _ in range(draw(st.integers(0, 12)))
    ]
    links = st.builds(BadLink, st.sampled_from([*keys, "other"]),
                      st.sampled_from(["KR9", "KR1.9", "kr 9, x"]), st.integers(1, 3),
                      st.sampled_from([None, "", "KR1.1"]))  # fmt: skip
    return result_of(*items, dangling=tuple(draw(st.lists(links, max_size=6))),
                     stale=tuple(draw(st.lists(links, max_size=4))))  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(result=made_up(), jql=st.booleans())
def test_a_made_up_fix_list_is_the_oracles(result: AuditResult, jql: bool) -> None:
    assert_same_fix_list(replace(result, supports_jql=jql))
