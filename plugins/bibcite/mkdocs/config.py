"""The plugin's configuration schema: every option, its default and its validation (the value
checks are the core's, bibcite.checks, which the Zensical host makes too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from bibcite import checks
from bibcite.bibliography.remote import is_url
from bibcite.bibliography.zotero import DEFAULT_API, is_zotero
from bibcite.checks import DEFAULT_CSL_TIMEOUT, DEFAULT_STYLE

T = TypeVar("T")


def _checked(check: Callable[..., T], *args: object, **kwargs: object) -> T:
    """A core check's ValueError as MkDocs' ValidationError, with the same words."""
    try:
        return check(*args, **kwargs)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class BibFile(c.File):
    """A path relative to mkdocs.yml: a .bib file or a folder of them (a missing file is the
    build's to report); an http(s) address of a .bib file; or a Zotero library."""

    def run_validation(self, value: object) -> str:
        if isinstance(value, str) and is_url(value):  # fetched when the build starts
            return _checked(checks.bib_url, value)
        if isinstance(value, str) and is_zotero(value):  # likewise
            return _checked(checks.zotero_library, value)
        return _checked(checks.bib_path, super().run_validation(value))


class BibliographyFiles(c.ListOfItems[str]):
    """One path or a list of paths to .bib files, relative to mkdocs.yml."""

    def __init__(self) -> None:
        super().__init__(BibFile())
        self.required = True

    def validate(self, value: object) -> list[str]:
        if value is None:
            raise ValidationError(checks.BIBLIOGRAPHY_REQUIRED)
        return super().validate(value)

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if value == []:
            raise ValidationError(checks.BIBLIOGRAPHY_EMPTY)
        paths = super().run_validation(value)
        _checked(checks.listed_once, paths)
        return paths


class ZoteroApi(c.Type[str]):
    """The address of the Zotero web API."""

    def __init__(self) -> None:
        super().__init__(str, default=DEFAULT_API)

    def run_validation(self, value: object) -> str:
        return _checked(checks.zotero_api, super().run_validation(value))


class Encoding(c.Type[str]):
    """A text encoding Python knows ('utf-8', 'latin-1', 'cp1252', ...)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        return _checked(checks.encoding, super().run_validation(value))


class StyleName(c.Type[str]):
    """A pybtex formatting style installed in the `pybtex.style.formatting` entry-point group, a
    CSL style bibcite ships, or a path to a .csl file."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        return _checked(checks.style, super().run_validation(value))


class Seconds(c.BaseConfigOption[float]):
    """A time limit in seconds, above 0."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        return _checked(checks.timeout, value)


class AuthorCount(c.Type[int]):
    """A number of authors: a whole number, at least 1."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):  # an int to Python, so c.Type would take it
            return _checked(checks.author_count, value)
        return _checked(checks.author_count, super().run_validation(value))


class TruncateAuthors(AuthorCount):
    """Checked against `max_authors` once both are valid."""

    def post_validation(self, config: base.Config, key_name: str) -> None:
        _checked(checks.truncation, config[key_name], config["max_authors"])


class Locale(c.Type[str]):
    """A language tag ('pt-BR', 'de', 'en_US')."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        return _checked(checks.locale, super().run_validation(value))


class Subjects(c.BaseConfigOption[list]):
    """What a work is about, for schema.org `about`: each item a name ('systemic sclerosis') or a
    one-key mapping of a schema.org type to a name (`MedicalCondition: systemic sclerosis`)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = []

    def run_validation(self, value: object) -> list:
        return list(_checked(checks.subjects, value))


class SearchLinks(c.BaseConfigOption[list]):
    """Search services ('pubmed', 'scholar') linked from each reference without a DOI or PMID."""

    def __init__(self) -> None:
        super().__init__()
        self.default = []

    def run_validation(self, value: object) -> list:
        return list(_checked(checks.search_links, value))


class CiteThisConfig(base.Config):
    key = c.Optional(c.Type(str))
    """The .bib key of the work this site publishes: it gets a 'Cite this' block, Google Scholar
    meta tags and schema.org JSON-LD. Unset: none of them."""

    page = c.Type(str, default="index.md")
    """The page (path under docs/) that publishes the work and carries its metadata."""

    heading = c.Optional(c.Type(str))
    """The heading of the 'Cite this' block; unset: the site's language's ('Cite this report')."""

    schema_type = c.Type(str, default="ScholarlyArticle")
    """The schema.org type of the work, e.g. MedicalScholarlyArticle."""

    publication_type = c.Type(str, default="")
    """schema.org `publicationType`, e.g. 'Case Reports' (MeSH publication type)."""

    about = Subjects()
    """schema.org `about`: names, or `SchemaType: name` mappings."""


class CiteThis(c.SubConfig[CiteThisConfig]):
    """`cite_this: key`, or a mapping of the CiteThisConfig options."""

    def run_validation(self, value: object) -> CiteThisConfig:
        if isinstance(value, str):
            value = {"key": value}
        return super().run_validation(value)


class BibciteConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from mkdocs.yml (citations are left as written)."""

    cache_dir = c.Optional(c.Type(str))
    """The folder, relative to mkdocs.yml, in which the cache keeps a `bibcite/` folder of its
    own for the bibliography's index, the formatted references and the downloads between builds
    (default `.cache`). Neither inside docs_dir or site_dir nor a .bib file's folder (checked
    when the build starts); set `cache: false` to keep nothing on disk."""

    cache = c.Type(bool, default=True)
    """Keep the bibliography's index, the formatted references and the downloads on disk
    between builds."""

    bibliography = BibliographyFiles()
    """The .bib file or files, relative to mkdocs.yml; a folder stands for its `*.bib` files,
    in name order; an http(s) address, or a Zotero library (`zotero:users/<ID>`,
    `zotero:groups/<ID>`, either with `/collections/<key>`), is fetched when the build starts,
    and cached."""

    zotero_api = ZoteroApi()
    """The Zotero web API that `zotero:` libraries are read from (default
    https://api.zotero.org); the API key, for a private library, comes from the environment
    variable ZOTERO_API_KEY, never from mkdocs.yml."""

    encoding = Encoding(default="utf-8")
    """The text encoding of the .bib files (e.g. 'latin-1' for old archives)."""

    style = StyleName(default=DEFAULT_STYLE)
    """The style: 'vancouver' (NLM/ICMJE, the default) or any installed pybtex style ('unsrt',
    ...); a CSL style bibcite ships ('apa', 'american-medical-association', ...); or the path of
    a .csl file, relative to mkdocs.yml. CSL styles need pandoc 3 (the `csl` extra)."""

    csl_timeout = Seconds(default=DEFAULT_CSL_TIMEOUT)
    """CSL styles: how long pandoc may take to format the site's citations, in seconds."""

    max_authors = AuthorCount(default=6)
    """Vancouver: list all authors up to this many; beyond it, `truncate_authors` and 'et al.'."""

    truncate_authors = TruncateAuthors(default=3)
    """Vancouver: how many authors are listed before 'et al.' when the list is truncated."""

    locale = c.Optional(Locale())
    """The site's language, for the words bibcite writes ('References', 'Cited in', the table's
    'not reported', the scripts' words): a language tag such as 'pt-BR' or 'de'. Unset: the
    theme's `language` (Material) or `locale` (MkDocs' themes). A language bibcite has no words
    for is written in English."""

    numbering = c.Choice(("site", "page"), default="site")
    """'site': one numbering for the whole site, in order of first citation along the nav;
    'page': each page from 1."""

    narrative = c.Type(bool, default=True)
    """Read narrative citations (`@key` in running text). False: only bracketed ones (`[@key]`),
    for sites where `@name` is a handle or a decorator."""

    references_heading = c.Optional(c.Type(str))
    """The heading of the reference list appended to each page that cites; unset: the site's
    language's ('References')."""

    per_page_references = c.Type(bool, default=True)
    """Append a reference list to every page that cites."""

    cite_this = CiteThis()
    """The work the site publishes: `cite_this: key`, or a mapping with `key`, `page`, `heading`,
    `schema_type`, `publication_type` and `about`."""

    strict = c.Type(bool, default=False)
    """Fail the build on any bibcite warning. `mkdocs build --strict` does this for every
    warning; the option is for Zensical, whose `--strict` does not count warnings."""

    downloads = c.Type(bool, default=True)
    """Write the bibliography (and the cited work) as .bib and .ris files into the site, linked
    where a page holds `<!-- bibcite:downloads -->` and in the 'Cite this' block."""

    search_links = SearchLinks()
    """Search links for each reference lacking a DOI or PMID: 'pubmed' and/or 'scholar', a
    search for its title ("Search PubMed for this title"). Default: none."""
