"""The placeholder elements the Markdown extension leaves, and how they are found again.

They are custom elements holding only a number and this process's random token, so nothing an
author writes turns into one, by accident or on purpose (raw HTML in a page cannot know the
token), and one regular expression finds them in the rendered page.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as etree

CITATION_TAG = "bibcite-cite"
LIST_TAG = "bibcite-references"
TOKEN = secrets.token_hex(8)  # never in a finished page: every placeholder is filled or undone

CITATION_RE = re.compile(
    rf'<{CITATION_TAG} data-bibcite="{TOKEN}" data-n="(\d+)"></{CITATION_TAG}>'
)
LIST = f'<{LIST_TAG} data-bibcite="{TOKEN}"></{LIST_TAG}>'
# A citation in an image's alt text: a token while the page is parsed (by the extension's own
# tag), then numbered like the others; the renderer puts the citation's plain text there.
ALT_TOKEN = f"bibcite-alt-{TOKEN}-"
ALT_PENDING_RE = re.compile(rf"{ALT_TOKEN}pending-(\d+)-")
ALT_RE = re.compile(rf"{ALT_TOKEN}(\d+)-")
# A <div> so that Markdown does not wrap it in a paragraph.
_BIBLIOGRAPHY = (
    f'<div class="bibcite-bibliography-placeholder" data-bibcite="{TOKEN}" '
    'data-include="{}"></div>'
)
BIBLIOGRAPHY_RE = re.compile(
    r'<div class="bibcite-bibliography-placeholder" '
    rf'data-bibcite="{TOKEN}" data-include="(all|cited)"></div>'
)

# The marker an author puts on the References page: `<!-- bibcite:bibliography -->`, or
# `<!-- bibcite:bibliography all -->` to list the entries nobody cites too.
_MARKER_RE = re.compile(r"^\s*<!--\s*bibcite:bibliography(\s+all)?\s*-->\s*$")


# Where a `/// bibliography` block's list goes: the block's number on the page.
LIST_BLOCK_RE = re.compile(
    rf'<div class="bibcite-list-placeholder" data-bibcite="{TOKEN}" data-n="(\d+)"></div>'
)


def list_block(index: int) -> etree.Element:
    element = etree.Element(
        "div", {"class": "bibcite-list-placeholder", "data-bibcite": TOKEN, "data-n": str(index)}
    )
    element.text = ""
    return element


# The marker that places a page's own reference list where it stands: `<!-- bibcite:references -->`.
_LIST_MARKER_RE = re.compile(r"^\s*<!--\s*bibcite:references\s*-->\s*$")


def is_list_marker(raw_html: str) -> bool:
    return _LIST_MARKER_RE.match(raw_html) is not None


def citation(tag: str) -> etree.Element:
    element = etree.Element(CITATION_TAG, {"data-bibcite": TOKEN, "data-n": tag})
    element.text = ""  # serialised as an open/close pair, never self-closing
    return element


def is_citation(element: etree.Element) -> bool:
    """Whether an element of the tree is one of these placeholders (not raw HTML made an element
    by another extension)."""
    return element.get("data-bibcite") == TOKEN


def citation_html(number: int) -> str:
    """A numbered citation placeholder as the rendered page holds it."""
    return f'<{CITATION_TAG} data-bibcite="{TOKEN}" data-n="{number}"></{CITATION_TAG}>'


def to_text(element: etree.Element, text: str) -> None:
    """Turn a placeholder back into the text the author wrote (it keeps its tail)."""
    element.tag = "span"
    element.attrib.clear()
    element.text = text
    for child in list(element):
        element.remove(child)


def alt_pending(tag: str) -> str:
    return f"{ALT_TOKEN}pending-{tag}-"


def alt_text(number: int) -> str:
    return f"{ALT_TOKEN}{number}-"


def reference_list() -> etree.Element:
    element = etree.Element(LIST_TAG, {"data-bibcite": TOKEN})
    element.text = ""
    return element


def bibliography_marker(raw_html: str) -> str | None:
    """'all' or 'cited' for the marker; None for any other raw HTML."""
    match = _MARKER_RE.match(raw_html)
    if match is None:
        return None
    return "all" if match[1] else "cited"


def bibliography(include: str) -> str:
    return _BIBLIOGRAPHY.format(include)
