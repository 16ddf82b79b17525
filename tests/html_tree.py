"""A small tree of an HTML page, from the standard library's parser: what the page and dashboard
tests read as a student or a teacher would (elements, classes, texts), and the attributes that could
fetch something from the network."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

NETWORK_URL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
URL_ATTRIBUTES = ("src", "href", "xlink:href", "action", "data", "poster", "srcset", "formaction")



@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [node for node in self.iter() if (tag is None or node.tag == tag)
                and all(node.attrs.get(name.rstrip("_").replace("_", "-")) == value
                        for name, value in attrs.items())]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return " ".join(" ".join(node.texts) for node in self.iter()).strip()


class _TreeBuilder(HTMLParser):
    VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):  # <rect …/> in the SVG
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if data.strip():
            self.stack[-1].texts.append(" ".join(data.split()))


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
