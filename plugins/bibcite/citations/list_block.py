"""The `/// bibliography` block (pymdownx.blocks, as the literature table's): its options are
checked (lists.py) and recorded with the page's citations, and a placeholder stands where the
list goes; the list is written once every page is numbered (site.py). Imported only for a page
whose Markdown mentions such a block.

```
/// bibliography
    entries: all          # cited (default), page, all, nocite
    type: [article]       # filters: type, keyword, keys, source
    group_by: year        # or type: a heading per group
    sort: year            # citation (default), author, year, title
    reverse: true
///
```
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from markdown.treeprocessors import Treeprocessor
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_any

from bibcite.citations import lists, placeholders
from bibcite.problems import Problem

if TYPE_CHECKING:
    from markdown import Markdown
    from pymdownx.blocks import BlocksProcessor

    from bibcite.citations.registry import CitationRegistry

NAME = "bibliography"
HEADER = re.compile(r"^[ ]{0,3}/{3,}[ ]*bibliography[ ]*$")
_OPTION = re.compile(r"^\s+(?P<name>[A-Za-z_]+)\s*:")


class BibliographyBlock(Block):
    NAME = NAME
    ARGUMENT = False
    # Every value is accepted here and checked by lists.parse: a block pymdownx rejects would
    # silently turn into plain text.
    OPTIONS = {name: (None, type_any) for name in lists.OPTION_NAMES}

    def on_create(self, parent: etree.Element) -> etree.Element:
        registry: CitationRegistry = self.config["registry"]
        options = {name: self.options.get(name) for name in lists.OPTION_NAMES}
        where, line, lines = registry.list_source()
        spec, problems = lists.parse(options, where, line, lines)
        index = registry.add_list(spec, problems)
        wrapper = etree.SubElement(parent, "div", {"class": "bibcite-list"})
        wrapper.append(placeholders.list_block(index))
        return wrapper


class ListBlocks(BlocksExtension):
    def __init__(self, registry: CitationRegistry) -> None:
        super().__init__()
        self.registry = registry

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:  # noqa: N802
        block_mgr.register(BibliographyBlock, {"registry": self.registry})
        md.treeprocessors.register(_Unread(self.registry, md), "bibcite_list_unread", 8)


def headers(markdown: str) -> list[tuple[int, dict[str, int]]]:
    """Each block header's line, with the lines of the options written under it."""
    found = []
    lines = markdown.splitlines()
    for number, text in enumerate(lines, start=1):
        if HEADER.match(text):
            options: dict[str, int] = {}
            for offset, below in enumerate(lines[number:], start=number + 1):
                if not below.strip() or not below.startswith((" ", "\t")):
                    break  # the options end at the first blank or unindented line
                match = _OPTION.match(below)
                if match is not None:
                    options.setdefault(match["name"], offset)
            found.append((number, options))
    return found


class _Unread(Treeprocessor):
    """A block pymdownx could not read (an unknown option, options that are not YAML) is left as
    a paragraph: report it instead of letting it pass as text."""

    def __init__(self, registry: CitationRegistry, md: Markdown) -> None:
        super().__init__(md)
        self.registry = registry

    def run(self, root: etree.Element) -> None:
        for paragraph in root.iter("p"):
            first = (paragraph.text or "").lstrip("\n").split("\n", 1)[0]
            if not HEADER.match(first):
                continue
            where, line, _ = self.registry.list_source()
            self.registry.add_list(
                None,
                [
                    Problem(
                        lists.CATEGORY,
                        where,
                        line,
                        "this bibliography block could not be read, so it is shown as text",
                        "indent its options by 4 spaces right under the '///' line, as YAML "
                        f"('name: value'); known options: {', '.join(lists.OPTION_NAMES)}",
                    )
                ],
            )
