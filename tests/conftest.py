"""Shared fixtures: tiny MkDocs sites written into a temporary folder and built in-process the way
`mkdocs build` does it (load_config, `startup`, build, `shutdown`), with the plugin's log records.

A test site's theme renders only `{{ page.content }}`, so a page's built HTML is exactly what the
Markdown and the plugin produced, with no theme around it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

# The browser tests' session fixtures, registered here once for every module that uses them.
from browser_support import artifacts, browser, built_site, site_server  # noqa: F401
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

DATA = Path(__file__).parent / "data"
LOGGER = "mkdocs.plugins.bibcite"
# The summary line every build logs, its count of parsed entries and the diagnostics' debug
# details (entries never cited, unbraced capitals): kept apart as "notes" so that tests about
# other messages need not repeat them (test_diagnostics.py asserts them).
NOTE = re.compile(
    r"^INFO: bibcite: \d+ references? cited on |^DEBUG: bibcite: \d+ of \d+ entries parsed$"
    r"|^DEBUG: .*\[(never_cited|unprotected_capitals)\]"
)


@dataclass
class Site:
    """A test site on disk: `write` it, `build` it (as often as a test needs), read its pages."""

    root: Path
    config: dict = field(default_factory=dict)

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def write(self, pages: Mapping[str, str], bib: Mapping[str, str | bytes]) -> None:
        (self.root / "theme").mkdir(parents=True, exist_ok=True)
        (self.root / "theme" / "main.html").write_text("{{ page.content }}")
        for name, text in pages.items():
            path = self.root / "docs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for name, content in bib.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        self.config_file.write_text(yaml.safe_dump(self.config, allow_unicode=True))

    def load(self, *, strict: bool = True, **overrides) -> MkDocsConfig:
        return load_config(str(self.config_file), strict=strict, **overrides)

    def html(self, page: str) -> str:
        """The built HTML of a page given by its source name (`index.md`, `sub/a.md`)."""
        stem = page.removesuffix(".md")
        built = "index.html" if stem == "index" else f"{stem}/index.html"
        return (self.root / "site" / built).read_text(encoding="utf-8")

    def text(self, page: str) -> str:
        """What a reader sees of the page: its text, character references read."""
        return BeautifulSoup(self.html(page), "html.parser").get_text()


@dataclass
class Result:
    """One build: the plugin's log lines (`LEVEL: message`) and the strict-mode abort, if any."""

    site: Site
    messages: list[str]
    error: Abort | None
    notes: list[str] = field(default_factory=list)

    def html(self, page: str) -> str:
        return self.site.html(page)

    def text(self, page: str) -> str:
        return self.site.text(page)

    @property
    def warnings(self) -> list[str]:
        return [m.removeprefix("WARNING: ") for m in self.messages if m.startswith("WARNING: ")]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.levelname}: {record.getMessage()}"
        (self.notes if NOTE.match(line) else self.lines).append(line)


def capture_plugin_log(shown: int = logging.DEBUG) -> tuple[_Records, Callable[[], None]]:
    """Start collecting the plugin's records from level `shown` (debug by default); returns the
    handler and a stop."""
    handler = _Records()
    logger = logging.getLogger(LOGGER)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(shown)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return handler, stop


def build_once(
    config: MkDocsConfig,
    notes: list[str] | None = None,
    *,
    shown: int = logging.DEBUG,
    **build_options,
) -> tuple[list[str], Abort | None]:
    """`build` as `mkdocs build` runs it, after `startup` and before `shutdown`; the summary
    and diagnostic details (debug included, unless `shown` says otherwise) go to `notes` when
    given."""
    handler, stop = capture_plugin_log(shown)
    handler.notes = notes if notes is not None else handler.notes
    error = None
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config, **build_options)
        except Abort as abort:
            error = abort
        finally:
            config.plugins.on_shutdown()
    finally:
        stop()
    return [line for line in handler.lines if not line.startswith("DEBUG: ")], error


def new_process() -> None:
    """Forget plugin instances MkDocs keeps across `load_config` calls (serve's cache), so each
    site is built by a fresh plugin, as a new `mkdocs build` process would."""
    MkDocsConfig.plugins.plugin_cache.clear()


def make_site(
    root: Path,
    pages: Mapping[str, str],
    *,
    bib: Mapping[str, str | bytes] | None = None,
    options: Mapping[str, object] | None = None,
    nav: list | None = None,
    **config: object,
) -> Site:
    """Write a site: `pages` by name under docs/, `bib` files by path (default: refs.bib, the
    tests' data file), the bibcite `options` (default: `bibliography: refs.bib`)."""
    if bib is None:
        bib = {"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8")}
    plugin = {"bibliography": "refs.bib", **(options or {})}
    settings = {
        "site_name": "Test",
        "theme": {"name": None, "custom_dir": "theme", "static_templates": []},
        "plugins": [{"bibcite": plugin}],
        **config,
    }
    if nav is not None:
        settings["nav"] = nav
    site = Site(root, settings)
    site.write(pages, bib)
    return site


def build_site(
    root: Path,
    pages: Mapping[str, str],
    *,
    strict: bool = True,
    shown: int = logging.DEBUG,
    **kwargs,
) -> Result:
    """Write a site into `root` and build it once with a fresh plugin, its log shown from level
    `shown`."""
    site = make_site(root, pages, **kwargs)
    new_process()
    notes: list[str] = []
    messages, error = build_once(site.load(strict=strict), notes, shown=shown)
    return Result(site, messages, error, notes)


@pytest.fixture(scope="module")
def site_builder(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """`site_builder(name, pages, **make_site_options)` → Result, in a folder of its own."""

    def run(name: str, pages: Mapping[str, str], **kwargs) -> Result:
        return build_site(tmp_path_factory.mktemp(name), pages, **kwargs)

    return run


def load_text(folder: Path, text: str, name: str = "refs.bib"):
    """Write `text` as a .bib file in `folder` and load it as the plugin does (paths in
    messages relative to `folder`)."""
    from bibcite.bibliography.load import load

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load([str(path)], base_dir=str(folder))
