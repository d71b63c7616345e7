"""'Did you mean …?' for unknown keys, from an index of the bibliography's keys rather than a
comparison with every one of them: a page of a thousand typos over a bibliography of twenty
thousand entries would otherwise compare twenty million pairs.

Candidates are the keys one edit away, ignoring case (a letter changed, added, dropped, or two
swapped), found through each key's one-letter deletions, and the keys that begin with the
unknown one or that it begins with (`smith2020` for `smith2020a`); difflib ranks them, ignoring
case as keys do (`get_close_matches`, three at most, ratio 0.6). Only the first `LIMIT` distinct
unknown keys of a build get suggestions: past that many the bibliography is likely the wrong one.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable

LIMIT = 100  # distinct unknown keys with suggestions, per build
_NEIGHBOURS = 20  # keys taken on each side in sorted order, for prefixes


class Suggestions:
    """Close matches among `known` (the bibliography's keys, as it writes them)."""

    def __init__(self, known: Iterable[str]) -> None:
        self._known = list(known)
        self._deletions: dict[str, list[str]] | None = None  # made on the first lookup
        self._sorted: list[tuple[str, str]] = []
        self._given: dict[str, list[str]] = {}  # lower-cased unknown key -> its suggestions

    def __call__(self, key: str) -> list[str]:
        lower = key.lower()
        if lower in self._given:
            return self._given[lower]
        if len(self._given) >= LIMIT:
            return []
        candidates = self._candidates(lower)
        close = difflib.get_close_matches(lower, candidates, n=3, cutoff=0.6)
        self._given[lower] = found = [candidates[match] for match in close]
        return found

    def _candidates(self, lower: str) -> dict[str, str]:
        """Lower-cased key -> the key as the bibliography writes it."""
        if self._deletions is None:
            self._index()
        found: dict[str, str] = {}
        for variant in (lower, *_deleted(lower)):
            found.update((written.lower(), written) for written in self._deletions.get(variant, ()))
        at = bisect.bisect_left(self._sorted, (lower, ""))
        for other, written in self._sorted[max(at - _NEIGHBOURS, 0) : at + _NEIGHBOURS]:
            if other.startswith(lower) or lower.startswith(other):
                found[other] = written
        return found

    def _index(self) -> None:
        self._deletions = {}
        for written in self._known:
            lower = written.lower()
            for variant in (lower, *_deleted(lower)):
                self._deletions.setdefault(variant, []).append(written)
        self._sorted = sorted((written.lower(), written) for written in self._known)


def _deleted(word: str) -> set[str]:
    """The word with one letter dropped, each way."""
    return {word[:at] + word[at + 1 :] for at in range(len(word))}
