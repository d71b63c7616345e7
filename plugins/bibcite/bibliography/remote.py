"""Bibliographies fetched over http(s) when a build starts, with the standard library, and kept in
the disk cache with their `ETag` and `Last-Modified`, so that a build asks the server only
whether its copy is still current (an answer of 304 costs no download).

A process checks each address once, then again only after `RECHECK_AFTER` seconds: every
`mkdocs build` checks, `mkdocs serve` checks on its first build and then at most every five
minutes, whatever the number of rebuilds. When the server cannot be reached (no network, a
timeout, an error status, a body past `SIZE_LIMIT`), the cached copy is used with a warning;
with no copy either, the build stops with a message saying what to do.

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

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """Whether a `bibliography` item is an address (`scheme://...`) rather than a path."""
    return _URL.match(value) is not None


class RemoteError(Exception):
    """A remote bibliography that could not be fetched and has no cached copy."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Failed(Exception):
    """Why a download failed, as the message says it."""


class Downloads:
    """The remote bibliographies a process has fetched: what each holds, and when it was last
    checked against its server."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[float, dict]] = {}  # url -> (checked at, stored record)

    def get(
        self, url: str, disk: DiskCache | None, *, timeout: float = TIMEOUT, limit: int = SIZE_LIMIT
    ) -> tuple[bytes, list[Problem]]:
        """The bytes of the bibliography at `url`, and warnings (a stale copy used)."""
        now = time.monotonic()
        held = self._held.get(url)
        if held is not None and now - held[0] < RECHECK_AFTER:
            return _body(held[1]), []
        record = held[1] if held is not None else _stored(disk, url)
        try:
            fresh = _fetch(url, record, timeout=timeout, limit=limit)
        except _Failed as failure:
            if record is None:
                raise RemoteError(
                    Problem(
                        "remote_error",
                        url,
                        None,
                        f"cannot download the bibliography: {failure}, and no copy is cached",
                        "check the address and the network and build again, or download the "
                        "file and name its path in the bibcite option 'bibliography'",
                    )
                ) from None
            self._held[url] = (now, record)  # not asked again at every rebuild meanwhile
            return _body(record), [_stale(url, failure, record)]
        if fresh is None:  # 304: the copy is current
            fresh = record
        elif disk is not None:
            disk.write(_family(url), url, [_json(fresh)])
        assert fresh is not None
        self._held[url] = (now, fresh)
        return _body(fresh), []


def _stale(url: str, failure: _Failed, record: dict) -> Problem:
    return Problem(
        "remote_error",
        url,
        None,
        f"cannot download the bibliography: {failure}; the copy downloaded on "
        f"{record['fetched']} is used",
        "check the address and the network; the next build tries again",
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


def _fetch(url: str, record: dict | None, *, timeout: float, limit: int) -> dict | None:
    """A new record for `url`, or None when the server says `record` is current."""
    request = urllib.request.Request(url, headers={"User-Agent": "bibcite", "Accept": "*/*"})
    if record is not None and record["etag"]:
        request.add_header("If-None-Match", record["etag"])
    if record is not None and record["last_modified"]:
        request.add_header("If-Modified-Since", record["last_modified"])
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise _Failed(f"it is {int(length):,} bytes, more than the limit of {limit:,}")
            chunks, size = [], 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise _Failed(f"it is more than the limit of {limit:,} bytes")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            headers = response.headers
    except urllib.error.HTTPError as error:
        error.close()  # it holds the connection's socket
        if error.code == 304 and record is not None:
            return None
        raise _Failed(f"the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _Failed(f"no answer within {timeout:g} seconds") from None
        raise _Failed(f"the server cannot be reached ({error.reason})") from None
    except TimeoutError:
        raise _Failed(f"no answer within {timeout:g} seconds") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _Failed(f"the download failed ({error})") from None
    return {
        "etag": headers.get("ETag", ""),
        "last_modified": headers.get("Last-Modified", ""),
        "fetched": formatdate(usegmt=True),
        "body": base64.b64encode(b"".join(chunks)).decode("ascii"),
    }


# --- the copy on disk ---------------------------------------------------------------------------


def _family(url: str) -> str:
    """A family of its own per address: the cache keeps one value per family."""
    return f"remote-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def _stored(disk: DiskCache | None, url: str) -> dict | None:
    if disk is None:
        return None
    return disk.read(_family(url), url, _valid_record)  # type: ignore[return-value]


_FIELDS = {"etag", "last_modified", "fetched", "body"}


def _valid_record(record: object) -> bool:
    if not (isinstance(record, dict) and set(record) == _FIELDS):
        return False
    if not all(isinstance(value, str) for value in record.values()):
        return False
    try:
        base64.b64decode(record["body"], validate=True)
    except (binascii.Error, ValueError):
        return False
    return all("\r" not in record[name] and "\n" not in record[name] for name in _FIELDS - {"body"})


def _body(record: dict) -> bytes:
    return base64.b64decode(record["body"])


def _json(record: dict) -> str:
    return json.dumps(record)
