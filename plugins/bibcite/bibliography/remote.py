"""Bibliographies fetched over http(s) when a build starts, with the standard library, and kept in
the disk cache with their `ETag` and `Last-Modified`, so that a build asks the server only
whether its copy is still current (an answer of 304 costs no download).

A process checks each address once, then again only after `RECHECK_AFTER` seconds: every
`mkdocs build` checks, `mkdocs serve` checks on its first build and then at most every five
minutes, whatever the number of rebuilds. When the server cannot be reached (no network, a
timeout, an error status, a body past `SIZE_LIMIT`), the cached copy is used with a warning;
with no copy either, the build stops with a message saying what to do.

A `Source` says how to fetch and revalidate: `Address` here (a .bib file at a URL), `Library`
in zotero.py (a Zotero library, in pages); `Downloads` does the rest alike for both.

What is downloaded is untrusted: it is parsed and checked like a local .bib file, its messages
naming the address; the cache holds it as sealed data (disk_cache.py) and checks it on reading.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import json
import re
import time
import urllib.error
import urllib.request
from email.utils import formatdate
from typing import TYPE_CHECKING

from bibcite.problems import Problem

if TYPE_CHECKING:
    from bibcite.bibliography.disk_cache import DiskCache

SIZE_LIMIT = 20 * 1024 * 1024  # bytes of one download: far above any real bibliography
TIMEOUT = 30.0  # seconds for the whole download
RECHECK_AFTER = 300.0  # seconds a process trusts a copy it has checked
MAX_WAIT = 30  # seconds a build waits when a busy server asks it to (Retry-After, Backoff)
_BUSY = (429, 503)  # Too Many Requests, Service Unavailable: may come with Retry-After

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """Whether a `bibliography` item is an address (`scheme://...`) rather than a path."""
    return _URL.match(value) is not None


class RemoteError(Exception):
    """A remote bibliography that could not be fetched and has no cached copy."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Failed(Exception):
    """Why a download failed, as the message says it."""


class Source:
    """What `Downloads` fetches: an http(s) address of a .bib file here, a Zotero library in
    zotero.py. `name` is shown in messages (never a secret), `identity` keys the cache."""

    name: str
    identity: str
    what = "the bibliography"
    fix_missing = (
        "check the address and the network and build again, or download the file and name its "
        "path in the bibcite option 'bibliography'"
    )
    fix_stale = "check the address and the network; the next build tries again"

    def fetch(self, record: dict | None, *, timeout: float, limit: int) -> dict | None:
        """A new record, or None when the server says `record` is current; raises Failed."""
        raise NotImplementedError

    def valid(self, record: dict) -> bool:
        """Whether a record read from the disk cache has this source's fields."""
        raise NotImplementedError


class Address(Source):
    """A .bib file at an http(s) address, revalidated with its `ETag` and `Last-Modified`."""

    _fields = frozenset({"etag", "last_modified", "fetched", "body"})

    def __init__(self, url: str) -> None:
        self.name = self.identity = url

    def fetch(self, record: dict | None, *, timeout: float, limit: int) -> dict | None:
        request = request_for(self.name)
        if record is not None and record["etag"]:
            request.add_header("If-None-Match", record["etag"])
        if record is not None and record["last_modified"]:
            request.add_header("If-Modified-Since", record["last_modified"])
        got = download(request, timeout=timeout, limit=limit, conditional=record is not None)
        if got is None:
            return None
        body, headers = got
        return {
            "etag": headers.get("ETag", ""),
            "last_modified": headers.get("Last-Modified", ""),
            **new_record(body),
        }

    def valid(self, record: dict) -> bool:
        return set(record) == self._fields and all(
            "\r" not in record[name] and "\n" not in record[name]
            for name in ("etag", "last_modified")
        )


class Downloads:
    """The remote bibliographies a process has fetched: what each holds, and when it was last
    checked against its server."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[float, dict]] = {}  # identity -> (checked at, record)

    def get(
        self,
        source: str | Source,
        disk: DiskCache | None,
        *,
        timeout: float = TIMEOUT,
        limit: int = SIZE_LIMIT,
    ) -> tuple[bytes, list[Problem]]:
        """The bytes of the bibliography `source` (an address, or a Source), and warnings (a
        stale copy used)."""
        if isinstance(source, str):
            source = Address(source)
        now = time.monotonic()
        held = self._held.get(source.identity)
        if held is not None and now - held[0] < RECHECK_AFTER:
            return _body(held[1]), []
        record = held[1] if held is not None else _stored(disk, source)
        try:
            fresh = source.fetch(record, timeout=timeout, limit=limit)
        except Failed as failure:
            if record is None:
                raise RemoteError(
                    Problem(
                        "remote_error",
                        source.name,
                        None,
                        f"cannot download {source.what}: {failure}, and no copy is cached",
                        source.fix_missing,
                    )
                ) from None
            self._held[source.identity] = (now, record)  # not asked again at every rebuild
            return _body(record), [_stale(source, failure, record)]
        if fresh is None:  # 304: the copy is current
            fresh = record
        elif disk is not None:
            disk.write(_family(source.identity), source.identity, [_json(fresh)])
        assert fresh is not None
        self._held[source.identity] = (now, fresh)
        return _body(fresh), []


def _stale(source: Source, failure: Failed, record: dict) -> Problem:
    return Problem(
        "remote_error",
        source.name,
        None,
        f"cannot download {source.what}: {failure}; the copy downloaded on "
        f"{record['fetched']} is used",
        source.fix_stale,
    )


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects within http and https only (urllib's own would follow one to ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 (urllib's)
        if not newurl.lower().startswith(("http://", "https://")):
            raise urllib.error.HTTPError(newurl, code, f"redirected to {newurl!r}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # the environment's http(s)_proxy and no_proxy
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def request_for(url: str, headers: dict[str, str] | None = None) -> urllib.request.Request:
    return urllib.request.Request(
        url, headers={"User-Agent": "bibcite", "Accept": "*/*", **(headers or {})}
    )


def download(
    request: urllib.request.Request,
    *,
    timeout: float,
    limit: int,
    conditional: bool,
    used: int = 0,
) -> tuple[bytes, http.client.HTTPMessage] | None:
    """The body and headers of the answer to `request`, or None for a 304 to a `conditional`
    request; `used` bytes of `limit` are taken already (the pages before this one). A busy
    server's Retry-After is waited for, once, when it asks for at most `MAX_WAIT` seconds."""
    try:
        return _download(request, timeout=timeout, limit=limit, conditional=conditional, used=used)
    except _Busy as busy:
        if busy.seconds is None or busy.seconds > MAX_WAIT:
            asked = f" and asks to wait {busy.seconds:,} s" if busy.seconds is not None else ""
            raise Failed(f"the server answered {busy.status}{asked}; build again later") from None
        pause(busy.seconds)
    try:
        return _download(request, timeout=timeout, limit=limit, conditional=conditional, used=used)
    except _Busy as busy:
        raise Failed(f"the server answered {busy.status} again after the wait it asked") from None


def pause(seconds: float) -> None:
    """Wait as a busy server asks (the tests count the waits here)."""
    time.sleep(seconds)


class _Busy(Exception):
    def __init__(self, status: str, seconds: int | None) -> None:
        self.status, self.seconds = status, seconds


def wait_seconds(value: str | None) -> int | None:
    """A Retry-After or Backoff header's whole seconds (an HTTP date is not waited for)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _download(
    request: urllib.request.Request, *, timeout: float, limit: int, conditional: bool, used: int
) -> tuple[bytes, http.client.HTTPMessage] | None:
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and used + int(length) > limit:
                raise Failed(_too_big(limit, int(length) if not used else 0))
            chunks, size = [], used
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise Failed(_too_big(limit))
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return b"".join(chunks), response.headers
    except urllib.error.HTTPError as error:
        error.close()  # it holds the connection's socket
        if error.code == 304 and conditional:
            return None
        if error.code in _BUSY:
            seconds = wait_seconds(error.headers.get("Retry-After") if error.headers else None)
            raise _Busy(f"{error.code} {error.reason}", seconds) from None
        raise Failed(f"the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise Failed(f"no answer within {timeout:g} seconds") from None
        raise Failed(f"the server cannot be reached ({error.reason})") from None
    except TimeoutError:
        raise Failed(f"no answer within {timeout:g} seconds") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise Failed(f"the download failed ({error})") from None


def _too_big(limit: int, size: int = 0) -> str:
    if size:
        return f"it is {size:,} bytes, more than the limit of {limit:,}"
    return f"it is more than the limit of {limit:,} bytes"


def new_record(body: bytes) -> dict[str, str]:
    """The fields every record has: when it was fetched, and what."""
    return {"fetched": formatdate(usegmt=True), "body": base64.b64encode(body).decode("ascii")}


# --- the copy on disk ---------------------------------------------------------------------------


def _family(identity: str) -> str:
    """A family of its own per source: the cache keeps one value per family."""
    return f"remote-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


def _stored(disk: DiskCache | None, source: Source) -> dict | None:
    if disk is None:
        return None
    return disk.read(  # type: ignore[return-value]
        _family(source.identity), source.identity, lambda record: _valid(source, record)
    )


def _valid(source: Source, record: object) -> bool:
    if not (isinstance(record, dict) and {"fetched", "body"} <= set(record)):
        return False
    if not all(isinstance(value, str) for value in record.values()):
        return False
    try:
        base64.b64decode(record["body"], validate=True)
    except (binascii.Error, ValueError):
        return False
    return "\r" not in record["fetched"] and "\n" not in record["fetched"] and source.valid(record)


def _body(record: dict) -> bytes:
    return base64.b64decode(record["body"])


def _json(record: dict) -> str:
    return json.dumps(record)
