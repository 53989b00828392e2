"""The Trello boards every Trello test audits, and helpers to point a source at them.

OKR set (`okrs.yaml`): O1 (KR1.1, alias "Activation tech leads"; KR1.2), O2 (KR2.1, KR2.2),
retired KR0.3, exempt BAU and KTLO. Trello has no hierarchy: no card inherits a link, so
the `inherited` state never occurs here (SPEC 7).

Board Growth (`GrWth123`): custom fields OKR (dropdown: KR1.1, KR1.2, BAU, KR0.3, KR12,
"O2 - Reduce churn", KR2.1), Story Points (number), Notes (text); 56 labels, of which the
55th is `okr:KR2.1` and the 56th `frontend` (Trello's labels route gives 50 by default);
members Ana Lopez, Ben Okafor. Lists To Do, Doing, Review, Done, and Old ideas (archived).

    card  name               list     OKR                points  other          state
    A01   Onboarding check.  To Do    KR1.1              "3"     Ana            linked
    A02   Invite flow        Done     KR1.2              "5"     Ana            linked (done)
    A03   Fix login bug      Doing    BAU                "2"     Ben            exempt
    A04   Refactor billing   To Do    -                  "8"     Ben, frontend  orphaned
    A05   Old experiment     Review   KR0.3              "1"                    stale
    A06   Activation revamp  To Do    KR12               -                      dangling (KR1.2?)
    A07   Churn survey       Doing    O2 - Reduce churn  "3"                    objective_only
    A08   Pricing page       To Do    -                  "2.5"   okr:KR2.1      linked (label)
    A09   Release notes      To Do    KR1.1              "1"     due complete   linked (done)
    A10   Search spike       To Do    -                  "-3"                   orphaned (no pts)
    A11   Archived card      To Do    KR1.1              "13"    archived       out of scope
    A12   Parked idea        Old ideas KR1.1             "21"    list archived  out of scope

Board Platform (`PlAtf456`): OKR (text), Points (number, found by its name), lists Sprint 12,
Backlog, Done:
    B01 API rate limits (Sprint 12) "KR2.1, KR1.1" "5" linked; B02 DB upgrade (Sprint 12) no
    value "3" orphaned; B03 Ops runbook (Backlog) "kr 2.1 - churn" linked; B04 Audit log
    (Backlog) "KR 9.9" dangling, no suggestion; B05 Status page (Done) "Activation tech leads"
    "2" linked; B06 Tidy up (Backlog) "N/A" orphaned (a placeholder is no reference).

Board Mobile (`MoBiL789`): no custom field; labels okr:KR1.1, KR:KR2.1, frontend, okr:KR7.7,
KR1.2; one list To Do: C01 [okr:KR1.1, frontend] linked; C02 [KR:KR2.1] linked; C03
[frontend] orphaned (a label without prefix that names nothing is ignored); C04 [okr:KR7.7]
dangling; C05 [KR1.2] linked (a label naming a KR exactly needs no prefix).

Board Big (`BiGbOaRd`): 2,345 open cards in one list Backlog, OKR dropdown (KR1.1, BAU): card
n (0-based) carries KR1.1 when n % 3 == 0, BAU when n % 3 == 1, nothing when n % 3 == 2.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.adapters.trello import TrelloConfig
from backlog_audit.adapters.trello.source import TrelloSource
from backlog_audit.model import AuditResult, OkrSet
from backlog_audit.okrs import load_okrs
from tests.adapters.trello.fake_server import TrelloBoard

KEY = "trello-key-3f9a8b7c6d5e"
TOKEN = "trello-token-0a1b2c3d4e5f6a7b8c9d"
OKRS = Path(__file__).with_name("okrs.yaml")
GROWTH, PLATFORM, MOBILE, BIG = "GrWth123", "PlAtf456", "MoBiL789", "BiGbOaRd"
BIG_CARDS = 2345


def growth_board() -> TrelloBoard:
    """Board Growth (see the module docstring)."""
    board = TrelloBoard("Growth", GROWTH, created=1_760_000_000)
    okr = board.add_field(
        "OKR", "list", ("KR1.1", "KR1.2", "BAU", "KR0.3", "KR12", "O2 - Reduce churn", "KR2.1")
    )
    points = board.add_field("Story Points", "number")
    notes = board.add_field("Notes", "text")
    for n in range(1, 55):
        board.add_label(f"team-{n:02d}", "blue")
    board.add_label("okr:KR2.1", "purple")
    board.add_label("frontend", "green")
    ana = board.add_member("Ana Lopez", "ana")
    ben = board.add_member("Ben Okafor", "ben")
    todo, doing, review, done = (board.add_list(n) for n in ("To Do", "Doing", "Review", "Done"))
    old = board.add_list("Old ideas", closed=True)

    def card(short: str, name: str, lst: str, value: str | None, pts: Any, **kw: Any) -> None:
        values = {okr: value, points: pts, notes: "see the doc"}
        board.add_card(name, lst, values=values, short_link=short, **kw)

    card("A01", "Onboarding checklist", todo, "KR1.1", "3", members=(ana,))
    card("A02", "Invite flow", done, "KR1.2", "5", members=(ana,))
    card("A03", "Fix login bug", doing, "BAU", "2", members=(ben,))
    card("A04", "Refactor billing", todo, None, "8", members=(ben,), labels=("frontend",))
    card("A05", "Old experiment", review, "KR0.3", "1")
    card("A06", "Activation revamp", todo, "KR12", None)
    card("A07", "Churn survey", doing, "O2 - Reduce churn", "3")
    card("A08", "Pricing page", todo, None, "2.5", labels=("okr:KR2.1",))
    card("A09", "Release notes", todo, "KR1.1", "1", due_complete=True)
    card("A10", "Search spike", todo, None, "-3")
    card("A11", "Archived card", todo, "KR1.1", "13", closed=True)
    card("A12", "Parked idea", old, "KR1.1", "21")
    return board


def platform_board() -> TrelloBoard:
    """Board Platform: the OKR link in a text field."""
    board = TrelloBoard("Platform", PLATFORM, created=1_761_000_000)
    okr = board.add_field("OKR", "text")
    points = board.add_field("Points", "number")
    sprint, backlog, done = (board.add_list(n) for n in ("Sprint 12", "Backlog", "Done"))
    rows = [
        ("B01", "API rate limits", sprint, "KR2.1, KR1.1", "5"),
        ("B02", "DB upgrade", sprint, None, "3"),
        ("B03", "Ops runbook", backlog, "kr 2.1 - churn", None),
        ("B04", "Audit log", backlog, "KR 9.9", None),
        ("B05", "Status page", done, "Activation tech leads", "2"),
        ("B06", "Tidy up", backlog, "N/A", None),
    ]
    for short, name, lst, value, pts in rows:
        board.add_card(name, lst, values={okr: value, points: pts}, short_link=short)
    return board


def mobile_board() -> TrelloBoard:
    """Board Mobile: no custom field, links in labels."""
    board = TrelloBoard("Mobile", MOBILE, created=1_762_000_000)
    for name in ("okr:KR1.1", "KR:KR2.1", "frontend", "okr:KR7.7", "KR1.2"):
        board.add_label(name)
    todo = board.add_list("To Do")
    for short, name, labels in [
        ("C01", "Offline mode", ("okr:KR1.1", "frontend")),
        ("C02", "Dark theme", ("KR:KR2.1",)),
        ("C03", "Widget", ("frontend",)),
        ("C04", "Tablet layout", ("okr:KR7.7",)),
        ("C05", "Share sheet", ("KR1.2",)),
    ]:
        board.add_card(name, todo, labels=labels, short_link=short)
    return board


@cache
def big_board() -> TrelloBoard:
    """Board Big: 2,345 open cards, read in three pages of at most 1,000 (built once: no
    test changes it)."""
    board = TrelloBoard("Big", BIG, created=1_700_000_000)
    okr = board.add_field("OKR", "list", ("KR1.1", "BAU"))
    backlog = board.add_list("Backlog")
    for n in range(BIG_CARDS):
        value = ("KR1.1", "BAU", None)[n % 3]
        board.add_card(f"Card {n}", backlog, values={okr: value}, short_link=f"big{n:05d}")
    return board


def all_boards() -> list[TrelloBoard]:
    """Every board the fake serves."""
    return [growth_board(), platform_board(), mobile_board(), big_board()]


def okr_set() -> OkrSet:
    """The OKR set of `okrs.yaml`."""
    return load_okrs(str(OKRS))


class Sleeps(list[float]):
    """An injectable sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def source_for(
    base_url: str | None,
    board: str | None = GROWTH,
    *,
    lists: tuple[str, ...] = (),
    input: str | None = None,
    sleep: Sleeps | None = None,
    **settings: Any,
) -> TrelloSource:
    """A `TrelloSource` for `board` at `base_url` (or for the export `input`)."""
    config = TrelloConfig(
        trello_board=None if input else board, trello_list=lists, input_path=input
    )
    settings.setdefault("timeout", 5.0)
    shared = SourceSettings(sleep=sleep if sleep is not None else Sleeps(), **settings)
    credentials = {"TRELLO_API_KEY": KEY, "TRELLO_TOKEN": TOKEN}
    if base_url:
        credentials["TRELLO_BASE_URL"] = base_url
    return TrelloSource(shared, config, credentials)


def summary_figures(result: AuditResult) -> tuple[int, int, int, float, float]:
    """The whole backlog's figures: (items, exempt, linked, points, linked points)."""
    s = result.summary.all
    return (s.items, s.exempt_items, s.linked_items, s.points, s.linked_points)
