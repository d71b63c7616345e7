"""Publishing the site's own work and its bibliography: the 'Cite this' block and the download
links (placed where a page holds their marker), the .bib/.ris files they link to, and the
scholarly metadata (Google Scholar tags, schema.org JSON-LD) in the head of the work's page.

Built once per build, after numbering (`on_env`); pure string work, problems returned.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol
from urllib.parse import urljoin

from bibcite.bibliography.load import Bibliography
from bibcite.citations.toc import slug
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem
from bibcite.publishing import downloads, metadata
from bibcite.publishing.record import record
from bibcite.styles.escaping import escape

if TYPE_CHECKING:
    from pybtex.database import Entry

    from bibcite.bibliography.disk_cache import DiskCache
    from bibcite.citations.site import ResolvedSite

# The markers an author puts on a page, each on a line of its own (as the bibliography's).
# Markdown passes such an HTML comment through untouched, and escapes it inside code, so
# only a real marker survives as a comment in the rendered page.
CITE_THIS_MARKER = re.compile(r"<!--\s*bibcite:cite-this\s*-->")
DOWNLOADS_MARKER = re.compile(r"<!--\s*bibcite:downloads\s*-->")

DOWNLOAD_DIR = "downloads"
BIBLIOGRAPHY_NAME = "references"


@dataclass(frozen=True)
class Work:
    """The site's own work, as the `cite_this` option describes it."""

    key: str
    page: str = "index.md"
    heading: str = "Cite this report"
    schema_type: str = "ScholarlyArticle"
    publication_type: str = ""
    about: tuple[metadata.About, ...] = ()


@dataclass(frozen=True)
class Download:
    path: str  # under the site directory, with "/"
    parts: Iterable[str] = ()  # its text, in pieces, read once: never one string of thousands
    cached: str = ""  # or a file in the cache holding it, copied as it is


class _Spool:
    """Texts set aside in a temporary file until the downloads are written: for a bibliography
    of thousands they would otherwise wait in memory through the whole build."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._where: dict[str, tuple[int, tuple[int, ...]]] = {}
        self._memory: dict[str, tuple[str, ...]] = {}  # when no temporary file can be made

    def __contains__(self, key: str) -> bool:
        return key in self._where or key in self._memory

    def put(self, key: str, *texts: str) -> None:
        try:
            if self._file is None:
                # Lives as long as this spool (one build); closed, and so removed, with it.
                self._file = tempfile.TemporaryFile()  # noqa: SIM115
                weakref.finalize(self, self._file.close)
            data = [text.encode("utf-8") for text in texts]
            start = self._file.seek(0, os.SEEK_END)
            self._file.write(b"".join(data))
            self._where[key] = (start, tuple(len(part) for part in data))
        except OSError:
            self._memory[key] = texts

    def get(self, key: str) -> tuple[str, ...]:
        if key in self._memory:
            return self._memory[key]
        assert self._file is not None
        start, sizes = self._where[key]
        self._file.seek(start)
        return tuple(self._file.read(size).decode("utf-8") for size in sizes)


class Publisher:
    def __init__(
        self,
        bibliography: Bibliography,
        *,
        cited: Sequence[str],
        include_all: bool = False,
        reference_html: Callable[[str], str],
        work: Work | None,
        pages: Mapping[str, str],
        relative_url: Callable[[str, str], str],
        site_url: str = "",
        downloads: bool = True,
        config_file: str = "mkdocs.yml",
        config_line: int | None = None,
        words: Words = ENGLISH,
    ) -> None:
        """`cited`: the keys the site cites, in number order; `include_all`: the bibliography
        page lists the uncited entries too; `pages`: each page's src_uri -> its URL;
        `relative_url(target, from_url)`: the host's links between site paths; `words`: the
        site's language's, for the block's button and the download links."""
        self.bibliography = bibliography
        self.words = words
        self.cited = [key for key in cited if key in bibliography.entries]
        seen = set(self.cited)
        uncited = [key for key in bibliography.entries if key not in seen]
        self.listed = self.cited + (uncited if include_all else [])
        self.reference_html = reference_html
        self.pages = pages
        self.relative_url = relative_url
        self.site_url = site_url
        self.downloads = downloads
        self._problems: list[Problem] = []
        self.work = self._check(work, config_file, config_line)
        # Each listed entry's .bib and .ris text, made while the entry is at hand: the
        # bibliography does not keep every entry it parses until the downloads are written.
        self._texts = _Spool()  # by lower-cased key
        self._listed = {key.lower(): key for key in self.listed}
        if downloads:
            bibliography.entries.watch(self._take)

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def shown_keys(self) -> list[str]:
        """The entries it shows formatted that no list may: the work of "Cite this"."""
        return [self.work.key] if self.work is not None else []

    def _check(self, work: Work | None, config_file: str, line: int | None) -> Work | None:
        if work is None:
            return None
        if work.key not in self.bibliography.entries:
            close = difflib.get_close_matches(work.key, list(self.bibliography.entries), n=3)
            hint = f"did you mean {' or '.join(repr(key) for key in close)}? " if close else ""
            self._problems.append(
                Problem(
                    "key_not_found",
                    config_file,
                    line,
                    f"option cite_this: unknown key '{work.key}'",
                    f"{hint}Give the key of the site's own entry in the bibliography",
                )
            )
            return None
        if work.page not in self.pages:
            self._problems.append(
                Problem(
                    "page_not_found",
                    config_file,
                    line,
                    f"option cite_this: page '{work.page}' is not a page of the site",
                    "give the path of the work's page under docs/, e.g. index.md",
                )
            )
            return None
        return work

    # --- files -----------------------------------------------------------------------------

    def files(self, disk: DiskCache | None = None) -> list[Download]:
        """The downloads to write into the site (none when `downloads` is off), made again only
        when the bibliography or the listed entries changed."""
        if not self.downloads:
            return []
        if disk is None:
            return self._files()
        key = repr((self.bibliography.fingerprint, self.listed, self.work and self.work.key))
        stored = disk.stored_files("downloads", key)
        if stored is not None:
            return [Download(path, cached=held) for path, held in stored]
        made = self._files()
        disk.store_files("downloads", key, [(download.path, download.parts) for download in made])
        stored = disk.stored_files("downloads", key)
        if stored is None:  # the cache could not be written: make them again for the site
            return self._files()
        return [Download(path, cached=held) for path, held in stored]

    def _take(self, key: str, entry: Entry) -> None:
        name = self._listed.get(key.lower())
        if name is not None and key.lower() not in self._texts:
            bib, ris = downloads.bibtex_entry(name, entry), downloads.ris_entry(name, entry)
            self._texts.put(key.lower(), bib, ris)

    def _files(self) -> list[Download]:
        for key in self.listed:
            if key.lower() not in self._texts:
                self._take(key, self.bibliography.entries[key])

        bib = downloads.bibtex_parts(self._texts.get(key.lower())[0] for key in self.listed)
        ris = (self._texts.get(key.lower())[1] for key in self.listed)  # RIS blocks just follow
        result = [
            Download(self._path(BIBLIOGRAPHY_NAME, "bib"), bib),
            Download(self._path(BIBLIOGRAPHY_NAME, "ris"), ris),
        ]
        if self.work is not None:
            own = {self.work.key: self.bibliography.entries[self.work.key]}
            name = downloads.download_name(self.work.key)
            result += [
                Download(self._path(f"cite/{name}", "bib"), [downloads.bibtex(own)]),
                Download(self._path(f"cite/{name}", "ris"), [downloads.ris(own)]),
            ]
        return result

    @staticmethod
    def _path(name: str, extension: str) -> str:
        return f"{DOWNLOAD_DIR}/{name}.{extension}"

    # --- page content ----------------------------------------------------------------------

    def fill(self, src_uri: str, html: str) -> str:
        """Swap the markers on a page for the 'Cite this' block and the download links."""
        url = self.pages.get(src_uri, "")
        if self.work is not None and src_uri == self.work.page:
            html = CITE_THIS_MARKER.sub(lambda _: self._cite_this(url), html, count=1)
        if self.downloads:
            html = DOWNLOADS_MARKER.sub(lambda _: self._download_links(url), html, count=1)
        return html

    def _href(self, path: str, page_url: str) -> str:
        return escape(self.relative_url(path, page_url or "./"))

    def _cite_this(self, page_url: str) -> str:
        assert self.work is not None
        heading = escape(self.work.heading)
        anchor = slug(self.work.heading) or "cite-this"
        links = ""
        if self.downloads:
            name = downloads.download_name(self.work.key)
            links = "".join(
                f' <a class="bibcite-action"'
                f' href="{self._href(self._path(f"cite/{name}", ext), page_url)}"'
                f' download="{escape(name)}.{ext}">{label}</a>'
                for ext, label in (("bib", "BibTeX (.bib)"), ("ris", "RIS (.ris)"))
            )
        return (
            f'<section class="bibcite-cite-this" aria-labelledby="{anchor}">\n'
            f'<h2 id="{anchor}">{heading}</h2>\n'
            f'<p class="bibcite-cite-this-reference" id="bibcite-cite-this-text">'
            f"{self.reference_html(self.work.key)}</p>\n"
            '<p class="bibcite-cite-this-actions">'
            '<button type="button" class="bibcite-action bibcite-copy" '
            'data-bibcite-copy="bibcite-cite-this-text" hidden>'
            f"{escape(self.words.copy_citation)}</button>"
            f'{links} <span class="bibcite-copy-status" role="status"></span></p>\n'
            "</section>"
        )

    def _download_links(self, page_url: str) -> str:
        links = " · ".join(
            f'<a href="{self._href(self._path(BIBLIOGRAPHY_NAME, ext), page_url)}"'
            f' download="{BIBLIOGRAPHY_NAME}.{ext}">{label}</a>'
            for ext, label in (("bib", "BibTeX (.bib)"), ("ris", "RIS (.ris)"))
        )
        lead = escape(self.words.download_bibliography)
        return f'<p class="bibcite-downloads">{lead} {links}</p>'

    # --- head metadata ---------------------------------------------------------------------

    def head(self, src_uri: str, html: str) -> str:
        """The work's page with its Google Scholar tags and JSON-LD before `</head>`."""
        if self.work is None or src_uri != self.work.page:
            return html
        work = record(self.work.key, self.bibliography.entries[self.work.key])
        cited = [
            record(key, self.bibliography.entries[key])
            for key in self.cited
            if key != self.work.key
        ]
        url = urljoin(self.site_url, self.pages[src_uri]) if self.site_url else ""
        snippet = (
            metadata.highwire_tags(work, cited)
            + "\n"
            + metadata.json_ld(
                work,
                cited,
                schema_type=self.work.schema_type,
                publication_type=self.work.publication_type,
                about=self.work.about,
                url=url,
            )
        )
        return metadata.head_insert(html, snippet)[0]


class CiteThisOptions(Protocol):
    """The `cite_this` options, as a host reads them."""

    key: str | None
    page: str
    heading: str | None  # None: the site's language's words
    schema_type: str
    publication_type: str
    about: Sequence[tuple[str, str]]


def work_from(cite: CiteThisOptions, words: Words = ENGLISH) -> Work | None:
    """The site's own work, or None when no `cite_this` key is set; its block's heading is the
    author's, else the words' ("Cite this report")."""
    if not cite.key:
        return None
    about = tuple(metadata.About(name, kind) for kind, name in cite.about)
    heading = words.cite_this if cite.heading is None else cite.heading
    return Work(cite.key, cite.page, heading, cite.schema_type, cite.publication_type, about)


def from_site(
    site: ResolvedSite,
    *,
    work: Work | None,
    downloads: bool,
    site_url: str = "",
    config_file: str = "",
) -> Publisher:
    """The publisher of a resolved build: the cited keys in number order, the work, if any."""
    numbers = site.numbering.site
    page = site.bibliography_page
    return Publisher(
        site.formatter.bibliography,
        cited=sorted(numbers, key=numbers.__getitem__),
        include_all=page is not None and site.registry.pages[page].bibliography == "all",
        reference_html=lambda key: site.formatter.get(key).html,
        work=work,
        pages={uri: info.url for uri, info in site.pages.items()},
        relative_url=site.relative_url,
        site_url=site_url,
        downloads=downloads,
        config_file=os.path.basename(config_file) or "mkdocs.yml",
        config_line=_line_of("cite_this", config_file) if work else None,
        words=site.options.words,
    )


def _line_of(option: str, config_file: str) -> int | None:
    """The line of mkdocs.yml that sets the option, for messages."""
    try:
        with open(config_file, encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if re.match(rf"\s*{re.escape(option)}\s*:", line):
                    return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def write_files(downloads: Sequence[Download], site_dir: str) -> None:
    for download in downloads:
        path = os.path.join(site_dir, *download.path.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if download.cached:
            shutil.copyfile(download.cached, path)
        else:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                stream.writelines(download.parts)
