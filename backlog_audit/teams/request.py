"""What a portfolio audit needs, already validated by the CLI (`cli/teams.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlog_audit.adapters import SourceSettings
from backlog_audit.model import AuditOptions
from backlog_audit.reports import ReportFormat
from backlog_audit.run import Thresholds


@dataclass(frozen=True)
class TeamRequest:
    """One `[[teams]]` table, merged with the top-level defaults."""

    name: str
    source: str
    settings: SourceSettings
    params: Mapping[str, Any] = field(default_factory=dict)
    options: AuditOptions = AuditOptions()
    okrs: str | None = None  # the team's own set, None: the company set only
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    # Its set's `[lint]`: the top-level table with the team's own keys over it.
    lint_settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioRequest:
    """Everything one portfolio `backlog-audit audit` needs."""

    okrs: str  # the company set
    teams: tuple[TeamRequest, ...]
    config: str
    formats: tuple[ReportFormat, ...] = (ReportFormat.XLSX,)
    output: str | None = None
    thresholds: Thresholds = Thresholds()
    fail_under_team: float | None = None  # percent
    lint_settings: Mapping[str, Any] = field(default_factory=dict)
    history: Path | None = None
    jobs: int = 4
    keep_going: bool = False
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
