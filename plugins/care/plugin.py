"""The MkDocs plugin: wiring only. Pages' marks are read as each page is converted; once every
page is (`on_env`), unlisted items are reported; the checklist and the PDF's link are filled into
their pages before search indexes them; after the build, the listed pages are printed as one PDF
(not under `mkdocs serve`, unless `pdf.on_serve`)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.utils import get_build_datetime, get_relative_url

from care.checklist import Checklist
from care.config import CareConfig
from care.pdf import Job, Part, PdfError, anchor_for, check_tools, fill_link, make_pdf

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
        self.command = "build"
        self.pdf_pages: list[Page] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.checklist = Checklist(self.config.not_reported)
        if self.making_pdf:
            try:
                check_tools(self.config.pdf.chromium)
            except PdfError as error:
                raise PluginError(self._pdf_failed(error)) from None
        elif self.config.enabled and self.config.pdf.pages and self.config.pdf.enabled:
            log.info("The PDF is made by `mkdocs build` only (pdf.on_serve: true makes it here)")
        return config

    @property
    def making_pdf(self) -> bool:
        pdf = self.config.pdf
        return bool(
            self.config.enabled and pdf.enabled and pdf.pages
            and (self.command != "serve" or pdf.on_serve)
        )

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.order = [page.file.src_uri for page in nav.pages]
        by_source = {page.file.src_uri: page for page in nav.pages}
        self.pdf_pages = []
        if not (self.config.enabled and self.config.pdf.enabled):
            return
        shown = os.path.basename(config.config_file_path or "mkdocs.yml")
        for src_uri in self.config.pdf.pages:
            if src_uri in by_source:
                self.pdf_pages.append(by_source[src_uri])
            else:
                log.warning(
                    "%s: the PDF lists '%s', which is not a page of the nav [unknown_page] — "
                    "give its path under docs_dir as the nav does (%s)",
                    shown, src_uri, ", ".join(self.order),
                )

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
            pdf = self.config.pdf
            href = get_relative_url(pdf.file, page.url) if pdf.enabled and pdf.pages else ""
            page.content = fill_link(page.content, href, pdf.link_text)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not (self.making_pdf and self.pdf_pages):
            return
        site_dir = Path(config.site_dir)
        pdf = self.config.pdf
        job = Job(
            parts=[
                Part(site_dir / page.file.dest_uri, anchor_for(page.file.src_uri))
                for page in self.pdf_pages
            ],
            output=site_dir / pdf.file,
            site_dir=site_dir,
            title=pdf.title or config.site_name,
            site_url=config.site_url or "",
            date=get_build_datetime().strftime("%Y-%m-%d"),
            chromium=pdf.chromium,
            paper=pdf.paper,
        )
        started = time.monotonic()
        try:
            make_pdf(job)
        except PdfError as error:
            raise PluginError(self._pdf_failed(error)) from None
        log.info(
            "Wrote the PDF %s (%d pages of the site) in %.1f s",
            pdf.file, len(job.parts), time.monotonic() - started,
        )

    def _pdf_failed(self, error: PdfError) -> str:
        return (
            f"care: cannot make the PDF {self.config.pdf.file}: {error} — {error.fix}, or turn "
            "the PDF off with `pdf: {enabled: false}` under the care plugin in mkdocs.yml"
        )
