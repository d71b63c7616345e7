"""The MkDocs plugin: wires MkDocs' build events to the modules that do the work, a few lines each.

Phase 1 (pages render): the Markdown extension records each page's citations.
Phase 2 (`on_env`, every page parsed): number them site-wide and check the keys.
Phase 3 (`on_page_context`, each page): fill in numbers, links and reference lists.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url

from bibcite import assets, diagnostics, formatting, log, publish, table_registry
from bibcite.bibliography import Bibliography, BibliographyCache
from bibcite.cache import DiskCache
from bibcite.config import BibciteConfig
from bibcite.extension import CitationExtension
from bibcite.formatting import ReferenceFormatter
from bibcite.registry import CitationRegistry
from bibcite.resolve import Options, PageInfo, ResolvedSite
from bibcite.table import BibCatalog
from bibcite.table_block import TableExtension
from bibcite.table_registry import TableRegistry

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from bibcite.log import Problem


_ORIGIN = {
    "memory": "up to date (reused)",
    "disk": "up to date (read from the cache on disk)",
    "parsed": "parsed",
}


class BibcitePlugin(BasePlugin[BibciteConfig]):
    def __init__(self) -> None:
        self.cache = BibliographyCache()  # survives `mkdocs serve` rebuilds
        self.formatter: ReferenceFormatter | None = None
        self.registry = CitationRegistry()
        self.tables = TableRegistry()  # the literature tables of each page
        self.site: ResolvedSite | None = None
        self.publisher: publish.Publisher | None = None
        self.nav_order: list[str] = []
        self.dirty = False
        self.serving = False
        self.last_good: Bibliography | None = None  # under serve, while a .bib file is broken
        self.disk = DiskCache(None)
        self.diagnosed: list[Problem] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this instance across serve rebuilds.
        self.dirty = dirty
        self.serving = command == "serve"
        log.take_warning_count()  # the summary line counts this process's builds from here

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        base_dir = os.path.dirname(config.config_file_path or "")
        self.disk = DiskCache(self._cache_dir(base_dir))
        try:
            bibliography, origin = self.cache.get(
                self.config.bibliography,
                encoding=self.config.encoding,
                base_dir=base_dir,
                disk=self.disk,
            )
        except OSError as error:
            shown = os.path.relpath(str(error.filename), base_dir or os.curdir)
            raise PluginError(
                f"bibcite: cannot read {shown}: {error.strerror} — "
                "check the file named by the bibcite option 'bibliography'"
            ) from None
        log.log.debug("bibliography %s", _ORIGIN[origin])
        broken = diagnostics.breaking(bibliography.problems)
        if broken and self.serving and diagnostics.same_files(self.last_good, bibliography):
            log.report(diagnostics.kept_bibliography(broken))  # serve: the last good version
            bibliography = self.last_good
        else:
            log.report(bibliography.problems)
            self.last_good = None if broken else bibliography
        self.formatter = self._formatter(bibliography)
        self.registry = CitationRegistry() if not self.dirty else self.registry
        heading = self.config.references_heading if self.config.per_page_references else None
        citations = CitationExtension(self.registry, references_heading=heading)
        config.markdown_extensions.append(citations)
        self.tables = TableRegistry() if not self.dirty else self.tables
        catalog = BibCatalog(self.formatter)
        config.markdown_extensions.append(TableExtension(self.tables, citations, catalog, base_dir))
        assets.link(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.config.enabled:
            assets.add(files, config)
        return files

    def _cache_dir(self, base_dir: str) -> str | None:
        if not self.config.cache:
            return None
        return os.path.join(base_dir, self.config.cache_dir or os.path.join(".cache", "bibcite"))

    def _formatter(self, bibliography) -> ReferenceFormatter:
        options = {}
        if self.config.style == "vancouver":
            options = {
                "max_authors": self.config.max_authors,
                "truncate_authors": self.config.truncate_authors,
            }
        key = formatting.signature(bibliography, self.config.style, options)
        if self.formatter is not None and self.formatter.signature == key:
            return self.formatter  # a serve rebuild: keep what is formatted in memory
        remembered = self.disk.load_references(key)
        if remembered:
            log.log.debug("%d formatted references read from the cache on disk", len(remembered))
        return ReferenceFormatter(bibliography, self.config.style, options, remembered)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            self.nav_order = [page.file.src_uri for page in nav.pages]
            self.registry.keep_only({file.src_uri for file in files.documentation_pages()})
            self.tables.keep_only({file.src_uri for file in files.documentation_pages()})

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> None:
        if self.config.enabled:
            base_dir = os.path.dirname(config.config_file_path or "")
            shown = os.path.relpath(page.file.abs_src_path or page.file.src_uri, base_dir)
            self.registry.start_page(page.file.src_uri, markdown, shown=shown)
            self.tables.start_page(page.file.src_uri, markdown, shown=shown)

    # Early, so that other plugins' on_env (and search) see numbered pages.
    @event_priority(50)
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> None:
        if not self.config.enabled or self.formatter is None:
            return
        pages = {
            file.src_uri: PageInfo(file.url, file.page.title if file.page else file.src_uri)
            for file in files.documentation_pages()
        }
        options = Options(self.config.numbering, self.config.per_page_references)
        self.site = ResolvedSite(self.registry, self.formatter, pages, self.nav_order, options)
        log.report(self.site.problems())
        self.diagnosed = diagnostics.check(self.site, self.disk)  # uncited, same DOI, capitals
        log.report(self.diagnosed)
        self.tables.number(self.nav_order)  # literature tables: Table 1..N along the nav
        log.report(self.tables.problems())
        for file in files.documentation_pages():  # so links to #table-N pass anchor validation
            if file.page is not None and file.page.present_anchor_ids is not None:
                file.page.present_anchor_ids |= self.tables.anchor_ids(file.src_uri)
        self.publisher = publish.from_site(
            self.site, self.config, site_url=config.site_url or "",
            config_file=config.config_file_path,
        )
        log.report(self.publisher.problems())

    # Before search (priority 0) indexes the page, so references are searchable.
    @event_priority(50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.config.enabled and self.site is not None and page.content is not None:
            page.content = self.site.fill(page.file.src_uri, page.content)
            page.content = self.tables.fill(
                page.file.src_uri, page.content, lambda path: get_relative_url(path, page.url)
            )
            if self.publisher is not None:  # "Cite this" and download links at their markers
                page.content = self.publisher.fill(page.file.src_uri, page.content)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.config.enabled and self.publisher is not None:  # scholarly metadata in <head>
            return self.publisher.head(page.file.src_uri, output)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.formatter is not None:
            log.report(self.formatter.take_problems())
            if self.formatter.formatted_since_export:
                self.disk.save_references(self.formatter.signature, self.formatter.export())
            table_registry.write(self.tables.downloads(BibCatalog(self.formatter)), config.site_dir)
        if self.config.enabled and self.publisher is not None:  # .bib and .ris downloads
            publish.write(self.publisher.files(self.disk), config.site_dir)
        if self.config.enabled and self.site is not None:  # one line per build; details at debug
            summary = diagnostics.summary(self.site, self.diagnosed, log.take_warning_count())
            log.log.info(summary)

    def on_build_error(self, *, error: Exception) -> None:
        log.take_warning_count()  # a failed build has no summary; the next one starts from 0

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder
    ) -> LiveReloadServer:
        if self.config.enabled:
            for path in self.config.bibliography:
                server.watch(path)
            for path in self.tables.data_files():  # the literature tables' CSV files
                server.watch(path)
        return server
