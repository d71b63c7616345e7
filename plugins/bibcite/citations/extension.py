"""The Python-Markdown extension: finds citations while a page is parsed and leaves placeholders.

Running inside the parser (not over the raw text) is what keeps code spans, fenced and indented
code, raw HTML and escaped text untouched. Inline processors do not run in document order, so
they only tag each citation; a tree processor then walks the finished tree in reading order,
numbers the placeholders and hands the page's citations to the recorder in that order.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor, Pattern
from markdown.treeprocessors import Treeprocessor
from markdown.util import INLINE_PLACEHOLDER_RE, AtomicString

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
# Markdown's image processors: each makes its alt text from the text inside `![...]`.
_IMAGES = ("image_link", "image_reference", "short_image_ref")
_HEADING = re.compile(r"h[1-6]")


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
        if self.extension.label is not None and groups:
            for heading in root.iter():
                if isinstance(heading.tag, str) and _HEADING.fullmatch(heading.tag):
                    self._label_toc_entry(heading, groups)
        bibliography = self._take_bibliography_marker()
        self.extension.recorder.record_page(groups, bibliography=bibliography)
        heading = self.extension.references_heading
        if groups and bibliography is None and heading is not None:
            title = etree.SubElement(root, "h2")
            title.text, title.tail = heading, "\n"
            root.append(placeholders.reference_list())
        self.extension.pending.clear()

    def _label_toc_entry(self, heading: etree.Element, groups: list[CitationGroup]) -> None:
        """A heading's TOC entry (which `toc` makes from its text, where a placeholder has none)
        with each narrative citation's author label, as the heading shows it; bracketed
        citations are left out, their numbers being known only once every page is read."""
        if "data-toc-label" in heading.attrib:  # the author's own (attr_list)
            return
        labelled = False

        def text(node: etree.Element) -> str:
            nonlocal labelled
            if node.tag == placeholders.CITATION_TAG:
                group = groups[int(node.get("data-n", "")) - 1]  # numbered from 1 just now
                label = self.extension.label(group.items[0].key) if group.narrative else ""
                labelled = labelled or bool(label)
                return html.escape(label, quote=False)
            inner = [_html_text(node.text)]
            inner += [text(child) + _html_text(child.tail) for child in node]
            return "".join(inner)

        label = text(heading)
        if labelled:
            heading.set("data-toc-label", label)

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


def _html_text(text: str | None) -> str:
    """Text of the tree as HTML: code spans' text (atomic) is escaped already."""
    if not text:
        return ""
    return text if isinstance(text, AtomicString) else html.escape(text, quote=False)


def _holds_citation(node: object) -> bool:
    tag = placeholders.CITATION_TAG
    if not isinstance(node, etree.Element):
        return False
    return node.tag == tag or node.find(f".//{tag}") is not None


def _keep_citations_in_alt_text(processor: Pattern, extension: CitationExtension) -> None:
    """An image's alt text is the text of what `![...]` holds, and a placeholder has none: the
    citation would vanish from it. There it stays as the author wrote it, as text."""
    unescape = processor.unescape

    def alt_text(text: str) -> str:
        stash = processor.md.treeprocessors["inline"].stashed_nodes

        def written(match: re.Match[str]) -> str:
            node = stash.get(match[1])
            if _holds_citation(node):
                return extension.written(node)
            return match[0]

        return unescape(INLINE_PLACEHOLDER_RE.sub(written, text))

    processor.unescape = alt_text


class CitationExtension(Extension):
    def __init__(
        self,
        recorder: Recorder,
        *,
        references_heading: str | None = "References",
        label: Callable[[str], str] | None = None,
    ) -> None:
        """`label`: a key as written -> its narrative label ("Doe et al."; '' if unknown), for
        the TOC entries of headings with narrative citations."""
        super().__init__()
        self.recorder = recorder
        self.references_heading = references_heading
        self.label = label
        self.pending: dict[str, tuple[CitationGroup, str]] = {}

    def written(self, node: etree.Element) -> str:
        """The text of an element, each citation in it as the author wrote it."""
        if node.tag == placeholders.CITATION_TAG:
            return self.pending.get(node.get("data-n", ""), (None, ""))[1]
        return (node.text or "") + "".join(
            self.written(child) + (child.tail or "") for child in node
        )

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
        for name in _IMAGES:
            if name in md.inlinePatterns:
                _keep_citations_in_alt_text(md.inlinePatterns[name], self)

    def reset(self) -> None:
        self.pending.clear()
