"""The HTML report (SPEC 10): one self-contained page for CI artifacts, intranets and e-mail.

`render(result)` returns the page as UTF-8 bytes. `page` assembles it from `sections`
(heading, headline tiles, figures, changes), `tables` (sortable, filterable data tables),
`charts` (inline SVG) and the style sheet and script shipped beside these modules.
"""

from __future__ import annotations

from backlog_audit.reports.html.page import render

__all__ = ["render"]
