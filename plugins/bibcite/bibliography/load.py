"""Loads .bib files into an immutable snapshot, turning every pybtex complaint into a `Problem`
with file and line, and caches the snapshot while the files' contents are unchanged.

An entry that the cheap first pass (scan.py) finds clean is parsed by pybtex only when
something reads it: a site that cites a few hundred entries of a bibliography of thousands pays
for those few hundred. Everything else is parsed at once, in file order, as pybtex would.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pybtex.errors
from pybtex.database import BibliographyData, Entry, Person
from pybtex.exceptions import PybtexError

from bibcite.bibliography import scan
from bibcite.bibliography.entries import BibFile, Entries, parse_from
from bibcite.bibliography.errors import KeptMacros, Where, problem, undefined_macros
from bibcite.bibliography.remote import Downloads, is_url
from bibcite.bibliography.zotero import DEFAULT_API, Library, is_zotero
from bibcite.problems import Problem, valid_row

# Where each entry starts: `@article{key,` — a cheap index for line numbers, which pybtex
# does not keep for entries.
# A line starts after \n, \r\n or a lone \r, as pybtex counts lines; an entry may have no fields.
_ENTRY_HEAD = re.compile(r"(?:\A|(?<=[\r\n]))[ \t]*@[ \t]*(\w+)[ \t]*[{(]\s*([^\s,}]+)\s*[,}]")
_NOT_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True, slots=True)  # one per entry: slots halve their memory
class Source:
    """Where an entry was written: the path shown to authors and the line of its `@type{key,`."""

    path: str
    line: int


class SourceColumns(Mapping[str, Source]):
    """Where each entry was written, as the cache on disk keeps it: columns, a `Source` made when
    asked for (reading 5,000 `Source`s back took 7 ms of each cached build; the columns 0.2)."""

    def __init__(
        self, paths: Sequence[str], keys: Sequence[str], files: Sequence[int], lines: Sequence[int]
    ):
        self._paths = paths
        # key -> (index in paths, line)
        self._rows = dict(zip(keys, zip(files, lines, strict=True), strict=True))

    @staticmethod
    def of(sources: Mapping[str, Source]) -> tuple[list[str], list[str], list[int], list[int]]:
        paths = list(dict.fromkeys(source.path for source in sources.values()))
        number = {path: index for index, path in enumerate(paths)}
        files = [number[source.path] for source in sources.values()]
        return paths, list(sources), files, [source.line for source in sources.values()]

    def __getitem__(self, key: str) -> Source:
        path, line = self._rows[key]
        return Source(self._paths[path], line)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class Bibliography:
    entries: Entries  # read in file order; an entry is parsed when first read
    sources: Mapping[str, Source]
    problems: tuple[Problem, ...] = ()
    fingerprint: str = ""
    files: tuple[str, ...] = field(default=())

    @property
    def data(self) -> BibliographyData:
        """pybtex's view of the entries, for styles that follow crossrefs."""
        return self.entries.view  # type: ignore[return-value]  (what styles read of it)

    def where(self, key: str) -> str:
        source = self.sources.get(key)
        return f"{source.path}:{source.line}" if source else key

    @property
    def parsed(self) -> int:
        """How many entries pybtex has parsed so far; the others were never needed."""
        return self.entries.parsed

    def field(self, key: str, name: str) -> str:
        """A field as pybtex gives it ('' when absent), without parsing the entry if it can."""
        return self.entries.field(key, name)


@dataclass(frozen=True)
class _File(BibFile):
    data: bytes = b""
    held: bool = False  # downloaded (remote.py): its text is held, there is no file to read again


def _named(files: Sequence[_File]) -> list[BibFile]:
    """What the entries keep of each file: its name, or all of a downloaded one."""
    return [
        file if file.held else BibFile(file.path, file.shown, file.size, file.mtime_ns)
        for file in files
    ]


def load(paths: Sequence[str], *, encoding: str = "utf-8", base_dir: str = "") -> Bibliography:
    """Read the files in order (the first of two entries with one key wins); a folder is its
    .bib files in name order."""
    return load_files([_read(path, base_dir) for path in expand(paths)], encoding)


def is_remote(item: str) -> bool:
    """Whether a `bibliography` item is fetched (an http(s) address, a Zotero library)."""
    return is_url(item) or is_zotero(item)


def expand(paths: Sequence[str]) -> list[str]:
    """The .bib files the `bibliography` option names: a file as it is, a folder as the `*.bib`
    files directly in it, in name order (hidden files, such as editors' lock files, left out).
    Read when each build starts, so that a file added to the folder under `mkdocs serve` joins."""
    found: list[str] = []
    for path in paths:
        if is_remote(path) or not os.path.isdir(path):
            found.append(path)
            continue
        names = sorted(
            name
            for name in os.listdir(path)
            if name.lower().endswith(".bib") and not name.startswith(".")
        )
        found += [
            os.path.join(path, name) for name in names if os.path.isfile(os.path.join(path, name))
        ]
    return found


def expanded_or_given(paths: Sequence[str]) -> list[str]:
    """`expand(paths)`, or the paths as given when a folder cannot be listed (the build that
    reads them reports why)."""
    try:
        return expand(paths)
    except OSError:
        return list(paths)


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
    named = _named(files)
    entries = Entries(named, encoding, reload=lambda: _entries(named, encoding))
    parser = entries.parser
    parser.macros = macros = KeptMacros(parser.macros)
    by_bytes = _cut_by_bytes(encoding)
    sources: dict[str, Source] = {}
    for index, file in enumerate(files):
        text = _decode(file, encoding, problems)
        if text is None:
            continue
        text, dropped = _without_controls(text, file.shown)
        problems += dropped
        if not by_bytes or dropped or file.held:  # entries are cut from this text, not the file
            entries.texts[index] = text
        heads = _heads(text)
        parser.filename = file.shown
        # pybtex reports recoverable faults through a process-global hook; capture() collects
        # them for this parse only instead of raising (strict) or printing to stderr.
        with pybtex.errors.capture() as captured:
            try:
                _read_commands(entries, index, text, None if index in entries.texts else encoding)
            except PybtexError as error:  # unrecoverable for this file
                captured.append(error)
        where = Where(file.shown, text, heads, entries, dict(sources))
        problems += [problem(error, where) for error in captured]
        problems += undefined_macros(macros.take_undefined(), where)
        for key, line in heads:
            sources.setdefault(key.lower(), Source(file.shown, line))
    return Bibliography(
        entries=entries,
        sources={key: sources[key.lower()] for key in entries if key.lower() in sources},
        problems=tuple(problems),
        fingerprint=fingerprint(files, encoding),
        files=tuple(file.path for file in files),
    )


def _read_commands(entries: Entries, index: int, text: str, encoding: str | None) -> None:
    """Leave each clean entry for later, at its place in the file (in bytes when `encoding`
    is given, else in the text, which is then held); parse the rest now."""
    parser = entries.parser
    chars, bytes_ = 0, 0  # the last place converted, as characters and as bytes
    for command in scan.scan(text, parser.macros):
        if command.kind != "entry":  # a @string or @preamble, or all the rest of the file
            only = command.kind != "doubt"
            parse_from(parser, text, command.start, command.line, macros=parser.macros, only=only)
            continue
        start, end = command.start, command.end
        if encoding is not None:  # one pass over the text, however many entries
            start = bytes_ + len(text[chars : command.start].encode(encoding))
            end = start + len(text[command.start : command.end].encode(encoding))
            chars, bytes_ = command.end, end
        entries.defer(index, command, start, end)


# Encodings in which a part of a file, cut at an ASCII character, decodes on its own: an entry
# can then be read from the file again rather than held in memory as text.
_BYTE_CUTTABLE = {"utf-8", "ascii", "latin-1", "iso8859-15", "cp1252"}


def _cut_by_bytes(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _BYTE_CUTTABLE
    except LookupError:
        return False


def to_index(bibliography: Bibliography) -> dict:
    """What the cache on disk keeps of a snapshot, as JSON data: its keys, the indexed fields and
    the entries parsed at once; not where the others are (reading the files again finds them)."""
    entries = bibliography.entries
    return {
        "files": list(bibliography.files),
        "order": entries.data.order,
        "indexed": entries.data.indexed,
        "parsed": [_entry_row(key, entry) for key, entry in entries.data.entries.items()],
        "sources": SourceColumns.of(bibliography.sources),
        "problems": [problem.row() for problem in bibliography.problems],
    }


def from_index(
    index: dict, files: Sequence[_File], encoding: str, fingerprint: str
) -> Bibliography:
    """The snapshot again, over the same files, from an index that `valid_index` accepted: they
    are read again for the first entry that must be parsed (their problems are the index's
    already); until then not even their places are kept."""
    named = [file if file.held else BibFile(file.path, file.shown) for file in files]
    entries = Entries(named, encoding, reload=lambda: _entries(named, encoding))
    entries.restored = True
    data = entries.data
    data.order, data.indexed = index["order"], index["indexed"]
    data.spelling = {key.lower(): key for key in data.order}
    for row in index["parsed"]:
        data.entries[row[0]] = _entry_from_row(row)
    return Bibliography(
        entries=entries,
        sources=SourceColumns(*index["sources"]),
        problems=tuple(Problem(*row) for row in index["problems"]),
        fingerprint=fingerprint,
        files=tuple(index["files"]),
    )


_NAME_PARTS = ("first_names", "middle_names", "prelast_names", "last_names", "lineage_names")


def _entry_row(key: str, entry: Entry) -> list:
    persons = [
        [role, [[getattr(person, part) for part in _NAME_PARTS] for person in people]]
        for role, people in entry.persons.items()
    ]
    return [key, entry.original_type, list(entry.fields.items()), persons]


def _entry_from_row(row: list) -> Entry:
    key, kind, fields, persons = row
    entry = Entry(kind, fields=fields, persons=[(role, _people(names)) for role, names in persons])
    entry.key = key
    return entry


def _people(rows: list) -> list[Person]:
    people = []
    for parts in rows:
        person = Person()  # parts as parsed: a name string parsed again could split otherwise
        for part, names in zip(_NAME_PARTS, parts, strict=True):
            setattr(person, part, list(names))
        people.append(person)
    return people


def valid_index(index: object) -> bool:
    """Whether data read back from the cache has the shape `to_index` gives it: anything else
    (another version's, a hand edit, a hostile file) is discarded rather than trusted."""
    if not isinstance(index, dict) or set(index) != _INDEX_KEYS:
        return False
    indexed, sources = index["indexed"], index["sources"]
    if not (isinstance(sources, list) and len(sources) == 4):
        return False
    paths, keys, files, lines = sources
    return (
        _all(index["files"], str)
        and _all(index["order"], str)
        and isinstance(indexed, dict)
        and all(isinstance(values, dict) and _text_map(values) for values in indexed.values())
        and isinstance(index["parsed"], list)
        and all(_valid_entry(row) for row in index["parsed"])
        and _all(paths, str)
        and _all(keys, str)
        and _all(files, int)
        and _all(lines, int)
        and len(keys) == len(files) == len(lines)
        and (not files or (min(files) >= 0 and max(files) < len(paths)))
        and isinstance(index["problems"], list)
        and all(valid_row(row) for row in index["problems"])
    )


_INDEX_KEYS = {"files", "order", "indexed", "parsed", "sources", "problems"}


# Type checks by set of types, done in C: an index holds tens of thousands of values, and a
# warm build must stay fast.
def _all(value: object, kind: type) -> bool:
    return isinstance(value, list) and set(map(type, value)) <= {kind}


def _strings(value: object) -> bool:
    return _all(value, str)


def _text_map(value: dict) -> bool:
    return set(map(type, value)) <= {str} and set(map(type, value.values())) <= {str}


def _valid_entry(row: object) -> bool:
    if not (isinstance(row, list) and len(row) == 4):
        return False
    key, kind, fields, persons = row
    return (
        isinstance(key, str)
        and isinstance(kind, str)
        and bool(kind)
        and isinstance(fields, list)
        and all(isinstance(pair, list) and len(pair) == 2 and _strings(pair) for pair in fields)
        and isinstance(persons, list)
        and all(_valid_role(role) for role in persons)
    )


def _valid_role(row: object) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 2
        and isinstance(row[0], str)
        and isinstance(row[1], list)
        and all(
            isinstance(person, list)
            and len(person) == len(_NAME_PARTS)
            and all(_strings(names) for names in person)
            for person in row[1]
        )
    )


def _entries(named: Sequence[BibFile], encoding: str) -> Entries:
    files = [
        file if isinstance(file, _File) and file.held else _read(file.path, "", shown=file.shown)
        for file in named
    ]
    return load_files(files, encoding).entries


def _in_encoding(data: bytes, encoding: str) -> bytes:
    """A Zotero export (always UTF-8) in the encoding every .bib of the site is read in: a
    character that encoding lacks is written as braced LaTeX ("Ł" as "{\\L}"), which is
    decoded again as any .bib's LaTeX is."""
    if codecs.lookup(encoding).name == "utf-8":
        return data
    return data.decode("utf-8", "replace").encode(encoding, errors=_AS_LATEX)


def _as_latex(error: UnicodeError) -> tuple[str, int]:
    import latexcodec  # noqa: F401, PLC0415  (registers the "latex" codec)

    assert isinstance(error, UnicodeEncodeError)
    lacking = error.object[error.start : error.end]
    written = "".join(
        "{" + char.encode("latex", "replace").decode("ascii").strip() + "}" for char in lacking
    )
    return written, error.end


_AS_LATEX = "bibcite-as-latex"
codecs.register_error(_AS_LATEX, _as_latex)


def fingerprint(files: Sequence[_File], encoding: str) -> str:
    digest = hashlib.sha256(encoding.encode())
    for file in files:
        digest.update(file.path.encode() + b"\0" + hashlib.sha256(file.data).digest())
    return digest.hexdigest()


def _read(path: str, base_dir: str, shown: str = "") -> _File:
    shown = shown or (os.path.relpath(path, base_dir) if base_dir else path)
    try:
        with open(path, "rb") as stream:
            status = os.fstat(stream.fileno())
            data = stream.read()
        return _File(path, shown, status.st_size, status.st_mtime_ns, data)
    except OSError as error:  # a failed read() names no file: name it for the message
        error.filename = error.filename or path
        raise


def unreadable(error: OSError, base_dir: str) -> Problem:
    """A .bib file that cannot be read (gone, a folder, no permission), for the host to report:
    `mkdocs build` stops on it; `mkdocs serve` keeps the last good bibliography meanwhile."""
    shown = os.path.relpath(str(error.filename), base_dir or os.curdir)
    if isinstance(error, FileNotFoundError):
        fix = "restore it, or correct its path in the bibcite option 'bibliography'"
    else:
        fix = "check the file named by the bibcite option 'bibliography'"
    what = error.strerror or str(error)
    return Problem("bibfile_error", shown, None, f"cannot read the file: {what}", fix)


def _decode(file: _File, encoding: str, problems: list[Problem]) -> str | None:
    try:
        return file.data.decode(encoding)
    except UnicodeDecodeError as error:
        line = len(re.findall(rb"\r\n?|\n", file.data[: error.start])) + 1
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


# Invisible characters that HTML does not allow (tab, line breaks and form feed are white space).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _without_controls(text: str, shown: str) -> tuple[str, list[Problem]]:
    """The text with its control characters dropped, and one problem saying so at the first."""
    first = _CONTROLS.search(text)
    if first is None:
        return text, []
    found = _CONTROLS.findall(text, first.start())
    codes = ", ".join(f"U+{ord(char):04X}" for char in sorted(set(found))[:3])
    codes += ", ..." if len(set(found)) > 3 else ""
    count = f"{len(found)} control characters" if len(found) > 1 else "a control character"
    problem = Problem(
        "control_character",
        shown,
        scan.newlines(text, 0, first.start()) + 1,
        f"{count} ({codes}) dropped, the first on this line",
        "delete them from the file: they are invisible, and not allowed in HTML",
    )
    return _CONTROLS.sub("", text), [problem]


def _heads(text: str) -> list[tuple[str, int]]:
    heads = []
    line, last = 1, 0
    for match in _ENTRY_HEAD.finditer(text):
        if match[1].lower() in _NOT_ENTRIES:
            continue
        line += scan.newlines(text, last, match.start())
        last = match.start()
        heads.append((match[2], line))
    return heads


class BibliographyCache:
    """Keeps the last parsed snapshot across `mkdocs serve` rebuilds, and on disk across
    processes; re-parses only when a file's bytes, the file list or the encoding changed."""

    def __init__(self) -> None:
        self._last: Bibliography | None = None
        self.downloads = Downloads()
        self.notes: list[Problem] = []  # the last `get`'s warnings about remote bibliographies

    def get(
        self,
        paths: Sequence[str],
        *,
        encoding: str,
        base_dir: str,
        disk=None,
        zotero_api: str = DEFAULT_API,
    ) -> tuple[Bibliography, str]:
        """Return the snapshot and where it came from: 'memory', 'disk' or 'parsed'. An address
        (http or https) or a Zotero library (zotero.py, at `zotero_api`) is fetched, or
        revalidated, through the disk cache (remote.py); its warnings are left in `notes`; one
        that cannot be fetched at all raises RemoteError."""
        self.notes = []
        files = []
        for path in expand(paths):
            if not is_remote(path):
                files.append(_read(path, base_dir))
                continue
            data, notes = self.downloads.get(
                Library(path, zotero_api) if is_zotero(path) else path,
                disk if disk is not None and disk.directory else None,
            )
            self.notes += notes
            if is_zotero(path):
                data = _in_encoding(data, encoding)
            files.append(_File(path, path, len(data), -1, data, held=True))
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
