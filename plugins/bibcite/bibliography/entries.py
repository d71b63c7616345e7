"""The bibliography's entries, as a mapping that parses each with pybtex when it is first read,
from the place the first pass (scan.py) found it: the file is read again there, so its text
is not held through the build. Only the last few entries parsed are held; one read again is
parsed again.
"""

from __future__ import annotations

import ast
import os
import re
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError, Entry, InvalidNameString
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.textutils import normalize_whitespace

from bibcite.bibliography import scan
from bibcite.bibliography.errors import KeptMacros, MacroTooLong, Where, problem
from bibcite.problems import Problem, report


@dataclass(frozen=True)
class BibFile:
    """A .bib file as it was read: where, as authors see it, and how to tell it changed since."""

    path: str
    shown: str
    size: int = -1
    mtime_ns: int = -1


@dataclass(frozen=True, slots=True)  # one per unparsed entry
class Place:
    """Where an unparsed entry is: bytes `start:end` of file number `file` (or characters of
    its text, when that is held), its first line, the @string macros it uses."""

    file: int
    start: int
    end: int
    line: int
    key: str
    macros: tuple[tuple[str, str], ...]


class FileChanged(Exception):
    """A .bib file changed after it was read: its places no longer hold."""


class _Scanner(LowLevelParser):
    """pybtex's scanner, with each macro's use bounded by `KeptMacros.fits`."""

    _length = 0  # of the value being read, so far

    def parse_value(self) -> None:
        self._length = 0
        super().parse_value()

    def parse_value_part(self) -> str:
        part = super().parse_value_part()
        self._length += len(part)
        return part

    def substitute_macro(self, name: str) -> str:
        value = super().substitute_macro(name)
        limit = self.macros.fits(self._length, value)
        if limit is None:
            return value
        if self.macros.to_report(limit):
            self.handle_error(MacroTooLong(name, self, limit=limit))
        return name


def parse_from(
    parser: Parser, text: str, start: int, line: int, *, macros: KeptMacros, only: bool
) -> None:
    """pybtex's own parse of `text` from offset `start` (which is on `line`), as
    Parser.parse_string does it; `only`: just the first command."""
    scanner = _Scanner(
        text, handle_error=parser.handle_error, filename=parser.filename, macros=macros
    )
    scanner.pos, scanner.lineno = start, line
    for entry_type, body in scanner:
        kind = entry_type.lower()
        if kind == "preamble":
            parser.process_preamble(*body)
        elif kind != "string":
            _process_entry(parser, entry_type, *body)
        if only:
            return


def _process_entry(parser: Parser, entry_type: str, key: str, fields: list) -> None:
    """pybtex's, with the key and field told to each name it finds fault with: pybtex's message
    names neither (nor a line)."""
    captured = pybtex.errors.captured_errors
    before = len(captured) if captured is not None else 0
    parser.process_entry(entry_type, key, fields)
    entry = parser.data.entries.get(key) if isinstance(key, str) else None
    if entry is not None:
        _unwrap_urls(entry)
    for error in (captured or [])[before:]:
        if isinstance(error, InvalidNameString):
            name = ast.literal_eval(str(error).removeprefix("Too many commas in "))
            error.where = (key, _person_field(parser, fields, name), name)


# `url = {\url{https://...}}`, as Citavi and some journals export it.
_WRAPPED_URL = re.compile(r"\s*\\url\s*\{([^{}]*)\}\s*", re.IGNORECASE)


def _unwrap_urls(entry: Entry) -> None:
    """A `url` field that wraps its URL in `\\url{...}` reads as the URL."""
    value = entry.fields.get("url")
    if value is not None:
        match = _WRAPPED_URL.fullmatch(value)
        if match:
            entry.fields["url"] = match[1]


def _person_field(parser: Parser, fields: list, name: str) -> str:
    """The first person field (author, editor) of an entry that holds the name."""
    for field_name, parts in fields:
        if field_name in parser.person_fields and name in normalize_whitespace("".join(parts)):
            return field_name.lower()
    return "author"


class Data(BibliographyData):
    """pybtex's entries so far, told about the entries left for later, so that a repeated key is
    reported as pybtex reports one whichever of the two was parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: dict[str, Place] = {}  # lower-cased key -> where the entry is
        self.order: list[str] = []  # every key, in file order
        self.spelling: dict[str, str] = {}  # every key, lower-cased -> as the file writes it
        self.indexed: dict[str, dict[str, str]] = {}  # INDEXED_FIELDS name -> lower key -> value
        self.parsing = False  # a deferred entry is being parsed now

    def add_entry(self, key: str, entry: Entry) -> None:
        if not self.parsing and key.lower() in self.deferred:
            pybtex.errors.report_error(BibliographyDataError(f"repeated bibliography entry: {key}"))
            return
        new = not self.parsing and key not in self.entries
        super().add_entry(key, entry)  # pybtex reports a repeat of a parsed entry itself
        if new:
            self.order.append(key)
            self.spelling[key.lower()] = key


class Entries(Mapping):
    """Every entry of the bibliography, case-insensitively by key, in file order. Restored from
    the cache on disk it knows only the keys and indexed fields; `reload` reads the files again
    then, or when one changed since it was read."""

    # An entry parsed on demand is kept while it is one of the last KEPT read: a build reads
    # each entry about once (its formatted reference is kept instead), and a site citing
    # thousands of entries should not hold thousands of pybtex entries in memory.
    KEPT = 64

    def __init__(
        self,
        files: Sequence[BibFile],
        encoding: str,
        reload: Callable[[], Entries] | None = None,
    ) -> None:
        self.files = list(files)
        self.encoding = encoding
        self.texts: dict[int, str] = {}  # the texts held (an encoding not cut by bytes)
        self._streams: dict[int, BinaryIO] = {}  # each file, open for reading entries again
        self.ever_parsed: set[str] = set()  # lower-cased keys parsed on demand
        self._kept: dict[str, None] = {}  # of those, the ones still held, oldest first
        self._watcher: Callable[[str, Entry], None] | None = None
        self.parser = Parser()
        self.parser.data = self.data = Data()
        self.parser.unnamed_entry_counter = 1
        self.view = View(self)
        self._reload = reload
        self.restored = False  # from the cache: knows keys, not places

    def defer(self, file: int, command: scan.Command, start: int, end: int) -> None:
        """Leave a clean entry for later, at `start:end` of its file (see Place)."""
        key, lower = command.key, command.key.lower()
        if lower in self.data.spelling:
            pybtex.errors.report_error(BibliographyDataError(f"repeated bibliography entry: {key}"))
            return
        self.data.deferred[lower] = Place(file, start, end, command.line, key, command.macros)
        self.data.order.append(key)
        self.data.spelling[lower] = key
        for name, value in command.indexed:
            self.data.indexed.setdefault(name, {})[lower] = value

    def __getitem__(self, key: str) -> Entry:
        if not isinstance(key, str):
            raise KeyError(key)
        try:
            return self.data.entries[key]
        except KeyError:
            if key.lower() not in self.data.spelling:
                raise
        return self._again(key, lambda: self._parse(self.data.deferred[key.lower()]), Entry("misc"))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self.data.spelling

    def __iter__(self) -> Iterator[str]:
        return iter(self.data.order)

    def __len__(self) -> int:
        return len(self.data.order)

    @property
    def spelling(self) -> Mapping[str, str]:
        """Lower-cased key -> the key as the bibliography writes it (keys are case-insensitive)."""
        return self.data.spelling

    @property
    def parsed(self) -> int:
        """How many entries pybtex has parsed so far (at once, or on demand since)."""
        return len({key.lower() for key in self.data.entries} | self.ever_parsed)

    def field(self, key: str, name: str) -> str:
        """A field as pybtex gives it ('' when absent), without parsing the entry if it can."""
        lower = key.lower()
        unparsed = lower in self.data.spelling and key not in self.data.entries
        if unparsed and name in scan.INDEXED_FIELDS:
            return self.data.indexed.get(name, {}).get(lower, "")
        if unparsed and name not in scan.PERSON_FIELDS:
            place = self.data.deferred.get(lower)
            if place is not None:
                read = lambda: scan.field_of(self._text(place), place.macros, name)  # noqa: E731
                return self._again(key, read, "")
        entry = self.get(key)
        return entry.fields.get(name, "") if entry is not None else ""

    def watch(self, watcher: Callable[[str, Entry], None]) -> None:
        """Call `watcher(key, entry)` for each entry parsed on demand from now on, while it is
        at hand (what needs every entry once can take it then rather than parse it again). One
        watcher, the current build's: a serve rebuild's replaces the one before."""
        self._watcher = watcher

    def _again(self, key: str, read, lost):
        """`read()`, after reading the files again if this knows no places (restored from the
        cache) or a file changed since; `lost`, with a warning, should the entry still not be
        where the files were just read to put it (a file changing under the build)."""
        if self.restored and self._reload is not None:
            self._adopt(self._reload())
        place = self.data.deferred.get(key.lower())
        shown = self.files[place.file].shown if place else ", ".join(f.shown for f in self.files)
        try:
            return read()
        except (FileChanged, KeyError):  # KeyError: not in the files read again
            if self._reload is not None:
                self._adopt(self._reload())
                try:
                    return read()
                except (FileChanged, KeyError):
                    pass
        report([_lost(key, shown)])
        return lost

    def _adopt(self, loaded: Entries) -> None:
        self.parser, self.data = loaded.parser, loaded.data
        self.files, self.texts = loaded.files, loaded.texts
        for stream in self._streams.values():
            stream.close()
        self._streams, self.restored = {}, False

    def _text(self, place: Place) -> str:
        if place.file in self.texts:
            return self.texts[place.file][place.start : place.end]
        file = self.files[place.file]
        stream = self._streams.get(place.file)
        if stream is None:  # kept open: a build reads hundreds of entries from it
            stream = self._streams[place.file] = open(file.path, "rb")  # noqa: SIM115
            weakref.finalize(self, stream.close)
        status = os.fstat(stream.fileno())
        if (status.st_size, status.st_mtime_ns) != (file.size, file.mtime_ns):
            raise FileChanged(file.path)
        stream.seek(place.start)
        return stream.read(place.end - place.start).decode(self.encoding)

    def _parse(self, place: Place) -> Entry:
        text = self._text(place)
        self.parser.filename = shown = self.files[place.file].shown
        macros = KeptMacros(dict(place.macros))  # as they were at the entry
        self.data.parsing = True
        try:
            with pybtex.errors.capture() as captured:
                parse_from(self.parser, text, 0, place.line, macros=macros, only=True)
        finally:
            self.data.parsing = False
        if place.key not in self.data.entries:  # not the entry found there: the file changed
            raise FileChanged(self.files[place.file].path)
        if captured:  # the first pass let through an entry pybtex finds fault with
            where = Where(shown, text, [], self, {}, first_line=place.line)
            report([problem(error, where) for error in captured])
        entry = self.data.entries[place.key]
        self._keep(place.key.lower())
        if self._watcher is not None:
            self._watcher(place.key, entry)
        return entry

    def _keep(self, key: str) -> None:
        self.ever_parsed.add(key)
        self._kept[key] = None
        if len(self._kept) > self.KEPT:
            oldest = next(iter(self._kept))
            del self._kept[oldest]
            del self.data.entries[oldest]  # parsed again, from its place, if read again


def _lost(key: str, shown: str) -> Problem:
    return Problem(
        "bibfile_error",
        shown,
        None,
        f"the entry '{key}' could not be read: the .bib changed while the site was built",
        "build again (`mkdocs serve` does so by itself)",
    )


class View:
    """pybtex's BibliographyData as a style reads it (`entries`, for crossrefs)."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries
