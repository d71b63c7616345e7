"""The Python-Markdown extension: finds citations while a page is parsed and leaves placeholders.

Running inside the parser (not over the raw text) is what keeps code spans, fenced and indented
code, raw HTML and escaped text untouched. Inline processors do not run in document order, so
they only tag each citation; a tree processor then walks the finished tree in reading order,
numbers the placeholders and hands the page's citations to the recorder in that order.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Protocol

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from bibcite.citations import placeholders
from bibcite.citations.syntax import KEY, CitationGroup, narrative, parse_bracketed

if TYPE_CHECKING:
    from markdown import Markdown

# `[...@...]` not followed by `(` or `[` (that would be a link). Nested brackets are not allowed.
BRACKETED_RE = r"\[(?P<inner>[^\[\]]*@[^\[\]]*)\](?![(\[])"
# `@key` in running text, optionally `@key [p. 4]`. The look-behind keeps e-mail addresses,
# handles inside URLs (`/@name`, `?a=@b`), link texts (`[@x](url)`) and `\@` out.
NARRATIVE_RE = (
    rf"(?<![\w@\\/:.=?&#%+~\[\]\x03-])@(?P<key>{KEY})(?:[ ]?\[(?P<locator>[^\[\]@\n]*)\])?"
)

# What Markdown's `escape` processor leaves for an escaped character: STX, its code point, ETX.
_ESCAPED = re.compile("\x02([0-9]+)\x03")

# After `escape` (180) and `backtick` (190), so escaped text and code spans are already hidden;
# before `reference` (170) and `link` (160), so `[@key]` is not mistaken for a reference link.
INLINE_PRIORITY = 175
# After the inline processors (20) and before `toc` (5), so the reference heading is in the TOC.
TREE_PRIORITY = 7


class Recorder(Protocol):
    """What the extension reports to: the plugin's per-build registry."""

    def record_page(self, groups: list[CitationGroup], *, bibliography: str | None) -> None:
        """The current page's citations in reading order; `bibliography` is None, or
        'cited'/'all' when the page holds the bibliography marker."""


class Tagger(Protocol):
    """What makes a citation's element: the extension's placeholders, or another renderer's."""

    def tag(self, group: CitationGroup, source: str) -> etree.Element: ...


class _CitationProcessor(InlineProcessor):
    def __init__(self, pattern: str, extension: Tagger, md: Markdown) -> None:
        super().__init__(pattern, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        if "inner" in m.re.groupindex:
            group = parse_bracketed(self.plain(m["inner"]))
            if group is None:
                return None, None, None
        else:
            group = narrative(m["key"], self.plain(m["locator"] or ""))
        return self.extension.tag(group, self.plain(m[0])), m.start(0), m.end(0)

    def plain(self, text: str) -> str:
        """The text as written: code spans and escaped characters that earlier processors hid
        behind placeholders are put back as plain text (the renderer escapes it)."""
        if "\x02" not in text:  # most citations hide nothing: skip the two substitutions
            return text
        return _ESCAPED.sub(lambda m: chr(int(m[1])), self.unescape(text))


class _ReadingOrderProcessor(Treeprocessor):
    def __init__(self, extension: CitationExtension, md: Markdown) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        groups = []
        tag = placeholders.CITATION_TAG
        in_links = {id(element) for link in root.iter("a") for element in link.iter(tag)}
        for element in root.iter(tag):  # in document (reading) order
            pending = self.extension.pending.get(element.get("data-n", ""))
            if pending is None or not placeholders.is_citation(element):
                continue  # not one of ours: raw HTML that another extension made an element
            group, source = pending
            if id(element) in in_links:  # a citation cannot sit inside a link: leave the text
                placeholders.to_text(element, source)
                continue
            groups.append(group)
            element.set("data-n", str(len(groups)))
        bibliography = self._take_bibliography_marker()
        self.extension.recorder.record_page(groups, bibliography=bibliography)
        heading = self.extension.references_heading
        if groups and bibliography is None and heading is not None:
            title = etree.SubElement(root, "h2")
            title.text, title.tail = heading, "\n"
            root.append(placeholders.reference_list())
        self.extension.pending.clear()

    def _take_bibliography_marker(self) -> str | None:
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            include = placeholders.bibliography_marker(block) if isinstance(block, str) else None
            if include is not None:
                stash[index] = placeholders.bibliography(include)
                return include
        return None


def register_citations(md: Markdown, tagger: Tagger) -> None:
    """The inline processors that find citations, each handed to `tagger` (also used by the
    literature table's own Markdown for its cells)."""
    md.inlinePatterns.register(
        _CitationProcessor(BRACKETED_RE, tagger, md), "bibcite_bracketed", INLINE_PRIORITY
    )
    md.inlinePatterns.register(
        _CitationProcessor(NARRATIVE_RE, tagger, md), "bibcite_narrative", INLINE_PRIORITY - 0.5
    )


class CitationExtension(Extension):
    def __init__(
        self, recorder: Recorder, *, references_heading: str | None = "References"
    ) -> None:
        super().__init__()
        self.recorder = recorder
        self.references_heading = references_heading
        self.pending: dict[str, tuple[CitationGroup, str]] = {}

    def tag(self, group: CitationGroup, source: str) -> etree.Element:
        tag = str(len(self.pending))
        self.pending[tag] = (group, source)
        return placeholders.citation(tag)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.registerExtension(self)
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")  # `\@key` stays literal text
        register_citations(md, self)
        md.treeprocessors.register(
            _ReadingOrderProcessor(self, md), "bibcite_reading_order", TREE_PRIORITY
        )

    def reset(self) -> None:
        self.pending.clear()
