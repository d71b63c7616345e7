"""Fixtures and helpers for the browser tests: build the real site once, serve it on 127.0.0.1 from
a thread of the test process, and drive Debian's Chromium through Playwright.

Its fixtures are registered for every test by conftest.py; tests/site/test_browser.py and
tests/tables/test_table_browser.py use them."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    """Debian's Chromium, or a failed test saying how to install it (never a skip)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}; install it with "
            "`apt-get install chromium` (or run scripts/install-system-deps)",
            pytrace=False,
        )
    return CHROMIUM


def mkdocs_build(config_file: Path, site_dir: Path) -> None:
    """`mkdocs build --strict`; a failed build fails the test with MkDocs' own output."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config_file),
         "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}", pytrace=False)


def site_url(site_root: Path) -> str:
    """The URL the built site is published at, from its home page's canonical link."""
    home = (site_root / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<link rel="canonical" href="([^"]+)"', home)
    if not found:
        pytest.fail(f"{site_root / 'index.html'} has no canonical link (is site_url set?)")
    url = found[1]
    return url if url.endswith("/") else url + "/"


def site_prefix(site_root: Path) -> str:
    """The path the site is published under, e.g. '/msc-ssc-case-report/'."""
    return urlsplit(site_url(site_root)).path or "/"


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # the built site
    config_file: Path
    prefix: str  # the path it is served under, as on the real host

    def pages(self) -> list[str]:
        """Every HTML page, as a path under the prefix: '', 'methods/', ..., '404.html'."""
        found = []
        for path in sorted(self.root.rglob("*.html")):
            relative = path.relative_to(self.root).as_posix()
            found.append(relative.removesuffix("index.html"))
        return found


def copy_site_sources(destination: Path) -> Path:
    """The site's inputs (config, docs, bibliography, template overrides) copied for a variant."""
    for name in ("docs", "bibliography", "overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, destination / name)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    return destination / "mkdocs.yml"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under its published prefix, quietly."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        plain = urlsplit(path).path
        if not plain.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + plain[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):  # noqa: ANN001
        # A missing page gets the site's own 404 page, as on the real host.
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class SiteServer:
    site: BuiltSite
    server: http.server.ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        handler = type("Handler", (_Handler,), {"prefix": self.site.prefix})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(self.site.root))
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{self.site.prefix}"

    def url(self, page: str) -> str:
        return self.base + page

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions of a page, as text."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def new_context(
    browser: Browser, viewport: dict, *, scheme: str = "light", **options: object
) -> BrowserContext:
    """A context like a reader's: desktop or phone, with touch, in the given colour scheme."""
    phone = viewport["width"] < 600
    return browser.new_context(
        viewport=viewport,
        has_touch=True,
        is_mobile=phone,
        device_scale_factor=1,
        color_scheme=scheme,
        **options,
    )


# --- fixtures --------------------------------------------------------------------------------
# Registered once, by conftest.py, so a session builds the site once and starts one Chromium
# (Playwright's sync API cannot run twice at once in one thread).


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The real site, built once with `mkdocs build --strict`."""
    root = tmp_path_factory.mktemp("browser-site") / "site"
    config_file = REPO / "mkdocs.yml"
    mkdocs_build(config_file, root)
    return BuiltSite(root, config_file, site_prefix(root))


@pytest.fixture(scope="session")
def site_server(built_site: BuiltSite) -> Iterator[SiteServer]:
    """The built site on 127.0.0.1, served from a thread of the test process."""
    server = SiteServer(built_site)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (gitignored): screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
