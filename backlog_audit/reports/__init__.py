"""Report writers, picked by `ReportFormat`."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from backlog_audit.model import AuditResult
from backlog_audit.reports.interface import Renderer, ReportFormat

__all__ = ["STREAMED", "ReportFormat", "Renderer", "chunks", "render", "renderer"]

_MODULES = {
    ReportFormat.XLSX: "backlog_audit.reports.xlsx",
    ReportFormat.CSV: "backlog_audit.reports.csv",
    ReportFormat.JSON: "backlog_audit.reports.json",
    ReportFormat.MD: "backlog_audit.reports.markdown",
    ReportFormat.HTML: "backlog_audit.reports.html",
}


def renderer(fmt: ReportFormat) -> Renderer:
    """The `render` function of a format's module (imported on first use)."""
    render_fn: Renderer = import_module(_MODULES[fmt]).render
    return render_fn


def render(fmt: ReportFormat, result: AuditResult) -> bytes:
    """Render one report format to bytes."""
    with _settled():
        return renderer(fmt)(result)


@contextmanager
def _settled() -> Iterator[None]:
    """Leave what exists before a report is rendered (the backlog's items, the result) out
    of the garbage collector's passes while it renders: each pass over 100,000 items cost a
    third of the workbook's time (issue 15). What the writer makes is still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# The formats whose module writes the report in pieces (`chunks(result)`), straight to its file.
STREAMED = frozenset({ReportFormat.JSON, ReportFormat.CSV})


def chunks(fmt: ReportFormat, result: AuditResult) -> Iterator[bytes]:
    """One report in pieces, each rendered when asked for (a format not in STREAMED: its whole
    bytes, rendered on the first ask)."""
    if fmt in STREAMED:
        with _settled():
            yield from import_module(_MODULES[fmt]).chunks(result)
    else:
        yield render(fmt, result)
