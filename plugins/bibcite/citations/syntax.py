"""The citation grammar (pandoc's), as pure functions: text in, citation dataclasses out.

`[see @a, p. 4; -@b]` is a bracketed group; `@a` in running text is a narrative citation.
Nothing here knows about Markdown, MkDocs or the bibliography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Pandoc: a key starts with a letter, digit or `_`; punctuation from `:.#$%&-+?<>~/` may
# occur inside it (followed by more key characters), so "@doe99." ends at "doe99".
BARE_KEY = r"\w+(?:[:.#$%&+?<>~/-]+\w+)*"
# `@{...}` takes any other key, braces excluded.
BRACED_KEY = r"\{[^{}\n]+\}"
KEY = rf"(?:{BRACED_KEY}|{BARE_KEY})"

# One item inside brackets: the `@` starts the item or follows white space, so
# "mail me at a@b.org" inside brackets is not a citation.
_ITEM_KEY = re.compile(rf"(?:^|(?<=\s))(?P<minus>-?)@(?P<key>{KEY})")
_LOCATOR_START = re.compile(r"^\s*,?\s*")
# Items are separated by `;`, except inside a braced key.
_ITEM_SEPARATOR = re.compile(r";(?![^{}]*\})")


# Slotted: a big site holds tens of thousands of these for the whole build.
@dataclass(frozen=True, slots=True)
class CitationItem:
    """One cited key with what surrounds it inside its group."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False


@dataclass(frozen=True, slots=True)
class CitationGroup:
    """What one citation in the text cites: `[@a; @b]` (two items) or narrative `@a` (one)."""

    items: tuple[CitationItem, ...]
    narrative: bool = False
    # Read for numbering, checking and rendering, thousands of times a build.
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(item.key for item in self.items))

    @property
    def has_affixes(self) -> bool:
        return any(item.prefix or item.locator for item in self.items)


def unbrace(key: str) -> str:
    """`{odd key}` → `odd key`; a bare key is returned as it is."""
    return key[1:-1] if key.startswith("{") and key.endswith("}") else key


def parse_item(text: str) -> CitationItem | None:
    """`see @doe99, p. 4` → CitationItem; None when the text holds no citation key."""
    match = _ITEM_KEY.search(text)
    if match is None:
        return None
    suffix = _LOCATOR_START.sub("", text[match.end() :], count=1)
    return CitationItem(
        key=unbrace(match["key"]),
        prefix=" ".join(text[: match.start()].split()),
        locator=" ".join(suffix.split()),
        suppress_author=bool(match["minus"]),
    )


def parse_bracketed(inner: str) -> CitationGroup | None:
    """The text between `[` and `]` → a group; None unless every `;`-separated part cites a key."""
    items = [parse_item(part) for part in _ITEM_SEPARATOR.split(inner)]
    if not items or any(item is None for item in items):
        return None
    return CitationGroup(items=tuple(items))


def narrative(key: str, locator: str = "") -> CitationGroup:
    """`@key` in running text (optionally `@key [p. 4]`)."""
    return CitationGroup(
        items=(CitationItem(key=unbrace(key), locator=" ".join(locator.split())),),
        narrative=True,
    )
