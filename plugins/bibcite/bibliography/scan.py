"""The cheap first pass over a .bib text: where each command starts and ends, and whether an entry
is one pybtex would read without a word of complaint. Such an entry is left unparsed until a page
needs it (most of a large bibliography never is); anything else (a @string, a @preamble, an entry
in doubt) goes to pybtex at once, so every message still comes from pybtex's own parser.

The grammar is pybtex's (`pybtex.database.input.bibtex.LowLevelParser`), narrowed: braces nest at
most `_DEPTH` deep, entries are delimited by braces, and every macro an entry uses is already
defined. Whatever falls outside it is simply "in doubt": parsed by pybtex on the spot.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from string import digits

from pybtex.bibtex.utils import split_name_list
from pybtex.database.input.bibtex import NAME_CHARS
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

# Fields kept for every entry, read without parsing it: the diagnostics compare every entry's
# DOI and follow every crossref, and must not parse a whole bibliography to do so.
INDEXED_FIELDS = frozenset({"doi", "crossref"})
PERSON_FIELDS = frozenset({"author", "editor"})  # pybtex's Person.valid_roles
_DEPTH = 8


def _balanced(depth: int) -> str:
    """Text with braces nested at most `depth` deep (possessive: no backtracking on failure)."""
    inner = r"[^{}]*+"
    for _ in range(depth):
        inner = rf"(?:[^{{}}]++|\{{{inner}\}})*+"
    return inner


_NAME = rf"[{re.escape(NAME_CHARS)}][{re.escape(NAME_CHARS + digits)}]*+"
_BRACED = rf"\{{{_balanced(_DEPTH)}\}}"
_QUOTED = rf'"(?:[^"{{}}]++|{_BRACED})*+"'
_PART = rf"{_BRACED}|{_QUOTED}|[0-9]++|{_NAME}"
_VALUE = rf"(?:{_PART})(?:\s*+\#\s*+(?:{_PART}))*+"


class _Grammar:
    """The compiled patterns, made on the first scan: a build that reads its bibliography from
    the cache never needs them."""

    def __init__(self) -> None:
        self.head = re.compile(rf"@\s*+({_NAME})\s*+([{{(])")
        self.key = re.compile(r"\s*+([^\s,}]++)")
        self.field = re.compile(rf"\s*+({_NAME})\s*+=\s*+({_VALUE})")
        self.comma = re.compile(r"\s*+,")
        self.close = re.compile(r"\s*+\}")
        self.bodies = {
            "string": re.compile(rf"\s*+{_NAME}\s*+=\s*+{_VALUE}\s*+\}}"),
            "preamble": re.compile(rf"\s*+{_VALUE}\s*+\}}"),
        }
        self.parts = re.compile(rf"\s*+(?:\#\s*+)?({_PART})")


@functools.cache
def _grammar() -> _Grammar:
    return _Grammar()


_BRACE_GROUP = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)  # one per entry: slots halve their memory
class Command:
    """One command of the text. `kind`: 'entry' (clean, left for later), 'string' or
    'preamble' (pybtex parses it now, in order), 'doubt' (pybtex parses from here to the end)."""

    kind: str
    start: int
    end: int
    line: int  # of `start`, counted as pybtex counts
    key: str = ""
    macros: tuple[tuple[str, str], ...] = ()  # the @string macros the entry uses, with values
    indexed: tuple[tuple[str, str], ...] = ()  # INDEXED_FIELDS as pybtex would give them


def scan(text: str, macros: Mapping[str, str]) -> Iterator[Command]:
    """The commands of `text` in order. `macros` is read as the scan goes, so the caller must
    parse each @string it is given before asking for the next command."""
    grammar = _grammar()
    shared: dict[tuple, tuple] = {}  # entries using the same macros share one tuple of them
    pos, line = 0, 1
    while (at := text.find("@", pos)) >= 0:
        line += newlines(text, pos, at)
        head = grammar.head.match(text, at)
        if head is None or head[2] == "(":
            yield Command("doubt", at, len(text), line)
            return
        kind = head[1].lower()
        if kind == "comment":  # pybtex skips only `@comment{`, and reads on from there
            end = head.end()
        else:
            body = grammar.bodies.get(kind)
            if body is not None:
                match = body.match(text, head.end())
                command = Command(kind, at, match.end(), line) if match else None
            else:
                command = _entry(grammar, text, at, head.end(), line, macros, shared)
            if command is None:
                yield Command("doubt", at, len(text), line)
                return
            yield command
            end = command.end
        line += newlines(text, at, end)
        pos = end


def _entry(
    grammar: _Grammar,
    text: str,
    at: int,
    pos: int,
    line: int,
    macros: Mapping[str, str],
    shared: dict[tuple, tuple],
) -> Command | None:
    key = grammar.key.match(text, pos)
    if key is None:
        return None
    pos = key.end()
    seen: set[str] = set()
    used: dict[str, str] = {}
    indexed: list[tuple[str, str]] = []
    while True:  # as pybtex: a field (or none), then a comma to go on
        field = grammar.field.match(text, pos)
        if field is not None:
            pos = field.end()
            name, value = field[1].lower(), field[2]
            if name in seen:  # pybtex would warn of the duplicate
                return None
            seen.add(name)
            # A lone braced or quoted value is taken as written; anything else may use macros.
            plain = value[0] in '{"' and "#" not in value
            if not plain or name in INDEXED_FIELDS or name in PERSON_FIELDS:
                flat = _flatten(grammar, value, macros, used)
                if flat is None or (name in PERSON_FIELDS and not _names_read_cleanly(flat)):
                    return None
                if name in INDEXED_FIELDS:
                    indexed.append((name, flat))
        comma = grammar.comma.match(text, pos)
        if comma is None:
            break
        pos = comma.end()
    close = grammar.close.match(text, pos)
    if close is None:
        return None
    uses = tuple(used.items())
    uses = shared.setdefault(uses, uses)
    return Command("entry", at, close.end(), line, key[1], uses, tuple(indexed))


def field_of(text: str, macros: tuple[tuple[str, str], ...], name: str) -> str:
    """One field of a clean entry (`text`, from its `@`) as pybtex would give it ('' when
    absent), read again from the entry's text: one field without parsing the whole entry."""
    grammar = _grammar()
    head = grammar.head.match(text)
    key = grammar.key.match(text, head.end()) if head else None
    if key is None:
        return ""
    pos = key.end()
    defined = CaseInsensitiveDict(dict(macros))
    while True:  # as in _entry: a field (or none), then a comma to go on
        field = grammar.field.match(text, pos)
        if field is not None:
            if field[1].lower() == name.lower():
                return _flatten(grammar, field[2], defined, {}) or ""
            pos = field.end()
        comma = grammar.comma.match(text, pos)
        if comma is None:
            return ""
        pos = comma.end()


def _flatten(
    grammar: _Grammar, value: str, macros: Mapping[str, str], used: dict[str, str]
) -> str | None:
    """The field's value as pybtex stores it; None when it uses an undefined macro, or one
    that `macros.fits` refuses (pybtex's parse then says so)."""
    parts = []
    length = 0
    fits = getattr(macros, "fits", None)  # the loader's macros; not those of one entry
    for match in grammar.parts.finditer(value):
        part = match[1]
        if part[0] in '{"':
            parts.append(part[1:-1])
        elif part[0] in digits:
            parts.append(part)
        else:
            if part not in macros:  # pybtex would warn of the undefined macro
                return None
            expanded = macros[part]
            if fits is not None and fits(length, expanded) is not None:
                return None
            used[part.lower()] = expanded
            parts.append(expanded)
        length += len(parts[-1])
    return normalize_whitespace("".join(parts))


def _names_read_cleanly(value: str) -> bool:
    """No name of an author/editor list has more than two commas outside braces (pybtex would
    warn "too many commas")."""
    if value.count(",") < 3:
        return True
    while True:
        bare = _BRACE_GROUP.sub("", value)
        if bare == value:
            break
        value = bare
    return all(name.count(",") <= 2 for name in split_name_list(value))


def newlines(text: str, start: int, end: int) -> int:
    """Lines between two offsets, as pybtex's scanner counts them (\\n, \\r and \\r\\n)."""
    newlines = text.count("\n", start, end)
    returns = text.count("\r", start, end)
    return newlines + returns - text.count("\r\n", start, end) if returns else newlines
