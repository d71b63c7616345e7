"""A local HTTP server for the remote-bibliography tests, started by the test on 127.0.0.1 in a
thread: it serves the files it is given, honours If-None-Match / If-Modified-Since with 304,
and can be made slow; it counts what it answered. It also answers as the Zotero web API does
for the libraries it is given: the BibTeX export of their top-level items, in pages with
`Link` and `Total-Results`, `Last-Modified-Version` and 304 for `If-Modified-Since-Version`,
403 without the library's key, 429 with Retry-After and Backoff when told to; it records each
request's headers and when it came."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

LAST_MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"


@dataclass
class Library:
    """A Zotero library as the API serves it: its top-level items' BibTeX, one entry each."""

    entries: list[bytes]
    version: int = 1
    key: str = ""  # when set, a request without `Zotero-API-Key: <key>` is refused (403)
    next_page_at: str = ""  # when set, the `Link` header's next page is on this origin instead
    moved_to: str = ""  # when set, every request is redirected (302) to this origin
    # Answers of 429 Too Many Requests before the library is served, each with this Retry-After
    # ('' for none); and a Backoff header sent with every page.
    busy: list[str] = field(default_factory=list)
    backoff: str = ""


@dataclass
class Served:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> body
    delay: float = 0.0  # seconds before each answer
    answers: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    port: int = 0
    zotero: dict[str, Library] = field(default_factory=dict)  # "/users/1" -> library
    requests: list[tuple[str, Message]] = field(default_factory=list)  # (path, its headers)
    after: Callable[[str], None] | None = None  # called with the path after each answer

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def etag(self, path: str) -> str:
        return f'"{hash(self.files[path]) & 0xFFFFFFFF:x}"'


@contextmanager
def serving(served: Served) -> Iterator[Served]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            time.sleep(served.delay)
            served.requests.append((self.path, self.headers))
            path = urlsplit(self.path).path
            prefix = path.removesuffix("/items/top")
            if path.endswith("/items/top") and prefix in served.zotero:
                status = self.zotero(served.zotero[prefix], prefix)
                served.answers.append((self.path, status))
                if served.after is not None:
                    served.after(self.path)
                return
            body = served.files.get(self.path)
            if body is None:
                status = 404
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.headers.get("If-None-Match") == served.etag(self.path):
                status = 304
                self.send_response(status)
                self.end_headers()
            else:
                status = 200
                self.send_response(status)
                self.send_header("Content-Type", "application/x-bibtex")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", served.etag(self.path))
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                with suppress(ConnectionError):  # the client stopped reading (a size limit)
                    self.wfile.write(body)
            served.answers.append((self.path, status))

        def zotero(self, library: Library, prefix: str) -> int:
            if library.moved_to:
                return self.answer(302, b"", {"Location": f"{library.moved_to}{self.path}"})
            if library.busy:
                wait = library.busy.pop(0)
                return self.answer(429, b"Too many", {"Retry-After": wait} if wait else {})
            query = dict(parse_qsl(urlsplit(self.path).query))
            limit, start = int(query.get("limit", "25")), int(query.get("start", "0"))
            if library.key and self.headers.get("Zotero-API-Key") != library.key:
                return self.answer(403, b"Forbidden")
            if (
                self.headers.get("Zotero-API-Version") != "3"
                or query.get("format") != "bibtex"
                or not 1 <= limit <= 100
            ):
                return self.answer(400, b"Bad request")
            version = {"Last-Modified-Version": str(library.version)}
            if self.headers.get("If-Modified-Since-Version") == str(library.version):
                return self.answer(304, b"", version)
            total = len(library.entries)
            links = []
            if start + limit < total:
                here = f"http://127.0.0.1:{served.port}{prefix}/items/top"
                there = f"{library.next_page_at or f'http://127.0.0.1:{served.port}'}{prefix}"
                there += "/items/top"
                following = urlencode({**query, "start": start + limit})
                links.append(f'<{there}?{following}>; rel="next"')
                last = urlencode({**query, "start": (total - 1) // limit * limit})
                links.append(f'<{here}?{last}>; rel="last"')
            headers = {
                **version,
                "Total-Results": str(total),
                "Zotero-API-Version": "3",
                "Content-Type": "application/x-bibtex",
            }
            if links:
                headers["Link"] = ", ".join(links)
            if library.backoff:
                headers["Backoff"] = library.backoff
            return self.answer(200, b"".join(library.entries[start : start + limit]), headers)

        def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> int:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
            return status

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
