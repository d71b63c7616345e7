"""The MkDocs plugin: wiring only. Pages' marks are read as each page is converted; once every
page is (`on_env`), unlisted items are reported; the checklist is filled into its page before
search indexes it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.utils import get_relative_url

from care.checklist import Checklist
from care.config import CareConfig

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger("care")


class CarePlugin(BasePlugin[CareConfig]):
    def __init__(self) -> None:
        self.checklist = Checklist({})
        self.order: list[str] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.checklist = Checklist(self.config.not_reported)
        return config

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.order = [page.file.src_uri for page in nav.pages]

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files):
        if self.config.enabled:
            base_dir = os.path.dirname(config.config_file_path or "")
            problems = self.checklist.read_page(
                src_uri=page.file.src_uri,
                shown=os.path.relpath(page.file.abs_src_path or page.file.src_uri, base_dir),
                url=page.url,
                title=page.title or "",
                html_text=html,
                source=page.file.content_string,
            )
            for problem in problems:
                log.warning("%s", problem)
        return html

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            shown = os.path.basename(config.config_file_path or "mkdocs.yml")
            for problem in self.checklist.unlisted(shown):
                log.warning("%s", problem)

    # Before search (priority 0) indexes the page, so that the checklist is searchable.
    @event_priority(50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.config.enabled and page.content:
            page.content = self.checklist.fill(page.content, page.url, get_relative_url, self.order)
        return context
