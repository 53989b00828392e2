"""OKR sets for the lint tests: KRs and objectives in one line each, and the issue's seed set."""

from __future__ import annotations

from typing import Any

from backlog_audit.model import KeyResult, LintFinding, Objective, OkrSet

GOOD_TITLE = "Net activation rate of users classified as tech leads from 50% to 70%"


def kr(kr_id: str, title: str, **fields: Any) -> KeyResult:
    """A KR of objective O?, the objective id taken from the KR id ("KR1.2" -> "O1")."""
    return KeyResult(id=kr_id, objective_id="O" + kr_id[2:].split(".")[0], title=title, **fields)


def good_kr(kr_id: str = "KR1.1", title: str = GOOD_TITLE, **fields: Any) -> KeyResult:
    """A KR no rule objects to."""
    return kr(kr_id, title, **fields)


def objective(obj_id: str, title: str, *krs: KeyResult, **fields: Any) -> Objective:
    return Objective(id=obj_id, title=title, key_results=krs, **fields)


def one_objective(
    *krs: KeyResult, title: str = "Tech leads adopt the product", **fields: Any
) -> OkrSet:
    return OkrSet(objectives=(objective("O1", title, *krs, **fields),))


def found(findings: tuple[LintFinding, ...], rule: str) -> list[tuple[str, str]]:
    """(id, severity) of the findings of one rule."""
    return [(f.id, f.severity) for f in findings if f.rule == rule]


DELIVER_IOS_APP = OkrSet(
    objectives=(
        objective(
            "O1",
            "Deliver new iOS app",
            kr("KR1.1", "Launch the mobile app"),
            kr("KR1.2", "Code MVP"),
            kr("KR1.3", "Publish the app by November"),
            kr("KR1.4", "Integrate user testing"),
        ),
    )
)


PARENT = OkrSet(
    objectives=(objective("CO-2", "Teams succeed on day one", kr("KRC.1", "x")),),
    source="company.yaml",
)
