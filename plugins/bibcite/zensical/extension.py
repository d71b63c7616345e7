"""The Markdown extension Zensical runs on every page (a new instance each time): it finds the
page in Zensical's rendering context, brings the site up to date (site.py), records the page's
citations and tables as it is parsed, and fills them in once it is rendered.

Outside Zensical (MkDocs validating `markdown_extensions`, or plain Python-Markdown) there is no
rendering context, and the extension does nothing."""

from __future__ import annotations

import html as html_module
import os
import sys
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from bibcite.bibliography.load import BibliographyCache
from bibcite.citations import front_matter, toc
from bibcite.citations.extension import CitationExtension
from bibcite.citations.registry import CitationRegistry
from bibcite.problems import log
from bibcite.tables.extension import LiteratureTables
from bibcite.tables.registry import TableRegistry
from bibcite.zensical.options import OptionsError, check_cache_dir, read
from bibcite.zensical.site import Site, StrictError, UnreadableError, project_of

if TYPE_CHECKING:
    from markdown import Markdown

# Last of the tree processors (toc is 5): after it, a postprocessor sees the whole page, while
# before it, toc runs every postprocessor on each heading's text.
_TREE_DONE_PRIORITY = -100
# After raw HTML is put back (30) and the other postprocessors: the placeholders are final.
_FILL_PRIORITY = 1


class _Process:
    """What lasts for the whole Zensical process: the parsed bibliography and the last site."""

    def __init__(self) -> None:
        self.cache = BibliographyCache()
        self.site: Site | None = None
        self.warned: set[str] = set()

    def warn_once(self, message: str) -> None:
        message = message.removeprefix("bibcite: ")  # the logger says it
        if message not in self.warned:
            self.warned.add(message)
            log.warning("%s", message)

    def site_for(self, config, raw: dict) -> Site:
        project = project_of(config)
        try:
            options, unknown = read(raw, base_dir=project.root)
            check_cache_dir(
                options,
                base_dir=project.root,
                docs_dir=project.docs_dir,
                site_dir=project.site_dir,
            )
        except OptionsError as error:
            raise OptionsError(f"bibcite.zensical: {error}") from None
        for message in unknown:
            self.warn_once(message)
        if self.site is not None and self.site.current(project, options):
            return self.site
        self.site = Site(project, options, self.cache)
        warnings = self.site.report()
        if options.strict and warnings:
            message = (
                f"{warnings} warning{'s' if warnings != 1 else ''} with strict: true "
                f"(listed above); fix {'them' if warnings != 1 else 'it'}, or set strict: false"
            )
            if _serving():  # an exception would end the server: render, and say so
                self.warn_once(f"{message} (zensical serve goes on; a build would fail)")
            else:
                self.site = None  # the next page tries again, and fails again
                raise StrictError(f"bibcite: {message}")
        return self.site


_PROCESS = _Process()


def _serving() -> bool:
    """Whether this is `zensical serve`, which Zensical does not tell its extensions."""
    return sys.argv[1:2] == ["serve"]


class _TreeDone(Treeprocessor):
    def __init__(self, md: Markdown, page: _Page) -> None:
        super().__init__(md)
        self.page = page

    def run(self, root: etree.Element) -> None:
        self.page.tree_done = True


class _Fill(Postprocessor):
    def __init__(self, md: Markdown, page: _Page) -> None:
        super().__init__(md)
        self.page = page

    def run(self, text: str) -> str:
        if not self.page.tree_done:  # a heading's text, for the table of contents
            return self.page.site.fill_heading(self.page.uri, text)
        self.page.check()
        filled = self.page.site.fill(self.page.uri, text)
        if toc.GROUP_CLASS in filled:
            _list_groups_in_toc(self.md, filled)
        return filled


def _list_groups_in_toc(md: Markdown, html: str) -> None:
    """The group headings of the page's bibliography blocks, in the toc extension's tokens,
    which Zensical makes the page's table of contents of."""
    tokens = getattr(md, "toc_tokens", None)
    if tokens is None:
        return
    found, positions = toc.groups(html)
    for group in found:
        toc.place(
            tokens,
            group,
            positions,
            make=lambda group: {
                "level": toc.GROUP_LEVEL,
                "id": group.id,
                "name": group.title,
                "html": html_module.escape(group.title),
                "data-toc-label": "",
                "children": [],
            },
            id_of=lambda token: token["id"],
            children_of=lambda token: token["children"],
        )


class _Page:
    """One page being rendered: what it records, against what the site's pre-pass recorded."""

    def __init__(self, site: Site, uri: str) -> None:
        self.site = site
        self.uri = uri
        self.tree_done = False
        self.registry = CitationRegistry()
        self.tables = TableRegistry()
        path = os.path.join(site.project.docs_dir, uri)
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
        self.registry.start_page(uri, text, options=front_matter.read(text, uri))
        self.tables.start_page(uri, text)

    def extensions(self) -> list[Extension]:
        options = self.site.options
        citations = CitationExtension(
            self.registry,
            references_heading=self.site.references_heading,
            per_page=options.per_page_references,
            label=self.site.formatter.label_of,
            narrative=options.narrative,
        )
        tables = LiteratureTables(
            self.tables, citations, self.site.formatter, self.site.project.root, self.site.words
        )
        return [citations, tables]

    def check(self) -> None:
        """The page must parse as the pre-pass parsed it, or its numbers are someone else's."""
        mine = self.registry.pages.get(self.uri)
        known = self.site.registry.pages.get(self.uri)
        if mine is not None and known is not None and mine.groups != known.groups:
            log.warning(
                "bibcite.zensical: %s rendered other citations than bibcite read from the file; "
                "its numbers may be wrong — build again",
                self.uri,
            )


class BibciteExtension(Extension):
    def __init__(self, **options) -> None:
        super().__init__()
        self.options = options

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        if "rendering_context" not in md.preprocessors:
            return  # not rendered by Zensical
        context = md.preprocessors["rendering_context"]
        config = getattr(context, "config", None)
        if not isinstance(config, dict) or "root_dir" not in config:
            return
        try:
            site = _PROCESS.site_for(config, self.options)
        except (OptionsError, UnreadableError, OSError) as error:
            if not _serving():
                raise
            # An exception would end `zensical serve`: say it, leave the page as written, and
            # try again on the next page rendered.
            _PROCESS.warn_once(f"{error} (zensical serve goes on; a build would fail)")
            return
        if not site.options.enabled:
            return
        page = _Page(site, context.page.path)
        for extension in page.extensions():
            extension.extendMarkdown(md)
        md.treeprocessors.register(_TreeDone(md, page), "bibcite_tree_done", _TREE_DONE_PRIORITY)
        md.postprocessors.register(_Fill(md, page), "bibcite_fill", _FILL_PRIORITY)
