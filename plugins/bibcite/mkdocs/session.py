"""What one plugin instance keeps from event to event, and across `mkdocs serve` rebuilds, and the
three phases of a build over it:

1. `configure` (on_config): load the bibliography (memory, disk or parse), register the Markdown
   extensions that record each page's citations and tables while pages render;
2. `resolve` (on_env, every page parsed): number citations and tables site-wide, check keys,
   diagnose the bibliography, prepare the scholarly metadata and downloads;
3. `fill` and `fill_after_search` (each page, before and after the search plugin indexes it),
   `finish_page` and `finish` (after the build): write it all into the site.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from bibcite.bibliography import disk_cache
from bibcite.bibliography.disk_cache import DiskCache
from bibcite.bibliography.load import (
    Bibliography,
    BibliographyCache,
    expanded_or_given,
    is_remote,
    unreadable,
)
from bibcite.bibliography.remote import RemoteError
from bibcite.citations import diagnostics, front_matter, toc
from bibcite.citations.extension import CitationExtension
from bibcite.citations.registry import CitationRegistry
from bibcite.citations.site import Options, PageInfo, ResolvedSite
from bibcite.locales import ENGLISH, choose, script_json
from bibcite.mkdocs import assets
from bibcite.problems import log, report, take_warning_count
from bibcite.publishing.publisher import Publisher, from_site, work_from, write_files
from bibcite.styles import formatter
from bibcite.styles.csl import engine as csl_engine
from bibcite.styles.csl import styles as csl_styles
from bibcite.styles.csl.engine import CslError, CslFormatter
from bibcite.styles.formatter import ReferenceFormatter
from bibcite.styles.vancouver import terms_of
from bibcite.tables.extension import LiteratureTables
from bibcite.tables.registry import TableRegistry, write_csv

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from bibcite.mkdocs.config import BibciteConfig

ZENSICAL_EXTENSION = "bibcite.zensical"
_ORIGIN = {
    "memory": "up to date (reused)",
    "disk": "up to date (read from the cache on disk)",
    "parsed": "parsed",
}


class Session:
    def __init__(self) -> None:
        self.cache = BibliographyCache()
        self.disk = DiskCache(None)
        self.formatter: ReferenceFormatter | CslFormatter | None = None
        self.table_blocks: LiteratureTables | None = None
        self.registry = CitationRegistry()
        self.tables = TableRegistry()  # the literature tables of each page
        self.site: ResolvedSite | None = None
        self.publisher: Publisher | None = None
        self.never_cited = 0  # entries never cited, for the summary line
        self.nav_order: list[str] = []
        self.dirty = False
        self.serving = False
        self.last_good: Bibliography | None = None  # under serve, while a .bib file is broken
        self.strict = False  # the option: any warning fails the build
        self.words = ENGLISH  # the site's language's
        self.script_words = ""  # the readers' scripts' words, for each page that has bibcite's

    def start(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        self.serving = command == "serve"
        take_warning_count()  # the summary line counts this process's builds from here

    # --- phase 1 -----------------------------------------------------------------------------

    def configure(self, options: BibciteConfig, config: MkDocsConfig) -> None:
        base_dir = os.path.dirname(config.config_file_path or "")
        chosen = choose(options.locale, _theme_language(config))
        if chosen.note:
            log.info(chosen.note)
        self.words, self.script_words = chosen.words, script_json(chosen.words)
        self.disk = self._disk(options, config, base_dir)
        bibliography = self._bibliography(options, base_dir)
        self.formatter = self._formatter(bibliography, options, base_dir, _theme_language(config))
        if not self.dirty:  # a `--dirty` rebuild keeps the records of pages it does not render
            self.registry, self.tables = CitationRegistry(), TableRegistry()
        heading = options.references_heading
        citations = CitationExtension(
            self.registry,
            references_heading=self.words.references if heading is None else heading,
            per_page=options.per_page_references,
            label=self.formatter.label_of,
            narrative=options.narrative,
        )
        self.table_blocks = LiteratureTables(
            self.tables, citations, self.formatter, base_dir, self.words
        )
        _drop_zensical_entry(config)
        config.markdown_extensions.append(citations)
        config.markdown_extensions.append(self.table_blocks)
        self.strict = options.strict
        assets.link(config)

    def _disk(self, options: BibciteConfig, config: MkDocsConfig, base_dir: str) -> DiskCache:
        if not options.cache:
            return DiskCache(None)
        # Checked here, not in the schema: the plugin's options do not see docs_dir or site_dir.
        wrong = disk_cache.misplaced(
            options.cache_dir,
            base_dir,
            docs_dir=config.docs_dir,
            site_dir=config.site_dir,
            bibliography=options.bibliography,
        )
        if wrong:
            raise PluginError(f"bibcite: option 'cache_dir': {wrong}")
        disk = disk_cache.opened(options.cache_dir, base_dir)
        report(disk.problems())
        return disk

    def _bibliography(self, options: BibciteConfig, base_dir: str) -> Bibliography:
        try:
            bibliography, origin = self.cache.get(
                options.bibliography,
                encoding=options.encoding,
                base_dir=base_dir,
                disk=self.disk,
                zotero_api=options.zotero_api,
            )
        except RemoteError as error:
            raise PluginError(f"bibcite: {error.problem}") from None
        except OSError as error:
            problem = unreadable(error, base_dir)
            kept = self.last_good
            listed = tuple(expanded_or_given(options.bibliography))
            if self.serving and kept is not None and kept.files == listed:
                report(diagnostics.kept_bibliography([problem]))  # as for a broken save
                return kept
            raise PluginError(f"bibcite: {problem}") from None
        report(self.cache.notes)  # remote bibliographies: a cached copy used
        log.debug("bibliography %s", _ORIGIN[origin])
        broken = diagnostics.breaking(bibliography.problems)
        if broken and self.serving and diagnostics.same_files(self.last_good, bibliography):
            report(diagnostics.kept_bibliography(broken))  # serve: the last good version
            return self.last_good  # type: ignore[return-value]  (same_files checked it)
        report(bibliography.problems)
        self.last_good = None if broken else bibliography
        return bibliography

    def _formatter(
        self, bibliography: Bibliography, options: BibciteConfig, base_dir: str, language: str
    ) -> ReferenceFormatter | CslFormatter:
        if csl_styles.is_csl(options.style):
            return self._csl_formatter(bibliography, options, base_dir, language)
        style_options: dict[str, object] = {}
        if options.style == "vancouver":
            style_options = {
                "max_authors": options.max_authors,
                "truncate_authors": options.truncate_authors,
                "terms": terms_of(self.words),
            }
        key = formatter.signature(bibliography, options.style, style_options, self.words)
        if self.formatter is not None and self.formatter.signature == key:
            return self.formatter  # a serve rebuild: keep what is formatted in memory
        remembered = self.disk.load_references(key)
        if remembered:
            log.debug("%d formatted references read from the cache on disk", len(remembered))
        return ReferenceFormatter(
            bibliography, options.style, style_options, remembered, words=self.words
        )

    def _csl_formatter(
        self, bibliography: Bibliography, options: BibciteConfig, base_dir: str, language: str
    ) -> CslFormatter:
        try:
            made = csl_engine.for_site(
                bibliography,
                options.style,
                base_dir=base_dir,
                locale=options.locale,
                language=language,
                numbering=options.numbering,
                timeout=options.csl_timeout,
                disk=self.disk,
                words=self.words,
            )
        except CslError as error:
            raise PluginError(f"bibcite: {error}") from None
        kept = self.formatter
        if isinstance(kept, CslFormatter) and kept.signature == made.signature:
            return kept  # a serve rebuild: what pandoc made stays in memory
        return made

    def add_assets(self, files: Files, config: MkDocsConfig) -> None:
        assets.add(files, config)

    def read_nav(self, nav: Navigation, files: Files) -> None:
        self.nav_order = [page.file.src_uri for page in nav.pages]
        pages = {file.src_uri for file in files.documentation_pages()}
        self.registry.keep_only(pages)
        self.tables.keep_only(pages)

    def start_page(self, page: Page, markdown: str, config: MkDocsConfig) -> None:
        base_dir = os.path.dirname(config.config_file_path or "")
        shown = os.path.relpath(page.file.abs_src_path or page.file.src_uri, base_dir)
        # The front matter from the file itself, for its lines (page.meta has none).
        source = page.file.content_string
        options = front_matter.read(source, shown)
        # Lines in messages are the file's: the lines of the front matter MkDocs took off are
        # counted back in (when no other plugin has changed the Markdown since).
        if markdown and source.endswith(markdown):
            markdown = "\n" * source.count("\n", 0, len(source) - len(markdown)) + markdown
        self.registry.start_page(page.file.src_uri, markdown, shown=shown, options=options)
        self.tables.start_page(page.file.src_uri, markdown, shown=shown)

    # --- phase 2 -----------------------------------------------------------------------------

    def resolve(self, options: BibciteConfig, files: Files, config: MkDocsConfig) -> None:
        if self.formatter is None:
            return
        pages = {
            file.src_uri: PageInfo(file.url, file.page.title if file.page else file.src_uri)
            for file in files.documentation_pages()
        }
        numbering = Options(
            options.numbering,
            options.per_page_references,
            tuple(options.search_links),
            self.words,
        )
        self.site = ResolvedSite(
            self.registry,
            self.formatter,
            pages,
            self.nav_order,
            numbering,
            relative_url=get_relative_url,
        )
        report(self.site.problems())
        # Uncited entries, one DOI under two keys, capitals a style would lose.
        diagnosis = diagnostics.check(self.site, self.disk, shown=log.isEnabledFor)
        report(diagnosis.problems)
        self.never_cited = diagnosis.never_cited
        self.tables.number(self.nav_order)  # literature tables: Table 1..N along the nav
        report(self.tables.problems())
        for file in files.documentation_pages():  # so links to #table-N pass anchor validation
            if file.page is not None and file.page.present_anchor_ids is not None:
                file.page.present_anchor_ids |= self.tables.anchor_ids(file.src_uri)
        self.publisher = from_site(
            self.site,
            work=work_from(options.cite_this, self.words),
            downloads=options.downloads,
            site_url=config.site_url or "",
            config_file=config.config_file_path,
        )
        report(self.publisher.problems())
        # After the publisher, which keeps each entry's .bib/.ris text as the entry is parsed.
        try:
            self.site.format_ahead(self.publisher.shown_keys())
        except CslError as error:
            raise PluginError(f"bibcite: {error}") from None

    # --- phase 3 -----------------------------------------------------------------------------

    def fill(self, page: Page) -> None:
        if self.site is None or page.content is None:
            return
        page.content = self._fill_indexed(page, page.content)
        _list_groups_in_toc(page)

    def fill_after_search(self, page: Page) -> None:
        if self.site is None or page.content is None:
            return
        page.content = self._fill_rest(page.file.src_uri, page.content)

    def _fill_indexed(self, page: Page, html: str) -> str:
        """What the search plugin indexes: the References page, literature tables, narrative
        citations, "Cite this" and download links."""
        assert self.site is not None
        src_uri = page.file.src_uri
        html = self.site.fill(src_uri, html)
        html = self.tables.fill(src_uri, html, lambda path: get_relative_url(path, page.url))
        if self.publisher is not None:
            html = self.publisher.fill(src_uri, html)
        return html

    def _fill_rest(self, src_uri: str, html: str) -> str:
        """What it does not: the bracketed citations, the page's own reference list, and the
        scripts' words (in a language other than English) on a page bibcite wrote into."""
        assert self.site is not None
        html = self.site.fill_citations(src_uri, html)
        html = self.site.fill_reference_list(src_uri, html)
        if self.script_words and "bibcite-" in html:
            html += "\n" + self.script_words
        return html

    def finish_page(self, page: Page, output: str) -> str:
        """The finished page with its scholarly metadata in <head>."""
        if self.publisher is None:
            return output
        return self.publisher.head(page.file.src_uri, output)

    def finish(self, config: MkDocsConfig) -> None:
        if self.formatter is None or self.table_blocks is None:
            return
        report(self.formatter.take_problems())
        bibliography = self.formatter.bibliography
        log.debug("%d of %d entries parsed", bibliography.parsed, len(bibliography.entries))
        if self.formatter.formatted_since_export:
            self.disk.save_references(self.formatter.signature, self.formatter.export())
        write_csv(self.tables.downloads(self.table_blocks.catalog), config.site_dir)
        if self.publisher is not None:  # .bib and .ris downloads
            write_files(self.publisher.files(self.disk), config.site_dir)
        warnings = take_warning_count()
        if self.site is not None:  # one line per build; the details are at debug level
            log.info(diagnostics.summary(self.site, self.never_cited, warnings))
        if self.strict and warnings:
            raise PluginError(
                f"bibcite: {warnings} warning{'s' if warnings != 1 else ''} with strict: true; "
                "fix them, or set strict: false"
            )

    def watched(self, options: BibciteConfig) -> list[str]:
        """The files outside docs/ that a serve rebuild must follow."""
        local = [path for path in options.bibliography if not is_remote(path)]
        style = []  # a .csl file of the author's
        if isinstance(self.formatter, CslFormatter) and options.style not in csl_styles.shipped():
            style = [self.formatter.style.source]
        return [*local, *self.tables.data_files(), *style]


def _list_groups_in_toc(page: Page) -> None:
    """The group headings of the page's bibliography blocks, in its table of contents."""
    html = page.content or ""
    if toc.GROUP_CLASS not in html:
        return
    found, positions = toc.groups(html)
    for group in found:
        toc.place(
            page.toc.items,
            group,
            positions,
            make=lambda group: AnchorLink(group.title, group.id, toc.GROUP_LEVEL),
            id_of=lambda link: link.id,
            children_of=lambda link: link.children,
        )


def _theme_language(config: MkDocsConfig) -> str:
    """The theme's language: Material's `language`, or the `locale` of MkDocs' own themes."""
    theme = config.theme
    return str(theme.get("language") or theme.locale)


def _drop_zensical_entry(config: MkDocsConfig) -> None:
    """The plugin does the work under MkDocs: the Zensical extension listed for the other host
    (`bibcite.zensical` under markdown_extensions) is taken out, so nothing runs twice."""
    names = config.markdown_extensions
    if ZENSICAL_EXTENSION in names:
        names.remove(ZENSICAL_EXTENSION)
        config.mdx_configs.pop(ZENSICAL_EXTENSION, None)
