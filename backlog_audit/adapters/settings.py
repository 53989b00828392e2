"""What every source honours, whichever it is: `SourceSettings`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from backlog_audit.model import DEFAULT_LABEL_PREFIXES, OkrSet, StatusCategory

__all__ = ["DEADLINE", "SLEEP", "TIMEOUT", "SourceSettings"]

# Every HTTP request's limits, in seconds (docs/reliability.md): a read that gets no byte for
# TIMEOUT fails, and so does an answer not complete DEADLINE after it was asked for (a server
# trickling bytes never trips the per-read timeout). Read when settings are made, so that the
# fault-matrix tests can shorten them; SLEEP (None: time.sleep) is how retries wait.
TIMEOUT = 30.0
DEADLINE = 120.0
SLEEP: Callable[[float], None] | None = None


@dataclass(frozen=True)
class SourceSettings:
    """The settings every source is given; a source's own selectors are in its config class."""

    okr_field: str = "OKR"
    points_field: str | None = None
    # run.run_audit sets this (and inherit, include/exclude types) from the AuditOptions, so
    # the sources read and climb exactly as the audit links
    label_prefixes: tuple[str, ...] = DEFAULT_LABEL_PREFIXES
    # the --okrs value, so a source that hosts OKRs itself (Asana Goals) can read links to them
    okrs: str | None = None
    # the OKR set once loaded (run.py fills it in), for sources that can reuse what it holds
    # (the cycle start, Asana's goal graph)
    okr_set: OkrSet | None = field(default=None, repr=False)
    # status name (casefolded) -> category, for sources that give only a status name
    status_map: Mapping[str, StatusCategory] = field(default_factory=dict)
    # `[points_map]`: estimate labels (T-shirt sizes, casefolded) -> points, in every source
    points_map: Mapping[str, float] = field(default_factory=dict)
    # The audit's own scope knobs (`AuditOptions`), so a source fetches no more than the audit
    # uses: without inheritance (--no-inherit) out-of-scope parents are not fetched; the type
    # names of --include-types/--exclude-types say whether e.g. Asana subtasks are counted.
    inherit: bool = True
    include_types: frozenset[str] = frozenset()
    exclude_types: frozenset[str] = frozenset()
    # per-read timeout and whole-answer deadline of a request, in seconds, and how retries
    # wait (None: time.sleep); see TIMEOUT, DEADLINE and SLEEP above
    timeout: float = field(default_factory=lambda: TIMEOUT)
    deadline: float = field(default_factory=lambda: DEADLINE)
    sleep: Callable[[float], None] | None = field(default_factory=lambda: SLEEP)

    def includes_type(self, name: str) -> bool:
        """Whether --include-types names `name` and --exclude-types does not (case-insensitive)."""
        kind = name.casefold()
        include = {t.casefold() for t in self.include_types}
        exclude = {t.casefold() for t in self.exclude_types}
        return kind in include and kind not in exclude
