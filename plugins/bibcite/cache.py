"""The on-disk cache (`.cache/bibcite/` next to mkdocs.yml by default): the parsed bibliography and
every formatted reference, each stored under a key made of everything that produced it (the .bib
files' bytes and encoding; plus the style and its options), so a new process skips that work while
nothing changed and never sees a stale entry. A file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from types import MappingProxyType

from pybtex.database import BibliographyData, Entry

from bibcite.bibliography import Bibliography, long_lived
from bibcite.formatting import Reference
from bibcite.log import Problem, log

# Bump when what is stored changes shape: older files are then simply not found.
FORMAT = "2"
_INDEX_FIELDS = {"fingerprint", "keys", "sources", "problems", "files"}


class DiskCache:
    def __init__(self, directory: str | None) -> None:
        self.directory = directory  # None: caching on disk is off

    def load_bibliography(
        self, fingerprint: str, reparse: Callable[[], BibliographyData]
    ) -> Bibliography | None:
        """The snapshot stored for these .bib contents. Its pybtex entries stay on disk until
        something reads one: a build whose references are all cached never loads them.
        `reparse` stands in should the stored entries turn out unreadable by then."""
        index = self._read(_name("bibliography", fingerprint, ".pickle"), pickle.loads)
        if not isinstance(index, dict) or index.get("fingerprint") != fingerprint:
            return None
        if not index.keys() >= _INDEX_FIELDS:  # written by another version: parse again
            return None
        entries_name = _name("entries", fingerprint, ".pickle")
        data = _Deferred(lambda: self._read(entries_name, _unpickle), reparse)
        return Bibliography(
            entries=LazyEntries(index["keys"], data),
            sources=MappingProxyType(index["sources"]),
            problems=tuple(index["problems"]),
            fingerprint=fingerprint,
            files=tuple(index["files"]),
            data=data,  # type: ignore[arg-type]  (stands in for BibliographyData)
        )

    def save_bibliography(self, bibliography: Bibliography) -> None:
        fingerprint = bibliography.fingerprint
        entries = pickle.dumps(bibliography.data, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(_name("entries", fingerprint, ".pickle"), entries, "entries-")
        index = {
            "fingerprint": fingerprint,
            "keys": list(bibliography.entries),
            "sources": dict(bibliography.sources),
            "problems": list(bibliography.problems),
            "files": list(bibliography.files),
        }
        index_bytes = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(_name("bibliography", fingerprint, ".pickle"), index_bytes, "bibliography-")

    def load_references(self, signature: tuple) -> dict[str, tuple[Reference, list[Problem]]]:
        stored = self._read(_name("references", repr(signature), ".json"), json.loads)
        if not isinstance(stored, dict) or stored.get("signature") != repr(signature):
            return {}
        try:
            return {
                key: (Reference(**item["reference"]), [Problem(**p) for p in item["problems"]])
                for key, item in stored["references"].items()
            }
        except (TypeError, KeyError, AttributeError):
            return {}

    def save_references(
        self, signature: tuple, done: Mapping[str, tuple[Reference, list[Problem]]]
    ) -> None:
        stored = {
            "signature": repr(signature),
            "references": {
                key: {"reference": asdict(ref), "problems": [asdict(p) for p in problems]}
                for key, (ref, problems) in done.items()
            },
        }
        name = _name("references", repr(signature), ".json")
        self._write(name, json.dumps(stored, ensure_ascii=False).encode(), "references-")

    def remember(self, family: str, key: str, make: Callable[[], object]) -> object:
        """`make()`'s JSON-serialisable result, stored under `key`; made again when it is not
        there (or not readable). One stored result per family."""
        name = _name(family, key, ".json")
        stored = self._read(name, json.loads)
        if isinstance(stored, dict) and stored.get("key") == key:
            return stored["value"]
        value = make()
        self._write(name, json.dumps({"key": key, "value": value}).encode(), f"{family}-")
        return value

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
        """Write atomically, and drop this family's older files (another .bib or style)."""
        if self.directory is None:
            return
        try:
            os.makedirs(self.directory, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, delete=False) as stream:
                stream.write(data)
            os.replace(stream.name, os.path.join(self.directory, name))
            for old in os.listdir(self.directory):
                if old.startswith(family) and old != name:
                    os.remove(os.path.join(self.directory, old))
        except OSError as error:  # a read-only checkout still builds, just without the cache
            log.debug("cannot write the cache in %s: %s", self.directory, error)


def _name(family: str, key: str, suffix: str) -> str:
    return f"{family}-{hashlib.sha256((FORMAT + key).encode()).hexdigest()[:32]}{suffix}"


def _unpickle(data: bytes) -> BibliographyData:
    with long_lived():  # as when parsing: many objects, all of them kept
        return pickle.loads(data)


class _Deferred:
    """pybtex's BibliographyData, read from disk on first use (attribute access passes through)."""

    def __init__(
        self, load: Callable[[], object], reparse: Callable[[], BibliographyData]
    ) -> None:
        self._load = load
        self._reparse = reparse
        self._data: BibliographyData | None = None

    def get(self) -> BibliographyData:
        if self._data is None:
            data = self._load()
            if not isinstance(data, BibliographyData):  # missing or corrupt: parse again
                log.debug("cached entries unreadable; parsing the bibliography again")
                data = self._reparse()
            self._data = data
        return self._data

    def __getattr__(self, name: str):
        return getattr(self.get(), name)


class LazyEntries(Mapping):
    """The bibliography's keys at once; an entry itself only when it is read."""

    def __init__(self, keys: list[str], data: _Deferred) -> None:
        self._keys = keys
        self._lower = {key.lower() for key in keys}
        self._data = data

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lower

    def __getitem__(self, key: str) -> Entry:
        if key not in self:
            raise KeyError(key)
        return self._data.get().entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
