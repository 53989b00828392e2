"""Adding a clause to the user's JQL: it goes before their ORDER BY, whatever its spelling."""

from __future__ import annotations

import pytest

from backlog_audit.adapters.jira.search import combine_jql

CASES: list[tuple[str, str | None, str]] = [
    ("upper case", "project = APP ORDER BY rank", "S AND (project = APP) ORDER BY rank"),
    ("lower case", "project = APP order by rank asc", "S AND (project = APP) order by rank asc"),
    ("line break", "project = APP\nORDER\n  BY rank", "S AND (project = APP) ORDER\n  BY rank"),
    ("trailing blanks", "  project = APP  \n\t", "S AND (project = APP)"),
    ("blanks before", "project = APP   ORDER BY key  ", "S AND (project = APP) ORDER BY key"),
    ("only an order", "  order by created DESC", "S order by created DESC"),
    ("OR is grouped", "a = 1 OR b = 2", "S AND (a = 1 OR b = 2)"),
    ("empty", "   ", "S"),
    ("none", None, "S"),
    (
        "double-quoted text",
        'summary ~ "order by" ORDER BY rank',
        'S AND (summary ~ "order by") ORDER BY rank',
    ),
    (
        "single-quoted text",
        "labels = 'Order By' order by key",
        "S AND (labels = 'Order By') order by key",
    ),
    (
        "escaped quote in text",
        r'summary ~ "say \"order by\" now" ORDER BY key',
        r'S AND (summary ~ "say \"order by\" now") ORDER BY key',
    ),
    (
        "a word ending in order",
        "summary ~ border order by key",
        "S AND (summary ~ border) order by key",
    ),
    ("ordered by is not ORDER BY", "summary ~ ordered", "S AND (summary ~ ordered)"),
    # a string left open is the user's mistake: it is kept whole for Jira to report
    ("unterminated", 'summary ~ "x order by key', 'S AND (summary ~ "x order by key)'),
]


@pytest.mark.parametrize(
    ("user_jql", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_clause_goes_before_the_users_order_by(user_jql: str | None, expected: str) -> None:
    assert combine_jql("S", user_jql) == expected
