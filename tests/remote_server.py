"""A local HTTP server for the remote-bibliography tests, started by the test on 127.0.0.1 in a
thread: it serves the files it is given, honours If-None-Match / If-Modified-Since with 304,
and can be made slow; it counts what it answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"


@dataclass
class Served:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> body
    delay: float = 0.0  # seconds before each answer
    answers: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def etag(self, path: str) -> str:
        return f'"{hash(self.files[path]) & 0xFFFFFFFF:x}"'


@contextmanager
def serving(served: Served) -> Iterator[Served]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            time.sleep(served.delay)
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
