"""docs/lint.md's rule table and its "why each rule" list are the rules' own words.

Each rule states its id, severity, summary and rationale once, in
backlog_audit/okrs/lint/rules.py; the two blocks of docs/lint.md between the `generated` markers
must read exactly as rendered from them. After changing a rule, rewrite the blocks with
`BACKLOG_AUDIT_UPDATE_GOLDEN=1 pytest tests/okrs/lint/test_rule_docs.py`.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest

from backlog_audit.okrs.lint import RULES

DOC = Path(__file__).resolve().parents[3] / "docs" / "lint.md"


def table() -> str:
    """The rule table: one row per rule, in the order findings on one id come in."""
    rows = ["| rule | severity | about | fires when |", "|---|---|---|---|"]
    rows += [f"| `{r.id}` | {' / '.join(r.severities)} | {r.about} | {r.summary} |" for r in RULES]
    return "\n".join(rows)


def why() -> str:
    """One bullet per rule: why it exists, wrapped as the rest of the docs are."""
    return "\n".join(
        textwrap.fill(
            f"- **{r.id}**: {r.rationale}",
            width=100,
            subsequent_indent="  ",
            break_on_hyphens=False,
            break_long_words=False,
        )
        for r in RULES
    )


BLOCKS = {"rule table": table, "why each rule": why}


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- generated: {name}[^\n]*-->\n)(.*?)(\n<!-- end of generated: {name} -->)", re.S
    )


@pytest.mark.parametrize("name", BLOCKS)
def test_the_docs_say_what_the_rules_say(name: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    match = block_pattern(name).search(text)
    assert match, f"docs/lint.md has no generated block '{name}'"
    expected = BLOCKS[name]()
    if os.environ.get("BACKLOG_AUDIT_UPDATE_GOLDEN") == "1":
        text = text[: match.start(2)] + expected + text[match.end(2) :]
        DOC.write_text(text, encoding="utf-8")
        return
    assert match.group(2) == expected


def test_every_rule_is_documented_in_words() -> None:
    for rule in RULES:
        assert rule.summary and rule.rationale and rule.about, rule.id
        assert "\n" not in rule.summary  # a table cell is one line
