"""MkDocs hook for bench/mechanisms.py: bibcite writes characters beyond ASCII as they are,
instead of as character references."""

import html
from functools import lru_cache

from bibcite.citations import render
from bibcite.publishing import metadata, publisher
from bibcite.styles import escaping, html_backend


def escape(text: str) -> str:
    return html.escape(text, quote=True)


for module in (escaping, html_backend, metadata, publisher):
    module.escape = escape
render.escape = lru_cache(maxsize=2048)(escape)  # render's own memo stays
