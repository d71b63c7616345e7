"""HTML escaping for everything bibcite writes into a page.

Quotes are escaped too, so the result is safe in text and attribute values alike. Characters
beyond ASCII become character references (`é` → `&#233;`, `–` → `&#8211;`): MkDocs encodes every
page to UTF-8, its navigation of the whole site included, and a page of ASCII is encoded as a
copy, while one `é` makes Python encode it character by character (and one `–` or `↩` also holds
and copies it at two bytes a character). Counted in instructions, that was the largest part of
bibcite's cost that grew faster than the site. Browsers, search and screen readers read the
references as the characters.
"""

from __future__ import annotations

import html


def escape(text: str) -> str:
    escaped = html.escape(text, quote=True)
    if escaped.isascii():
        return escaped
    return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")
