"""An audit result whose every text from a source tries to become markup or script."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backlog_audit.model import AuditResult, BadLink, ItemResult
from tests.reports.conftest import build_result

# The titles of issue 16, and what else a hostile export could carry into the page.
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
QUOTE = '"><svg onload=alert(3)>'
COMMENT = "<!-- <b>bold</b> -->"
HOSTILE_URL = 'https://example.atlassian.net/browse/APP-3"><script>alert(4)</script>'


def hostile(r: ItemResult, text: str) -> ItemResult:
    """`r` with every text field of its item set to `text`, its key kept."""
    item = replace(r.item, title=text, type=text, status=text, sprint=text, assignee=text,
                   project=text, sprints=(text,))  # fmt: skip
    return replace(r, item=item, references=(text,))


def build_hostile_result() -> AuditResult:
    """The shared fixture, with payloads in titles, names, links, warnings and lint."""
    base = build_result()
    payloads = [IMG, SCRIPT, QUOTE, COMMENT]
    items = [hostile(r, payloads[i % len(payloads)]) for i, r in enumerate(base.items)]
    items[0] = replace(items[0], item=replace(items[0].item, url=HOSTILE_URL))
    items[1] = replace(items[1], item=replace(items[1].item, url="javascript:alert(5)"))
    lint = tuple(replace(f, message=IMG, rule=SCRIPT) for f in base.lint)
    return replace(
        base,
        scope=IMG,
        items=tuple(items),
        dangling_links=(*base.dangling_links, BadLink("APP-11", QUOTE, 1, suggestion=IMG)),
        key_results=(replace(base.key_results[0], title=QUOTE), *base.key_results[1:]),
        warnings=(IMG, SCRIPT),
        lint=lint,
    )


@pytest.fixture
def hostile_result() -> AuditResult:
    """Source text full of markup: it must reach the reader as text."""
    return build_hostile_result()
