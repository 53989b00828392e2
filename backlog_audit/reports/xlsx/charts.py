"""Native Excel charts: KR bars and the link-state doughnut (Summary), the coverage trend.

Charts refer to cells by sheet name and range, so they can be built before the sheets they
read are written (write-only mode writes sheets one after the other).
"""

from __future__ import annotations

from openpyxl.chart import BarChart, DoughnutChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import DataPoint
from openpyxl.utils import quote_sheetname

from backlog_audit.reports.xlsx import styles

# Series colours: items navy, points teal; trend lines likewise.
_SERIES_COLOURS = ("2F5597", "2E9C8F")
# Doughnut slices in the Summary's link-state order: linked, exempt, orphaned, dangling, stale.
LIGHT_SLICE_COLOURS = (styles.GREEN, styles.GREY, styles.RED, "F4B183", styles.AMBER)


def ref(sheet: str, col: str, first_row: int, last_row: int) -> Reference:
    """A column range of a sheet, by name (`'Key Results'!$H$1:$H$5`)."""
    return Reference(range_string=f"{quote_sheetname(sheet)}!${col}${first_row}:${col}${last_row}")


def kr_bar_chart(sheet: str, id_col: str, value_cols: tuple[str, ...], rows: int) -> BarChart:
    """Horizontal bars of items and points per KR, read from the Key Results sheet.

    `value_cols` name the columns whose header (row 1) titles each series; `rows` is the
    number of KR rows below the header.
    """
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Work per key result"
    for col in value_cols:
        chart.add_data(ref(sheet, col, 1, rows + 1), titles_from_data=True)
    chart.set_categories(ref(sheet, id_col, 2, rows + 1))
    # KR1.1 at the top, as in the table.
    chart.x_axis.scaling.orientation = "maxMin"
    _colour_series(chart)
    _show_axes(chart)
    chart.legend.position = "b"
    chart.width, chart.height = 16, max(7.5, 1.2 + 0.9 * rows)
    return chart


def state_doughnut(sheet: str, label_col: str, value_col: str, first: int, last: int,
                   colours: tuple[str, ...]) -> DoughnutChart:  # fmt: skip
    """A doughnut of items by link state; `first`-1 is the header row of the values."""
    chart = DoughnutChart(holeSize=55)
    chart.title = "Work by link state"
    chart.add_data(ref(sheet, value_col, first - 1, last), titles_from_data=True)
    chart.set_categories(ref(sheet, label_col, first, last))
    series = chart.series[0]
    for index, colour in enumerate(colours):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = colour
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = DataLabelList(showPercent=True, showVal=False, showCatName=False)
    series.dLbls.showSerName = False
    series.dLbls.showLegendKey = False
    series.dLbls.showLeaderLines = False
    chart.legend.position = "r"
    chart.width, chart.height = 16, 7.5
    return chart


def trend_chart(sheet: str, time_col: str, value_cols: tuple[str, ...], rows: int) -> LineChart:
    """Coverage over past runs, one line per value column, dates along the bottom."""
    chart = LineChart()
    chart.title = "Coverage over time"
    for col in value_cols:
        chart.add_data(ref(sheet, col, 1, rows + 1), titles_from_data=True)
    chart.set_categories(ref(sheet, time_col, 2, rows + 1))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.number_format = "yyyy-mm-dd"
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
