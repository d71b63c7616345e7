"""The whole site as Zensical builds it, made once per process and again whenever a page, a .bib
file or a table's data file changes: the bibliography, a pre-pass that parses every page in nav
order (Zensical renders pages in file order, one at a time, so site-wide numbers need every page
first), the numbering, and the filling of each page's placeholders.

Links between pages are written relative to the source file (`../references.md#ref-x`), since
Zensical rewrites relative links in a page's output as if the author had written them."""

from __future__ import annotations

import logging
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import markdown

from bibcite import assets
from bibcite.bibliography import disk_cache
from bibcite.bibliography.disk_cache import DiskCache
from bibcite.bibliography.load import BibliographyCache, expanded_or_given, unreadable
from bibcite.bibliography.remote import RemoteError
from bibcite.citations import front_matter
from bibcite.citations.extension import CitationExtension
from bibcite.citations.registry import CitationRegistry
from bibcite.citations.site import Options as SiteOptions
from bibcite.citations.site import PageInfo, ResolvedSite
from bibcite.locales import choose, script_json
from bibcite.problems import Problem, log
from bibcite.publishing.publisher import Publisher, from_site, work_from
from bibcite.styles.csl import engine as csl_engine
from bibcite.styles.csl import styles as csl_styles
from bibcite.styles.csl.engine import CslError, CslFormatter
from bibcite.styles.formatter import ReferenceFormatter
from bibcite.styles.vancouver import terms_of
from bibcite.tables.extension import LiteratureTables
from bibcite.tables.registry import TableRegistry
from bibcite.zensical.options import Options

EXTENSION = "bibcite.zensical"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


class StrictError(Exception):
    """`strict: true` and at least one warning: Zensical fails a build only on an exception."""


class UnreadableError(Exception):
    """A .bib file that cannot be read: the message (MkDocs' words) names it and the fix."""


@dataclass(frozen=True)
class Project:
    """What Zensical's configuration tells of the site."""

    root: str  # the folder of mkdocs.yml
    docs_dir: str
    nav: tuple[tuple[str, str | None], ...]  # (source path, nav title) in reading order
    extensions: tuple[object, ...]  # the site's other Markdown extensions, as configured
    extension_configs: Mapping[str, dict]
    site_dir: str = ""
    language: str = ""  # the theme's


def project_of(config: Mapping) -> Project:
    root = str(config["root_dir"])
    docs_dir = os.path.join(root, str(config["docs_dir"]))
    extensions = tuple(
        name
        for name in config["markdown_extensions"]
        if not (isinstance(name, str) and (name == EXTENSION or name.startswith("zensical.")))
        and type(name).__module__.split(".")[0] != "zensical"
    )
    configs = {
        name: dict(value) for name, value in config["mdx_configs"].items() if name != EXTENSION
    }
    site_dir = os.path.join(root, str(config.get("site_dir") or "site"))
    nav = tuple(_nav_pages(config.get("nav") or []))
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, Mapping) else None
    language = language if isinstance(language, str) else ""
    return Project(root, docs_dir, nav, extensions, configs, site_dir, language)


def _nav_pages(items: Iterable[Mapping]) -> Iterator[tuple[str, str | None]]:
    for item in items:
        url = item.get("url")
        if url and url.endswith(".md") and "://" not in url:
            yield url, item.get("title")
        yield from _nav_pages(item.get("children") or [])


class Site:
    """One build's citations, tables and publishing, made from every page in reading order."""

    def __init__(self, project: Project, options: Options, cache: BibliographyCache) -> None:
        self.project = project
        self.options = options
        self.problems: list[Problem] = []
        chosen = choose(options.locale, project.language)
        self.words, self.words_note = chosen.words, chosen.note
        disk = _disk(options, project)
        self.problems += disk.problems()
        try:
            bibliography, _ = cache.get(
                options.bibliography,
                encoding=options.encoding,
                base_dir=project.root,
                disk=disk,
                zotero_api=options.zotero_api,
            )
        except RemoteError as error:
            raise UnreadableError(f"bibcite: {error.problem}") from None
        except OSError as error:
            raise UnreadableError(f"bibcite: {unreadable(error, project.root)}") from None
        self.problems += cache.notes
        self.problems += bibliography.problems
        self.formatter = _formatter(bibliography, options, project, disk, self.words)
        self.registry = CitationRegistry()
        self.tables = TableRegistry()
        self.order = _reading_order(project)
        titles = dict(project.nav)
        pages = {}
        for uri in self.order:
            text = _read(project, uri)
            pages[uri] = PageInfo(uri, titles.get(uri) or _title(text, uri))
            self._parse(uri, text)
        site_options = SiteOptions(
            options.numbering, options.per_page_references, options.search_links, self.words
        )
        self.site = ResolvedSite(
            self.registry,
            self.formatter,
            pages,
            self.order,
            site_options,
            relative_url=_relative_to_source,
        )
        self.problems += self.site.problems()
        self.tables.number(self.order)
        self.problems += self.tables.problems()
        work = work_from(options.cite_this, self.words)
        # No downloads: Zensical deletes files an extension writes into the site on its next
        # cached build, and runs nothing once every page is rendered.
        self.publisher: Publisher = from_site(
            self.site, work=work, downloads=False, config_file=_config_file(project)
        )
        self.problems += self.publisher.problems()
        self.data_files = tuple(sorted(self.tables.data_files()))
        try:  # before the tables' downloads, which hold each row's reference
            self.site.format_ahead(self.publisher.shown_keys())
        except CslError as error:
            raise UnreadableError(f"bibcite: {error}") from None
        from bibcite.tables.table import BibCatalog

        catalog = BibCatalog(self.formatter)
        self._csv = dict(self.tables.downloads(lambda: catalog))
        self.followed = [*self.data_files]  # and an author's .csl file: a change formats again
        if isinstance(self.formatter, CslFormatter):
            self.followed.append(self.formatter.style.source)
        self.key = _fingerprint(project, options, self.followed)
        self.problems += self.formatter.take_problems()
        self._assets = (
            f"<style>{assets.bundle('.css')}</style>\n<script>{assets.bundle('.js')}</script>"
        )
        words_json = script_json(self.words)  # the scripts' words, in another language
        self._assets += f"\n{words_json}" if words_json else ""

    def _parse(self, uri: str, text: str) -> None:
        shown = os.path.relpath(os.path.join(self.project.docs_dir, uri), self.project.root)
        options = front_matter.read(text, shown)  # Zensical hands extensions the body only
        self.registry.start_page(uri, text, shown=shown, options=options)
        self.tables.start_page(uri, text, shown=shown)
        md = markdown.Markdown(
            extensions=[*self.project.extensions, *self.extensions()],
            extension_configs=self.project.extension_configs,
        )
        md.convert(_body(text))

    def extensions(self) -> list[markdown.Extension]:
        """The extensions that record a page's citations and tables into this site."""
        citations = CitationExtension(
            self.registry,
            references_heading=self.references_heading,
            per_page=self.options.per_page_references,
            label=self.formatter.label_of,
            narrative=self.options.narrative,
        )
        tables = LiteratureTables(
            self.tables, citations, self.formatter, self.project.root, self.words
        )
        return [citations, tables]

    @property
    def references_heading(self) -> str:
        """The author's heading of each page's reference list, else the words'."""
        heading = self.options.references_heading
        return self.words.references if heading is None else heading

    def fill(self, uri: str, html: str) -> str:
        """A rendered page with its citations, lists, tables and 'Cite this' written in, and the
        readers' CSS and JS inline (a file would not survive Zensical's next cached build)."""
        before = html
        html = self.site.fill(uri, html)
        html = self.tables.fill(uri, html, self._download)
        html = self.publisher.fill(uri, html)
        html = self.site.fill_citations(uri, html)
        html = self.site.fill_reference_list(uri, html)
        return html if html == before else html + "\n" + self._assets

    def _download(self, path: str) -> str:
        """A table's CSV as a data: URL: Zensical keeps no file that an extension writes."""
        return "data:text/csv;charset=utf-8," + quote(self._csv.get(path, ""), safe="")

    def fill_heading(self, uri: str, html: str) -> str:
        """A heading's text for the table of contents: its citations only."""
        return self.site.fill_citations(uri, self.site.fill(uri, html))

    def report(self) -> int:
        """Log this build's problems once; the number of warnings among them."""
        warnings = 0
        if self.words_note:
            log.info("%s", self.words_note)
        for problem in self.problems:
            log.log(problem.level, "%s", problem)
            warnings += problem.level >= logging.WARNING
        return warnings

    def current(self, project: Project, options: Options) -> bool:
        return self.project == project and self.key == _fingerprint(
            project, options, self.followed
        )


def _reading_order(project: Project) -> list[str]:
    """The nav's pages, then every other page under docs/ by path, as MkDocs orders them."""
    found = []
    for folder, _, names in os.walk(project.docs_dir):
        for name in names:
            if name.endswith(".md"):
                path = os.path.relpath(os.path.join(folder, name), project.docs_dir)
                found.append(path.replace(os.sep, "/"))
    in_nav = [uri for uri, _ in project.nav if uri in set(found)]
    seen = set(in_nav)
    return in_nav + sorted(uri for uri in found if uri not in seen)


def _read(project: Project, uri: str) -> str:
    with open(os.path.join(project.docs_dir, uri), encoding="utf-8-sig") as stream:
        return stream.read()


def _body(text: str) -> str:
    """The page without its front matter, as Zensical hands it to Python-Markdown."""
    match = _FRONT_MATTER.match(text)
    return text[match.end() :] if match else text


def _title(text: str, uri: str) -> str:
    match = _FRONT_MATTER.match(text)
    if match:
        found = re.search(r"^title:[ \t]*['\"]?(.+?)['\"]?[ \t]*$", match[0], re.MULTILINE)
        if found:
            return found[1]
    heading = _HEADING.search(_body(text))
    if heading:
        return heading[1]
    name = posixpath.splitext(posixpath.basename(uri))[0]
    return name.replace("-", " ").replace("_", " ").capitalize()


def _relative_to_source(target: str, source: str) -> str:
    """`target` (a source path, or a path in the site) as a link from the page `source`."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def _config_file(project: Project) -> str:
    for name in ("mkdocs.yml", "mkdocs.yaml", "zensical.toml"):
        if os.path.isfile(os.path.join(project.root, name)):
            return os.path.join(project.root, name)
    return ""


def _disk(options: Options, project: Project) -> DiskCache:
    if not options.cache:
        return DiskCache(None)
    return disk_cache.opened(options.cache_dir, project.root)


def _fingerprint(project: Project, options: Options, followed: Iterable[str]) -> tuple:
    """What the site was made from: every page, .bib and table data file (and `followed`), by
    size and modification time, and the options."""
    files = []
    for folder, _, names in os.walk(project.docs_dir):
        for name in names:
            if name.endswith(".md"):
                files.append(os.path.join(folder, name))
    # A folder's files, and the folder itself: a .bib file added to it or taken away.
    files += [*expanded_or_given(options.bibliography), *options.bibliography, *followed]
    stats = []
    for path in sorted(files):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        stats.append((path, stat.st_size, stat.st_mtime_ns))
    return (options, tuple(stats))


def _formatter(
    bibliography, options: Options, project: Project, disk, words
) -> ReferenceFormatter | CslFormatter:
    if csl_styles.is_csl(options.style):
        try:
            return csl_engine.for_site(
                bibliography,
                options.style,
                base_dir=project.root,
                locale=options.locale,
                language=project.language or "",
                numbering=options.numbering,
                timeout=options.csl_timeout,
                disk=disk,
                words=words,
            )
        except CslError as error:
            raise UnreadableError(f"bibcite: {error}") from None
    style_options: dict[str, object] = {}
    if options.style == "vancouver":
        style_options = {
            "max_authors": options.max_authors,
            "truncate_authors": options.truncate_authors,
            "terms": terms_of(words),
        }
    return ReferenceFormatter(bibliography, options.style, style_options, words=words)
