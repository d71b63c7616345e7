"""The MkDocs plugin: maps each MkDocs build event to one step of the session (session.py).

Phase 1 (pages render): the Markdown extensions record each page's citations and tables.
Phase 2 (`on_env`, every page parsed): number them site-wide and check the keys.
Phase 3 (`on_page_context`, each page): fill in the References page and tables, then (after
search has indexed the page) the citations and the page's own reference list; (`on_post_page`)
the scholarly metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from bibcite.mkdocs.config import BibciteConfig
from bibcite.mkdocs.session import Session
from bibcite.problems import take_warning_count

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


class BibcitePlugin(BasePlugin[BibciteConfig]):
    def __init__(self) -> None:
        self.session = Session()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this instance, and its caches, across rebuilds.
        self.session.start(command=command, dirty=dirty)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config.enabled:
            self.session.configure(self.config, config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.config.enabled:
            self.session.add_assets(files, config)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            self.session.read_nav(nav, files)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> None:
        if self.config.enabled:
            self.session.start_page(page, markdown, config)

    # Early, so that other plugins' on_env see numbered pages.
    @event_priority(50)
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            self.session.resolve(self.config, files, config)

    # Search (priority 0) indexes the page between these two: it finds the References page,
    # tables and narrative citations, not the bracketed numbers or each page's reference list.
    @event_priority(50)
    def _fill_before_search(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.config.enabled:
            self.session.fill(page)
        return context

    @event_priority(-1)
    def _fill_after_search(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.config.enabled:
            self.session.fill_after_search(page)
        return context

    on_page_context = CombinedEvent(_fill_before_search, _fill_after_search)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self.session.finish_page(page, output) if self.config.enabled else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            self.session.finish(config)

    def on_build_error(self, *, error: Exception) -> None:
        take_warning_count()  # a failed build has no summary; the next one starts from 0

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder
    ) -> LiveReloadServer:
        if self.config.enabled:
            for path in self.session.watched(self.config):
                server.watch(path)
        return server
