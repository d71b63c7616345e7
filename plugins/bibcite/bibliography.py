"""Loads .bib files into an immutable snapshot, turning every pybtex complaint into a `Problem`
with file and line, and caches the snapshot while the files' contents are unchanged.

An entry that the cheap first pass (bibscan.py) finds clean is parsed by pybtex only when
something reads it: a site that cites a few hundred entries of a bibliography of thousands pays
for those few hundred. Everything else is parsed at once, in file order, as pybtex would.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError, Entry
from pybtex.database.input.bibtex import DuplicateField, LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError
from pybtex.utils import CaseInsensitiveDict

from bibcite import bibscan
from bibcite.log import Problem, report

# Where each entry starts: `@article{key,` — a cheap index for line numbers, which pybtex
# does not keep for entries.
_ENTRY_HEAD = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]\s*([^\s,]+)\s*,", re.MULTILINE)
_NOT_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True, slots=True)  # one per entry: slots halve their memory
class Source:
    """Where an entry was written: the path shown to authors and the line of its `@type{key,`."""

    path: str
    line: int


@dataclass(frozen=True)
class Bibliography:
    entries: Mapping[str, Entry]  # read in file order; an entry is parsed when first read
    sources: Mapping[str, Source]
    problems: tuple[Problem, ...] = ()
    fingerprint: str = ""
    files: tuple[str, ...] = field(default=())
    data: BibliographyData | None = None  # pybtex's view, for styles that follow crossrefs

    def where(self, key: str) -> str:
        source = self.sources.get(key)
        return f"{source.path}:{source.line}" if source else key

    @property
    def parsed(self) -> int:
        """How many entries pybtex has parsed so far; the others were never needed."""
        if isinstance(self.entries, Entries):
            held = {key.lower() for key in self.entries.data.entries}
            return len(held | self.entries.ever_parsed)
        return len(self.entries)

    def field(self, key: str, name: str) -> str:
        """A field as pybtex gives it ('' when absent), without parsing the entry if it can."""
        if isinstance(self.entries, Entries):
            return self.entries.field(key, name)
        entry = self.entries.get(key)
        return entry.fields.get(name, "") if entry is not None else ""


@dataclass(frozen=True)
class _File:
    path: str  # absolute
    shown: str  # as authors see it (relative to mkdocs.yml)
    data: bytes


def load(paths: Sequence[str], *, encoding: str = "utf-8", base_dir: str = "") -> Bibliography:
    """Read the files in order (the first of two entries with one key wins)."""
    return load_files([_read(path, base_dir) for path in paths], encoding)


def load_files(files: Sequence[_File], encoding: str) -> Bibliography:
    with long_lived():
        return _load(files, encoding)


@contextmanager
def long_lived() -> Iterator[None]:
    """For making the many objects of a bibliography, which live as long as the build: the
    cyclic garbage collector would scan them again and again, at a cost that grows with the
    bibliography (a third of a big build). It is paused while they are made, and afterwards they
    are set aside from its scans (`gc.freeze`); an older bibliography set aside before goes back
    to it (`gc.unfreeze`), so a serve session that re-reads the .bib does not keep it."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _load(files: Sequence[_File], encoding: str) -> Bibliography:
    problems: list[Problem] = []
    entries = Entries([file.shown for file in files])
    parser = entries.parser
    parser.macros = macros = _KeptMacros(parser.macros)
    sources: dict[str, Source] = {}
    for index, file in enumerate(files):
        text = _decode(file, encoding, problems)
        if text is None:
            continue
        entries.texts[index] = text
        heads = _heads(text)
        parser.filename = file.shown
        # pybtex reports recoverable faults through a process-global hook; capture() collects
        # them for this parse only instead of raising (strict) or printing to stderr.
        with pybtex.errors.capture() as captured:
            try:
                _read_commands(entries, index, text)
            except PybtexError as error:  # unrecoverable for this file
                captured.append(error)
        where = _Where(file.shown, text, heads, entries, dict(sources))
        problems += [_problem(error, where) for error in captured]
        problems += _undefined_macros(macros.take_undefined(), where)
        for key, line in heads:
            sources.setdefault(key.lower(), Source(file.shown, line))
    return Bibliography(
        entries=entries,
        sources={key: sources[key.lower()] for key in entries if key.lower() in sources},
        problems=tuple(problems),
        fingerprint=fingerprint(files, encoding),
        files=tuple(file.path for file in files),
        data=entries.view,
    )


def _read_commands(entries: Entries, index: int, text: str) -> None:
    parser = entries.parser
    for command in bibscan.scan(text, parser.macros):
        if command.kind == "entry":
            entries.defer(index, command)
        else:  # a @string or @preamble (just that one), or all the rest of a doubtful file
            _parse(parser, text, command, macros=parser.macros, only=command.kind != "doubt")


def _parse(parser: Parser, text: str, command: bibscan.Command, *, macros, only: bool) -> None:
    """pybtex's own parse of `text` from `command` on (as Parser.parse_string, from an offset, so
    that its messages keep the file's lines and offsets)."""
    scanner = LowLevelParser(
        text, handle_error=parser.handle_error, filename=parser.filename, macros=macros
    )
    scanner.pos, scanner.lineno = command.start, command.line
    for entry_type, body in scanner:
        kind = entry_type.lower()
        if kind == "preamble":
            parser.process_preamble(*body)
        elif kind != "string":
            parser.process_entry(entry_type, *body)
        if only:
            return


class _Data(BibliographyData):
    """pybtex's entries so far, told about the entries left for later, so that a repeated key is
    reported as pybtex reports one whichever of the two was parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: dict[str, tuple[int, bibscan.Command]] = {}  # lower-cased key ->
        self.order: list[str] = []  # every key, in file order
        self.keys: set[str] = set()  # every key, lower-cased
        self.indexed: dict[str, dict[str, str]] = {}  # INDEXED_FIELDS name -> lower key -> value
        self.parsing: str | None = None  # the deferred key being parsed now

    def add_entry(self, key: str, entry: Entry) -> None:
        if self.parsing is None and key.lower() in self.deferred:
            pybtex.errors.report_error(BibliographyDataError(f"repeated bibliography entry: {key}"))
            return
        new = self.parsing is None and key not in self.entries
        super().add_entry(key, entry)  # pybtex reports a repeat of a parsed entry itself
        if new:
            self.order.append(key)
            self.keys.add(key.lower())


class Entries(Mapping):
    """Every entry of the bibliography, case-insensitively by key, in file order; one left for
    later is parsed by pybtex the first time it is read. Restored from the cache on disk, it
    knows only the keys and indexed fields, and reads the files again on the first entry asked
    for (`reload`)."""

    # An entry parsed on demand is kept while it is one of the last KEPT read: a build reads
    # each entry about once (its formatted reference is kept instead), and a site citing
    # thousands of entries should not hold thousands of pybtex entries in memory.
    KEPT = 64

    def __init__(self, shown: Sequence[str], reload: Callable[[], Entries] | None = None) -> None:
        self.shown = list(shown)
        self.texts: dict[int, str] = {}  # each file's text, by its place in the list
        self.ever_parsed: set[str] = set()  # lower-cased keys parsed on demand
        self._kept: dict[str, None] = {}  # of those, the ones still held, oldest first
        self._watcher: Callable[[str, Entry], None] | None = None
        self.parser = Parser()
        self.parser.data = self.data = _Data()
        self.parser.unnamed_entry_counter = 1
        self.view = _View(self)
        self._reload = reload

    def defer(self, index: int, command: bibscan.Command) -> None:
        key = command.key
        if key.lower() in self.data.keys:
            pybtex.errors.report_error(BibliographyDataError(f"repeated bibliography entry: {key}"))
            return
        self.data.deferred[key.lower()] = (index, command)
        self.data.order.append(key)
        self.data.keys.add(key.lower())
        for name, value in command.indexed:
            self.data.indexed.setdefault(name, {})[key.lower()] = value

    def __getitem__(self, key: str) -> Entry:
        if not isinstance(key, str):
            raise KeyError(key)
        try:
            return self.data.entries[key]
        except KeyError:
            if key.lower() not in self.data.keys:
                raise
        if self._reload is not None and key.lower() not in self.data.deferred:
            self._adopt(self._reload())
        return self._parse(*self.data.deferred[key.lower()])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self.data.keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.data.order)

    def __len__(self) -> int:
        return len(self.data.order)

    def field(self, key: str, name: str) -> str:
        unparsed = key.lower() in self.data.keys and key not in self.data.entries
        if unparsed and name in bibscan.INDEXED_FIELDS:
            return self.data.indexed.get(name, {}).get(key.lower(), "")
        deferred = self.data.deferred.get(key.lower()) if unparsed else None
        if deferred is not None and name not in bibscan.PERSON_FIELDS:  # from the entry's text
            index, command = deferred
            return bibscan.field_of(self.texts[index], command, name)
        entry = self.get(key)
        return entry.fields.get(name, "") if entry is not None else ""

    def watch(self, watcher: Callable[[str, Entry], None]) -> None:
        """Call `watcher(key, entry)` for each entry parsed on demand from now on, while it is
        at hand (what needs every entry once can take it then rather than parse it again). One
        watcher, the current build's: a serve rebuild's replaces the one before."""
        self._watcher = watcher

    def _adopt(self, loaded: Entries) -> None:
        self.parser, self.data, self.texts = loaded.parser, loaded.data, loaded.texts
        self._reload = None

    def _parse(self, index: int, command: bibscan.Command) -> Entry:
        self.parser.filename = self.shown[index]
        macros = CaseInsensitiveDict(dict(command.macros))  # as they were at the entry
        self.data.parsing = command.key
        try:
            with pybtex.errors.capture() as captured:
                _parse(self.parser, self.texts[index], command, macros=macros, only=True)
        finally:
            self.data.parsing = None
        if captured:  # the first pass let through an entry pybtex finds fault with
            where = _Where(self.shown[index], self.texts[index], [], self, {})
            report([_problem(error, where) for error in captured])
        entry = self.data.entries[command.key]
        self._keep(command.key.lower())
        if self._watcher is not None:
            self._watcher(command.key, entry)
        return entry

    def _keep(self, key: str) -> None:
        self.ever_parsed.add(key)
        self._kept[key] = None
        if len(self._kept) > self.KEPT:
            oldest = next(iter(self._kept))
            del self._kept[oldest]
            del self.data.entries[oldest]  # parsed again, from its place, if read again


def to_index(bibliography: Bibliography) -> dict:
    """What the cache on disk keeps of a snapshot: its keys, the indexed fields and the entries
    parsed at once; not where the others are (reading the files again finds them)."""
    entries = bibliography.entries
    assert isinstance(entries, Entries)
    return {
        "fingerprint": bibliography.fingerprint,
        "files": list(bibliography.files),
        "shown": entries.shown,
        "order": entries.data.order,
        "indexed": entries.data.indexed,
        "parsed": dict(entries.data.entries),
        "sources": dict(bibliography.sources),
        "problems": list(bibliography.problems),
    }


def from_index(index: dict, files: Sequence[_File], encoding: str) -> Bibliography:
    """The snapshot again, over the same files: they are read again for the first entry that
    must be parsed (their problems are the index's already); until then their bytes are not
    kept."""
    named = [(file.path, file.shown) for file in files]
    entries = Entries(index["shown"], reload=lambda: _entries(named, encoding))
    data = entries.data
    data.order, data.indexed = index["order"], index["indexed"]
    data.keys = {key.lower() for key in data.order}
    for key, entry in index["parsed"].items():
        data.entries[key] = entry
    return Bibliography(
        entries=entries,
        sources=index["sources"],
        problems=tuple(index["problems"]),
        fingerprint=index["fingerprint"],
        files=tuple(index["files"]),
        data=entries.view,
    )


def _entries(named: Sequence[tuple[str, str]], encoding: str) -> Entries:
    files = []
    for path, shown in named:
        with open(path, "rb") as stream:
            files.append(_File(path, shown, stream.read()))
    loaded = load_files(files, encoding).entries
    assert isinstance(loaded, Entries)
    return loaded


class _View:
    """pybtex's BibliographyData as a style reads it (`entries`, for crossrefs)."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries


class _KeptMacros(CaseInsensitiveDict):
    """The @string macros. pybtex replaces an undefined one by nothing; here it reads as its own
    name, so the author's text stays visible, and is noted for a warning."""

    def __init__(self, macros) -> None:
        super().__init__(macros)
        self._undefined: list[str] = []

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


def _undefined_macros(names: list[str], where: _Where) -> list[Problem]:
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


def fingerprint(files: Sequence[_File], encoding: str) -> str:
    digest = hashlib.sha256(encoding.encode())
    for file in files:
        digest.update(file.path.encode() + b"\0" + hashlib.sha256(file.data).digest())
    return digest.hexdigest()


def _read(path: str, base_dir: str) -> _File:
    shown = os.path.relpath(path, base_dir) if base_dir else path
    try:
        with open(path, "rb") as stream:
            return _File(path=path, shown=shown, data=stream.read())
    except OSError as error:  # a failed read() names no file: name it for the message
        error.filename = error.filename or path
        raise


def _decode(file: _File, encoding: str, problems: list[Problem]) -> str | None:
    try:
        return file.data.decode(encoding)
    except UnicodeDecodeError as error:
        line = file.data[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                "encoding_error",
                file.shown,
                line,
                f"cannot be read as {encoding} (byte 0x{file.data[error.start]:02x})",
                "save the file as UTF-8, or set the bibcite option `encoding` "
                "to the file's encoding (e.g. latin-1)",
            )
        )
    except LookupError:
        problems.append(
            Problem(
                "encoding_error",
                file.shown,
                None,
                f"unknown encoding '{encoding}'",
                "set the bibcite option `encoding` to a Python codec name such as utf-8",
            )
        )
    return None


def _heads(text: str) -> list[tuple[str, int]]:
    heads = []
    line, last = 1, 0
    for match in _ENTRY_HEAD.finditer(text):
        if match[1].lower() in _NOT_ENTRIES:
            continue
        line += text.count("\n", last, match.start())
        last = match.start()
        heads.append((match[2], line))
    return heads


@dataclass(frozen=True)
class _Where:
    """What a message about one file needs: its text, entry heads, and what was parsed before."""

    shown: str
    text: str
    heads: list[tuple[str, int]]
    entries: Mapping[str, Entry]  # pybtex's (case-insensitive) entries after parsing the file
    earlier: Mapping[str, Source]  # lower-cased key -> source, from the files before this one
    repeats: dict[str, int] = field(default_factory=dict)  # lower-cased key -> repeats so far

    # Indexes built on the first message that needs them, so that a file with thousands of
    # problems is not scanned once per problem.
    @cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.text)]

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

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
        return bisect.bisect_left(self._newlines, offset) + 1

    def line_of(self, key: str, occurrence: int = 1) -> int | None:
        """The line of the `occurrence`-th entry head with this key (keys ignore case)."""
        lines = self._heads_by_key.get(key.lower(), [])
        return lines[occurrence - 1] if len(lines) >= occurrence else None

    def field_line(self, key: str, name: str) -> int | None:
        """The line of the second `name =` in entry `key` (the first when it appears once)."""
        start = self.line_of(key)
        if start is None:
            return None
        after = bisect.bisect_right(self._starts, start)
        end = self._starts[after] - 1 if after < len(self._starts) else None
        lines = self._lines[start - 1 : end]
        field = re.compile(rf"^[ \t]*(?:@[^,]*,)?[ \t]*{re.escape(name)}[ \t]*=", re.IGNORECASE)
        found = [start + index for index, text in enumerate(lines) if field.match(text)]
        return found[1] if len(found) > 1 else start


_REPEATED = re.compile(r"repeated bibliography entry: (.+)$")


def _problem(error: Exception, where: _Where) -> Problem:
    shown = where.shown
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


def _syntax_problem(error: PybtexSyntaxError, where: _Where) -> Problem:
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


class BibliographyCache:
    """Keeps the last parsed snapshot across `mkdocs serve` rebuilds, and on disk across
    processes; re-parses only when a file's bytes, the file list or the encoding changed."""

    def __init__(self) -> None:
        self._last: Bibliography | None = None

    def get(
        self, paths: Sequence[str], *, encoding: str, base_dir: str, disk=None
    ) -> tuple[Bibliography, str]:
        """Return the snapshot and where it came from: 'memory', 'disk' or 'parsed'."""
        files = [_read(path, base_dir) for path in paths]
        key = fingerprint(files, encoding)
        if self._last is not None and self._last.fingerprint == key:
            return self._last, "memory"
        stored = disk.load_bibliography(key, files, encoding) if disk is not None else None
        if stored is not None and stored.files == tuple(file.path for file in files):
            self._last = stored
            return stored, "disk"
        self._last = load_files(files, encoding)
        if disk is not None:
            disk.save_bibliography(self._last)
        return self._last, "parsed"
