"""An item's own references (SPEC 4): which raw values of a source count as OKR links.

One rule for every source, so that a Jira issue, an Asana task, a CSV row, a Trello card and a
monday.com item with the same values link the same way:

- select values (`Item.references`) are references as they are, never split;
- free-text values (`Item.free_text`) are first tried whole: a value that names a KR, an
  objective, a retired KR or an exempt value exactly (id, alias or title; "Testing, Iteration
  & Documentation (D2)") is one reference; any other value is split on `,` `;` and newlines;
- labels (`Item.labels`) are references when they carry a label prefix (`okr:KR1.2` ->
  `KR1.2`), or, without one, when they name a KR, objective, retired KR or exempt value
  exactly; every other label (`frontend`, `important`) is ignored, never dangling;
- placeholders (`N/A`, `n.a.`, `none`, `-`, `TBD`, `No KR`, punctuation alone) mean "no link":
  they are no reference, so an item holding only placeholders is orphaned, not dangling.

Without an OKR set (`names` is None) nothing can be named exactly: free text is split and only
prefixed labels count. The audit always has one; a source that decides how far up to fetch
parents passes the one it was given, so that it stops where the audit's inheritance stops.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from backlog_audit.core.linking import label_value, normalise, split_free_text
from backlog_audit.model import Item

__all__ = ["ExactNames", "ReferenceReader", "is_placeholder", "own_references"]

# The values teams type into a link field to say "none": their normalised forms (SPEC 4).
PLACEHOLDERS = ("N/A", "n.a.", "NA", "none", "-", "TBD", "No KR", "no OKR")
_PLACEHOLDER_FORMS = frozenset(normalise(value) for value in PLACEHOLDERS)


class ExactNames(Protocol):
    """What can tell that a text names something of the OKR set exactly (`Resolver.names`)."""

    def names(self, text: str) -> bool:
        """Whether `text` is exactly an id, alias or title of the OKR set."""


def is_placeholder(value: str, names: ExactNames | None = None) -> bool:
    """Whether a link value means "no link": a placeholder (`N/A`, `TBD`, `No KR`...) or
    punctuation alone (`-`, `?`), unless the OKR set itself names it (an exempt value `N/A`)."""
    norm = normalise(value)
    if norm and norm not in _PLACEHOLDER_FORMS:
        return False
    return not (names is not None and names.names(value))


class ReferenceReader:
    """Reads an item's own references with one set of label prefixes and one OKR set."""

    def __init__(self, prefixes: tuple[str, ...], names: ExactNames | None = None) -> None:
        self.prefixes = prefixes
        self.names = names

    def own(self, item: Item) -> tuple[str, ...]:
        """The item's own references: select values, free text, then labels; each once."""
        return own_references(item.references, item.labels, self.prefixes, item.free_text, self)

    def placeholders(self, item: Item) -> tuple[str, ...]:
        """The raw link values of the item that were read as placeholders (for the reports)."""
        values = [*item.references, *item.free_text]
        values += [label_value(label, self.prefixes) or "" for label in item.labels]
        found = (v.strip() for v in values if v.strip() and is_placeholder(v, self.names))
        return tuple(dict.fromkeys(found))

    def free_text(self, text: str) -> Iterable[str]:
        """One free-text value: whole when it names something exactly, else its parts."""
        if self.names is not None and self.names.names(text):
            return (text.strip(),)
        return split_free_text(text)

    def label(self, label: str) -> str | None:
        """What a label refers to: its value after a prefix, or itself when it names
        something of the OKR set exactly; None for any other label."""
        value = label_value(label, self.prefixes)
        if value is not None:
            return value or None  # a bare prefix (`okr:`) names nothing
        if self.names is not None and self.names.names(label):
            return label.strip()
        return None


def own_references(
    references: tuple[str, ...],
    labels: tuple[str, ...],
    prefixes: tuple[str, ...],
    free_text: tuple[str, ...] = (),
    reader: ReferenceReader | None = None,
) -> tuple[str, ...]:
    """An item's own references (SPEC 4, rules in the module docstring), each once.

    The one definition both the audit (inheritance stops at the first ancestor that has any)
    and the sources (which stop fetching parents there) use.
    """
    reader = reader or ReferenceReader(prefixes)
    found = list(references)
    found += [part for text in free_text for part in reader.free_text(text)]
    found += [value for label in labels if (value := reader.label(label)) is not None]
    kept = (ref for ref in found if ref.strip())
    return tuple(dict.fromkeys(ref for ref in kept if not is_placeholder(ref, reader.names)))
