"""Building HTML: text is escaped unless it is markup built by `el`."""

from __future__ import annotations

import pytest

from backlog_audit.reports.html.markup import Html, attrs, el, esc, join


def test_text_is_escaped_and_markup_is_not() -> None:
    assert esc("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert esc("a \"b\" 'c' & d") == "a &quot;b&quot; &#x27;c&#x27; &amp; d"
    assert esc(Html("<b>x</b>")) == "<b>x</b>"
    assert el("span", "<b>", el("b", "x")) == "<span>&lt;b&gt;<b>x</b></span>"


def test_controls_are_dropped_but_line_breaks_kept() -> None:
    assert esc("a\x00b\x1bc\u0085d\ufffe\nend\t!") == "abcd\nend\t!"


def test_attribute_values_are_escaped_and_names_checked() -> None:
    assert el("a", "k", href='x" onclick="y') == '<a href="x&quot; onclick=&quot;y">k</a>'
    assert attrs({"hidden": True, "title": None, "open": False}) == " hidden"
    assert el("td", data_v=1.5, class_="num", aria_sort="ascending") == (
        '<td data-v="1.5" class="num" aria-sort="ascending"></td>'
    )
    with pytest.raises(ValueError, match="not an attribute name"):
        attrs({"x onload": "y"})


def test_block_elements_end_their_line() -> None:
    assert el("ul", el("li", "a"), el("li", "b")) == "<ul><li>a</li>\n<li>b</li>\n</ul>\n"


def test_children_may_be_numbers_lists_and_none() -> None:
    assert el("td", [el("i", 1), None, [el("i", 2.5)]]) == "<td><i>1</i><i>2.5</i></td>"
    assert el("meta", charset="utf-8") == '<meta charset="utf-8">'
    assert join(["<a>", Html("<b></b>"), None], sep=", ") == "&lt;a&gt;, <b></b>"
