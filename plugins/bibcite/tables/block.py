"""The `/// literature-table | caption` block (pymdownx.blocks): reads its options and data file,
records the table and its problems, and puts the table into the page's element tree, so the
page's own inline processors render its cells and the citation extension numbers its citations
with the rest of the page.

```
/// literature-table | Published reports of MSC infusion in SSc
    data: bibliography/literature.csv
    columns:
      donor: Donor source
      patients: Patients
    order: year

Optional Markdown here is shown under the table.
///
```
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_any

from bibcite.citations.syntax import CitationGroup, CitationItem
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem
from bibcite.tables import table
from bibcite.tables.cells import CellMarkdown
from bibcite.tables.registry import TableRegistry, header_caption

if TYPE_CHECKING:
    from markdown import Markdown
    from pymdownx.blocks import BlocksProcessor

    from bibcite.citations.extension import CitationExtension

NAME = "literature-table"
_NOTES_CLASS = "bibcite-table-notes"


class LiteratureTableBlock(Block):
    NAME = NAME
    ARGUMENT = None  # the caption; checked (and reported) by table.parse_spec, never rejected
    # Every value is accepted here and checked by table.parse_spec: a block pymdownx rejects
    # would silently turn into plain text.
    OPTIONS = {name: (None, type_any) for name in table.OPTION_NAMES}

    def on_create(self, parent: etree.Element) -> etree.Element:
        options = {name: self.options.get(name) for name in table.OPTION_NAMES}
        return self.config["extension"].render(parent, self.argument, options)

    def on_add(self, block: etree.Element) -> etree.Element:
        notes = block.find(f"div[@class='{_NOTES_CLASS}']")
        if notes is None:
            notes = etree.SubElement(block, "div", {"class": _NOTES_CLASS})
        return notes

    def on_end(self, block: etree.Element) -> None:
        notes = block.find(f"div[@class='{_NOTES_CLASS}']")
        if notes is not None and len(notes) == 0 and not (notes.text or "").strip():
            block.remove(notes)


class TableExtension(BlocksExtension):
    """`tables` records each table; `citations` makes its citation placeholders; `catalog` is the
    bibliography; data paths are relative to `base_dir` (the folder of mkdocs.yml); `words` are
    the site's language's."""

    def __init__(
        self,
        tables: TableRegistry,
        citations: CitationExtension,
        catalog: table.Catalog,
        base_dir: str,
        words: Words = ENGLISH,
    ) -> None:
        super().__init__()
        self.words = words
        self.tables = tables
        self.citations = citations
        self.catalog = catalog
        self.base_dir = base_dir
        self.cells = CellMarkdown(citations)  # the cells' own Markdown; citations as the page's

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:  # noqa: N802
        block_mgr.register(LiteratureTableBlock, {"extension": self})
        # Before the citation extension's reading-order pass (7); after inline processing (20).
        md.treeprocessors.register(_UnreadBlocks(self.tables, md), "bibcite_table_unread", 8)

    def render(self, parent: etree.Element, caption: str | None, options: dict) -> etree.Element:
        source = self.tables.source(caption)
        spec, problems = table.parse_spec(caption, options, source, self.words)
        if spec is None:
            self.tables.report(problems)
            return _error(parent, "This literature table names no data file.")
        path = os.path.join(self.base_dir, spec.data)
        shown = table.brief(os.path.normpath(spec.data))
        data, inside = None, _inside(path, self.base_dir)
        try:
            if not inside:
                problems.append(
                    Problem(
                        "table_block_error",
                        source.where,
                        source.line_of("data"),
                        f"the table's data file '{shown}' is outside the project's folder",
                        "put the file in the folder of mkdocs.yml or below it, and name it in "
                        "the block's 'data' option relative to mkdocs.yml",
                    )
                )
            else:
                data, more = table.read_data(path, shown)
                problems += more
        except OSError as error:
            problems.append(
                Problem(
                    "table_data_error",
                    source.where,
                    source.line_of("data"),
                    f"cannot read the table's data file '{shown}': {error.strerror}",
                    "fix the path in the block's 'data' option (relative to mkdocs.yml)",
                )
            )
        built, more = table.build(
            spec, data, self.catalog, narrative=self.citations.narrative
        )
        self.tables.report(problems + more)
        index = self.tables.add(built, path if inside else None)  # watched under serve
        element, more = table.element(built, self.tables.token, index, self.cells, self._cite)
        self.tables.report(more)
        parent.append(element)
        return element

    def _cite(self, key: str) -> etree.Element:
        return self.citations.tag(CitationGroup(items=(CitationItem(key),)), f"[@{key}]")


def _inside(path: str, folder: str) -> bool:
    """Whether `path`, links resolved, is in `folder` (the project's: the folder of mkdocs.yml)."""
    root = os.path.realpath(folder or os.curdir)
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def _error(parent: etree.Element, message: str) -> etree.Element:
    element = etree.SubElement(parent, "div", {"class": "bibcite-table bibcite-table-error"})
    paragraph = etree.SubElement(element, "p")
    paragraph.text = AtomicString(message)
    return element


class _UnreadBlocks(Treeprocessor):
    """A block pymdownx could not read (e.g. options that are not YAML) is left as a paragraph:
    report it instead of letting it pass as text."""

    def __init__(self, tables: TableRegistry, md: Markdown) -> None:
        super().__init__(md)
        self.tables = tables

    def run(self, root: etree.Element) -> None:
        for paragraph in root.iter("p"):
            first = (paragraph.text or "").lstrip("\n").split("\n", 1)[0]
            caption = header_caption(first)
            if caption is None:
                continue
            source = self.tables.source(caption or None)
            self.tables.report(
                [
                    Problem(
                        "table_block_error",
                        source.where,
                        source.line,
                        "this literature-table block could not be read, so it is shown as text",
                        "indent its options by 4 spaces right under the '///' line, as YAML "
                        f"('name: value'); known options: {', '.join(table.OPTION_NAMES)}",
                    )
                ]
            )
