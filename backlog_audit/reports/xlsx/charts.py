"""Native Excel charts: KR bars and the link-state doughnut (Summary), the coverage trend.

Charts refer to cells by sheet name and range, so they can be built before the sheets they
read are written (write-only mode writes sheets one after the other).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from openpyxl.chart import BarChart, DoughnutChart, LineChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.series import DataPoint
from openpyxl.utils import quote_sheetname

from backlog_audit.reports.xlsx import styles

# Series colours: items navy, points teal; trend lines likewise.
ITEMS_COLOUR, POINTS_COLOUR = "2F5597", "2E9C8F"
_SERIES_COLOURS = (ITEMS_COLOUR, POINTS_COLOUR)
# Run times on the trend's axis: a day, or a moment to the second (UTC_TIME has minutes).
_DAY, _SECOND = "yyyy-mm-dd", 'yyyy-mm-dd hh:mm:ss" UTC"'
# The smallest slice of the doughnut that gets a label of its own.
MIN_LABELLED_SHARE = 0.05
# Doughnut slices in the Summary's link-state order: linked, exempt, orphaned, dangling, stale.
LIGHT_SLICE_COLOURS = (styles.GREEN, styles.GREY, styles.RED, "F4B183", styles.AMBER)


def ref(sheet: str, col: str, first_row: int, last_row: int) -> Reference:
    """A column range of a sheet, by name (`'Key Results'!$H$1:$H$5`)."""
    return Reference(range_string=f"{quote_sheetname(sheet)}!${col}${first_row}:${col}${last_row}")


def kr_bar_chart(sheet: str, label_col: str, value_col: str, values: Sequence[float],
                 title: str, colour: str) -> BarChart:  # fmt: skip
    """Horizontal bars of one measure per KR (items or points), read from the Key Results sheet.

    Items (a handful per KR) and points (dozens) get a chart each: on one axis the item bars
    would look empty. `label_col` holds the short "KR1.1 Title…" labels, `value_col` the
    measure, whose header (row 1) names the series; `values` are the measure's values, which
    set the value axis's scale.
    """
    rows = len(values)
    chart = BarChart()
    chart.title = title
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.add_data(ref(sheet, value_col, 1, rows + 1), titles_from_data=True)
    chart.set_categories(ref(sheet, label_col, 2, rows + 1))
    # The labels are in a hidden column: a chart skips hidden cells unless told otherwise.
    chart.visible_cells_only = False
    # KR1.1 at the top, as in the table.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.number_format = styles.INTEGER
    _scale(chart, max(values, default=0))
    # With the KRs top-down the value axis would sit above the bars: keep it below them.
    chart.y_axis.crosses = "max"
    (series,) = chart.series
    series.graphicalProperties.solidFill = colour
    series.graphicalProperties.line.solidFill = colour
    # The value at the end of each bar, so a reader need not follow gridlines.
    series.dLbls = DataLabelList(showVal=True, numFmt=styles.INTEGER)
    _only(series.dLbls, "showVal")
    series.dLbls.position = "outEnd"
    chart.gapWidth = 60
    _show_axes(chart)
    chart.legend = None
    chart.width, chart.height = 16, max(5.0, 1.6 + 0.7 * rows)
    return chart


def _scale(chart: BarChart, top: float) -> None:
    """At most about five round steps on the value axis (labels like "350,000" side by side
    ran into each other), and room past the longest bar for its value label."""
    step = nice_step(top / 4)
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorUnit = step
    chart.y_axis.scaling.max = step * math.ceil(top * 1.2 / step) if top > 0 else step


def nice_step(rough: float) -> float:
    """The round number (1, 2 or 5 times a power of ten, at least 1) nearest above `rough`."""
    if rough <= 1:
        return 1
    power = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def state_doughnut(sheet: str, label_col: str, value_col: str, first: int, last: int,
                   shares: Sequence[float]) -> DoughnutChart:  # fmt: skip
    """A doughnut of items by link state; `first`-1 is the header row of the values.

    Slices take `LIGHT_SLICE_COLOURS` in order. A slice under `MIN_LABELLED_SHARE` of the
    whole gets no label: small slices side by side printed "2%3%3%2%" over each other. The
    table beside the chart gives every state's share.
    """
    chart = DoughnutChart(holeSize=55)
    chart.title = "Work by link state"
    chart.add_data(ref(sheet, value_col, first - 1, last), titles_from_data=True)
    chart.set_categories(ref(sheet, label_col, first, last))
    (series,) = chart.series
    for index, colour in enumerate(LIGHT_SLICE_COLOURS):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = colour
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = DataLabelList(showPercent=True, numFmt="0%")
    _only(series.dLbls, "showPercent")
    series.dLbls.showLeaderLines = False
    series.dLbls.dLbl = [
        _unlabelled(index) for index, share in enumerate(shares) if share < MIN_LABELLED_SHARE
    ]
    chart.legend.position = "r"
    chart.width, chart.height = 16, 7.5
    return chart


def _unlabelled(index: int) -> DataLabel:
    """The label of one slice, showing nothing (openpyxl's DataLabel has no `delete`)."""
    label = DataLabel(idx=index)
    _only(label, "")
    return label


def _only(labels: DataLabelList | DataLabel, shown: str) -> None:
    """Show one thing in data labels: openpyxl leaves the others unset, and LibreOffice then
    shows the category name and legend key as well."""
    for name in ("showVal", "showPercent", "showCatName", "showSerName", "showLegendKey"):
        setattr(labels, name, name == shown)


def run_label_format(runs: Sequence[datetime]) -> str:
    """The number format that tells every run apart on the trend's axis: the date alone, or
    with the time when two runs share a day (two runs of one day were two identical
    "2026-12-06" labels), with seconds when two share a minute."""
    for fmt, shown in ((_DAY, "%Y-%m-%d"), (styles.UTC_TIME, "%Y-%m-%d %H:%M")):
        if len({run.strftime(shown) for run in runs}) == len(runs):
            return fmt
    return _SECOND


def trend_chart(sheet: str, time_col: str, value_cols: tuple[str, ...],
                runs: Sequence[datetime]) -> LineChart:  # fmt: skip
    """Coverage over past runs, one line per value column, run times along the bottom."""
    rows = len(runs)
    chart = LineChart()
    chart.title = "Coverage over time"
    for col in value_cols:
        chart.add_data(ref(sheet, col, 1, rows + 1), titles_from_data=True)
    chart.set_categories(ref(sheet, time_col, 2, rows + 1))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.number_format = run_label_format(runs)
    for series in chart.series:
        series.marker.symbol = "circle"
        series.smooth = False
    _colour_series(chart)
    _show_axes(chart)
    chart.legend.position = "b"
    chart.width, chart.height = 18, 8
    return chart


def _colour_series(chart: BarChart | LineChart) -> None:
    for series, colour in zip(chart.series, _SERIES_COLOURS, strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


def _show_axes(chart: BarChart | LineChart) -> None:
    # openpyxl 3.1 writes axes as deleted unless told otherwise; recent Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
