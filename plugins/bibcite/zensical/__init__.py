"""The Zensical host: a Markdown extension (`bibcite.zensical` under `markdown_extensions`), since
Zensical runs Python-Markdown extensions but no MkDocs plugins. The only part importing zensical
would be here; it needs none, reading Zensical's rendering context by name."""

from __future__ import annotations


def makeExtension(**options):  # noqa: N802 (Python-Markdown's entry point)
    from bibcite.zensical.extension import BibciteExtension

    return BibciteExtension(**options)
