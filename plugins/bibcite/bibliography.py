"""Loads .bib files with pybtex into an immutable snapshot, turning every pybtex complaint into
a `Problem` with file and line, and caches the snapshot while the files' contents are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pybtex.errors
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import DuplicateField, Parser, UndefinedMacro
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError

from bibcite.log import Problem

# Where each entry starts: `@article{key,` — a cheap index for line numbers, which pybtex
# does not keep for entries.
_ENTRY_HEAD = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^\s,]+)[ \t]*,", re.MULTILINE)
_NOT_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True)
class Source:
    """Where an entry was written: the path shown to authors and the line of its `@type{key,`."""

    path: str
    line: int


@dataclass(frozen=True)
class Bibliography:
    entries: Mapping[str, Entry]
    sources: Mapping[str, Source]
    problems: tuple[Problem, ...] = ()
    fingerprint: str = ""
    files: tuple[str, ...] = field(default=())

    def where(self, key: str) -> str:
        source = self.sources.get(key)
        return f"{source.path}:{source.line}" if source else key


@dataclass(frozen=True)
class _File:
    path: str  # absolute
    shown: str  # as authors see it (relative to mkdocs.yml)
    data: bytes


def load(paths: Sequence[str], *, encoding: str = "utf-8", base_dir: str = "") -> Bibliography:
    """Parse the files in order (the first of two entries with one key wins)."""
    files = [_read(path, base_dir) for path in paths]
    problems: list[Problem] = []
    parser = Parser(encoding=encoding)
    sources: dict[str, Source] = {}
    for file in files:
        text = _decode(file, encoding, problems)
        if text is None:
            continue
        heads = _heads(text)
        parser.filename = file.shown
        # pybtex reports recoverable faults through a process-global hook; capture() collects
        # them for this parse only instead of raising (strict) or printing to stderr.
        with pybtex.errors.capture() as captured:
            try:
                parser.parse_string(text)
            except PybtexError as error:  # unrecoverable for this file
                captured.append(error)
        problems += [_problem(error, file.shown, heads) for error in captured]
        for key, line in heads:
            sources.setdefault(key, Source(file.shown, line))
    data: BibliographyData = parser.data
    return Bibliography(
        entries=MappingProxyType(dict(data.entries)),
        sources=MappingProxyType({key: sources[key] for key in data.entries if key in sources}),
        problems=tuple(problems),
        fingerprint=fingerprint(files, encoding),
        files=tuple(file.path for file in files),
    )


def fingerprint(files: Sequence[_File], encoding: str) -> str:
    digest = hashlib.sha256(encoding.encode())
    for file in files:
        digest.update(file.path.encode() + b"\0" + hashlib.sha256(file.data).digest())
    return digest.hexdigest()


def _read(path: str, base_dir: str) -> _File:
    shown = os.path.relpath(path, base_dir) if base_dir else path
    with open(path, "rb") as stream:
        return _File(path=path, shown=shown, data=stream.read())


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


def _line_of(key: str, heads: list[tuple[str, int]], occurrence: int = 1) -> int | None:
    lines = [line for head, line in heads if head.lower() == key.lower()]
    return lines[occurrence - 1] if len(lines) >= occurrence else None


_REPEATED = re.compile(r"repeated bibliography entry: (.+)$")


def _problem(error: Exception, shown: str, heads: list[tuple[str, int]]) -> Problem:
    if isinstance(error, UndefinedMacro):
        return Problem(
            "undefined_macro",
            shown,
            error.lineno,
            f"undefined @string macro '{error.args[0]}'; its text is left out",
            f"define it with @string{{{error.args[0]} = \"...\"}} or put the value in braces",
        )
    if isinstance(error, PybtexSyntaxError):
        return Problem(
            "bibfile_error",
            shown,
            error.lineno,
            f"BibTeX syntax error: {error.args[0]}; the entry is skipped",
            "check the braces, quotes and commas of the entry on this line",
        )
    if isinstance(error, DuplicateField):
        key, name = _duplicate_field(str(error))
        return Problem(
            "duplicate_field",
            shown,
            _line_of(key, heads),
            f"entry '{key}' has the field '{name}' twice; the first one is used",
            "delete one of them",
        )
    repeated = _REPEATED.search(str(error))
    if repeated:
        key = repeated[1]
        line = _line_of(key, heads, 2) or _line_of(key, heads)
        return Problem(
            "duplicate_key",
            shown,
            line,
            f"the key '{key}' is used by another entry already; this one is ignored",
            "give one of the two entries another key",
        )
    return Problem("bibfile_error", shown, None, str(error), "fix the .bib file")


_DUPLICATE_FIELD = re.compile(r"entry with key (.+) has a duplicate (.+) field")


def _duplicate_field(message: str) -> tuple[str, str]:
    match = _DUPLICATE_FIELD.search(message)
    return (match[1], match[2]) if match else ("?", "?")


class BibliographyCache:
    """Keeps the last parsed snapshot across `mkdocs serve` rebuilds; re-parses only when
    a file's bytes, the file list or the encoding changed."""

    def __init__(self) -> None:
        self._last: Bibliography | None = None

    def get(self, paths: Sequence[str], *, encoding: str, base_dir: str) -> tuple[Bibliography, bool]:
        """Return the snapshot and whether it was reused."""
        files = [_read(path, base_dir) for path in paths]
        key = fingerprint(files, encoding)
        if self._last is not None and self._last.fingerprint == key:
            return self._last, True
        self._last = load(paths, encoding=encoding, base_dir=base_dir)
        return self._last, False
