"""The literature-table block on the pages that have one: `table_block.py` is built on
pymdownx.blocks, whose import pulls in urllib and ssl and whose block processor reads every
block of every page, so it is imported and registered only for a page whose Markdown has a
`/// literature-table` header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown.extensions import Extension

from bibcite.locales import ENGLISH, Words

if TYPE_CHECKING:
    from markdown import Markdown

    from bibcite.citations.extension import CitationExtension
    from bibcite.styles.formatter import ReferenceFormatter
    from bibcite.tables.block import TableExtension
    from bibcite.tables.registry import TableRegistry
    from bibcite.tables.table import BibCatalog


class LiteratureTables(Extension):
    def __init__(
        self,
        tables: TableRegistry,
        citations: CitationExtension,
        formatter: ReferenceFormatter,
        base_dir: str,
        words: Words = ENGLISH,
    ) -> None:
        super().__init__()
        self.words = words
        self.tables = tables
        self.citations = citations
        self.formatter = formatter
        self.base_dir = base_dir
        self._blocks: TableExtension | None = None
        self._catalog: BibCatalog | None = None

    def catalog(self) -> BibCatalog:
        """The tables' view of the bibliography, made when a table first needs it."""
        if self._catalog is None:
            from bibcite.tables.table import BibCatalog

            self._catalog = BibCatalog(self.formatter)
        return self._catalog

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # pymdownx.blocks makes `\/` an escape; on every page, so that it reads the same on all.
        if "/" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("/")
        if not self.tables.page_may_have_tables():
            return
        if self._blocks is None:
            from bibcite.tables.block import TableExtension

            catalog = self.catalog()
            self._blocks = TableExtension(
                self.tables, self.citations, catalog, self.base_dir, self.words
            )
        self._blocks.extendMarkdown(md)
