"""How pybtex's complaints about a .bib file become `Problem`s that name the file, the line and
the fix: a syntax error at the entry it broke, a repeated key or field at the right occurrence,
an undefined @string macro at its use."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pybtex.database import InvalidNameString
from pybtex.database.input.bibtex import DuplicateField
from pybtex.scanner import PybtexSyntaxError
from pybtex.utils import CaseInsensitiveDict

from bibcite.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pybtex.database import Entry

    from bibcite.bibliography.load import Source


# Bounds on what @string macros expand to: 24 macros, each the last one twice, make a few hundred
# bytes of .bib into gigabytes. No real value comes near them.
FIELD_LIMIT = 1_000_000  # characters of one value, its macros expanded
TOTAL_LIMIT = 16_000_000  # characters all the macros used in a bibliography expand to


class MacroTooLong(PybtexSyntaxError):
    """A macro whose value would take a value, or the whole bibliography, past a bound."""

    def __init__(self, name: str, parser, *, limit: int) -> None:
        super().__init__(name, parser)
        self.name, self.limit = name, limit


class KeptMacros(CaseInsensitiveDict):
    """The @string macros. pybtex replaces an undefined one by nothing; here it reads as its own
    name, so the author's text stays visible, and is noted for a warning. A use past a bound
    (`fits`) reads as its name too."""

    def __init__(self, macros) -> None:
        super().__init__(macros)
        self._undefined: list[str] = []
        self.expanded = 0  # characters the macros used so far expanded to
        self._over_total = False

    def fits(self, so_far: int, value: str) -> int | None:
        """None when `value` may follow `so_far` characters of a value (it is then counted),
        else the bound it would pass."""
        if so_far + len(value) > FIELD_LIMIT:
            return FIELD_LIMIT
        if self.expanded + len(value) > TOTAL_LIMIT:
            return TOTAL_LIMIT
        self.expanded += len(value)
        return None

    def to_report(self, limit: int) -> bool:
        """Whether to report a use past `limit`: each one past a value's bound, only the first
        past the total's (every later use is past it too)."""
        if limit != TOTAL_LIMIT:
            return True
        first, self._over_total = not self._over_total, True
        return first

    def __getitem__(self, name: str) -> str:
        try:
            return super().__getitem__(name)
        except KeyError:
            self._undefined.append(name)
            return name

    def take_undefined(self) -> list[str]:
        taken, self._undefined = self._undefined, []
        return taken


# A macro as pybtex reads one: a name (not a number) after `=` or `#`.
_MACRO_USE = re.compile(r"[=#]\s*([^\s\d\"{},#=()%'][^\s\"{},#=()%]*)")


def undefined_macros(names: list[str], where: Where) -> list[Problem]:
    """One problem per use of an undefined macro, at the line of its n-th use in the file (one
    pass over the text, however many uses: a large file may use one macro thousands of times)."""
    if not names:
        return []
    uses: dict[str, list[int]] = {}
    for match in _MACRO_USE.finditer(where.text):
        uses.setdefault(match[1].lower(), []).append(match.start())
    seen: dict[str, int] = {}
    offsets: list[int | None] = []
    for name in names:
        seen[name.lower()] = count = seen.get(name.lower(), 0) + 1
        found = uses.get(name.lower(), [])
        offsets.append(found[count - 1] if len(found) >= count else None)
    return [
        Problem(
            "undefined_macro",
            where.shown,
            where.line_at(offset) if offset is not None else None,
            f"undefined @string macro '{name}'; its name is shown in its place",
            f'define it with @string{{{name} = "..."}} or put the value in braces',
        )
        for name, offset in zip(names, offsets, strict=True)
    ]


_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Where:
    """What a message about one file needs: its text, entry heads, and what was parsed before."""

    shown: str
    text: str
    heads: list[tuple[str, int]]
    entries: Mapping[str, Entry]  # pybtex's (case-insensitive) entries after parsing the file
    earlier: Mapping[str, Source]  # lower-cased key -> source, from the files before this one
    repeats: dict[str, int] = field(default_factory=dict)  # lower-cased key -> repeats so far
    first_line: int = 1  # of `text`, when it is one entry cut from its file

    # Indexes built on the first message that needs them, so that a file with thousands of
    # problems is not scanned once per problem.
    # Lines end as pybtex's scanner ends them: \n, \r\n or a lone \r.
    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in _LINE_BREAK.finditer(self.text)]

    @cached_property
    def _lines(self) -> list[str]:
        return _LINE_BREAK.split(self.text)

    @cached_property
    def _starts(self) -> list[int]:
        return [line for _, line in self.heads]  # in file order, so ascending

    @cached_property
    def _heads_by_key(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for head, line in self.heads:
            index.setdefault(head.lower(), []).append(line)
        return index

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + self.first_line

    def line_of(self, key: str, occurrence: int = 1) -> int | None:
        """The line of the `occurrence`-th entry head with this key (keys ignore case)."""
        lines = self._heads_by_key.get(key.lower(), [])
        return lines[occurrence - 1] if len(lines) >= occurrence else None

    def field_line(self, key: str, name: str) -> int | None:
        """The line of the second `name =` in entry `key` (the entry's when it appears once)."""
        found = self.field_lines(key, name)
        return found[1] if len(found) > 1 else self.line_of(key)

    def field_lines(self, key: str, name: str) -> list[int]:
        """The lines of each `name =` in entry `key`, when they begin a line or follow its head."""
        start = self.line_of(key)
        if start is None:
            return []
        after = bisect.bisect_right(self._starts, start)
        end = self._starts[after] - 1 if after < len(self._starts) else None
        lines = self._lines[start - 1 : end]
        field = re.compile(rf"^[ \t]*(?:@[^,]*,)?[ \t]*{re.escape(name)}[ \t]*=", re.IGNORECASE)
        return [start + index for index, text in enumerate(lines) if field.match(text)]


_REPEATED = re.compile(r"repeated bibliography entry: (.+)$")


def problem(error: Exception, where: Where) -> Problem:
    shown = where.shown
    if isinstance(error, MacroTooLong):
        what = "this value" if error.limit == FIELD_LIMIT else "the bibliography's macros in all"
        return Problem(
            "macro_too_long",
            shown,
            error.lineno,
            f"the @string macro '{error.name}' would make {what} longer than "
            f"{error.limit:,} characters; its name is shown in its place",
            "use each macro once in a value: a macro that holds another twice doubles it",
        )
    if isinstance(error, PybtexSyntaxError):
        return _syntax_problem(error, where)
    if isinstance(error, DuplicateField):
        key, name = _duplicate_field(str(error))
        return Problem(
            "duplicate_field",
            shown,
            where.field_line(key, name),
            f"entry '{key}' has the field '{name}' twice; the first one is used",
            "delete one of them",
        )
    if isinstance(error, InvalidNameString) and hasattr(error, "where"):
        key, name, written = error.where
        lines = where.field_lines(key, name)
        return Problem(
            "bibfile_error",
            shown,
            lines[0] if lines else where.line_of(key),
            f"entry '{key}': the name '{written}' in the {name} field has more than two commas",
            "write each name as 'Last, First' or 'Last, Jr, First', names separated by 'and'",
        )
    repeated = _REPEATED.search(str(error))
    if repeated:
        key = repeated[1]
        # pybtex reports each repeat in file order: the n-th is the key's (n+1)-th head in this
        # file, or its n-th when an earlier file holds the first entry.
        count = where.repeats[key.lower()] = where.repeats.get(key.lower(), 0) + 1
        first = where.earlier.get(key.lower())
        if first is None:
            first_line = where.line_of(key)
            line = where.line_of(key, count + 1) or first_line
            first_at = f"on line {first_line}"
        else:
            line = where.line_of(key, count)
            first_at = f"at {first.path}:{first.line}"
        return Problem(
            "duplicate_key",
            shown,
            line,
            f"the key '{key}' is already used by the entry {first_at} (keys ignore case); "
            "this entry is ignored",
            "give one of the two entries another key",
        )
    return Problem("bibfile_error", shown, None, str(error), "fix the .bib file")


# An entry's head as pybtex reads it, white space (new lines too) allowed around the key.
_COMMAND_HEAD = re.compile(r"@\s*\w+\s*[{(]\s*([^\s,}]+)")


def _syntax_problem(error: PybtexSyntaxError, where: Where) -> Problem:
    # pybtex notices a fault where parsing cannot go on, often lines after the real slip (an
    # unclosed brace); the entry it was reading started at `command_start`.
    start = error.error_context_info[0]
    start_line = where.line_at(start)
    head = _COMMAND_HEAD.match(where.text, start)
    if head is not None and head[1] in where.entries:
        key = head[1]
        what = f"in entry '{key}' (line {start_line}): {error.args[0]}; the entry may be incomplete"
    else:
        what = f"in the entry starting on line {start_line}: {error.args[0]}; the entry is skipped"
    return Problem(
        "bibfile_error",
        where.shown,
        error.lineno,
        f"BibTeX syntax error {what}",
        "check the braces, quotes and commas of that entry",
    )


_DUPLICATE_FIELD = re.compile(r"entry with key (.+) has a duplicate (.+) field")


def _duplicate_field(message: str) -> tuple[str, str]:
    match = _DUPLICATE_FIELD.search(message)
    return (match[1], match[2]) if match else ("?", "?")
