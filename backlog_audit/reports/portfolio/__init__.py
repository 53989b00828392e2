"""A portfolio's reports (SPEC 11, "JSON" and "Reports"): each format's single-audit report
over the portfolio, with the team table, the team x company KR matrix and the unaligned
team OKRs first (and a Team column on the items)."""

from __future__ import annotations

from importlib import import_module

from backlog_audit.portfolio.model import PortfolioResult
from backlog_audit.reports.interface import ReportFormat
from backlog_audit.reports.portfolio.tables import EXTRA_TABLES, tables

__all__ = ["EXTRA_TABLES", "render", "tables"]

_MODULES = {
    ReportFormat.XLSX: "backlog_audit.reports.portfolio.xlsx",
    ReportFormat.CSV: "backlog_audit.reports.portfolio.tables",
    ReportFormat.JSON: "backlog_audit.reports.portfolio.json",
    ReportFormat.MD: "backlog_audit.reports.portfolio.markdown",
    ReportFormat.HTML: "backlog_audit.reports.portfolio.html",
}


def render(fmt: ReportFormat, result: PortfolioResult) -> bytes:
    """One report format of a portfolio, as bytes."""
    data: bytes = import_module(_MODULES[fmt]).render(result)
    return data
