"""The on-disk cache (`.cache/bibcite/` next to mkdocs.yml by default): the bibliography's index
(where each entry is, and the entries parsed at once) and every formatted reference, each stored
under a key made of everything that produced it (the .bib files' bytes and encoding; plus the
style and its options), so a new process skips that work while nothing changed and never sees a
stale entry. A file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from bibcite.bibliography.load import Bibliography, from_index, long_lived, to_index
from bibcite.problems import Problem, log
from bibcite.styles.formatter import Reference

if TYPE_CHECKING:
    from bibcite.bibliography.load import _File

# Bump when what is stored changes shape: older files are then simply not found.
FORMAT = "8"


class DiskCache:
    def __init__(self, directory: str | None) -> None:
        self.directory = directory  # None: caching on disk is off

    def load_bibliography(
        self, fingerprint: str, files: Sequence[_File], encoding: str
    ) -> Bibliography | None:
        """The snapshot stored for these .bib contents; its entries are parsed from the files'
        bytes when read, as after a parse."""
        index = self._read(_name("bibliography", fingerprint, ".pickle"), _unpickle)
        if not isinstance(index, dict) or index.get("fingerprint") != fingerprint:
            return None
        try:
            return from_index(index, files, encoding)
        except (KeyError, TypeError, AttributeError, ValueError):  # another version's shape
            return None

    def save_bibliography(self, bibliography: Bibliography) -> None:
        index = pickle.dumps(to_index(bibliography), protocol=pickle.HIGHEST_PROTOCOL)
        self._write(
            _name("bibliography", bibliography.fingerprint, ".pickle"), index, "bibliography-"
        )

    def load_references(self, signature: tuple) -> dict[str, tuple[Reference, list[Problem]]]:
        stored = self._read(_name("references", repr(signature), ".json"), json.loads)
        if not isinstance(stored, dict) or stored.get("signature") != repr(signature):
            return {}
        try:
            with long_lived():  # kept for the build, like the bibliography
                return {
                    key: (Reference(key, html, text, label), [Problem(*p) for p in problems])
                    for key, html, text, label, problems in stored["references"]
                }
        except (TypeError, KeyError, ValueError):
            return {}

    def save_references(
        self, signature: tuple, done: Mapping[str, tuple[Reference, list[Problem]]]
    ) -> None:
        # Rows of values, encoded piece by piece: a copy of thousands of references (as dicts,
        # then as one JSON string) would be the build's largest moment of memory.
        stored = {
            "signature": repr(signature),
            "references": [
                [ref.key, ref.html, ref.text, ref.label, [p.row() for p in problems]]
                for ref, problems in done.values()
            ],
        }
        chunks = json.JSONEncoder(ensure_ascii=False).iterencode(stored)
        self._write_chunks(_name("references", repr(signature), ".json"), chunks, "references-")

    def remember(self, family: str, key: str, make: Callable[[], object]) -> object:
        """`make()`'s JSON-serialisable result, stored under `key`; made again when it is not
        there (or not readable). One stored result per family."""
        name = _name(family, key, ".json")
        stored = self._read(name, json.loads)
        if isinstance(stored, dict) and stored.get("key") == key:
            return stored["value"]
        value = make()
        chunks = json.JSONEncoder().iterencode({"key": key, "value": value})
        self._write_chunks(name, chunks, f"{family}-")
        return value

    def stored_files(self, family: str, key: str) -> list[tuple[str, str]] | None:
        """The files stored under `key` by `store_files`: (their name, the cache file holding the
        text), to be copied rather than read into memory; None when not all of them are there."""
        manifest = self._read(_name(family, key, ".json"), json.loads)
        if not isinstance(manifest, dict) or manifest.get("key") != key or self.directory is None:
            return None
        try:
            files = [(name, os.path.join(self.directory, held)) for name, held in manifest["files"]]
        except (KeyError, TypeError, ValueError):
            return None
        return files if all(os.path.isfile(held) for _, held in files) else None

    def store_files(
        self, family: str, key: str, files: Sequence[tuple[str, Iterable[str]]]
    ) -> None:
        """Keep each (name, text in parts) under `key`, the texts first and the list of them
        last."""
        stem = _name(family, key, "")
        held = []
        for number, (name, parts) in enumerate(files):
            self._write_chunks(f"{stem}.{number}.txt", parts, f"{family}-")
            held.append([name, f"{stem}.{number}.txt"])
        manifest = json.dumps({"key": key, "files": held}).encode()
        self._write(_name(family, key, ".json"), manifest, f"{family}-")

    def _read(self, name: str, decode):
        if self.directory is None:
            return None
        path = os.path.join(self.directory, name)
        try:
            with open(path, "rb") as stream:
                return decode(stream.read())
        except FileNotFoundError:
            return None
        except Exception as error:  # a corrupt or foreign file: rebuilt, never fatal
            log.debug("cache file %s unreadable (%s); rebuilding it", path, error)
            return None

    def _write(self, name: str, data: bytes, family: str) -> None:
        self._write_chunks(name, [data], family)

    def _write_chunks(self, name: str, chunks: Iterable[bytes | str], family: str) -> None:
        """Write atomically, and drop this family's older files (another .bib or style)."""
        if self.directory is None:
            return
        temporary = None
        try:
            os.makedirs(self.directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with open(handle, "wb") as stream:
                for chunk in chunks:
                    stream.write(chunk.encode() if isinstance(chunk, str) else chunk)
            os.replace(temporary, os.path.join(self.directory, name))
            temporary = None
            stem = name.split(".")[0]  # a family's files for one key share it
            for old in os.listdir(self.directory):
                if old.startswith(family) and not old.startswith(stem):
                    os.remove(os.path.join(self.directory, old))
        except OSError as error:  # a read-only checkout still builds, just without the cache
            log.debug("cannot write the cache in %s: %s", self.directory, error)
        finally:
            # Whatever stopped the write (a failed replace, a full disk, an error while the
            # chunks were made), its temporary file would stay for good: one per file per build.
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.remove(temporary)


def _name(family: str, key: str, suffix: str) -> str:
    return f"{family}-{hashlib.sha256((FORMAT + key).encode()).hexdigest()[:32]}{suffix}"


def _unpickle(data: bytes) -> object:
    with long_lived():  # as when parsing: many objects, all of them kept
        return pickle.loads(data)
