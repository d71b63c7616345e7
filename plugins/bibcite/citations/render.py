"""Turns numbers and formatted references into HTML: fills the citation placeholders, writes each
page's reference list with back-links, and the whole bibliography for the References page.

Pure functions over strings; every piece of text from a .bib file or a page is escaped here or
by the pybtex backend.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bibcite.citations import placeholders, toc
from bibcite.citations.syntax import CitationGroup, CitationItem
from bibcite.locales import ENGLISH, Words
from bibcite.styles import escaping
from bibcite.styles.formatter import Reference

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


# The same titles, links and labels recur on every page that cites a reference: each is escaped
# once.
escape = lru_cache(maxsize=2048)(escaping.escape)


@lru_cache(maxsize=8192)
def ref_id(key: str) -> str:
    """An HTML id for a key; keys with other characters get a hash so two never collide."""
    slug = _UNSAFE_ID.sub("-", key).strip("-")
    if slug == key:
        return f"ref-{slug}"
    return f"ref-{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}".replace("--", "-")


def cite_id(index: int) -> str:
    return f"cite-{index}"


@dataclass(frozen=True)
class CslView:
    """What a CSL style decided for a page: each citation's text (by its index on the page), and
    each entry's label ("1.", "[1]"; '' for author-date) and place in the style's order."""

    cluster: Callable[[int], object | None]  # -> engine.Cluster
    margin: Callable[[str], str]
    rank: Callable[[str], int]
    numeric: bool


@dataclass(frozen=True)
class PageView:
    """What filling one page needs to know."""

    groups: Sequence[CitationGroup]
    numbers: dict[str, int]  # bibliography key -> number shown on this page
    key_of: Callable[[str], str | None]  # key as written -> bibliography key, None if unknown
    reference: Callable[[str], Reference]
    href: Callable[[str], str | None]  # bibliography key -> link target, None for no link
    # bibliography key -> HTML after its entry in a reference list (search links), or ''
    after_entry: Callable[[str], str] = lambda key: ""
    words: Words = ENGLISH  # the site's language's, for the links' names
    csl: CslView | None = None  # None: a pybtex style, numbered by bibcite


def fill_citations(html: str, page: PageView, *, narrative_only: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        index = int(match[1])
        if not 1 <= index <= len(page.groups):  # not one of ours (e.g. raw HTML copied in)
            return match[0]
        group = page.groups[index - 1]
        if narrative_only and not group.narrative:
            return match[0]
        return citation(group, index, page)

    if page.csl is None:
        html = placeholders.CITATION_RE.sub(replace, html)
    else:
        html = _fill_csl(html, page, replace, narrative_only)
    if placeholders.ALT_TOKEN in html:  # citations in images' alt text, as plain text
        html = placeholders.ALT_RE.sub(lambda match: _alt_text(match, page), html)
    return html


def _fill_csl(
    html: str, page: PageView, replace: Callable[[re.Match[str]], str], narrative_only: bool
) -> str:
    """As `CITATION_RE.sub(replace, html)`, and a superscript citation takes away the space
    before it ("text¹"). The space is dropped from the text before the match: a pattern that
    matched it too would lose the regular expression's fast search for the placeholder."""
    parts: list[str] = []
    end = 0
    for match in placeholders.CITATION_RE.finditer(html):
        before = html[end : match.start()]
        index = int(match[1])
        filled = 1 <= index <= len(page.groups) and (
            not narrative_only or page.groups[index - 1].narrative
        )
        if filled and before[-1:] in (" ", "\t") and _attached(index, page):
            before = before[:-1]
        parts += [before, replace(match)]
        end = match.end()
    parts.append(html[end:])
    return "".join(parts)


def _attached(index: int, page: PageView) -> bool:
    assert page.csl is not None
    cluster = page.csl.cluster(index)
    group = page.groups[index - 1]
    return cluster is not None and cluster.attached and not _names_authors(group, page)


def _alt_text(match: re.Match[str], page: PageView) -> str:
    index = int(match[1])
    if not 1 <= index <= len(page.groups):
        return ""
    shown = _TAG.sub("", citation(page.groups[index - 1], index, page))
    return escape(html_module.unescape(shown))


_TAG = re.compile(r"<[^>]*>")  # over this module's own HTML, whose attributes are escaped


def citation(group: CitationGroup, index: int, page: PageView) -> str:
    if page.csl is not None:
        return _csl_citation(group, index, page)
    if group.has_affixes:
        inner = "; ".join(_item(item, page) for item in group.items)
    else:
        inner = _compressed(group, page)
    body = f"[{inner}]"
    classes = "bibcite-citation"
    if group.narrative:
        if group.author_in_text:
            key = page.key_of(group.items[0].key)
            label = page.reference(key).label if key else ""
            if label:
                body = f"{escape(label)} {body}"
        classes += " bibcite-narrative"
    return f'<span class="{classes}" id="{cite_id(index)}">{body}</span>'


_LEADING_NUMBER = re.compile(r"\d+")  # of "2(p33)"
_CSL_LINK = re.compile(r'<a data-bibcite-key="([^"]*)">(.*?)</a>', re.S)


def _csl_citation(group: CitationGroup, index: int, page: PageView) -> str:
    """The style's own citation text, its links made bibcite's (to the entry's place, titled by
    the reference); keys the bibliography lacks after it, as bibcite shows them."""
    assert page.csl is not None
    cluster = page.csl.cluster(index)
    body = ""
    if cluster is not None:
        body = _CSL_LINK.sub(lambda match: _csl_link(match, page), cluster.html)
    unknown = [written for written in group.keys if page.key_of(written) is None]
    body = " ".join(
        [body, *(f'<span class="bibcite-unknown">?{escape(written)}</span>' for written in unknown)]
    ).strip()
    classes = "bibcite-citation bibcite-csl"
    if _names_authors(group, page):  # numeric styles name no one: "Smith et al.¹", as Vancouver
        key = page.key_of(group.items[0].key)
        label = page.reference(key).label if key else ""
        if label:
            attached = cluster is not None and cluster.attached
            body = f"{escape(label)}{'' if attached else ' '}{body}"
    if group.narrative:
        classes += " bibcite-narrative"
    return f'<span class="{classes}" id="{cite_id(index)}">{body}</span>'


def _names_authors(group: CitationGroup, page: PageView) -> bool:
    """Whether bibcite writes the authors of a narrative citation: citeproc does for author-date
    styles, and writes only the number for numeric ones."""
    return page.csl is not None and page.csl.numeric and group.author_in_text


def _csl_link(match: re.Match[str], page: PageView) -> str:
    key, inner = html_module.unescape(match[1]), match[2]
    if key not in page.numbers and page.key_of(key) is None:
        return inner
    reference = page.reference(key)
    href = page.href(key)
    title = escape(reference.text)
    if href is None:
        return f'<span class="bibcite-ref" title="{title}">{inner}</span>'
    named = ""
    number = _LEADING_NUMBER.match(inner)
    if page.csl is not None and page.csl.numeric and number:  # "Reference 2", not "2"
        rest = escape(html_module.unescape(_TAG.sub("", inner[number.end() :])).strip())
        label = _named(page.words, int(number[0])) + (f" {rest}" if rest else "")
        named = f' aria-label="{label}"'
    return f'<a class="bibcite-ref" href="{escape(href)}"{named} title="{title}">{inner}</a>'


def _item(item: CitationItem, page: PageView) -> str:
    """A number with its prefix and locator: Markdown the extension rendered (with any
    citations inside it filled in turn), or plain text, escaped."""
    text = _number_link(item.key, page)
    if item.prefix:
        prefix = escape(item.prefix) if item.prefix_html is None else item.prefix_html
        text = f"{fill_citations(prefix, page)} {text}"
    if item.locator:
        locator = escape(item.locator) if item.locator_html is None else item.locator_html
        text = f"{text}, {fill_citations(locator, page)}"
    return text


def _compressed(group: CitationGroup, page: PageView) -> str:
    """Known numbers sorted, runs of three or more as ranges (1–3); unknown keys after them."""
    known: dict[int, str] = {}
    unknown: list[str] = []
    for written in group.keys:
        key = page.key_of(written)
        if key is None:
            unknown.append(written)
        else:
            known.setdefault(page.numbers[key], written)
    parts = []
    for run in _runs(sorted(known)):
        links = [_number_link(known[number], page) for number in run]
        parts.append(f"{links[0]}&ndash;{links[-1]}" if len(run) >= 3 else ", ".join(links))
    parts += [_number_link(written, page) for written in unknown]
    return ", ".join(parts)


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def _number_link(written: str, page: PageView) -> str:
    key = page.key_of(written)
    if key is None:
        return f'<span class="bibcite-unknown">?{escape(written)}</span>'
    reference = page.reference(key)
    number = page.numbers[key]
    href = page.href(key)
    title = escape(reference.text)
    if href is None:
        return f'<span class="bibcite-ref" title="{title}">{number}</span>'
    # Named "Reference 2" (a bare "2" says nothing to a screen reader) and described by the
    # reference itself (the title); cards.js keeps that description when it drops the title.
    return (
        f'<a class="bibcite-ref" href="{escape(href)}" aria-label="{_named(page.words, number)}" '
        f'title="{title}">{number}</a>'
    )


@lru_cache(maxsize=1024)
def _named(words: Words, number: int) -> str:
    return escape(words.reference_number.format(number=number))


class Backlink(NamedTuple):  # a tuple: one is made per reference per page
    href: str
    text: str
    label: str  # for screen readers


def reference_list(
    page: PageView,
    backlinks: Callable[[str], list[Backlink]],
    *,
    lead: str = "↩",
    separator: str = " ",
) -> str:
    """The page's references as an ordered list by number, each followed by `lead` and links back
    to where it is cited, `separator` between them (", " for links named by page titles)."""
    items = [
        _entry(key, number, page, backlinks(key), lead, separator)
        for key, number in _in_order(page)
    ]
    return _opened(page, "bibcite-references") + "\n".join(items) + _closed(page)


def _in_order(page: PageView) -> list[tuple[str, int]]:
    """By number; with a CSL style, in the style's order."""
    if page.csl is not None:
        return sorted(page.numbers.items(), key=lambda pair: page.csl.rank(pair[0]))
    return sorted(page.numbers.items(), key=lambda pair: pair[1])


def _opened(page: PageView, classes: str) -> str:
    """A numbered list; with a CSL style, the style's labels ("[1]") in place of the list's,
    and an unnumbered list for author-date styles."""
    if page.csl is None:
        return f'<ol class="{classes}">\n'
    tag = "ol" if page.csl.numeric else "ul"
    return f'<{tag} class="{classes} bibcite-csl">\n'


def _closed(page: PageView) -> str:
    return "\n</ul>" if page.csl is not None and not page.csl.numeric else "\n</ol>"


def _item_start(key: str, number: int, page: PageView, id_: str) -> str:
    if page.csl is None:
        return f'<li id="{id_}" value="{number}">'
    margin = page.csl.margin(key)
    label = f'<span class="bibcite-csl-label">{escape(margin)}</span> ' if margin else ""
    return f'<li id="{id_}">{label}'


def _entry(
    key: str,
    number: int,
    page: PageView,
    backlinks: list[Backlink],
    lead: str,
    separator: str,
) -> str:
    links = separator.join(
        f'<a href="{escape(link.href)}" aria-label="{escape(link.label)}">{escape(link.text)}</a>'
        for link in backlinks
    )
    # A single back-link already reads "↩"; a lead before it would say it twice.
    if len(backlinks) == 1 and backlinks[0].text == lead:
        lead = ""
    if lead:
        links = f"{escape(lead)} {links}"
    back = f' <span class="bibcite-backlinks">{links}</span>' if backlinks else ""
    return (
        _item_start(key, number, page, ref_id(key))
        + f'<span class="bibcite-entry">{page.reference(key).html}</span>'
        f"{page.after_entry(key)}{back}</li>"
    )


def fill_reference_list(html: str, listing: str) -> str:
    """The list at the marker the extension puts last in the page's content (an earlier one,
    written into the page as raw HTML, is left as it is)."""
    before, marker, after = html.rpartition(placeholders.LIST)
    return f"{before}{listing}{after}" if marker else html


def fill_bibliography(html: str, listing: str) -> str:
    return placeholders.BIBLIOGRAPHY_RE.sub(lambda _: listing, html, count=1)


def backlink_labels(count: int) -> list[str]:
    """a, b, …, z, aa, ab, … — the labels of back-links when a key is cited several times."""
    labels = []
    for n in range(count):
        label = ""
        n += 1
        while n:
            n, rest = divmod(n - 1, 26)
            label = chr(97 + rest) + label
        labels.append(label)
    return labels


def card_data(page: PageView) -> str:
    """For a page without a reference list of its own: its cited references' formatted HTML in a
    hidden template, keyed by the ids the citation links point at, for the citation cards."""
    items = "".join(
        f'<span data-bibcite-ref="{ref_id(key)}">{page.reference(key).html}</span>'
        for key, _ in sorted(page.numbers.items(), key=lambda pair: pair[1])
        if page.href(key) is not None
    )
    return f'<template class="bibcite-cards">{items}</template>' if items else ""


def block_list(
    groups: Sequence[tuple[str, Sequence[str]]],
    number: Callable[[str], int],
    page: PageView,
    id_of: Callable[[str], str],
    heading_id: Callable[[str], str] = lambda heading: "",
) -> str:
    """A bibliography block's entries: a heading (escaped, with the id `heading_id(heading)`)
    and a numbered list per group, each entry with the id `id_of(key)` (not its `ref-` id: that
    is the entry's main place)."""
    parts = []
    for heading, keys in groups:
        if heading:
            ident = heading_id(heading)
            attribute = f' id="{escape(ident)}"' if ident else ""
            parts.append(f'<h3 class="{toc.GROUP_CLASS}"{attribute}>{escape(heading)}</h3>')
        items = [
            _item_start(key, number(key), page, escape(id_of(key)))
            + f'<span class="bibcite-entry">{page.reference(key).html}</span>'
            f"{page.after_entry(key)}</li>"
            for key in keys
        ]
        listed = "\n".join(items)
        opened = _opened(page, "bibcite-references bibcite-list-entries")
        parts.append(f"{opened}{listed}{_closed(page)}")
    return "\n".join(parts)


def fill_list_blocks(html: str, listing: Callable[[int], str]) -> str:
    """Each bibliography block's placeholder replaced by `listing(its number on the page)`."""
    return placeholders.LIST_BLOCK_RE.sub(lambda match: listing(int(match[1])), html)
