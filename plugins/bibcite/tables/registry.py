"""Per-build store of the literature tables each page holds, in page order, and what follows once
every page is parsed: site-wide table numbers (pages in nav order), their anchors, the filled page
HTML and the CSV downloads. Nothing here logs or parses Markdown.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bibcite.citations.registry import site_order
from bibcite.problems import Problem

if TYPE_CHECKING:
    from bibcite.tables import table

# `table` (the tables themselves) is imported where a table is at hand: a site without any
# literature table never needs it.

DOWNLOAD_DIR = "downloads"
# In every table placeholder: text written on a page, in a cell or in a .bib entry cannot know
# it, so it can never be read as one. One per process, not per registry: a host may fill a page
# through another registry than the one that parsed it (Zensical's pre-pass).
_TOKEN = secrets.token_hex(8)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_HEADER = re.compile(
    r"^[ ]{0,3}/{3,}[ ]*literature-table(?![\w-])[ ]*(?:\|[ ]*(?P<caption>.*?)[ ]*)?$"
)
_END = re.compile(r"^[ ]{0,3}/{3,}[ ]*$")
# Anywhere, at any indent (a block may sit inside another): a page that may hold a table.
_MENTION = re.compile(r"/{3,}[ \t]*literature-table(?![\w-])")


@dataclass
class PageTables:
    markdown: str = ""
    shown: str = ""
    tables: list[table.Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    data_files: set[str] = field(default_factory=set)
    used_headers: set[int] = field(default_factory=set)


class TableRegistry:
    def __init__(self) -> None:
        self.pages: dict[str, PageTables] = {}
        self._current = PageTables()  # Markdown rendered outside a page lands here
        self.numbers: dict[str, dict[int, int]] = {}  # page -> {index on the page: number}
        self.token = _TOKEN

    def start_page(self, src_uri: str, markdown: str, *, shown: str = "") -> None:
        self._current = self.pages[src_uri] = PageTables(markdown=markdown, shown=shown or src_uri)

    def keep_only(self, src_uris: Collection[str]) -> None:
        for src_uri in [uri for uri in self.pages if uri not in src_uris]:
            del self.pages[src_uri]

    def page_may_have_tables(self) -> bool:
        """Whether the page being parsed has a literature-table block header anywhere."""
        return _MENTION.search(self._current.markdown) is not None

    # --- while pages are parsed ---

    def source(self, caption: str | None = None) -> table.BlockSource:
        """Where the next literature-table block of the current page is written: the first header
        not yet claimed whose caption matches (`caption=None` takes the first unclaimed one)."""
        from bibcite.tables import table

        page = self._current
        headers = _headers(page.markdown)
        unclaimed = [index for index in range(len(headers)) if index not in page.used_headers]
        wanted = (caption or "").strip()
        chosen = next((i for i in unclaimed if caption is None or headers[i][1] == wanted), None)
        if chosen is None:
            chosen = unclaimed[0] if unclaimed else None
        if chosen is None:
            return table.BlockSource(page.shown or "the page")
        page.used_headers.add(chosen)
        line, _, text = headers[chosen]
        return table.BlockSource(page.shown, line, text)

    def add(self, built: table.Table, data_file: str | None) -> int:
        """Record a table of the current page; its index on the page (from 0)."""
        self._current.tables.append(built)
        if data_file:
            self._current.data_files.add(data_file)
        return len(self._current.tables) - 1

    def report(self, problems: Sequence[Problem]) -> None:
        self._current.problems.extend(problems)

    # --- once every page is parsed ---

    def number(self, nav_order: Sequence[str]) -> None:
        """Number the tables 1..N: pages in nav order, then the others by path."""
        self.numbers, count = {}, 0
        for uri in site_order(self.pages, nav_order):
            numbers = {}
            for index in range(len(self.pages[uri].tables)):
                count += 1
                numbers[index] = count
            self.numbers[uri] = numbers

    def problems(self) -> list[Problem]:
        return [problem for page in self.pages.values() for problem in page.problems]

    def anchor_ids(self, src_uri: str) -> set[str]:
        numbers = self.numbers.get(src_uri)
        if not numbers:
            return set()
        from bibcite.tables import table

        return {table.table_id(n) for n in numbers.values()}

    def fill(self, src_uri: str, html: str, href: Callable[[str], str]) -> str:
        """`href(site path)` makes the page's link to a file of the site."""
        numbers = self.numbers.get(src_uri)
        if not numbers:
            return html
        from bibcite.tables import table

        return table.fill(html, self.token, numbers, lambda n: href(download_path(n)))

    def downloads(self, catalog: Callable[[], table.Catalog]) -> list[tuple[str, str]]:
        """(site path, CSV text) of every table; `catalog()` is asked for only if there is one."""
        if not any(self.numbers.values()):
            return []
        from bibcite.tables import table

        files = []
        for uri, numbers in self.numbers.items():
            for index, number in numbers.items():
                built = self.pages[uri].tables[index]
                if built.rows:
                    files.append((download_path(number), table.to_csv(built, catalog())))
        return files

    def data_files(self) -> set[str]:
        return {path for page in self.pages.values() for path in page.data_files}


def download_path(number: int) -> str:
    from bibcite.tables import table

    return f"{DOWNLOAD_DIR}/{table.csv_name(number)}"


def _headers(markdown: str) -> list[tuple[int, str, str]]:
    """(line, caption, block text) of each literature-table block header outside fenced code."""
    lines = markdown.splitlines()
    found = []
    fence = ""
    for number, text in enumerate(lines, start=1):
        opening = _FENCE.match(text)
        if fence:
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening[1]
            continue
        match = _HEADER.match(text)
        if match:
            end = next((i for i in range(number, len(lines)) if _END.match(lines[i])), len(lines))
            found.append((number, match["caption"] or "", "\n".join(lines[number - 1 : end])))
    return found


def header_caption(line: str) -> str | None:
    """The caption of a literature-table block's header line ('' without one); else None."""
    match = _HEADER.match(line)
    return None if match is None else (match["caption"] or "")


def write_csv(downloads: Sequence[tuple[str, str]], site_dir: str) -> None:
    """Write each (site path, CSV text) under `site_dir`, as UTF-8."""
    for path, text in downloads:
        target = os.path.join(site_dir, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as file:
            file.write(text.encode("utf-8"))
