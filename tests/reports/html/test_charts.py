"""The inline SVG charts: round axes, labels that fit, every figure drawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from backlog_audit.model import AuditResult, TrendPoint
from backlog_audit.reports.html import charts, svg
from tests.reports.html.parsed import Node, parse


def svg_tree(markup: str) -> Node:
    return parse("<!DOCTYPE html>" + markup)


@pytest.mark.parametrize(
    ("largest", "axis"),
    [
        (0, (1.0, 1.0)),
        (1, (1.0, 1.0)),
        (7, (8.0, 2.0)),
        (8, (8.0, 2.0)),
        (25, (30.0, 10.0)),
        (3_256, (4_000.0, 1_000.0)),
        (546_243, (600_000.0, 200_000.0)),
    ],
)
def test_axes_end_on_a_round_step(largest: float, axis: tuple[float, float]) -> None:
    assert svg.scale(largest) == axis


def test_ticks_are_whole_steps() -> None:
    assert svg.ticks(8.0, 2.0) == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_labels_are_shortened_to_their_room() -> None:
    assert svg.fits("KR1.1", 100, 12) == "KR1.1"
    short = svg.fits("Net activation rate of tech leads from 50% to 70%", 100, 12)
    assert short.endswith("\u2026") and len(short) <= 14


def test_doughnut_legend_lists_every_state_with_count_and_share(result: AuditResult) -> None:
    texts = [node.text for node in svg_tree(charts.doughnut(result)).find_all("text")]
    # 12 items: linked 6, exempt 1, orphaned 3, dangling 1, stale 1
    assert texts[:2] == ["12", "items"]
    assert texts[2:] == [
        "Linked", "6", "50.0%",
        "Exempt", "1", "8.3%",
        "Orphaned", "3", "25.0%",
        "Dangling", "1", "8.3%",
        "Stale", "1", "8.3%",
    ]  # fmt: skip


def test_kr_bars_label_each_kr_with_its_title(result: AuditResult) -> None:
    tree = svg_tree(charts.kr_bars(result.key_results, "points"))
    labels = [t.text for t in tree.find_all("text") if t.find_all("tspan")]
    assert labels[0] == "KR1.1 Net activation rate of tech leads from 50% to 70%"
    values = [t.text for t in tree.find_all("text", class_="num")]
    assert values == ["8", "10", "11", "0"]
    axis = [t.text for t in tree.find_all("text", class_="axis")]
    assert axis == ["0", "5", "10", "15"]


def test_coverage_marks_the_threshold(result: AuditResult) -> None:
    plain = svg_tree(charts.coverage_bars(result))
    assert plain.find("text", class_="marker-label").text == "green from 80%"
    strict = svg_tree(charts.coverage_bars(replace(result, fail_under=75)))
    assert strict.find("text", class_="marker-label").text == "--fail-under 75%"


def test_two_runs_on_one_day_are_told_apart_by_their_time() -> None:
    def run(day: int, hour: int) -> TrendPoint:
        return TrendPoint(datetime(2026, 11, day, hour, tzinfo=timezone.utc), 1, 0.5, 0.5, 0)

    assert charts.run_labels([run(1, 9), run(2, 9)]) == ["2026-11-01", "2026-11-02"]
    assert charts.run_labels([run(1, 9), run(1, 17)]) == ["11-01 09:00", "11-01 17:00"]


@pytest.mark.parametrize(("items", "size"), [(52, "big"), (100_000, "big-m"), (2_000_000, "big-s")])
def test_the_doughnut_total_fits_inside_the_ring(
    result: AuditResult, items: int, size: str
) -> None:
    # `100,000` at the size of `52` was wider than the ring's hole.
    summary = replace(result.summary, all=replace(result.summary.all, linked_items=items))
    total = svg_tree(charts.doughnut(replace(result, summary=summary))).find("text", class_="big")
    assert size in (total.attrs["class"] or "").split()
