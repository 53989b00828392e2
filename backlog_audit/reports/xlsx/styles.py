"""The workbook's look: one palette, fonts, fills and number formats, defined once."""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from backlog_audit.model import LinkState
from backlog_audit.reports.figures import AMBER_FROM, Light

# A restrained palette: dark blue headers, pale fills for states, the traffic light.
NAVY = "1F3864"
GREY_TEXT = "595959"
RULE = "BFBFBF"
GREEN, AMBER, RED, GREY = "63BE7B", "FFD966", "F8696B", "D9D9D9"
PALE = {
    "green": "E2EFDA",
    "blue": "DDEBF7",
    "amber": "FFF2CC",
    "red": "FCE4D6",
    "grey": "EDEDED",
}

PERCENT = "0.0%"
INTEGER = "#,##0"
# Fractional story points; whole ones use INTEGER ("#,##0.##" would show 3 as "3." in Excel).
POINTS = "#,##0.0#"
# Deltas are stored in percentage points (4.5, not 0.045): Excel formats cannot scale by 100
# except with a "%" sign, and "+4.5%" would misread a change of a share as a relative change.
DELTA = '+0.0" pp";-0.0" pp";0.0" pp"'
UTC_TIME = 'yyyy-mm-dd hh:mm" UTC"'

# Calibri is Excel's default; naming it keeps styled and plain cells in one typeface.
FONT_NAME = "Calibri"
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color=RULE))
LINK_FONT = Font(name=FONT_NAME, color="0563C1", underline="single")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=18, color=NAVY)
SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12, color=NAVY)
LABEL_FONT = Font(name=FONT_NAME, bold=True, color=GREY_TEXT)
BIG_FONT = Font(name=FONT_NAME, bold=True, size=22, color=NAVY)
SMALL_FONT = Font(name=FONT_NAME, size=9, color=GREY_TEXT)
STATUS_FONT = Font(name=FONT_NAME, bold=True, size=12)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

LIGHT_FILLS = {
    Light.GREEN: PatternFill("solid", fgColor=GREEN),
    Light.AMBER: PatternFill("solid", fgColor=AMBER),
    Light.RED: PatternFill("solid", fgColor=RED),
    Light.GREY: PatternFill("solid", fgColor=GREY),
}

# Link-state colours on the Items sheet: linked kinds green/blue, exempt grey, problems warm.
STATE_COLOURS = {
    LinkState.LINKED: PALE["green"],
    LinkState.INHERITED: PALE["green"],
    LinkState.OBJECTIVE_ONLY: PALE["blue"],
    LinkState.EXEMPT: PALE["grey"],
    LinkState.STALE: PALE["amber"],
    LinkState.DANGLING: PALE["red"],
    LinkState.ORPHANED: PALE["red"],
}

SEVERITY_COLOURS = {"error": PALE["red"], "warning": PALE["amber"], "info": PALE["blue"]}


def points_format(value: float | None) -> str:
    """The number format of a story-point figure: no decimal point unless it has a fraction."""
    if value is None or float(value).is_integer():
        return INTEGER
    return POINTS


def share_scale() -> ColorScaleRule:
    """White to blue: where the work goes (a share is neither good nor bad)."""
    return ColorScaleRule(
        start_type="num", start_value=0, start_color="FFFFFF",
        end_type="max", end_color="5B9BD5",
    )  # fmt: skip


def coverage_scale() -> ColorScaleRule:
    """Red to amber to green over 0-100%, amber where the traffic light turns amber."""
    return ColorScaleRule(
        start_type="num", start_value=0, start_color=RED,
        mid_type="num", mid_value=AMBER_FROM, mid_color=AMBER,
        end_type="num", end_value=1, end_color=GREEN,
    )  # fmt: skip


def equals_fill(text: str, colour: str) -> Rule:
    """Fill a cell whose value is exactly `text`."""
    fill = PatternFill("solid", fgColor=colour, bgColor=colour)
    return CellIsRule(operator="equal", formula=[_quoted(text)], fill=fill)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
