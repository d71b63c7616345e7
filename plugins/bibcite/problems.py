"""The one logger and the shape of every message: `file:line: what [category] — how to fix`.

Core modules return `Problem`s and a host reports them. The logger lives under
`mkdocs.plugins.`, where MkDocs counts warnings for `--strict`, and needs no MkDocs import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass


class _Prefixed(logging.LoggerAdapter):
    """Every message starts with "bibcite: ", as MkDocs' own plugin loggers do."""

    def process(self, msg, kwargs):
        return f"bibcite: {msg}", kwargs


log = _Prefixed(logging.getLogger("mkdocs.plugins.bibcite"), {})


@dataclass(frozen=True)
class Problem:
    """An author-facing problem. `category` is one of a fixed vocabulary, e.g. `key_not_found`,
    `bibfile_error`, `duplicate_key`, `duplicate_field`, `undefined_macro`, `macro_too_long`,
    `missing_field`, `encoding_error`, `control_character`, `style_error`, `duplicate_marker`,
    `cache_folder`, `front_matter`, `list_block_error`;
    from `diagnostics`: `duplicate_doi`, `unprotected_capitals`, `never_cited` (debug)."""

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


# The type of each value of a row, in order; `line` may be None.
_ROW = (str, str, (int, type(None)), str, str, int)


def valid_row(row: object) -> bool:
    """Whether data read back from the cache is a `Problem.row()` (as JSON gives it back)."""
    return (
        isinstance(row, list | tuple)
        and len(row) == len(_ROW)
        and all(
            isinstance(value, kind) and not isinstance(value, bool)
            for value, kind in zip(row, _ROW, strict=True)
        )
    )


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
