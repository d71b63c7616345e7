"""The plugin's one logger and the shape of its messages: `file:line: what [category] — how to fix`.

Core modules return `Problem`s; only the plugin logs them, so `mkdocs build --strict` counts
every warning and the core stays testable without MkDocs' logging.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("bibcite")


@dataclass(frozen=True)
class Problem:
    """An author-facing problem. `category` is one of a fixed vocabulary, e.g. `key_not_found`,
    `bibfile_error`, `duplicate_key`, `duplicate_field`, `undefined_macro`, `missing_field`,
    `encoding_error`, `style_error`, `duplicate_marker`; from `diagnostics`:
    `duplicate_doi`, `unprotected_capitals`, `never_cited` (debug)."""

    category: str
    where: str
    line: int | None
    message: str
    fix: str = ""
    level: int = logging.WARNING

    def row(self) -> tuple:
        """Its fields in order, for the cache on disk (`Problem(*row)` makes it again); much
        cheaper than dataclasses.astuple, which copies deeply."""
        return (self.category, self.where, self.line, self.message, self.fix, self.level)

    def __str__(self) -> str:
        location = f"{self.where}:{self.line}" if self.line else self.where
        fix = f" — {self.fix}" if self.fix else ""
        return f"{location}: {self.message} [{self.category}]{fix}"


_warned = [0]  # the plugin's warnings since the last `take_warning_count()`


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        log.log(problem.level, "%s", problem)  # formatted only if shown: most are debug
        if problem.level >= logging.WARNING:
            _warned[0] += 1


def take_warning_count() -> int:
    """The warnings reported since the last call: each build's summary line counts its own."""
    count, _warned[0] = _warned[0], 0
    return count
