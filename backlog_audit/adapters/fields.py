"""How every source names its fields to the user: how names compare, and the exit-2 lines for
a `--okr-field` or `--points-field` that names no field, or a field of the wrong type.

Asana's custom fields, Trello's custom fields and monday.com's columns are looked up alike: by
name, case-insensitively with blanks collapsed; a missing one is refused listing every field
the place has (`Name (type), ...`), a wrong one naming the types that would do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backlog_audit.errors import UsageError

__all__ = ["FieldPlace", "field_key", "listing"]


def field_key(name: object) -> str:
    """How field names compare: case-insensitive, blanks collapsed."""
    return " ".join(str(name or "").split()).casefold()


def listing(fields: Iterable[tuple[str, str]]) -> str:
    """`Name (type), ...` of (name, type) pairs, or `(none)`, for messages that list fields."""
    return ", ".join(f"{name} ({kind})" for name, kind in fields) or "(none)"


@dataclass(frozen=True)
class FieldPlace:
    """Where a source looks a field up, as its messages name it: `kind` ("Asana project"),
    `name` in the line of a missing field ("Roadmap (1201)"), `short` in the line of a field
    of the wrong type ("1201"), and what a field is called there (`noun`: "column")."""

    kind: str
    name: str
    short: str
    noun: str = "custom field"

    def no_field(
        self, name: str, flag: str, fields: Iterable[tuple[str, str]], hint: str = ""
    ) -> UsageError:
        """Exit 2: no field called `name` (the `flag` named it); lists the place's `fields`."""
        return UsageError(
            f"{self.kind} {self.name} has no {self.noun} '{name}' ({flag}){hint}; "
            f"its {self.noun}s: {listing(fields)}"
        )

    def wrong_type(self, name: str, flag: str, kind: str, expected: Iterable[str]) -> UsageError:
        """Exit 2: the field called `name` is of type `kind`, none of the `expected` ones."""
        word = self.noun.split()[-1]  # "custom field" -> "a number field"
        return UsageError(
            f"{self.noun} '{name}' ({flag}) of {self.kind} {self.short} is a {kind} {word}; "
            f"expected {' or '.join(expected)}"
        )
