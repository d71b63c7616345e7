"""A Zotero user or group library (or one collection of it) as a bibliography, through the Zotero
web API's BibTeX export: its top-level items, 100 a page, the pages followed by their
`Link: <...>; rel="next"` header and joined into one .bib text, which the disk cache keeps as
one record (remote.py's `Downloads`) with the library's version (`Last-Modified-Version`).
A later build sends `If-Modified-Since-Version`: the API answers 304 while the library is
unchanged, and nothing is downloaded again.

A private library needs an API key: it is read from the environment (`ZOTERO_API_KEY`) when the
library is fetched, sent in the `Zotero-API-Key` header to the API's own address only (not on a
redirect, not to a next page elsewhere), and never kept in the cache or shown in a message.
"""

from __future__ import annotations

import os
import re
import urllib.parse

from bibcite.bibliography import remote
from bibcite.bibliography.remote import Failed, Source

PREFIX = "zotero:"
DEFAULT_API = "https://api.zotero.org"
KEY_VARIABLE = "ZOTERO_API_KEY"
PAGE = 100  # items a page: the API's maximum
MAX_PAGES = 1000  # 100,000 items: a server whose pages never end is stopped here
ATTEMPTS = 3  # downloads started again when the library changes while its pages are read

# The library's path under the API: its IDs are numbers, collection keys 8 letters and digits.
_LIBRARY = re.compile(r"zotero:((?:users|groups)/[0-9]+(?:/collections/[A-Z0-9]{8})?)")
FORMS = (
    "zotero:users/<user ID> or zotero:groups/<group ID> (the numbers the Zotero web API uses), "
    "either optionally followed by /collections/<collection key> (8 capital letters and "
    "digits), e.g. zotero:groups/2034876/collections/ABCD1234"
)
_KEY = re.compile(r"[!-~]+")  # printable ASCII: what an HTTP header can carry, shown nowhere
_NEXT = re.compile(r"<([^>]*)>([^<]*)")  # a Link header's targets and their parameters
_REL = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)


def is_zotero(value: str) -> bool:
    """Whether a `bibliography` item names a Zotero library (`zotero:...`) rather than a path."""
    return value[: len(PREFIX)].lower() == PREFIX


def library_path(item: str) -> str:
    """The library's path (`users/475425`, `groups/2034876/collections/ABCD1234`), or
    ValueError naming the forms an item takes."""
    match = _LIBRARY.fullmatch(item)
    if match is None:
        raise ValueError(f"'{item}' is not a Zotero library; write {FORMS}.")
    return match[1]


class Library(Source):
    """One Zotero library (or collection) at one API address."""

    what = "the Zotero library"
    fix_missing = (
        "check the library's ID, the network and, for a private library, the environment "
        f"variable {KEY_VARIABLE} (an API key that may read it), and build again; or export the "
        "library as a .bib file and name its path in the bibcite option 'bibliography'"
    )
    fix_stale = (
        f"check the network and the environment variable {KEY_VARIABLE}; the next build tries "
        "again"
    )

    def __init__(self, item: str, api: str = DEFAULT_API) -> None:
        self.name = item
        self.api = api.rstrip("/")
        self.path = library_path(item)
        # Not an address: a .bib file at the same URL is another source. No key: no secret.
        self.identity = f"{PREFIX}{self.api}/{self.path}"

    def first_page(self) -> str:
        query = {"format": "bibtex", "limit": PAGE, "sort": "dateAdded", "direction": "asc"}
        return f"{self.api}/{self.path}/items/top?{urllib.parse.urlencode(query)}"

    def fetch(self, record: dict | None, *, timeout: float, limit: int) -> dict | None:
        key = _api_key()
        for _ in range(ATTEMPTS):
            fetched = self._pages(record, key, timeout=timeout, limit=limit)
            if fetched != "changed":
                return fetched  # type: ignore[return-value]
        raise Failed(f"the library changed while its pages were read, {ATTEMPTS} times over")

    def _pages(self, record: dict | None, key: str, *, timeout: float, limit: int):
        """The library's new record, None when `record` is current, or "changed" when the
        library's version moved between two pages."""
        url: str | None = self.first_page()
        pages: list[bytes] = []
        version: str | None = None
        seen: set[str] = set()
        while url is not None:
            if len(pages) == MAX_PAGES:
                raise Failed(f"it has more than {MAX_PAGES * PAGE:,} items")
            seen.add(url)
            request = remote.request_for(url, {"Zotero-API-Version": "3"})
            if key:
                request.add_unredirected_header("Zotero-API-Key", key)
            conditional = not pages and record is not None and bool(record["version"])
            if conditional:
                request.add_header("If-Modified-Since-Version", record["version"])  # type: ignore[index]
            got = remote.download(
                request,
                timeout=timeout,
                limit=limit,
                conditional=conditional,
                used=sum(len(page) for page in pages),
            )
            if got is None:
                return None  # 304: unchanged since the stored version
            body, headers = got
            page_version = headers.get("Last-Modified-Version", "").strip()
            if version is None:
                version = page_version
            elif page_version != version:
                return "changed"
            pages.append(body)
            url = self._next(url, headers.get("Link", ""), seen)
            pause = remote.wait_seconds(headers.get("Backoff"))
            if url is not None and pause:  # the API asks for a pause before the next request
                if pause > remote.MAX_WAIT:
                    raise Failed(f"the API asks to wait {pause:,} s (Backoff); build again later")
                remote.pause(pause)
        return {
            "version": version if version and version.isdigit() else "",
            **remote.new_record(b"\n".join(pages)),
        }

    def _next(self, url: str, link: str, seen: set[str]) -> str | None:
        """The next page's address from the `Link` header, checked: the API key goes to the
        API's own address only, and a page is read once."""
        for target, parameters in _NEXT.findall(link):
            rel = _REL.search(parameters)
            if rel is None or "next" not in (rel[1] or rel[2] or "").lower().split():
                continue
            following = urllib.parse.urljoin(url, target.strip())
            if not following.startswith(f"{self.api}/"):
                parts = urllib.parse.urlsplit(following)
                raise Failed(
                    f"its next page is announced at another address ({parts.scheme}://"
                    f"{parts.hostname}), which bibcite does not follow"
                )
            if following in seen:
                raise Failed("its next page is one already read")
            return following
        return None

    def valid(self, record: dict) -> bool:
        return set(record) == {"version", "fetched", "body"} and (
            record["version"] == "" or record["version"].isdigit()
        )


def _api_key() -> str:
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if key and not _KEY.fullmatch(key):
        raise Failed(
            f"the environment variable {KEY_VARIABLE} holds characters no API key has "
            "(spaces or others); set it to the key as Zotero shows it"
        )
    return key
