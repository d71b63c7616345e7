"""The citations of the whole site, once every page has been parsed: numbered site-wide, keys
checked, and each page's placeholders filled with numbers, links and reference lists.

Links between pages are made by the host's `relative_url(target_url, from_url)`: MkDocs links
from page URL to page URL, Zensical from source file to source file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bibcite.citations import lists, render, toc
from bibcite.citations.registry import CitationRegistry, Numbering
from bibcite.citations.search_links import IDENTIFIERS, links_html
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem
from bibcite.styles.csl.engine import Cited, CslFormatter
from bibcite.styles.formatter import ReferenceFormatter
from bibcite.styles.vancouver import plain_text


@dataclass(frozen=True)
class PageInfo:
    url: str
    title: str


@dataclass(frozen=True)
class Options:
    numbering: str = "site"
    per_page_references: bool = True
    search_links: tuple[str, ...] = ()  # services linked from references without identifiers
    words: Words = ENGLISH  # the site's language's


class ResolvedSite:
    def __init__(
        self,
        registry: CitationRegistry,
        formatter: ReferenceFormatter | CslFormatter,
        pages: Mapping[str, PageInfo],
        nav_order: Sequence[str],
        options: Options,
        *,
        relative_url: Callable[[str, str], str],
    ) -> None:
        self.registry = registry
        self.formatter = formatter
        self.pages = pages
        self.nav_order = list(nav_order)
        self.options = options
        self.relative_url = relative_url
        self.numbering: Numbering = registry.number(
            nav_order, spelling=formatter.bibliography.entries.spelling, mode=options.numbering
        )
        self.bibliography_page = registry.bibliography_page(nav_order)
        self._first_citations: dict[str, dict[str, int]] | None = None
        self._catalog: lists.Catalog | None = None
        self._all_numbers: dict[str, int] | None = None
        self._chosen: dict[str, list[list[str]]] = {}  # page -> each block's keys

    def problems(self) -> list[Problem]:
        front = [
            problem for page in self.registry.pages.values() for problem in page.options.problems
        ]
        return (
            front
            + self.registry.unknown_keys(self.numbering)
            + self.registry.extra_markers(self.nav_order)
            + self._list_problems()
        )

    def _list_problems(self) -> list[Problem]:
        problems = []
        for uri in self.registry.ordered(self.nav_order):
            page = self.registry.pages[uri]
            problems += page.list_problems
            for spec, keys in zip(page.lists, self._chosen_on(uri), strict=True):
                if spec is None:
                    continue
                found = lists.check(spec, self.catalog())
                problems += found
                if not keys and not found:
                    problems.append(
                        Problem(
                            lists.CATEGORY,
                            spec.where,
                            spec.line,
                            "this bibliography block lists no entry",
                            "check its 'entries' and filters",
                        )
                    )
        return problems

    def catalog(self) -> lists.Catalog:
        """The bibliography as bibliography blocks choose from it."""
        if self._catalog is None:
            bibliography = self.formatter.bibliography
            entries, sources = bibliography.entries, bibliography.sources

            def first_author(key: str) -> str:
                entry = entries[key]
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                return plain_text(" ".join(people[0].last_names)) if people else ""

            def source_of(key: str) -> str:
                source = sources.get(key)
                return source.path if source is not None else ""

            self._catalog = lists.Catalog(
                spelling=entries.spelling,
                order=list(entries),
                field=lambda key, name: plain_text(bibliography.field(key, name)),
                type_of=lambda key: entries[key].type.lower(),
                first_author=first_author,
                source_of=source_of,
            )
        return self._catalog

    def _numbers_of_all(self) -> dict[str, int]:
        """Every entry's number: the cited ones', then the others' in bibliography order."""
        if self._all_numbers is None:
            numbers = dict(self.numbering.site)
            for key in self.formatter.bibliography.entries:
                numbers.setdefault(key, len(numbers) + 1)
            self._all_numbers = numbers
        return self._all_numbers

    def format_ahead(self, extra: Iterable[str] = ()) -> None:
        """Format every reference the site shows before any page is filled (`extra`: entries
        shown elsewhere, such as the work "Cite this" gives); with a CSL style, every citation
        too, in one pandoc run over the site's clusters in reading order."""
        if not isinstance(self.formatter, CslFormatter):
            self.formatter.format_ahead(self.numbering.site)
            return
        self.formatter.prepare(self._clusters(), [*self._listed(), *extra])
        self._chosen.clear()  # chosen before: sorted without the style's order

    def _clusters(self) -> list[Cited]:
        clusters = []
        for uri in self.registry.ordered(self.nav_order):
            for index, group in enumerate(self.registry.pages[uri].groups, 1):
                items = tuple(
                    (key, item.prefix, item.locator, item.suppress_author)
                    for item in group.items
                    if (key := self.numbering.key(item.key)) is not None
                )
                if items:
                    clusters.append(Cited((uri, index), items, group.narrative))
        return clusters

    def _listed(self) -> list[str]:
        """Every entry a list of the site shows."""
        keys = dict.fromkeys(self.numbering.site)
        for uri in self.registry.ordered(self.nav_order):
            page = self.registry.pages[uri]
            if uri == self.bibliography_page and page.bibliography == "all":
                keys.update(dict.fromkeys(self.formatter.bibliography.entries))
            for chosen in self._chosen_on(uri):
                keys.update(dict.fromkeys(chosen))
        return list(keys)

    def _block_number(self, src_uri: str, spec: lists.ListSpec) -> Callable[[str], int]:
        if isinstance(self.formatter, CslFormatter) and self.formatter.formatted is not None:
            return self.formatter.rank  # the style's order
        if spec.entries == "page" and src_uri != self.bibliography_page:
            return lambda key: self.numbering.by_page[src_uri][key]
        return self._numbers_of_all().__getitem__

    def _chosen_on(self, src_uri: str) -> list[list[str]]:
        """The keys each bibliography block of the page lists, in order."""
        if src_uri not in self._chosen:
            page = self.registry.pages[src_uri]
            site = sorted(self.numbering.site, key=self.numbering.site.__getitem__)
            here = self.numbering.by_page.get(src_uri, {})
            on_page = sorted(here, key=here.__getitem__)
            nocite = self.registry.nocited(src_uri, self.numbering.spelling)
            chosen = []
            for spec in page.lists:
                if spec is None:
                    chosen.append([])
                    continue
                number = self._block_number(src_uri, spec)
                chosen.append(
                    lists.choose(
                        spec,
                        self.catalog(),
                        cited=site,
                        on_page=on_page,
                        nocite=nocite,
                        number=number,
                    )
                )
            self._chosen[src_uri] = chosen
        return self._chosen[src_uri]

    def _fill_list_blocks(self, src_uri: str, html: str) -> str:
        page = self.registry.pages[src_uri]
        if not page.lists:
            return html
        chosen = self._chosen_on(src_uri)
        view = self._view(src_uri, self._numbers_of_all())

        def listing(index: int) -> str:
            if not 1 <= index <= len(page.lists):
                return ""
            spec = page.lists[index - 1]
            if spec is None:
                return ""
            keys = chosen[index - 1]
            grouped = lists.groups(keys, spec.group_by, self.catalog(), self.options.words)
            return render.block_list(
                grouped,
                self._block_number(src_uri, spec),
                view,
                lambda key: f"list-{index}-{render.ref_id(key)}",
                lambda heading: f"list-{index}-{toc.slug(heading, fallback=True)}",
            )

        return render.fill_list_blocks(html, listing)

    def fill(self, src_uri: str, html: str) -> str:
        """What the search plugin indexes: the References page's list and narrative citations,
        whose author label ("Smith et al. [3]") is part of the sentence."""
        cited = self.registry.pages.get(src_uri)
        if cited is None:
            return html
        html = render.fill_citations(html, self._view(src_uri), narrative_only=True)
        html = self._fill_list_blocks(src_uri, html)
        if src_uri == self.bibliography_page:
            return render.fill_bibliography(html, self._bibliography(src_uri, cited.bibliography))
        if cited.bibliography:  # a second marker (reported as a problem) is left empty
            return render.fill_bibliography(html, "")
        return html

    def fill_citations(self, src_uri: str, html: str) -> str:
        """The bracketed citations, after the search plugin has indexed the page: a reader
        searches the prose, and thousands of "[12, p. 4]" links, each titled with its whole
        reference, were most of the time search took over a page with citations. With no
        reference list on the page, the citation cards take the references from a template."""
        cited = self.registry.pages.get(src_uri)
        if cited is None:
            return html
        view = self._view(src_uri)
        html = render.fill_citations(html, view)
        if cited.groups and not self.has_list(src_uri):
            html += render.card_data(view)
        return html

    def has_list(self, src_uri: str) -> bool:
        """Whether the page shows its own reference list: the site's `per_page_references`, or
        a `<!-- bibcite:references -->` marker, unless its front matter decides."""
        page = self.registry.pages[src_uri]
        if src_uri == self.bibliography_page or not self.numbering.by_page.get(src_uri):
            return False
        if page.options.references is not None:
            return page.options.references
        return self.options.per_page_references or page.list_marker

    def fill_reference_list(self, src_uri: str, html: str) -> str:
        """The page's own reference list, also after the search plugin has indexed the page: a
        search for an author or a journal finds the References page once, not every page that
        cites them (and indexing a list on every page was most of what bibcite added to a
        build's time). Written into the page's content, not the finished page: that one holds
        the site's whole navigation, so each copy of it grows with the site."""
        cited = self.registry.pages.get(src_uri)
        if cited is None or src_uri == self.bibliography_page:
            return html
        if not self.has_list(src_uri):
            return html
        here = self.registry.indexes_on(src_uri)
        words = self.options.words
        listing = render.reference_list(
            self._view(src_uri), lambda key: _backlinks_here(here.get(key.lower(), []), words)
        )
        return render.fill_reference_list(html, listing)

    def _view(self, src_uri: str, numbers: dict[str, int] | None = None) -> render.PageView:
        if numbers is None:
            is_bibliography = src_uri == self.bibliography_page
            numbers = self.numbering.site if is_bibliography else self.numbering.by_page[src_uri]
        return render.PageView(
            groups=self.registry.pages[src_uri].groups,
            numbers=numbers,
            key_of=self.numbering.key,
            reference=self.formatter.get,
            href=lambda key: self._href(src_uri, key),
            after_entry=self._search_links,
            words=self.options.words,
            csl=self._csl_view(src_uri),
        )

    def _csl_view(self, src_uri: str) -> render.CslView | None:
        csl = self.formatter
        if not isinstance(csl, CslFormatter):
            return None
        return render.CslView(
            cluster=lambda index: csl.cluster((src_uri, index)),
            margin=csl.margin,
            rank=csl.rank,
            numeric=csl.numeric,
        )

    def _search_links(self, key: str) -> str:
        """Links to search for the title, when the entry has no identifier of its own."""
        services = self.options.search_links
        bibliography = self.formatter.bibliography
        if not services or any(bibliography.field(key, name) for name in IDENTIFIERS):
            return ""
        title = plain_text(bibliography.field(key, "title"))
        return links_html(services, title, self.options.words)

    def _href(self, src_uri: str, key: str) -> str | None:
        anchor = "#" + render.ref_id(key)
        if src_uri == self.bibliography_page or self.has_list(src_uri):
            return anchor
        if self.bibliography_page is None:
            return None
        return self._relative(self.bibliography_page, src_uri) + anchor

    def _relative(self, target: str, source: str) -> str:
        return self.relative_url(self.pages[target].url or "./", self.pages[source].url or "./")

    def _backlinks_site(self, src_uri: str, key: str) -> list[render.Backlink]:
        if self._first_citations is None:
            self._first_citations = self.registry.first_citations(self.nav_order)
        links = []
        for uri, index in self._first_citations.get(key.lower(), {}).items():
            info = self.pages.get(uri)
            if info is None or uri == src_uri:
                continue
            href = self._relative(uri, src_uri) + f"#{render.cite_id(index)}"
            label = self.options.words.cited_in_page.format(page=info.title)
            links.append(render.Backlink(href, info.title, label))
        return links

    def _bibliography(self, src_uri: str, include: str | None) -> str:
        numbers = dict(self.numbering.site)
        if include == "all":
            for key in self.formatter.bibliography.entries:
                numbers.setdefault(key, len(numbers) + 1)
        view = self._view(src_uri, numbers)
        return render.reference_list(
            view,
            lambda key: self._backlinks_site(src_uri, key),
            lead=self.options.words.cited_in,
            separator=", ",
        )


def _backlinks_here(indexes: list[int], words: Words) -> list[render.Backlink]:
    if not indexes:  # listed by `nocite`, cited nowhere on the page
        return []
    if len(indexes) == 1:
        return [render.Backlink(f"#{render.cite_id(indexes[0])}", "↩", words.back_to_citation)]
    labels = render.backlink_labels(len(indexes))
    return [
        render.Backlink(
            f"#{render.cite_id(index)}", label, words.back_to_citation_label.format(label=label)
        )
        for index, label in zip(indexes, labels, strict=True)
    ]
