"""The checks of option values that both hosts make, with the words both give: each takes a
value of the right type and returns it checked, or raises ValueError with the fix."""

from __future__ import annotations

import codecs
from collections.abc import Sequence

DEFAULT_STYLE = "vancouver"
# CSL styles: seconds pandoc may take (APA over 1,900 cited entries took 72 s on 2 cores).
DEFAULT_CSL_TIMEOUT = 300.0
BIBLIOGRAPHY_REQUIRED = (
    "Required: the .bib file or files (or a folder of them), relative to mkdocs.yml, "
    "e.g. 'bibliography: bibliography/references.bib'."
)
BIBLIOGRAPHY_EMPTY = "Name at least one .bib file, e.g. 'bibliography/references.bib'."


def bib_path(path: str) -> str:
    """A .bib file, or a folder whose `*.bib` files are read in name order. A missing file is
    the build's to report: under `mkdocs serve` a config error stops every rebuild, and a save
    that deletes before it writes takes the file away for a moment."""
    if "\0" in path:  # no file can have it; open() would raise ValueError, not OSError
        raise ValueError(f"The path {path!r} holds a NUL character; name a .bib file.")
    return path


def bib_url(url: str) -> str:
    """An address to fetch a .bib file from: http or https, with a host, no credentials (they
    would show in every message), nothing a request line cannot carry."""
    from urllib.parse import urlsplit

    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ValueError(
            f"The address '{url}' is not http or https; bibcite fetches only http(s) addresses. "
            "Give an http(s) address, or download the file and name its path."
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise ValueError(f"The address '{url}' is not valid ({error}).") from None
    if not parts.hostname or any(char.isspace() or ord(char) < 32 for char in url):
        raise ValueError(
            f"The address '{url}' is not valid; give one such as "
            "https://example.org/references.bib."
        )
    if "@" in parts.netloc:
        raise ValueError(
            f"The address '{parts.hostname}' holds a user name or password, which every message "
            "would show; use an address without them."
        )
    return url


def zotero_library(item: str) -> str:
    """A Zotero library: `zotero:users/<ID>` or `zotero:groups/<ID>`, optionally with
    `/collections/<key>`."""
    from bibcite.bibliography.zotero import library_path

    library_path(item)
    return item


def zotero_api(url: str) -> str:
    """The Zotero web API's address (another server speaking it, e.g. the Zotero app's local API
    or a test's): http or https, with a host, without credentials, a query or a fragment; given
    without its trailing '/'."""
    from urllib.parse import urlsplit

    example = "give one such as https://api.zotero.org (the default)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise ValueError(f"The address '{url}' is not valid ({error}); {example}.") from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or any(char.isspace() or ord(char) < 32 for char in url)
    ):
        secret = "@" in parts.netloc or parts.query or parts.fragment  # a key, perhaps: not shown
        shown = f"{parts.scheme}://{parts.hostname}{parts.path}" if secret else url
        raise ValueError(
            f"The address '{shown}' is not an http(s) address of a Zotero web API without a user "
            f"name, password, query or fragment; {example}."
        )
    return url.rstrip("/")


def listed_once(paths: Sequence[str]) -> None:
    twice = sorted({path for path in paths if paths.count(path) > 1})
    if twice:
        raise ValueError(f"The file '{twice[0]}' is listed twice; list each file once.")


def encoding(name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(
            f"Unknown encoding '{name}'. Use a Python codec name such as utf-8 or latin-1."
        ) from None
    return name


def style(name: str) -> str:
    """A pybtex style's name, a shipped CSL style's name, or a path to a .csl file (read when
    the build starts, relative to the configuration file)."""
    from pybtex.plugin import PluginNotFound

    from bibcite.styles.csl import styles as csl
    from bibcite.styles.formatter import style_class

    if csl.is_csl(name):
        return name
    try:
        style_class(name)
    except PluginNotFound:
        raise ValueError(
            f"Unknown style '{name}'. pybtex styles: {', '.join(installed_styles())}; "
            f"CSL styles shipped: {', '.join(csl.shipped())}; or a path to a .csl file."
        ) from None
    return name


def timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"Expected a number of seconds above 0, got {value!r}.")
    return float(value)


def installed_styles() -> list[str]:
    from pybtex.plugin import enumerate_plugin_names

    return sorted(enumerate_plugin_names("pybtex.style.formatting"))


def author_count(value: object) -> int:
    """`value`: an int, or YAML's `true`/`false`, which are ints to Python but no count."""
    if isinstance(value, bool):
        raise ValueError(f"Expected a whole number of authors, got {value!r}.")
    assert isinstance(value, int)
    if value < 1:
        raise ValueError(f"Expected a number of authors of at least 1, got {value}.")
    return value


def truncation(truncate_authors: int, max_authors: int) -> None:
    if truncate_authors > max_authors:
        raise ValueError(
            f"truncate_authors ({truncate_authors}) must not exceed max_authors "
            f"({max_authors}): lists longer than max_authors are cut to truncate_authors names "
            "and 'et al.'. Lower truncate_authors or raise max_authors."
        )


def subjects(value: object) -> tuple[tuple[str, str], ...]:
    """schema.org `about`: each item a name or a one-key mapping `SchemaType: name`."""
    if not isinstance(value, list):
        raise ValueError(
            "Give a list, e.g. [systemic sclerosis] or [{MedicalCondition: systemic sclerosis}]."
        )
    found = []
    for item in value:
        if isinstance(item, str) and item.strip():
            found.append(("Thing", item.strip()))
        elif (
            isinstance(item, dict)
            and len(item) == 1
            and all(isinstance(part, str) and part.strip() for part in next(iter(item.items())))
        ):
            kind, name = next(iter(item.items()))
            found.append((kind.strip(), name.strip()))
        else:
            raise ValueError(
                f"Each subject is a name or a one-key mapping 'SchemaType: name', not {item!r}."
            )
    return tuple(found)


def search_links(value: object) -> tuple[str, ...]:
    """`search_links`: a list of search services, each named once."""
    from bibcite.citations.search_links import SERVICES

    if not isinstance(value, list):
        raise ValueError(f"Give a list of search services, e.g. [pubmed, scholar]; got {value!r}.")
    for name in value:
        if not isinstance(name, str) or name not in SERVICES:
            raise ValueError(f"Unknown search service {name!r}. Use any of: {', '.join(SERVICES)}.")
    twice = sorted({name for name in value if value.count(name) > 1})
    if twice:
        raise ValueError(f"The search service '{twice[0]}' is listed twice; list each once.")
    return tuple(value)


def locale(value: str) -> str:
    """A language tag: BCP 47 ('pt-BR', 'de') or POSIX-style ('en_US')."""
    from bibcite.locales import check

    return check(value)
