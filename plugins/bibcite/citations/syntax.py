"""The citation grammar (pandoc 3's), as pure functions: text in, citation dataclasses out.

`[see @a, p. 4; -@b]` is a bracketed group; `@a` in running text is a narrative citation,
optionally followed by `[p. 4]` (its locator, then more items) or `[@b]`; `-@a` in running text
cites without the author. The scanners say where a citation's parts lie in a text, so that the
Markdown extension can render its prefixes and locators as Markdown. Nothing here knows about
Markdown, MkDocs or the bibliography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

# Pandoc's key: a letter, digit, `_` (or `*`) first; then letters, digits and `_`, with any of
# `:.#$%&-+?<>~/` inside when a letter, digit or `_` follows it (and `:` or `/` before a `/`), so
# "@doe99." ends at "doe99", "@Foo_bar--baz" at "Foo_bar" and "<sup>@k</sup>" at "k".
BARE_KEY = r"[\w*](?:\w|[:.#$%&+?<>~/-](?=\w)|[:/](?=/))*"
# `@{...}` takes any other key without white space (braces inside it balanced, one level).
BRACED_KEY = r"\{(?:[^\s{}]|\{[^\s{}]*\})+\}"
KEY = rf"(?:{BRACED_KEY}|{BARE_KEY})"

_KEY_AT = re.compile(rf"(?P<minus>-?)@(?P<key>{KEY})")
# Inside brackets: where an item's prefix or locator may end, or a nested bracket opens.
# An entity's `;` (`&amp;`) separates nothing.
_ENTITY = r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
_BRACKET_STOP = re.compile(rf"{_ENTITY}|[\[\];]")
_PREFIX_STOP = re.compile(rf"{_ENTITY}|[\[\];]|-?@")
# Pandoc's `spnl`: spaces, at most one line break, spaces.
_SPNL = re.compile(r"[ \t]*(?:\n[ \t]*)?")
# A bracketed citation longer than this is read as text: each `[` is scanned at most this far,
# which keeps a page of unbalanced brackets linear.
MAX_LENGTH = 4000
MAX_DEPTH = 8


# Slotted: a big site holds tens of thousands of these for the whole build.
@dataclass(frozen=True, slots=True)
class CitationItem:
    """One cited key with what surrounds it inside its group: the prefix and the locator (pandoc's
    suffix without its leading comma) as plain text, and as HTML once Markdown has rendered them
    (None: not rendered, the plain text is escaped)."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False
    prefix_html: str | None = None
    locator_html: str | None = None


@dataclass(frozen=True, slots=True)
class CitationGroup:
    """What one citation in the text cites: `[@a; @b]` (two items) or narrative `@a` (its first
    item is in the text, `@a [p. 4; @b]` adds more)."""

    items: tuple[CitationItem, ...]
    narrative: bool = False
    # Read for numbering, checking and rendering, thousands of times a build.
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(item.key for item in self.items))

    @property
    def has_affixes(self) -> bool:
        return any(item.prefix or item.locator for item in self.items)

    @property
    def author_in_text(self) -> bool:
        """`@a`, not `-@a`: the text names the first item's authors."""
        return self.narrative and not self.items[0].suppress_author


class ItemSpan(NamedTuple):
    """Where one item's parts lie in the scanned text: [start, end) of the prefix and suffix."""

    prefix: tuple[int, int]
    key: str
    suppress_author: bool
    suffix: tuple[int, int]


class Scan(NamedTuple):
    items: list[ItemSpan]
    start: int
    end: int
    narrative: bool


def unbrace(key: str) -> str:
    """`{odd}` → `odd`; a bare key is returned as it is."""
    return key[1:-1] if key.startswith("{") and key.endswith("}") else key


def after_word(text: str, pos: int) -> bool:
    """Pandoc's "not after a string": a citation cannot follow a letter or digit (`a@b.org`),
    nor a word's full stop (`x.@k`)."""
    if pos == 0:
        return False
    before = text[pos - 1]
    if before.isalnum():
        return True
    return before == "." and pos >= 2 and text[pos - 2].isalnum()


def key_at(text: str, pos: int) -> tuple[bool, str, int] | None:
    """`-@key` or `@key` starting at `pos` → (suppress_author, key, end)."""
    match = _KEY_AT.match(text, pos)
    if match is None or after_word(text, pos):
        return None
    if match["minus"] and text[pos - 1 : pos] == "-":
        return None  # `--@k`: pandoc reads `--` as a dash, then `@k`
    return bool(match["minus"]), unbrace(match["key"]), match.end()


def _bracket_end(text: str, pos: int, limit: int, stop: re.Pattern[str] = _BRACKET_STOP) -> int:
    """The first `;` or `]` at depth 0 from `pos` (nested brackets are part of the text); -1
    if there is none before `limit` or the nesting is too deep."""
    depth = 0
    while True:
        match = stop.search(text, pos, limit)
        if match is None:
            return -1
        char, pos = match[0], match.end()
        if char[0] == "&":
            continue
        if char == "[":
            depth += 1
            if depth > MAX_DEPTH:
                return -1
        elif depth:
            if char == "]":
                depth -= 1
        else:
            return match.start()


def _cite_list(text: str, pos: int, limit: int) -> tuple[list[ItemSpan], int] | None:
    """Pandoc's `citeList` from `pos`: items separated by `;`, up to the closing `]` (its index)."""
    items = []
    while True:
        start, depth = pos, 0
        found = None
        while found is None:  # the prefix: up to the first key outside nested brackets
            match = _PREFIX_STOP.search(text, pos, limit)
            if match is None:
                return None
            char, pos = match[0], match.end()
            if char[0] == "&":
                continue
            if char == "[":
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif char == "]":
                if not depth:
                    return None  # no key in this item
                depth -= 1
            elif char == ";":
                if not depth:
                    return None
            elif not depth:
                found = key_at(text, match.start())
                if found is None:
                    pos = match.start() + 1
                else:
                    prefix_end = match.start()
        minus, key, key_end = found
        end = _bracket_end(text, key_end, limit)
        if end < 0:
            return None
        items.append(ItemSpan((start, prefix_end), key, minus, (key_end, end)))
        if text[end] == "]":
            return items, end
        pos = end + 1


def _closed(text: str, end: int) -> bool:
    """A `]` that ends a citation is not followed by a link's `(url)`, a `[reference]` or
    attributes `{...}`."""
    return end >= len(text) or text[end] not in "([{"


def scan_bracketed(text: str, start: int) -> Scan | None:
    """`[...]` starting at `text[start]` as a bracketed citation, or None."""
    limit = min(len(text), start + MAX_LENGTH)
    found = _cite_list(text, start + 1, limit)
    if found is None or not _closed(text, found[1] + 1):
        return None
    return Scan(found[0], start, found[1] + 1, narrative=False)


def scan_narrative(text: str, start: int, *, is_reference=lambda label: False) -> Scan | None:
    """`@key` or `-@key` at `text[start]`, with what pandoc reads after it: `[@b]` (more items),
    `[p. 4]` (its locator) or `[p. 4; @b]`; but not `[text](url)`, and not a `[label]` that
    `is_reference` says is a defined link reference."""
    found = key_at(text, start)
    if found is None and text.startswith("-@", start):
        start += 1  # `a-@k`: the `-` belongs to the word before, `@k` cites with the author
        found = key_at(text, start)
    if found is None:
        return None
    minus, key, key_end = found
    first = ItemSpan((start, start), key, minus, (key_end, key_end))
    bracket = _SPNL.match(text, key_end).end()
    if not text.startswith("[", bracket) or text.startswith("[^", bracket):
        return Scan([first], start, key_end, narrative=True)
    more = scan_bracketed(text, bracket)
    if more is not None:
        return Scan([first, *more.items], start, more.end, narrative=True)
    limit = min(len(text), bracket + MAX_LENGTH)
    end = _bracket_end(text, bracket + 1, limit)
    if end < 0:
        return Scan([first], start, key_end, narrative=True)
    items = [first._replace(suffix=(bracket + 1, end))]
    if text[end] == ";":
        rest = _cite_list(text, end + 1, limit)
        if rest is None:
            return Scan([first], start, key_end, narrative=True)
        items += rest[0]
        end = rest[1]
    if not _closed(text, end + 1) or is_reference(text[bracket + 1 : end]):
        return Scan([first], start, key_end, narrative=True)
    return Scan(items, start, end + 1, narrative=True)


_LEADING_COMMA = re.compile(r"^\s*,?\s*")


def prefix_text(raw: str) -> str:
    return " ".join(raw.split())


def locator_text(raw: str) -> str:
    """Pandoc's suffix as bibcite's locator: without the comma that separates it from the key."""
    return " ".join(_LEADING_COMMA.sub("", raw, count=1).split())


def group_of(text: str, scan: Scan) -> CitationGroup:
    """The group a scan found, its prefixes and locators as plain text."""
    items = tuple(
        CitationItem(
            key=span.key,
            prefix=prefix_text(text[slice(*span.prefix)]),
            locator=locator_text(text[slice(*span.suffix)]),
            suppress_author=span.suppress_author,
        )
        for span in scan.items
    )
    return CitationGroup(items=items, narrative=scan.narrative)


def parse_bracketed(inner: str) -> CitationGroup | None:
    """The text between `[` and `]` → a group; None unless it reads as a bracketed citation."""
    text = f"[{inner}]"
    scan = scan_bracketed(text, 0)
    if scan is None or scan.end != len(text):
        return None
    return group_of(text, scan)


def narrative(key: str, locator: str = "") -> CitationGroup:
    """`@key` in running text (optionally `@key [p. 4]`)."""
    return CitationGroup(
        items=(CitationItem(key=unbrace(key), locator=locator_text(locator)),),
        narrative=True,
    )
