"""The Markdown of a literature-table cell. A data file is data, often exported from a spreadsheet
that many people edit, so a cell holds text, citations and a small allow-listed inline Markdown:
emphasis, code spans, and links to http(s) or relative URLs. Nothing else is read: raw HTML,
images, attribute lists and links to any other URL stay text as written (a character reference
such as `&amp;` reads as the character, as in any HTML text).

A Markdown instance of its own, with only those inline processors, renders a cell into elements:
for the page (citations as the page's placeholders, then put into the page's tree as finished
text that no page extension reads again) and for the download (its plain text, as a browser
shows it).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from markdown.inlinepatterns import (
    AUTOLINK_RE,
    LINK_RE,
    AutolinkInlineProcessor,
    LinkInlineProcessor,
)
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString, Registry

from bibcite.citations.extension import Tagger, register_citations

# Python-Markdown's own inline processors a cell keeps, by name, with their priorities: code
# spans, escapes and emphasis (`not_strong` and `em_strong2` in Markdown < 3.11).
_KEPT = {
    "backtick": 190,
    "escape": 180,
    "not_strong": 70,
    "em_strong": 60,
    "em_strong2": 50,
}
SAFE_SCHEMES = frozenset({"http", "https"})
# What a browser drops from a URL before reading its scheme: C0 controls and spaces at either
# end, tabs and line breaks anywhere.
_URL_EDGES = "".join(chr(n) for n in range(0x21))
_URL_INSIDE = re.compile("[\t\n\r]")
# Markdown's placeholders are STX ... ETX: in a cell they are only text.
_PLACEHOLDER_CHARS = str.maketrans({"\x02": "\ufffd", "\x03": "\ufffd"})
# `{` as Markdown's escape placeholder, so that no attribute list on the page reads a cell; the
# page's `unescape` tree processor turns it back into `{`.
_ESCAPED_BRACE = "\x02" + str(ord("{")) + "\x03"


def safe_url(url: str) -> bool:
    """An http(s) or a relative URL, as the browser will read the attribute (entities decoded)."""
    plain = _URL_INSIDE.sub("", html.unescape(url)).strip(_URL_EDGES)
    try:
        scheme = urlsplit(plain).scheme
    except ValueError:  # e.g. an unbalanced '[' in the host
        return False
    return not scheme or scheme.lower() in SAFE_SCHEMES


class _Link(LinkInlineProcessor):
    """`[text](url)` for a safe URL only (others are noted in `refused`); image syntax
    (`![alt](src)`) is text: a cell shows no images."""

    def __init__(self, pattern: str, md: markdown.Markdown, refused: list[str]) -> None:
        super().__init__(pattern, md)
        self.refused = refused

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        if data[: m.start(0)].endswith("!"):
            return None, None, None
        element, start, end = super().handleMatch(m, data)
        if element is not None and not safe_url(element.get("href", "")):
            self.refused.append(element.get("href", ""))
            return None, None, None
        return element, start, end


class _Autolink(AutolinkInlineProcessor):
    def __init__(self, pattern: str, md: markdown.Markdown, refused: list[str]) -> None:
        super().__init__(pattern, md)
        self.refused = refused

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802
        element, start, end = super().handleMatch(m, data)
        if not safe_url(element.get("href", "")):
            self.refused.append(element.get("href", ""))
            return None, None, None
        return element, start, end


class CellMarkdown:
    """Renders cells; each citation's element comes from `tagger`."""

    def __init__(self, tagger: Tagger) -> None:
        md = markdown.Markdown()
        # As on the page: `\@key` stays literal; pymdownx.blocks makes `\/` an escape.
        md.ESCAPED_CHARS.extend(c for c in "@/" if c not in md.ESCAPED_CHARS)
        # Only these, with Python-Markdown's names and priorities; citations as on the page.
        default, patterns = md.inlinePatterns, Registry()
        for name, priority in _KEPT.items():
            if name in default:
                patterns.register(default[name], name, priority)
        self.refused: list[str] = []  # the URLs of the links the last cell could not have
        patterns.register(_Link(LINK_RE, md, self.refused), "link", 160)
        patterns.register(_Autolink(AUTOLINK_RE, md, self.refused), "autolink", 120)
        md.inlinePatterns = patterns
        # The page's choice of `narrative` (the CSV's expander has none: it reads both).
        register_citations(md, tagger, narrative=getattr(tagger, "narrative", True))
        # The inline tree processor keeps the registry it was made with: made anew over this one.
        md.treeprocessors.register(InlineProcessor(md), "inline", 20)
        self.md = md

    def _inline(self, text: str) -> etree.Element:
        """A <p> holding the cell's rendered inline content (escapes still as placeholders)."""
        root = etree.Element("div")  # inline processing starts at the root's children
        paragraph = etree.SubElement(root, "p")
        paragraph.text = text.translate(_PLACEHOLDER_CHARS)
        self.refused.clear()
        self.md.reset()
        self.md.treeprocessors["inline"].run(root)
        return paragraph

    def fill(self, cell: etree.Element, text: str) -> list[str]:
        """Put the rendered cell into `cell`, an element of the page: every text is final
        (atomic, and with `{` hidden from attribute lists). The URLs of links shown as text."""
        paragraph = self._inline(text)
        cell.text = paragraph.text
        cell.extend(list(paragraph))
        for element in cell.iter():
            if element.text and element.tag != "code":  # code is never unescaped, nor read
                element.text = element.text.replace("{", _ESCAPED_BRACE)
            if element is not cell and element.tail:
                element.tail = element.tail.replace("{", _ESCAPED_BRACE)
            element.text = AtomicString(element.text) if element.text else element.text
            if element is not cell:
                element.tail = AtomicString(element.tail) if element.tail else element.tail
        return list(self.refused)

    def text(self, text: str) -> str:
        """The cell as a browser shows it, as plain text (citations as the tagger made them)."""
        paragraph = self._inline(text)
        self.md.treeprocessors["unescape"].run(paragraph)
        rendered = self.md.serializer(paragraph)
        return " ".join(plain_text(rendered).split())


def hide_braces(text: str) -> str:
    """Text put into the page as it is (a label from the .bib), hidden from attribute lists."""
    return text.translate(_PLACEHOLDER_CHARS).replace("{", _ESCAPED_BRACE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(rendered: str) -> str:
    parser = _Text()
    parser.feed(rendered)
    parser.close()
    return "".join(parser.parts)
