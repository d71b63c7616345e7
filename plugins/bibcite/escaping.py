"""HTML escaping for everything bibcite writes into a page.

Quotes are escaped too, so the result is safe in text and attribute values alike. Characters
beyond Latin-1 become character references (`–` → `&#8211;`): Python holds a string whose every
character fits in one byte at one byte per character, and a single `–` or `↩` in a page made
MkDocs copy and encode the whole page, its navigation of the whole site included, at two or four
bytes per character (counted in instructions, the largest part of bibcite's cost that grew faster
than the site). Browsers, search and screen readers read the references as the characters.
"""

from __future__ import annotations

import html


def escape(text: str) -> str:
    return html.escape(text, quote=True).encode("latin-1", "xmlcharrefreplace").decode("latin-1")
