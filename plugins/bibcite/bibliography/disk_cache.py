"""The on-disk cache (`.cache/bibcite/` next to mkdocs.yml by default): the bibliography's index
(where each entry is, and the entries parsed at once) and every formatted reference, each stored
under a key made of everything that produced it (the .bib files' bytes and encoding; plus the
style and its options), so a new process skips that work while nothing changed and never sees a
stale entry.

The cache lives in a folder of its own, `bibcite/` under the `cache_dir` option, marked by a
CACHEDIR.TAG; `files.json` there lists the files it wrote, the only ones it ever replaces or
deletes. A folder of that name that it did not make is left alone, and the cache is off.

Everything stored is data, never code: JSON, whose last line seals it with the sha256 of the
format, the whole key and the JSON before it. A cache may come from elsewhere (CI restores
`.cache/` from an earlier run), so a file is used only when its seal matches its key and its
content passes its schema; paths in it must stay inside their folders. Anything else is logged
at debug, ignored and written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from bibcite.bibliography.load import Bibliography, from_index, long_lived, to_index, valid_index
from bibcite.problems import Problem, log, valid_row
from bibcite.styles.formatter import Reference

if TYPE_CHECKING:
    from bibcite.bibliography.load import _File

# Bump when what is stored changes shape: older files then fail their seal, and are made again.
FORMAT = "9"

# Opened without following a link, and without waiting on a FIFO: a cache file is a plain file.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class _Rejected(Exception):
    """A cache file that is not what this cache writes: why, for the debug log."""


class DiskCache:
    def __init__(self, directory: str | None, *, shown: str = "") -> None:
        """`directory`: the cache's own folder (`folder()`), None to keep nothing on disk;
        `shown`: that folder as messages name it."""
        self.directory = directory  # None: caching on disk is off
        self._owned: dict[str, None] | None = None  # the files it wrote, once known
        self._problems: list[Problem] = []
        if directory is not None and not _ours_or_free(directory):
            self.directory = None
            self._problems.append(_not_ours(shown or directory))

    def problems(self) -> list[Problem]:
        return list(self._problems)

    # --- the stored values -----------------------------------------------------------------

    def load_bibliography(
        self, fingerprint: str, files: Sequence[_File], encoding: str
    ) -> Bibliography | None:
        """The snapshot stored for these .bib contents; its entries are parsed from the files'
        bytes when read, as after a parse."""
        with long_lived():  # as when parsing: many objects, all of them kept
            index = self.read("bibliography", fingerprint, valid_index)
            return None if index is None else from_index(index, files, encoding, fingerprint)

    def save_bibliography(self, bibliography: Bibliography) -> None:
        index = json.dumps(to_index(bibliography), ensure_ascii=False)
        self.write("bibliography", bibliography.fingerprint, [index])

    def load_references(self, signature: tuple) -> dict[str, tuple[Reference, list[Problem]]]:
        with long_lived():  # kept for the build, like the bibliography
            rows = self.read("references", repr(signature), _valid_references)
            if rows is None:
                return {}
            return {
                key: (Reference(key, html, text, label), [Problem(*p) for p in problems])
                for key, html, text, label, problems in rows
            }

    def save_references(
        self, signature: tuple, done: Mapping[str, tuple[Reference, list[Problem]]]
    ) -> None:
        # Rows of values, encoded piece by piece: a copy of thousands of references (as dicts,
        # then as one JSON string) would be the build's largest moment of memory.
        rows = [
            [ref.key, ref.html, ref.text, ref.label, [p.row() for p in problems]]
            for ref, problems in done.values()
        ]
        chunks = json.JSONEncoder(ensure_ascii=False).iterencode(rows)
        self.write("references", repr(signature), chunks)

    def remember(
        self, family: str, key: str, make: Callable[[], object], valid: Callable[[object], bool]
    ) -> object:
        """`make()`'s JSON-serialisable result (never None), stored under `key`; made again when
        what is stored is missing or not `valid`. One stored result per family."""
        stored = self.read(family, key, valid)
        if stored is not None:
            return stored
        value = make()
        self.write(family, key, json.JSONEncoder(ensure_ascii=False).iterencode(value))
        return value

    def stored_files(self, family: str, key: str) -> list[tuple[str, str]] | None:
        """The files stored under `key` by `store_files`: (their name, the cache file holding the
        text), to be copied rather than read into memory; None when not all of them are there,
        unchanged."""
        listing = self.read(family, key, _valid_listing)
        if listing is None or self.directory is None:
            return None
        files = []
        for number, (name, digest, size) in enumerate(listing):
            held = os.path.join(self.directory, _held(family, key, number))
            try:
                _check_held(held, digest, size)
            except (OSError, _Rejected) as error:
                log.debug("cache file %s ignored (%s); it is made again", held, error)
                return None
            files.append((name, held))
        return files

    def store_files(
        self, family: str, key: str, files: Sequence[tuple[str, Iterable[str]]]
    ) -> None:
        """Keep each (name, text in parts) under `key`: the texts first, then the list of their
        names and checksums."""
        listing = []
        for number, (name, parts) in enumerate(files):
            held = _held(family, key, number)
            written = self._write_chunks(held, parts, family, hashlib.sha256())
            if written is None:
                return
            listing.append([name, *written])
        self.write(family, key, [json.dumps(listing, ensure_ascii=False)])

    # --- sealed files ----------------------------------------------------------------------

    def read(
        self, family: str, key: str, valid: Callable[[object], bool], *, name: str = ""
    ) -> object | None:
        """The value stored under `key`, when its seal holds for this key and `valid(value)`;
        else None."""
        if self.directory is None:
            return None
        path = os.path.join(self.directory, name or _name(family, key))
        try:
            value = _unseal(_read_plain(path), key)
            if not valid(value):
                raise _Rejected("its content has another shape")
            return value
        except FileNotFoundError:
            return None
        except (OSError, ValueError, _Rejected) as error:  # ValueError: not JSON, not UTF-8
            log.debug("cache file %s ignored (%s); it is made again", path, error)
            return None

    def write(self, family: str, key: str, chunks: Iterable[str]) -> None:
        """Store the JSON text given in `chunks` under `key`, sealed."""
        self._write_chunks(_name(family, key), chunks, family, _seal_digest(key), seal=True)

    def _write_chunks(
        self,
        name: str,
        chunks: Iterable[bytes | str],
        family: str,
        digest: hashlib._Hash,
        *,
        seal: bool = False,
    ) -> tuple[str, int] | None:
        """Write atomically, and drop this family's older files (another .bib or style); the
        sha256 and size of what was written, or None when it could not be."""
        if self.directory is None:
            return None
        try:
            owned = self._claim()
            if name not in owned and os.path.lexists(os.path.join(self.directory, name)):
                raise _Rejected(f"{name} is there, and the cache did not write it")
            written = self._replace(name, chunks, digest, seal=seal)
            owned[name] = None
            stem = name.split(".")[0]  # a family's files for one key share it
            for old in [old for old in owned if old.startswith(f"{family}-")]:
                if not old.startswith(stem):
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(os.path.join(self.directory, old))
                    del owned[old]
            listing = json.dumps(sorted(owned))
            self._replace(_OWNED, [listing], _seal_digest(_OWNED), seal=True)
            return written
        except (OSError, _Rejected) as error:  # a read-only checkout builds, without the cache
            log.debug("cannot write the cache in %s: %s", self.directory, error)
            return None

    def _claim(self) -> dict[str, None]:
        """The files the cache wrote in its folder, the folder made and marked first."""
        if self._owned is not None:
            return self._owned
        assert self.directory is not None
        os.makedirs(self.directory, exist_ok=True)
        marker = os.path.join(self.directory, MARKER)
        if _marked(marker):
            listed = self.read("files", _OWNED, _valid_owned, name=_OWNED)
            if listed is None:  # lost: in its own folder, the names it gives are its files
                listed = [n for n in os.listdir(self.directory) if _OWN_NAME.fullmatch(n)]
            names = listed
        else:
            names = _earlier(self.directory)
            if names is None:  # another process's files came in meanwhile
                raise _Rejected("the folder is not the cache's")
            for name in names:
                if _TEMPORARY.fullmatch(name):  # left by a process that ended while writing
                    os.remove(os.path.join(self.directory, name))
            with open(marker, "x", encoding="utf-8") as stream:
                stream.write(_MARKER_TEXT)
        self._owned = dict.fromkeys(name for name in names if _OWN_NAME.fullmatch(name))
        return self._owned

    def _replace(
        self, name: str, chunks: Iterable[bytes | str], digest: hashlib._Hash, *, seal: bool
    ) -> tuple[str, int]:
        assert self.directory is not None
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            size = 0
            with open(handle, "wb") as stream:
                for chunk in chunks:
                    data = chunk.encode() if isinstance(chunk, str) else chunk
                    digest.update(data)
                    size += stream.write(data)
                if seal:
                    stream.write(b"\n" + _seal_line(digest.hexdigest()))
            os.replace(temporary, os.path.join(self.directory, name))
            temporary = None
            return digest.hexdigest(), size
        finally:
            # Whatever stopped the write (a failed replace, a full disk, an error while the
            # chunks were made), its temporary file would stay for good: one per file per build.
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.remove(temporary)


def folder(cache_dir: str | None, base_dir: str) -> str:
    """The cache's own folder: `bibcite/` under the `cache_dir` option (default `.cache`),
    relative to the folder of mkdocs.yml."""
    return os.path.join(base_dir, cache_dir or ".cache", "bibcite")


def opened(cache_dir: str | None, base_dir: str) -> DiskCache:
    """The cache in its own folder under the `cache_dir` option, as both hosts open it."""
    directory = folder(cache_dir, base_dir)
    return DiskCache(directory, shown=os.path.relpath(directory, base_dir or os.curdir))


def misplaced(
    cache_dir: str | None,
    base_dir: str,
    *,
    docs_dir: str,
    site_dir: str,
    bibliography: Sequence[str],
) -> str | None:
    """What is wrong with the `cache_dir` option, as the message after "option 'cache_dir': ",
    or None: the cache must not be published, nor share a folder with the bibliography."""
    option = cache_dir or ".cache"
    if "\0" in option:  # no folder can have it; os calls would raise ValueError
        return f"{option!r} holds a NUL character — set cache_dir to a folder, e.g. .cache"
    chosen = os.path.realpath(os.path.join(base_dir, option))
    own = os.path.join(chosen, "bibcite")
    shown = _shown(chosen, base_dir)
    fix = "e.g. .cache (the default)"
    for name, published, why in (
        ("docs_dir", docs_dir, "so the site would publish the cache"),
        ("site_dir", site_dir, "which each build empties and publishes"),
    ):
        top = os.path.realpath(published)
        if _within(own, top):
            return (
                f"'{shown}' is inside {name} ('{_shown(top, base_dir)}'), {why} — set cache_dir "
                f"to a folder outside {name}, {fix}"
            )
    for path in bibliography:
        bib = os.path.realpath(path)
        holder = bib if os.path.isdir(bib) else os.path.dirname(bib)  # a folder of .bib files
        if holder == chosen or _within(bib, own):
            return (
                f"'{shown}' holds the bibliography ('{_shown(bib, base_dir)}'), and the cache "
                f"needs a folder of its own — set cache_dir to another folder, {fix}"
            )
    return None


def _within(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _shown(path: str, base_dir: str) -> str:
    return os.path.relpath(path, os.path.realpath(base_dir or os.curdir)).replace(os.sep, "/")


# --- the folder the cache owns ---------------------------------------------------------------

# The Cache Directory Tagging convention (https://bford.info/cachedir/): backup tools skip the
# folder, and the cache knows it for its own.
MARKER = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_MARKER_TEXT = f"{_SIGNATURE}\n# bibcite's cache (https://bford.info/cachedir/): delete at will.\n"
_OWNED = "files.json"
# The names it gives its files; `.pickle`, an index of an earlier format, is dropped like the
# family's other old files.
# A remote bibliography's family carries its address's hash (remote.py: one family per address).
_OWN_NAME = re.compile(r"[a-z]+(?:-[0-9a-f]{16})?-[0-9a-f]{32}(?:\.\d+\.txt|\.json|\.pickle)")
_TEMPORARY = re.compile(r"(?:\.tmp-|tmp)[a-z0-9_]{8}")


def _marked(marker: str) -> bool:
    try:
        return _read_plain(marker).startswith(_SIGNATURE.encode())
    except (OSError, _Rejected):
        return False


def _earlier(directory: str) -> list[str] | None:
    """A folder without the marker holding only names the cache gives its files (its files of
    any format, its temporary files) is one it made before it marked its folders: those names;
    None for a folder holding anything else."""
    names = os.listdir(directory)
    if all(_OWN_NAME.fullmatch(name) or _TEMPORARY.fullmatch(name) for name in names):
        return names
    return None


def _ours_or_free(directory: str) -> bool:
    """Whether the cache may use this folder: none yet, its own, or one it may take over."""
    if not os.path.lexists(directory):
        return True
    if os.path.islink(directory) or not os.path.isdir(directory):
        return False
    try:
        return _marked(os.path.join(directory, MARKER)) or _earlier(directory) is not None
    except OSError:
        return False


def _not_ours(shown: str) -> Problem:
    return Problem(
        "cache_folder",
        shown,
        None,
        f"not bibcite's cache (no {MARKER}) and not empty; the cache is off, and nothing in the "
        "folder is touched",
        "set the bibcite option cache_dir to another folder, or empty this one",
    )


def _name(family: str, key: str, suffix: str = ".json") -> str:
    return f"{family}-{hashlib.sha256((FORMAT + key).encode()).hexdigest()[:32]}{suffix}"


def _held(family: str, key: str, number: int) -> str:
    return _name(family, key, f".{number}.txt")


def _seal_digest(key: str) -> hashlib._Hash:
    # The whole key, not only the 128 bits of it in the file's name.
    return hashlib.sha256(f"bibcite cache {FORMAT}\0{key}\0".encode())


def _seal_line(checksum: str) -> bytes:
    return json.dumps({"bibcite": FORMAT, "sha256": checksum}).encode()


def _unseal(data: bytes, key: str) -> object:
    # JSON as json.dumps writes it holds no line break: the seal is the text after the last one.
    body, newline, seal = data.rpartition(b"\n")
    if not newline:
        raise _Rejected("no seal")
    digest = _seal_digest(key)
    digest.update(body)
    if seal != _seal_line(digest.hexdigest()):
        raise _Rejected("its seal does not match: another key or version, or changed since")
    return json.loads(body)


def _read_plain(path: str) -> bytes:
    handle = os.open(path, _OPEN_FLAGS)
    with open(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise _Rejected("not a plain file")
        return stream.read()


def _check_held(path: str, checksum: str, size: int) -> None:
    """A stored text is published as it is: it must be the very file written, not a link to
    another, nor changed since."""
    handle = os.open(path, _OPEN_FLAGS)
    with open(handle, "rb") as stream:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size != size:
            raise _Rejected("not the file written")
        digest = hashlib.sha256()
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
        if digest.hexdigest() != checksum:
            raise _Rejected("changed since it was written")


# --- schemas: what each family's file holds --------------------------------------------------


def _valid_references(rows: object) -> bool:
    # By columns, each type checked in C: a build reading thousands of references from the
    # cache should not spend longer checking them than reading them.
    if not isinstance(rows, list) or not set(map(type, rows)) <= {list}:
        return False
    if not set(map(len, rows)) <= {5}:
        return False
    if not rows:
        return True
    *texts, problems = zip(*rows, strict=True)
    return (
        all(set(map(type, column)) <= {str} for column in texts)
        and set(map(type, problems)) <= {list}
        and all(valid_row(problem) for listed in problems for problem in listed)
    )


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _valid_listing(listing: object) -> bool:
    return isinstance(listing, list) and all(
        isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], str)
        and inside(row[0])
        and isinstance(row[1], str)
        and _SHA256.fullmatch(row[1]) is not None
        and type(row[2]) is int
        for row in listing
    )


def _valid_owned(names: object) -> bool:
    return isinstance(names, list) and all(
        isinstance(name, str) and _OWN_NAME.fullmatch(name) for name in names
    )


_PART = re.compile(r"[^/\\\0:]+")


def inside(path: str) -> bool:
    """Whether a relative path written with '/' stays inside the folder it is joined to (no
    '..', no absolute path, no drive, no backslash)."""
    parts = path.split("/")
    return all(_PART.fullmatch(part) and part not in (".", "..") for part in parts)
