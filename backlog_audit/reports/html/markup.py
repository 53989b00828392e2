"""Building HTML safely: text is escaped unless it is already `Html`.

Every string that reaches the page goes through `el` (or `esc`): a plain `str` child or
attribute value is escaped with `html.escape(..., quote=True)`, so a title such as
`<img src=x onerror=alert(1)>` shows as text. Only values built here are `Html`, so source
text can never become markup by accident: forgetting to escape means passing a `str`,
which is escaped anyway.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

# Characters HTML has no use for and that browsers show as boxes or drop: C0/C1 controls
# (tab, newline and carriage return are kept) and non-characters.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Attribute names we write (SVG has camelCase ones): never anything from a source.
_ATTR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
# Elements without an end tag.
_VOID = frozenset({"br", "col", "hr", "input", "meta", "link"})
# Block elements end their line, so that the page's source reads (and diffs) line by line;
# a line break between blocks shows nothing.
_LINE_AFTER = frozenset(
    {"head", "header", "nav", "main", "section", "footer", "div", "p", "ul", "li", "dl",
     "table", "thead", "tbody", "tr", "figure", "svg", "h1", "h2", "h3", "style", "script"}
)  # fmt: skip


class Html(str):
    """Markup that is safe to put on the page as it is (built by this module)."""

    __slots__ = ()


def esc(text: object) -> Html:
    """Plain text as HTML: `<`, `>`, `&`, quotes escaped; controls removed."""
    if isinstance(text, Html):
        return text
    return Html(html.escape(_INVISIBLE.sub("", str(text)), quote=True))


def join(parts: Iterable[Html | str | None], sep: str = "") -> Html:
    """Several pieces as one; `str` pieces are escaped, `None` is skipped."""
    return Html(esc(sep).join(esc(part) for part in parts if part is not None))


def attrs(values: Mapping[str, object]) -> Html:
    """` name="value"` pairs: None and False are left out, True is a bare attribute."""
    out = []
    for name, value in values.items():
        if not _ATTR_NAME.match(name):
            raise ValueError(f"not an attribute name: {name!r}")
        if value is None or value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    return Html("".join(out))


def el(tag: str, *children: object, **attributes: object) -> Html:
    """`<tag attr="...">children</tag>`.

    Keyword names map to attributes: a trailing `_` is dropped (`class_`), other `_` become
    `-` (`data_v` -> `data-v`, `aria_sort` -> `aria-sort`). Children may be `Html`, text,
    numbers, None (skipped) or iterables of those.
    """
    names = {_attr_name(key): value for key, value in attributes.items()}
    opening = f"<{tag}{attrs(names)}>"
    if tag in _VOID:
        return Html(opening)
    end = "\n" if tag in _LINE_AFTER else ""
    return Html(opening + _children(children) + f"</{tag}>{end}")


def _attr_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _children(children: Iterable[object]) -> str:
    out: list[str] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, Iterable) and not isinstance(child, str):
            out.append(_children(child))
        else:
            out.append(esc(child))
    return "".join(out)
