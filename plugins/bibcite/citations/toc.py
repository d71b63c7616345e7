"""The group headings of bibliography blocks, placed in a page's table of contents: they are
written when the page is filled, after the toc extension has listed its headings, so each host
adds them to the list it keeps (MkDocs' `page.toc`, Zensical's `md.toc_tokens`)."""

from __future__ import annotations

import hashlib
import html as html_module
import re
import unicodedata
from collections.abc import Callable, MutableSequence
from typing import NamedTuple, TypeVar

T = TypeVar("T")

GROUP_CLASS = "bibcite-list-heading"
GROUP_LEVEL = 3
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_TAG = re.compile(r"<[^>]*>")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, fallback: bool = False) -> str:
    """'Journal articles' -> 'journal-articles'; 'Relatório' -> 'relatorio' (accents dropped,
    as the toc extension's slugify drops them). With `fallback`, a text with no such letters
    gets a short digest of itself rather than ''."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    made = _SLUG.sub("-", plain.lower()).strip("-")
    if made or not fallback:
        return made
    return hashlib.sha1(text.encode()).hexdigest()[:8]


class Group(NamedTuple):
    """A group heading to list: its text, its id, the heading it belongs under (None: the top
    of the list) and where it stands in the page."""

    title: str
    id: str
    parent: str | None
    position: int


def groups(page_html: str) -> tuple[list[Group], dict[str, int]]:
    """The page's group headings, and where each heading with an id stands (for the order)."""
    positions: dict[str, int] = {}
    found: list[Group] = []
    open_levels: list[tuple[int, str]] = []  # the headings above, by level
    for match in _HEADING.finditer(page_html):
        level, attributes = int(match[1]), match[2]
        ident = _ID.search(attributes)
        if ident is None:
            continue
        positions[ident[1]] = match.start()
        if GROUP_CLASS in attributes:
            parents = [uid for lvl, uid in open_levels if lvl < GROUP_LEVEL]
            title = html_module.unescape(_TAG.sub("", match[3])).strip()
            found.append(Group(title, ident[1], parents[-1] if parents else None, match.start()))
            continue
        open_levels = [(lvl, uid) for lvl, uid in open_levels if lvl < level] + [(level, ident[1])]
    return found, positions


def place(
    nodes: MutableSequence[T],
    group: Group,
    positions: dict[str, int],
    *,
    make: Callable[[Group], T],
    id_of: Callable[[T], str],
    children_of: Callable[[T], MutableSequence[T]],
) -> None:
    """Insert `make(group)` under its parent, among the parent's children in page order."""
    siblings = nodes if group.parent is None else _children(nodes, group.parent, id_of, children_of)
    if siblings is None:
        siblings = nodes
    index = sum(1 for node in siblings if positions.get(id_of(node), -1) < group.position)
    siblings.insert(index, make(group))


def _children(nodes, wanted: str, id_of, children_of):
    for node in nodes:
        if id_of(node) == wanted:
            return children_of(node)
        found = _children(children_of(node), wanted, id_of, children_of)
        if found is not None:
            return found
    return None
