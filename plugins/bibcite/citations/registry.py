"""Per-build store of which page cites what, in reading order, and the numbering built from it.

Numbering follows Vancouver: references are numbered in order of first citation, pages taken in
nav order (pages outside the nav follow, by path). Nothing here formats or renders.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bibcite.citations.front_matter import NONE, PageOptions
from bibcite.citations.lists import ListSpec
from bibcite.citations.suggest import Suggestions
from bibcite.citations.syntax import BARE_KEY, CitationGroup
from bibcite.problems import Problem


@dataclass
class PageCitations:
    groups: list[CitationGroup] = field(default_factory=list)
    bibliography: str | None = None  # 'cited' or 'all' on the page with the bibliography marker
    markdown: str = ""  # the page's source, for line numbers in messages
    shown: str = ""  # the page's path as authors see it
    options: PageOptions = NONE  # what its front matter asks: `nocite`, `bibcite: {references}`
    list_marker: bool = False  # `<!-- bibcite:references -->` places the page's list
    lists: list[ListSpec | None] = field(default_factory=list)  # its `/// bibliography` blocks
    list_problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Numbering:
    """Numbers per page (the same as `site` when numbering is site-wide) and site-wide, by the
    bibliography's own spelling of each key (BibTeX keys are case-insensitive)."""

    by_page: dict[str, dict[str, int]]
    site: dict[str, int]
    spelling: Mapping[str, str]  # lower-cased key -> the bibliography's key
    unknown: frozenset[str] = frozenset()  # lower-cased keys cited but not in the bibliography

    def key(self, written: str) -> str | None:
        return self.spelling.get(written.lower())


class CitationRegistry:
    def __init__(self) -> None:
        self.pages: dict[str, PageCitations] = {}
        self._current: PageCitations | None = None

    def start_page(
        self, src_uri: str, markdown: str, *, shown: str = "", options: PageOptions = NONE
    ) -> None:
        page = PageCitations(markdown=markdown, shown=shown or src_uri, options=options)
        self._current = self.pages[src_uri] = page

    def page_may_have_lists(self) -> bool:
        """Whether the page being parsed mentions a `/// bibliography` block."""
        page = self._current
        return page is not None and _LIST_MENTION.search(page.markdown) is not None

    def list_source(self) -> tuple[str, int | None, dict[str, int]]:
        """Where the next bibliography block of the current page is written: the page, the
        block's first line and its options' lines."""
        from bibcite.citations.list_block import headers

        page = self._current
        if page is None:
            return "", None, {}
        found = headers(page.markdown)
        index = len(page.lists)
        line, lines = found[index] if index < len(found) else (None, {})
        return page.shown, line, lines

    def add_list(self, spec: ListSpec | None, problems: list[Problem]) -> int:
        """Record a block of the current page (None: one that could not be read); its number."""
        page = self._current
        if page is None:
            return 0
        page.lists.append(spec)
        page.list_problems.extend(problems)
        return len(page.lists)

    def page_options(self) -> PageOptions | None:
        """The front matter's options of the page being converted; None outside a page."""
        return None if self._current is None else self._current.options

    def record_page(
        self, groups: list[CitationGroup], *, bibliography: str | None, list_marker: bool = False
    ) -> bool:
        if self._current is None:  # Markdown rendered outside a page (e.g. another plugin)
            return False
        self._current.groups = groups
        self._current.bibliography = bibliography
        self._current.list_marker = list_marker
        # One conversion per page: Markdown another plugin renders later with the site's
        # extensions (a template filter, an excerpt) must not replace this page's record.
        self._current = None
        return True

    def keep_only(self, src_uris: Collection[str]) -> None:
        """Drop pages that no longer exist (a `serve --dirty` rebuild keeps the others' records)."""
        for src_uri in [uri for uri in self.pages if uri not in src_uris]:
            del self.pages[src_uri]

    def bibliography_page(self, nav_order: Sequence[str] = ()) -> str | None:
        """The page holding the bibliography marker (the first along the nav if several do)."""
        return next(iter(self._marker_pages(nav_order)), None)

    def _marker_pages(self, nav_order: Sequence[str]) -> list[str]:
        return [uri for uri in self.ordered(nav_order) if self.pages[uri].bibliography]

    def extra_markers(self, nav_order: Sequence[str]) -> list[Problem]:
        """A bibliography marker on a second page is left empty: say so."""
        pages = self._marker_pages(nav_order)
        return [
            Problem(
                "duplicate_marker",
                self.pages[uri].shown,
                _line_of_marker(self.pages[uri].markdown),
                f"a second bibliography marker; the bibliography is placed in "
                f"{self.pages[pages[0]].shown} only",
                "remove one of the two markers",
            )
            for uri in pages[1:]
        ]

    def ordered(self, nav_order: Sequence[str]) -> list[str]:
        return site_order(self.pages, nav_order)

    def number(
        self, nav_order: Sequence[str], *, spelling: Mapping[str, str], mode: str
    ) -> Numbering:
        """`spelling` maps each lower-cased key of the bibliography to the key as it writes it.
        `mode` is 'site' (one numbering for the site) or 'page' (each page from 1)."""
        site: dict[str, int] = {}
        by_page: dict[str, dict[str, int]] = {}
        unknown: set[str] = set()
        nocited: dict[str, list[str]] = {}
        order = self.ordered(nav_order)
        for uri in order:
            keys = []
            for group in self.pages[uri].groups:
                for key in group.keys:
                    lower = key.lower()
                    if lower in spelling:
                        keys.append(spelling[lower])
                    else:
                        unknown.add(lower)
            _assign(site, keys)
            by_page[uri] = _assign({}, keys) if mode == "page" else {key: site[key] for key in keys}
            nocited[uri] = self._nocited(uri, spelling, unknown)
        # `nocite` entries are numbered after every cited one, pages along the nav.
        for uri in order:
            _assign(site, nocited[uri])
            if mode == "page":
                _assign(by_page[uri], nocited[uri])
            else:
                by_page[uri].update((key, site[key]) for key in nocited[uri])
                by_page[uri] = dict(sorted(by_page[uri].items(), key=lambda pair: pair[1]))
        return Numbering(by_page, site, spelling, frozenset(unknown))

    def nocited(self, uri: str, spelling: Mapping[str, str]) -> list[str]:
        """The entries the page's `nocite` names, by the bibliography's spelling."""
        return self._nocited(uri, spelling, set())

    def _nocited(self, uri: str, spelling: Mapping[str, str], unknown: set[str]) -> list[str]:
        options = self.pages[uri].options
        if options.every_entry:
            return list(spelling.values())
        keys = []
        for written in options.nocite:
            if written.lower() in spelling:
                keys.append(spelling[written.lower()])
            else:
                unknown.add(written.lower())
        return keys

    def unknown_keys(self, numbering: Numbering) -> list[Problem]:
        if not numbering.unknown:
            return []
        suggest = Suggestions(numbering.spelling.values())
        problems = []
        for page in self.pages.values():
            for written, line in page.options.lines.items():
                if numbering.key(written) is None:
                    problems.append(_unknown(written, page.shown, line, suggest(written)))
            seen = set()
            lines: dict[str, int] | None = None  # the page read once, for all its unknown keys
            for group in page.groups:
                for key in group.keys:
                    if numbering.key(key) is None and key not in seen:
                        seen.add(key)
                        if lines is None:
                            lines = first_lines(page.markdown)
                        problems.append(_unknown(key, page.shown, lines.get(key), suggest(key)))
        return problems

    def indexes_on(self, src_uri: str) -> dict[str, list[int]]:
        """Lower-cased key -> the indexes (from 1) of the page's citation groups that cite it."""
        indexes: dict[str, list[int]] = {}
        for index, group in enumerate(self.pages[src_uri].groups, start=1):
            for key in dict.fromkeys(key.lower() for key in group.keys):
                indexes.setdefault(key, []).append(index)
        return indexes

    def first_citations(self, nav_order: Sequence[str]) -> dict[str, dict[str, int]]:
        """Lower-cased key -> {page: index of its first citation there}, pages in site order."""
        first: dict[str, dict[str, int]] = {}
        for uri in self.ordered(nav_order):
            for key, indexes in self.indexes_on(uri).items():
                first.setdefault(key, {})[uri] = indexes[0]
        return first


_LIST_MENTION = re.compile(r"/{3,}[ \t]*bibliography[ \t]*$", re.MULTILINE)


def site_order(pages: Collection[str], nav_order: Sequence[str]) -> list[str]:
    """The pages along the nav, then those outside it by path."""
    in_nav = [uri for uri in nav_order if uri in pages]
    seen = set(in_nav)
    return in_nav + sorted(uri for uri in pages if uri not in seen)


def _assign(numbers: dict[str, int], keys: Iterable[str]) -> dict[str, int]:
    for key in keys:
        numbers.setdefault(key, len(numbers) + 1)
    return numbers


def _unknown(key: str, shown: str, line: int | None, close: list[str]) -> Problem:
    hint = f"did you mean {' or '.join(repr(k) for k in close)}? " if close else ""
    return Problem(
        "key_not_found",
        shown,
        line,
        f"unknown citation key '{key}'",
        f"{hint}Fix the key, or add an entry with this key to the bibliography",
    )


# Every `@key` or `@{key}` as written: not in an e-mail address or after `\`, and the whole key
# (`@doe:2005` is 'doe:2005', not 'doe'). The look-ahead consumes nothing, so `@{a @b}` yields
# both the braced key and `b`.
_WRITTEN_KEY = re.compile(rf"(?<![\w\\])@(?=\{{(?P<braced>[^{{}}\n]+)\}}|(?P<bare>{BARE_KEY}))")


def first_lines(markdown: str) -> dict[str, int]:
    """Each key written in the page -> the first line it is written on, in one pass."""
    lines: dict[str, int] = {}
    line, last = 1, 0
    for match in _WRITTEN_KEY.finditer(markdown):
        line += markdown.count("\n", last, match.start())
        last = match.start()
        for written in match.group("braced", "bare"):
            if written is not None:
                lines.setdefault(written, line)
    return lines


def locate(markdown: str, key: str) -> int | None:
    """The first line where `@key` (or `@{key}`) is written."""
    return first_lines(markdown).get(key)


def _line_of_marker(markdown: str) -> int | None:
    match = re.search(r"<!--\s*bibcite:bibliography", markdown)
    return markdown.count("\n", 0, match.start()) + 1 if match else None
