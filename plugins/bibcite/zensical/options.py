"""The extension's options, read and checked without MkDocs: the MkDocs plugin's options, with
its messages (tests/zensical/test_options.py holds the two hosts to the same words), and
`strict`, which Zensical needs since its `--strict` does not count warnings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bibcite import checks
from bibcite.bibliography.disk_cache import misplaced
from bibcite.bibliography.remote import is_url
from bibcite.bibliography.zotero import DEFAULT_API, is_zotero
from bibcite.checks import DEFAULT_CSL_TIMEOUT, DEFAULT_STYLE


class OptionsError(Exception):
    """A bad option: the message names the option and the fix."""


@dataclass(frozen=True)
class CiteThis:
    key: str | None = None
    page: str = "index.md"
    heading: str | None = None  # the site's language's
    schema_type: str = "ScholarlyArticle"
    publication_type: str = ""
    about: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Options:
    bibliography: tuple[str, ...]  # absolute paths
    enabled: bool = True
    encoding: str = "utf-8"
    style: str = DEFAULT_STYLE
    max_authors: int = 6
    truncate_authors: int = 3
    numbering: str = "site"
    narrative: bool = True
    references_heading: str | None = None  # the site's language's
    locale: str | None = None  # None: the theme's language
    per_page_references: bool = True
    cite_this: CiteThis = field(default_factory=CiteThis)
    downloads: bool = True
    cache: bool = True
    cache_dir: str | None = None
    strict: bool = False
    search_links: tuple[str, ...] = ()
    zotero_api: str = DEFAULT_API
    csl_timeout: float = DEFAULT_CSL_TIMEOUT


_BOOLEANS = ("enabled", "per_page_references", "downloads", "cache", "strict", "narrative")
_STRINGS = ("references_heading",)
_KNOWN = {
    *_BOOLEANS,
    *_STRINGS,
    "bibliography",
    "encoding",
    "style",
    "max_authors",
    "truncate_authors",
    "numbering",
    "cite_this",
    "cache_dir",
    "search_links",
    "zotero_api",
    "csl_timeout",
    "locale",
}
_CITE_THIS = {"key", "page", "heading", "schema_type", "publication_type", "about"}


def read(raw: Mapping[str, object], *, base_dir: str) -> tuple[Options, list[str]]:
    """The options, and a warning for each unknown one; a bad value raises OptionsError.
    Paths are relative to `base_dir`, the folder of mkdocs.yml."""
    unknown = [
        f"option '{name}': Unrecognised configuration name: {name}"
        for name in raw
        if name not in _KNOWN
    ]
    values: dict[str, object] = {}
    for name in _BOOLEANS:
        if name in raw:
            values[name] = _typed(name, raw[name], bool)
    for name in _STRINGS:
        if raw.get(name) is not None:  # null: the default, as MkDocs reads it
            values[name] = _typed(name, raw[name], str)
    if raw.get("locale") is not None:
        values["locale"] = _option("locale", _locale, raw["locale"])
    if raw.get("cache_dir") is not None:
        values["cache_dir"] = _typed("cache_dir", raw["cache_dir"], str)
    values["bibliography"] = _bibliography(raw.get("bibliography"), base_dir)
    if "encoding" in raw:
        values["encoding"] = _option("encoding", _encoding, raw["encoding"])
    if "style" in raw:
        values["style"] = _option("style", _style, raw["style"])
    for name in ("max_authors", "truncate_authors"):
        if name in raw:
            values[name] = _option(name, _author_count, raw[name])
    if "numbering" in raw:
        values["numbering"] = _option("numbering", _numbering, raw["numbering"])
    if "cite_this" in raw:
        values["cite_this"] = _option("cite_this", _cite_this, raw["cite_this"])
    if raw.get("search_links") is not None:
        values["search_links"] = _option("search_links", checks.search_links, raw["search_links"])
    if "csl_timeout" in raw:
        values["csl_timeout"] = _option("csl_timeout", checks.timeout, raw["csl_timeout"])
    if raw.get("zotero_api") is not None:  # null: the default, as MkDocs reads it
        values["zotero_api"] = _option("zotero_api", _zotero_api, raw["zotero_api"])
    options = Options(**values)  # type: ignore[arg-type]
    try:
        checks.truncation(options.truncate_authors, options.max_authors)
    except ValueError as error:
        raise OptionsError(f"option 'truncate_authors': {error}") from None
    return options, unknown


def check_cache_dir(options: Options, *, base_dir: str, docs_dir: str, site_dir: str) -> None:
    """The cache's folder against the site's: MkDocs' plugin makes the same check (its options
    do not see docs_dir either), with the same words."""
    if not options.cache:
        return
    wrong = misplaced(
        options.cache_dir,
        base_dir,
        docs_dir=docs_dir,
        site_dir=site_dir,
        bibliography=options.bibliography,
    )
    if wrong:
        raise OptionsError(f"option 'cache_dir': {wrong}")


def _option(name: str, check, value: object, **kwargs: object):
    try:
        return check(value, **kwargs)
    except ValueError as error:
        raise OptionsError(f"option '{name}': {error}") from None


def _typed(name: str, value: object, kind: type):
    if not isinstance(value, kind):
        raise OptionsError(f"option '{name}': Expected type: {kind} but received: {type(value)}")
    return value


def _bibliography(value: object, base_dir: str) -> tuple[str, ...]:
    name = "option 'bibliography'"
    if value is None:
        raise OptionsError(f"{name}: {checks.BIBLIOGRAPHY_REQUIRED}")
    paths = [value] if isinstance(value, str) else value
    if not isinstance(paths, list):
        raise OptionsError(f"{name}: Expected a list of items, but a {type(value)} was given.")
    if paths == []:
        raise OptionsError(f"{name}: {checks.BIBLIOGRAPHY_EMPTY}")
    found = []
    for path in paths:
        if not isinstance(path, str):
            raise OptionsError(f"{name}: Expected a path, got {path!r}.")
        if is_url(path):
            found.append(_option("bibliography", checks.bib_url, path))
            continue
        if is_zotero(path):
            found.append(_option("bibliography", checks.zotero_library, path))
            continue
        full = os.path.abspath(os.path.join(base_dir, path))
        found.append(_option("bibliography", checks.bib_path, full))
    _option("bibliography", checks.listed_once, found)
    return tuple(found)


def _zotero_api(value: object) -> str:
    return checks.zotero_api(_of_type(value, str))


def _locale(value: object) -> str:
    return checks.locale(_of_type(value, str))


def _encoding(value: object) -> str:
    return checks.encoding(_of_type(value, str))


def _style(value: object) -> str:
    return checks.style(_of_type(value, str))


def _author_count(value: object) -> int:
    return checks.author_count(value if isinstance(value, bool) else _of_type(value, int))


def _of_type(value: object, kind: type):
    if not isinstance(value, kind):  # MkDocs' words for a value of the wrong type
        raise ValueError(f"Expected type: {kind} but received: {type(value)}")
    return value


def _numbering(value: object) -> str:
    if value not in ("site", "page"):
        raise ValueError(f"Expected one of: ('site', 'page') but received: {value!r}")
    return value  # type: ignore[return-value]


def _cite_this(value: object) -> CiteThis:
    if isinstance(value, str):
        value = {"key": value}
    if not isinstance(value, Mapping):
        raise ValueError(f"Expected a mapping or a key, got {value!r}.")
    unknown = sorted(set(value) - _CITE_THIS)
    if unknown:
        raise ValueError(f"Unrecognised configuration name: {unknown[0]}")
    strings = {}
    for name in ("key", "page", "heading", "schema_type", "publication_type"):
        if value.get(name) is not None and not isinstance(value[name], str):
            raise ValueError(
                f"Sub-option '{name}': Expected type: {str} but received: {type(value[name])}"
            )
        if name in value and (name != "key" or value[name] is not None):
            strings[name] = value[name]
    try:
        about = checks.subjects(value.get("about", []))
    except ValueError as error:
        raise ValueError(f"Sub-option 'about': {error}") from None
    return CiteThis(about=about, **strings)
