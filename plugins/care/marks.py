"""Finds where a page marks CARE items: elements (headings, through attr_list) with a
`data-care` attribute naming one item or several, space-separated, in the page's rendered HTML;
and the line of the source that wrote each name, for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

ATTRIBUTE = "data-care"
MARKER = "<!-- care:checklist -->"
# A name as the source writes it, inside data-care="..." (only to give messages a line).
_WRITTEN = re.compile(r"""data-care\s*=\s*(["'])(.*?)\1""")
# Elements without an end tag: they open nothing the parser must wait to close.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


@dataclass(frozen=True)
class Mark:
    names: tuple[str, ...]
    anchor: str  # the element's id ('' when it has none)
    text: str  # the element's text, without its permalink


def find_marks(html: str) -> list[Mark]:
    parser = _MarkParser()
    parser.feed(html)
    parser.close()
    return parser.marks


def line_of(source: str, name: str) -> int | None:
    """The line (from 1) of the first data-care attribute in the source that names `name`."""
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _WRITTEN.finditer(line):
            if name in match[2].split():
                return number
    return None


def marker_line(source: str) -> int | None:
    for number, line in enumerate(source.splitlines(), start=1):
        if MARKER in line:
            return number
    return None


class _MarkParser(HTMLParser):
    """Collects each marked element's id and text; the heading permalink (`a.headerlink`, the
    toc extension's "¶") is not part of its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[Mark] = []
        self._open: list[tuple[int, tuple[str, ...], str, list[str]]] = []
        self._depth = 0
        self._skip_until: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            self.handle_startendtag(tag, attrs)
            return
        self._depth += 1
        values = dict(attrs)
        if (
            self._skip_until is None
            and tag == "a"
            and "headerlink" in (values.get("class") or "").split()
        ):
            self._skip_until = self._depth
        names = (values.get(ATTRIBUTE) or "").split()
        if ATTRIBUTE in values:
            self._open.append((self._depth, tuple(names), values.get("id") or "", []))

    def handle_startendtag(self, tag, attrs):
        values = dict(attrs)
        if ATTRIBUTE in values:
            names = tuple((values[ATTRIBUTE] or "").split())
            self.marks.append(Mark(names, values.get("id") or "", ""))

    def handle_endtag(self, tag):
        if self._skip_until == self._depth:
            self._skip_until = None
        if self._open and self._open[-1][0] == self._depth:
            _, names, anchor, text = self._open.pop()
            self.marks.append(Mark(names, anchor, " ".join("".join(text).split())))
        self._depth -= 1

    def handle_data(self, data):
        if self._skip_until is None:
            for _, _, _, text in self._open:
                text.append(data)
