"""The Python-Markdown extension: finds citations while a page is parsed and leaves placeholders.

Running inside the parser (not over the raw text) is what keeps code spans, fenced and indented
code, raw HTML and escaped text untouched. Inline processors do not run in document order, so
they only tag each citation; a tree processor then walks the finished tree in reading order,
numbers the placeholders and hands the page's citations to the recorder in that order.
"""

from __future__ import annotations

import html
import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor, Pattern
from markdown.preprocessors import Preprocessor
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor
from markdown.util import INLINE_PLACEHOLDER_RE, AtomicString

from bibcite.citations import placeholders, syntax
from bibcite.citations.syntax import KEY, CitationGroup

if TYPE_CHECKING:
    from markdown import Markdown

# The literature table's scan of raw cell text (it finds the citations it must check before a
# cell is rendered): `[...@...]` without nested brackets, and `@key [locator]`.
BRACKETED_RE = r"\[(?P<inner>[^\[\]]*@[^\[\]]*)\](?![(\[])"
NARRATIVE_RE = (
    rf"(?<![\w@\\/:.=?&#%+~\[\]\x03-])@(?P<key>{KEY})(?:[ ]?\[(?P<locator>[^\[\]@\n]*)\])?"
)
# Where a citation may start: `[`, `@` or `-@`; the scanners in `syntax` read the rest. With
# narrative citations off (`narrative: false`), only `[`.
_START_RE = r"\[|-?@"
_BRACKETED_START_RE = r"\["
# Before `@`, bibcite (not pandoc) leaves handles in URLs (`/@name`, `?a=@b`) and `\\@` as text.
_NOT_BEFORE = frozenset("@\\/:=?&#%+")

# What Markdown's `escape` processor leaves for an escaped character: STX, its code point, ETX.
_ESCAPED = re.compile("\x02([0-9]+)\x03")
# Raw HTML that Markdown stashed (an inline tag or an entity), as its placeholder.
_STASHED = re.compile("\x02wzxhzdk:([0-9]+)\x03")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# pandoc's smart typography in prefixes and locators.
_DASHES = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"))

# After `escape` (180) and `backtick` (190), so escaped text and code spans are already hidden;
# before `reference` (170) and `link` (160), so `[@key]` is not mistaken for a reference link.
# A second processor just after it reads citations inside prefixes and locators (`[@a, see
# @b]`): Markdown runs only the processors after the one that matched over an element's text.
INLINE_PRIORITY = 175
# After the inline processors (20) and before `toc` (5), so the reference heading is in the TOC.
TREE_PRIORITY = 7
# Markdown's image processors: each makes its alt text from the text inside `![...]`.
_IMAGES = ("image_link", "image_reference", "short_image_ref")
_HEADING = re.compile(r"h[1-6]")
AFFIX_TAG = "bibcite-affix"


class Recorder(Protocol):
    """What the extension reports to: the plugin's per-build registry."""

    def record_page(self, groups: list[CitationGroup], *, bibliography: str | None) -> bool | None:
        """The current page's citations in reading order; `bibliography` is None, or
        'cited'/'all' when the page holds the bibliography marker. False: this conversion is not
        the page's own (it holds no reference list)."""


class Tagger(Protocol):
    """What makes a citation's element: the extension's placeholders, or another renderer's."""

    def tag(self, group: CitationGroup, source: str) -> etree.Element: ...


class _CitationProcessor(InlineProcessor):
    def __init__(self, extension: Tagger, md: Markdown, *, narrative: bool = True) -> None:
        super().__init__(_START_RE if narrative else _BRACKETED_START_RE, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        start = m.start(0)
        if m[0] == "[":
            scan = syntax.scan_bracketed(data, start)
        else:
            scan = syntax.scan_narrative(data, start, is_reference=self._is_reference)
            if scan is not None and data[scan.start - 1 : scan.start] in _NOT_BEFORE:
                scan = None
        if scan is None:
            return None, None, None
        group = syntax.group_of(data, scan)
        group = syntax.CitationGroup(
            tuple(
                replace(item, prefix=self.plain(item.prefix), locator=self.plain(item.locator))
                for item in group.items
            ),
            narrative=group.narrative,
        )
        element = self.extension.tag(group, self.plain(data[scan.start : scan.end]))
        if placeholders.is_citation(element):
            # Each prefix and locator as Markdown: the processors after this one render it.
            for index, span in enumerate(scan.items):
                for part, raw in (
                    ("prefix", data[slice(*span.prefix)].strip()),
                    ("locator", _LEADING_COMMA.sub("", data[slice(*span.suffix)]).strip()),
                ):
                    if raw:
                        affix = etree.SubElement(
                            element, AFFIX_TAG, {"data-i": str(index), "data-part": part}
                        )
                        affix.text = raw
        return element, scan.start, scan.end

    def _is_reference(self, label: str) -> bool:
        return " ".join(label.split()).lower() in self.md.references

    def plain(self, text: str) -> str:
        """The text as written: code spans and escaped characters that earlier processors hid
        behind placeholders are put back as plain text (the renderer escapes it)."""
        if "\x02" not in text:  # most citations hide nothing: skip the two substitutions
            return text
        return _ESCAPED.sub(lambda m: chr(int(m[1])), self.unescape(text))


_LEADING_COMMA = re.compile(r"^\s*,?")


def _in_reading_order(root: etree.Element) -> Iterator[etree.Element | str]:
    """The tree's elements and texts in reading order: a footnote's content where its reference
    stands (as pandoc numbers citations in notes), the notes nobody refers to at the end."""
    notes: dict[str, etree.Element] = {}
    for div in root.iter("div"):
        if "footnote" in div.get("class", "").split():
            notes.update((item.get("id"), item) for item in div.iter("li") if item.get("id"))
    note_items = {id(item) for item in notes.values()}
    read: set[str] = set()
    stack: list[etree.Element | str] = [root]
    left = list(notes.items())
    while stack or left:
        if not stack:
            name, item = left.pop(0)
            if name in read:
                continue
            read.add(name)
            stack.append(item)
        node = stack.pop()
        yield node
        if isinstance(node, str):
            continue
        if node.text:
            yield node.text
        pushed: list[etree.Element | str] = []
        for child in node:
            if id(child) not in note_items:
                pushed.append(child)
            if child.tail:
                pushed.append(child.tail)
        if node.tag == "a" and node.get("href", "").startswith("#"):
            target = node.get("href", "")[1:]
            if target in notes and target not in read:
                read.add(target)
                pushed.append(notes[target])
        stack.extend(reversed(pushed))


class _ConversionStart(Preprocessor):
    """Notes that a conversion starts: one that starts inside another is not a page's own."""

    def __init__(self, extension: CitationExtension, md: Markdown) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.started(self.md)
        return lines


class _ReadingOrderProcessor(Treeprocessor):
    def __init__(self, extension: CitationExtension, md: Markdown) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        groups: list[CitationGroup] = []
        numbered: list[tuple[etree.Element, int]] = []
        tag = placeholders.CITATION_TAG
        in_links = {id(element) for link in root.iter("a") for element in link.iter(tag)}
        nested = self.extension.finished(self.md)
        for element in _in_reading_order(root):
            if isinstance(element, str):
                if "\x02wzxhzdk:" in element and not nested:
                    self._number_stashed(element, groups)
                continue
            if element.tag == "img" and placeholders.ALT_TOKEN in element.get("alt", ""):
                self._number_alt_text(element, groups)
                continue
            if element.tag != tag:
                continue
            pending = self.extension.pending.get(element.get("data-n", ""))
            if pending is None or not placeholders.is_citation(element):
                continue  # not one of ours: raw HTML that another extension made an element
            group, source = pending
            if id(element) in in_links:  # a citation cannot sit inside a link: leave the text
                placeholders.to_text(element, source)
                continue
            groups.append(group)
            numbered.append((element, len(groups) - 1))
            if not nested:
                element.set("data-n", str(len(groups)))
        # Innermost first: a locator's own citations (`[@a, see @b]`) are numbered placeholders
        # in the HTML of the locator around them.
        for element, index in reversed(numbered):
            groups[index] = self._rendered_affixes(element, groups[index])
        if nested:
            # A conversion inside the page's (a docstring mkdocstrings renders): its citations
            # stay pending, and the page numbers them where its HTML stands.
            for element, index in numbered:
                tag = element.get("data-n", "")
                self.extension.pending[tag] = (groups[index], self.extension.pending[tag][1])
            return
        if self.extension.label is not None and groups:
            for heading in root.iter():
                if isinstance(heading.tag, str) and _HEADING.fullmatch(heading.tag):
                    self._label_toc_entry(heading, groups)
        bibliography = self._take_bibliography_marker()
        recorder = self.extension.recorder
        page_options = getattr(recorder, "page_options", lambda: None)()
        wanted = self._list_wanted(page_options, groups, bibliography)
        marker = self._take_list_marker(wanted)
        if marker:
            recorded = recorder.record_page(groups, bibliography=bibliography, list_marker=True)
        else:
            recorded = recorder.record_page(groups, bibliography=bibliography)
        heading = self.extension.references_heading
        # `False`: not this page's own conversion (a docstring mkdocstrings renders inside it):
        # the page's list is the page's, and an empty heading would stay behind.
        if wanted and not marker and heading is not None and recorded is not False:
            title = etree.SubElement(root, "h2")
            title.text, title.tail = heading, "\n"
            root.append(placeholders.reference_list())
        self.extension.pending.clear()
        self.extension.elements.clear()

    def _number_stashed(self, text: str, groups: list[CitationGroup]) -> None:
        """Citations in HTML another conversion made and Markdown stashed (mkdocstrings'
        docstrings), numbered where that HTML stands."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def number(match: re.Match[str]) -> str:
            pending = self.extension.pending.get(match[1])
            if pending is None:
                return match[0]
            groups.append(pending[0])
            return placeholders.citation_html(len(groups))

        for index in _STASHED.findall(text):
            position = int(index)
            block = stash[position] if position < len(stash) else None
            if isinstance(block, str) and placeholders.TOKEN in block:
                stash[position] = placeholders.CITATION_RE.sub(number, block)

    def _number_alt_text(self, image: etree.Element, groups: list[CitationGroup]) -> None:
        """A citation in an image's alt text is cited, and shown there as plain text."""

        def number(match: re.Match[str]) -> str:
            pending = self.extension.pending.get(match[1])
            if pending is None:
                return ""
            group, _ = pending
            element = self.extension.elements.get(match[1])
            if element is not None:
                group = self._rendered_affixes(element, group)
            groups.append(group)
            if image.get("id") is None:  # the back-link's target
                image.set("id", f"cite-{len(groups)}")
            return placeholders.alt_text(len(groups))

        image.set("alt", placeholders.ALT_PENDING_RE.sub(number, image.get("alt", "")))

    def _rendered_affixes(self, element: etree.Element, group: CitationGroup) -> CitationGroup:
        affixes = [child for child in element if child.tag == AFFIX_TAG]
        if not affixes:
            return group
        items = list(group.items)
        for affix in affixes:
            index, part = int(affix.get("data-i", "0")), affix.get("data-part", "")
            html_text, plain = self._affix(affix, locator=part == "locator")
            if part == "prefix":
                items[index] = replace(items[index], prefix=plain, prefix_html=html_text)
            else:
                items[index] = replace(items[index], locator=plain, locator_html=html_text)
            element.remove(affix)
        return syntax.CitationGroup(tuple(items), narrative=group.narrative)

    def _affix(self, affix: etree.Element, *, locator: bool) -> tuple[str, str]:
        """A prefix or locator rendered, as HTML and as plain text: pandoc's dashes and
        ellipses, a locator's braces dropped (`{pp. iv--vi}`), raw HTML shown as text."""
        for node in affix.iter():
            if node.tag != "code" and node.text and not isinstance(node.text, AtomicString):
                node.text = _typography(node.text, locator=locator)
            if node is not affix and node.tail and not isinstance(node.tail, AtomicString):
                node.tail = _typography(node.tail, locator=locator)
        serialised = to_html_string(affix)
        inner = serialised[serialised.index(">") + 1 : serialised.rindex("</")]
        stash = self.md.htmlStash.rawHtmlBlocks

        def stashed(match: re.Match[str]) -> str:
            index = int(match[1])
            raw = stash[index] if index < len(stash) and isinstance(stash[index], str) else ""
            return raw if _ENTITY.fullmatch(raw) else html.escape(raw)

        inner = _STASHED.sub(stashed, inner)
        inner = _ESCAPED.sub(lambda m: html.escape(chr(int(m[1]))), inner)
        inner = inner.replace("\x02amp\x03", "&amp;")
        plain = " ".join(html.unescape(re.sub(r"<[^>]*>", "", inner)).split())
        return inner.strip(), plain

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

    def _list_wanted(self, options, groups: list[CitationGroup], bibliography: str | None) -> bool:
        """Whether the page gets its own reference list: it cites (or its front matter names
        `nocite` entries), it is not the References page, and neither the site
        (`per_page_references`) nor its front matter (`bibcite: {references: false}`) says no;
        a `<!-- bibcite:references -->` marker asks for it."""
        if bibliography is not None:
            return False
        if not (groups or (options is not None and (options.nocite or options.every_entry))):
            return False
        if options is not None and options.references is not None:
            return options.references
        return self.extension.per_page or self._has_list_marker()

    def _has_list_marker(self) -> bool:
        stash = self.md.htmlStash.rawHtmlBlocks
        return any(isinstance(block, str) and placeholders.is_list_marker(block) for block in stash)

    def _take_list_marker(self, wanted: bool) -> bool:
        """The first `<!-- bibcite:references -->` becomes the list's place (or nothing, when
        the page has no list); a second one is left out."""
        stash = self.md.htmlStash.rawHtmlBlocks
        found = False
        for index, block in enumerate(stash):
            if isinstance(block, str) and placeholders.is_list_marker(block):
                stash[index] = placeholders.LIST if wanted and not found else ""
                found = True
        return found and wanted

    def _take_bibliography_marker(self) -> str | None:
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            include = placeholders.bibliography_marker(block) if isinstance(block, str) else None
            if include is not None:
                stash[index] = placeholders.bibliography(include)
                return include
        return None


def register_citations(md: Markdown, tagger: Tagger, *, narrative: bool = True) -> None:
    """The inline processors that find citations, each handed to `tagger` (also used by the
    literature table's own Markdown for its cells). `narrative`: False reads only bracketed
    citations (`@name` is then a handle or a decorator, left as written)."""
    md.inlinePatterns.register(
        _CitationProcessor(tagger, md, narrative=narrative), "bibcite_citation", INLINE_PRIORITY
    )
    md.inlinePatterns.register(
        _CitationProcessor(tagger, md, narrative=narrative),
        "bibcite_nested",
        INLINE_PRIORITY - 0.5,
    )


def _typography(text: str, *, locator: bool) -> str:
    for written, typeset in _DASHES:
        text = text.replace(written, typeset)
    return text.replace("{", "").replace("}", "") if locator else text


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
    citation would vanish from it. A token stands there instead, which the reading-order pass
    numbers and the renderer fills with the citation as plain text."""
    unescape = processor.unescape

    def alt_text(text: str) -> str:
        stash = processor.md.treeprocessors["inline"].stashed_nodes

        def written(match: re.Match[str]) -> str:
            node = stash.get(match[1])
            if _holds_citation(node):
                return extension.alt_tokens(node)
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
        narrative: bool = True,
        per_page: bool | None = None,
    ) -> None:
        """`label`: a key as written -> its narrative label ("Doe et al."; '' if unknown), for
        the TOC entries of headings with narrative citations. `narrative`: False reads only
        bracketed citations."""
        super().__init__()
        self.recorder = recorder
        self.narrative = narrative
        self.references_heading = "References" if references_heading is None else references_heading
        # Each page that cites gets its list (`per_page_references`); default: with a heading.
        self.per_page = references_heading is not None if per_page is None else per_page
        self.label = label
        self.pending: dict[str, tuple[CitationGroup, str]] = {}
        self.elements: dict[str, etree.Element] = {}  # for citations in alt text, out of the tree
        self.converting: list[Markdown] = []  # the conversions under way, outermost first
        self._tags = itertools.count()

    def started(self, md: Markdown) -> None:
        if md in self.converting:  # converting again after a conversion that failed
            del self.converting[self.converting.index(md) :]
        self.converting.append(md)

    def finished(self, md: Markdown) -> bool:
        """Whether the conversion that ends ran inside another one."""
        if md in self.converting:
            del self.converting[self.converting.index(md) :]
        return bool(self.converting)

    def alt_tokens(self, node: etree.Element) -> str:
        """The text of an element in alt text: each citation in it as a token, the rest as
        written."""
        if node.tag == placeholders.CITATION_TAG:
            return placeholders.alt_pending(node.get("data-n", ""))
        return (node.text or "") + "".join(
            self.alt_tokens(child) + (child.tail or "") for child in node
        )

    def tag(self, group: CitationGroup, source: str) -> etree.Element:
        tag = str(next(self._tags))  # unique across conversions, nested ones included
        self.pending[tag] = (group, source)
        element = placeholders.citation(tag)
        self.elements[tag] = element
        return element

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.registerExtension(self)
        # `\@key` stays literal text; `\;` is a semicolon that separates no citations, as in
        # pandoc.
        md.ESCAPED_CHARS.extend(c for c in "@;" if c not in md.ESCAPED_CHARS)
        register_citations(md, self, narrative=self.narrative)
        if getattr(self.recorder, "page_may_have_lists", lambda: False)():
            from bibcite.citations.list_block import ListBlocks  # pymdownx: only when needed

            ListBlocks(self.recorder).extendMarkdown(md)  # type: ignore[arg-type]
        md.preprocessors.register(_ConversionStart(self, md), "bibcite_start", 1000)
        md.treeprocessors.register(
            _ReadingOrderProcessor(self, md), "bibcite_reading_order", TREE_PRIORITY
        )
        for name in _IMAGES:
            if name in md.inlinePatterns:
                _keep_citations_in_alt_text(md.inlinePatterns[name], self)

    def reset(self) -> None:
        if not self.converting:  # not a nested conversion's reset, in the middle of a page
            self.pending.clear()
            self.elements.clear()
