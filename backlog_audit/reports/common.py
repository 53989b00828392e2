"""Words shared by the workbook and the Markdown report.

The scope and cycle lines, the plain-words definitions, safe links and UTF-8 text live here so
that both reports say the same thing in the same words; figures and the traffic light are in
`figures`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from backlog_audit.model import AuditResult, Changes
from backlog_audit.reports.figures import AMBER_FROM, GREEN_FROM, MARGIN_POINTS

# Excel's limit on a hyperlink's length; longer links are not offered anywhere.
MAX_URL_CHARS = 2_079
# Characters no link may hold: controls and whitespace, and what XML cannot carry at all
# (lone surrogates, U+FFFE, U+FFFF): a workbook with one in a link target does not open.
_UNSAFE_URL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff\s]")

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def utc_text(moment: datetime) -> str:
    """`2026-11-22 10:00 UTC`: readers see the time zone."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def source_text(result: AuditResult) -> str:
    """`jira: sprint = 42`: where the items came from."""
    return f"{result.source_kind}: {result.scope}" if result.scope else result.source_kind


def cycle_text(result: AuditResult) -> str:
    """The OKR cycle with its dates when the set gives them."""
    okrs = result.okrs
    label = okrs.cycle or "(not named)"
    if okrs.cycle_start and okrs.cycle_end:
        return f"{label} ({okrs.cycle_start.isoformat()} to {okrs.cycle_end.isoformat()})"
    return label


# Every figure of the reports, in plain words (SPEC 6 and 10): the Definitions sheet.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Items in scope", "Standard backlog items the audit counts: stories, tasks, bugs. Epics and "
     "parents only pass their OKR link down to their children; sub-tasks are not counted."),
    ("Linked items", "Items linked to a current key result directly, to an objective only, or "
     "through their parent (inherited)."),
    ("Coverage (items)", "Linked items divided by items in scope minus exempt items. Exempt "
     "work is left out of the denominator, not counted as linked."),
    ("Coverage (points)", "The same share weighted by story points: linked points divided by "
     "all points minus exempt points."),
    ("Unestimated items", "Items without a story-point estimate. They count 0 points, so a high "
     "unestimated share makes points coverage less meaningful."),
    ("Exempt", "Work deliberately marked as outside the OKRs (for example BAU or KTLO). It is "
     "shown apart and its share is reported, so nothing is hidden."),
    ("Objective-only", "Items linked to an objective but to none of its key results. They count "
     "as linked; a KR-level link is preferred."),
    ("Inherited", "Items without a link of their own whose parent (up to 3 levels up) links to "
     "a KR or objective."),
    ("Orphaned", "Items with no OKR link, and no parent link that resolves."),
    ("Dangling link", "A link that names no known KR, objective or alias (a typo, a deleted or "
     "made-up id). 'Did you mean' suggests the nearest known id when one is clearly closest."),
    ("Stale link", "A link to a key result retired from an earlier cycle."),
    ("Uncovered KR", "A key result that no item in scope works toward."),
    ("KR share", "A KR's items divided by all items in scope. An item linked to two KRs counts "
     "fully in each KR row, so KR rows may sum above 100%; the summary counts it once."),
    ("Objective share", "The same over the union of the objective's KR items and its "
     "objective-only items."),
    ("Open items", "Items whose status category is not done: the planning view of what is "
     "still to be done."),
    ("Status", "Green, amber or red against the run's thresholds (--fail-under, --max-orphans; "
     f"amber within {MARGIN_POINTS:g} points of --fail-under). Without thresholds: green from "
     f"{GREEN_FROM:.0%} item coverage, amber from {AMBER_FROM:.0%}, red below."),
    ("Fix List", "Orphaned and dangling items grouped by parent/epic and by assignee. Linking "
     "an epic fixes all its children at once. The JQL selects a group in Jira's bulk editor."),
    ("Times", "All times are UTC."),
    ("Long cells and links", "A cell longer than Excel's 32,767 characters is cut and ends with "
     "'[truncated]'. Past 65,530 links on a sheet, further keys are plain text."),
)  # fmt: skip


def safe_url(url: str | None) -> str | None:
    """A web link Excel will open, or None: only http(s), and within Excel's length limit.

    Links come from the source; a `file:` or `javascript:` URL in a CSV export must not
    become something a reader can click.
    """
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) > MAX_URL_CHARS:
        return None
    if _UNSAFE_URL.search(url):
        return None
    return url


def change_lists(changes: Changes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The labelled key lists of a "Changes since" section, in the order reports show them."""
    return (
        ("New orphans", changes.new_orphans),
        ("Fixed orphans", changes.fixed_orphans),
        ("New dangling links", changes.new_dangling_links),
        ("Newly covered KRs", changes.newly_covered_key_results),
        ("Newly uncovered KRs", changes.newly_uncovered_key_results),
    )


def utf8(text: str) -> bytes:
    """A text report as UTF-8, a lone surrogate shown as U+FFFD instead of failing the run.

    JSON from Jira or Asana may carry an escaped half of a surrogate pair (`"\\ud83d"`, a
    title cut in the middle of an emoji); Python decodes it, but UTF-8 cannot encode it.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(REPLACEMENT, text).encode("utf-8")
