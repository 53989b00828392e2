"""The HTML report read back as a tree, with the standard library's HTML parser.

Tests ask the tree what a browser would see (elements, attributes, text), never search the
page's source text: `<img` inside an escaped title is text, not an element.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


@dataclass
class Node:
    """An element: its tag, attributes, children (elements and text, in order)."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text inside, as a browser's textContent gives it."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements with this tag (any when None) whose attributes hold these values.

        `class_` matches one class among several.
        """
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if all(_matches(node, name, value) for name, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        """The first matching element; fails the test when there is none."""
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def rows(self) -> list[list[str]]:
        """A table's body rows as lists of cell texts."""
        body = self.find("tbody")
        return [[cell.text for cell in row.find_all("td")] for row in body.find_all("tr")]

    def headers(self) -> list[str]:
        """A table's column headers."""
        return [th.text for th in self.find("thead").find_all("th")]


def _matches(node: Node, name: str, value: str) -> bool:
    key = name.rstrip("_").replace("_", "-")
    actual = node.attrs.get(key)
    if actual is None:
        return False
    if key == "class":
        return value in actual.split()
    return actual == value


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # Close up to the matching element; a stray end tag is a bug in the page.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                unclosed = [n.tag for n in self.stack[depth + 1 :]]
                assert not unclosed, f"</{tag}> closes unclosed {unclosed}"
                del self.stack[depth:]
                return
        raise AssertionError(f"</{tag}> without a start tag")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: bytes | str) -> Node:
    """The document's tree; fails when an element is left open."""
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    left_open = [n.tag for n in builder.stack[1:]]
    assert not left_open, f"elements left open: {left_open}"
    assert builder.doctype == "DOCTYPE html"
    return builder.root
