"""Each page's HTML filled in one pass before any page is written, then handed out page by page.

Filled page by page, bibcite's lookups ran between MkDocs' renderings of the site's whole
navigation, which pushed bibcite's references and numbers out of the processor's caches, more
so the bigger the site: a warm build of the benchmark took 0.014 s longer at its default size
and 0.04 s longer at twice it. A filled page is handed out only for the HTML it was made from;
a page another plugin changed meanwhile is filled again from what it now holds.
"""

from __future__ import annotations

from collections.abc import Callable


class FilledAhead:
    def __init__(self) -> None:
        self._made: dict[str, tuple[str, str]] = {}

    def put(self, src_uri: str, html: str, filled: str) -> None:
        self._made[src_uri] = (html, filled)

    def take(self, src_uri: str, html: str, fill: Callable[[str], str]) -> str:
        """The page filled ahead if it was made from this HTML, else `fill(html)`; either way
        the page's entry is dropped, so the build does not hold every page to its end."""
        made = self._made.pop(src_uri, None)
        if made is not None and made[0] == html:
            return made[1]
        return fill(html)

    def clear(self) -> None:
        self._made.clear()
