# Renders pybtex rich text to HTML that is safe to inject into a page, and to plain text.
"""A pybtex HTML backend that escapes everything and links only http(s) URLs.

pybtex's own ``html`` backend writes URLs into ``href`` unescaped (any scheme, so
``javascript:`` too), escapes text without quotes, and wraps protected text in
``<span class="bibtex-protected">``.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from pybtex.backends import html as pybtex_html
from pybtex.backends import plaintext

from bibcite.styles.escaping import escape

if TYPE_CHECKING:
    from pybtex.richtext import BaseText

__all__ = ["SafeHtmlBackend", "render_html", "render_text"]

# Matched on the URL as given: browsers drop tabs, newlines and leading blanks, so a
# scheme found after any normalisation could still turn out to be "java\nscript:".
_LINKABLE = re.compile(r"https?://", re.IGNORECASE)


class SafeHtmlBackend(pybtex_html.Backend):
    """HTML with every text and attribute escaped; non-http(s) links become plain text."""

    symbols = MappingProxyType({"ndash": "&ndash;", "newblock": " ", "nbsp": "&nbsp;"})

    def format_str(self, text: str) -> str:
        return escape(text)

    def format_protected(self, text: str) -> str:
        return text  # braces only protect case; our styles never re-case

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        if not text or not _LINKABLE.match(url):
            return text
        return f'<a href="{escape(url)}">{text}</a>'


_HTML = SafeHtmlBackend()
_TEXT = plaintext.Backend()


def render_html(text: BaseText) -> str:
    """Rich text (e.g. ``FormattedEntry.text``) as escaped HTML."""
    return text.render(_HTML)


def render_text(text: BaseText) -> str:
    """Rich text as plain text, e.g. for a ``title`` attribute (escape it there)."""
    return text.render(_TEXT)
