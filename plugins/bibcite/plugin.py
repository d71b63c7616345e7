"""The MkDocs plugin class: wiring only."""

from mkdocs.plugins import BasePlugin

from bibcite.config import BibciteConfig


class BibcitePlugin(BasePlugin[BibciteConfig]):
    pass
