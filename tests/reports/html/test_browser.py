"""The HTML report in a real browser: headless Chromium from the distribution's packages.

Chromium is started by the tests (over the DevTools protocol on a pipe, see `browser.py`),
with every host name resolving to nowhere, and the tests check what a reader gets: no
request to any other host, the headline figures, sorting and filtering by clicking and
typing, a readable page with scripts off, and a title `<img src=x onerror=alert(1)>` that
stays text. Skipped, saying why, where Chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backlog_audit.reports.html import render
from tests.reports.conftest import build_result
from tests.reports.html.browser import Browser, chromium, find_chromium
from tests.reports.html.conftest import IMG, build_hostile_result

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed: apt-get install chromium (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with chromium(CHROMIUM) as started:
        yield started


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    written = {}
    for name, result in (("plain", build_result()), ("hostile", build_hostile_result())):
        written[name] = folder / f"{name}.html"
        written[name].write_bytes(render(result))
    return written


def open_page(browser: Browser, path: Path) -> None:
    browser.events.clear()
    browser.open(path.as_uri())
    screen = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    browser.send("Emulation.setDeviceMetricsOverride", screen)


def js(browser: Browser, expression: str) -> Any:
    return browser.evaluate(expression)


def click(browser: Browser, selector: str) -> None:
    """A real mouse click (pressed and released) in the middle of the element."""
    x, y = js(
        browser,
        f"""(() => {{
        const el = document.querySelector({json.dumps(selector)});
        el.scrollIntoView({{block: "center"}});
        const box = el.getBoundingClientRect();
        return [box.x + box.width / 2, box.y + box.height / 2];
    }})()""",
    )
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent",
                     {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})  # fmt: skip


def column(browser: Browser, table: str, index: int = 0) -> list[str]:
    """The texts of one column of a table's displayed rows, top to bottom."""
    return list(
        js(
            browser,
            f"""Array.from(document.querySelectorAll("#{table} tbody tr"))
        .filter(row => row.offsetParent !== null)
        .map(row => row.cells[{index}].textContent)""",
        )
    )


def problems(browser: Browser) -> list[dict[str, Any]]:
    """Script errors, dialogs and console errors (a refused style or script among them)."""
    kinds = ("Runtime.exceptionThrown", "Page.javascriptDialogOpening")
    found = [event for event in browser.events if event["method"] in kinds]
    found += [
        event
        for event in browser.events
        if event["method"] == "Runtime.consoleAPICalled" and event["params"]["type"] == "error"
    ]
    found += [
        event
        for event in browser.events
        if event["method"] == "Log.entryAdded" and event["params"]["entry"]["level"] == "error"
    ]
    return found


def test_the_page_loads_with_no_request_to_any_other_host(
    browser: Browser, pages: dict[str, Path]
) -> None:
    open_page(browser, pages["plain"])
    assert browser.requested_urls() == [pages["plain"].as_uri()]
    assert problems(browser) == []  # a style or script the policy refused is an error here
    # The script ran (the policy let it): the tables have their sort buttons.
    assert js(browser, "document.querySelectorAll('button.sort').length") > 20


def test_it_shows_the_headline_figures_and_the_status(
    browser: Browser, pages: dict[str, Path]
) -> None:
    open_page(browser, pages["plain"])
    values = js(
        browser,
        """Array.from(document.querySelectorAll(".tile"))
        .map(tile => tile.querySelector(".tile-value").innerText)""",
    )
    assert values == ["54.5%", "82.8%", "3", "1", "1", "1"]
    assert js(browser, "document.getElementById('status').innerText").startswith("Off track")
    # The doughnut's legend is drawn and readable: labels with their counts.
    legend = js(browser, "document.querySelector('#summary svg').textContent")
    assert "Linked" in legend and "Orphaned" in legend


def test_clicking_a_header_sorts_its_column(browser: Browser, pages: dict[str, Path]) -> None:
    open_page(browser, pages["plain"])
    points = "#key-results-table thead th:nth-child(6) button"
    assert js(browser, f"document.querySelector({json.dumps(points)}).innerText") == "Points"
    click(browser, points)
    # Points per KR: KR1.1 8, KR1.2 10, KR2.1 11, KR2.2 0.
    assert column(browser, "key-results-table") == ["KR2.2", "KR1.1", "KR1.2", "KR2.1"]
    assert js(browser, "document.querySelector('#key-results-table th:nth-child(6)')"
                       ".getAttribute('aria-sort')") == "ascending"  # fmt: skip
    click(browser, points)
    assert column(browser, "key-results-table") == ["KR2.1", "KR1.2", "KR1.1", "KR2.2"]
    # Keys sort in natural order: APP-9 before APP-10.
    click(browser, "#orphans-table thead th:nth-child(1) button")
    assert column(browser, "orphans-table") == ["APP-9", "APP-10", "APP-14"]
    click(browser, "#orphans-table thead th:nth-child(1) button")
    assert column(browser, "orphans-table") == ["APP-14", "APP-10", "APP-9"]


def test_typing_in_the_filter_box_filters_the_rows(
    browser: Browser, pages: dict[str, Path]
) -> None:
    open_page(browser, pages["plain"])
    click(browser, "#items")  # scroll there first
    click(browser, "section#items .table-tools input")
    browser.send("Input.insertText", {"text": "ben okafor"})
    assert column(browser, "items-table") == ["APP-5", "APP-6", "APP-12"]
    status = js(browser, "document.querySelector('section#items .table-status').innerText")
    assert status == "3 of 12 rows"


def test_an_item_titled_like_markup_stays_text(browser: Browser, pages: dict[str, Path]) -> None:
    open_page(browser, pages["hostile"])
    assert js(browser, "document.images.length") == 0
    assert js(browser, "document.querySelectorAll('svg[onload], [onerror]').length") == 0
    assert js(browser, "document.scripts.length") == 1
    assert column(browser, "items-table", 1)[0] == IMG
    assert js(browser, "document.querySelector('.facts').innerText").count(IMG) == 1
    assert problems(browser) == []  # no dialog opened, no error
    assert browser.requested_urls() == [pages["hostile"].as_uri()]


def test_with_scripts_off_every_row_is_there(browser: Browser, pages: dict[str, Path]) -> None:
    open_page(browser, pages["plain"])
    browser.send("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.events.clear()
        browser.send("Page.reload")
        browser.wait_for("Page.loadEventFired")
        assert js(browser, "document.querySelectorAll('button.sort, .table-tools').length") == 0
        assert len(column(browser, "items-table")) == 12
        assert column(browser, "key-results-table") == ["KR1.1", "KR1.2", "KR2.1", "KR2.2"]
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", {"value": False})
