# Author diagnostics, once per build after every page is parsed: pure functions returning Problems.
"""What an author should know about their bibliography and citations, beyond hard errors.

- entries never cited: debug, one per entry (a count goes in the summary line);
- the same DOI under two keys: a warning naming both entries' file:line;
- titles whose capitals a title-re-casing style would lose without braces ("MSC", "CD137L"):
  a warning when the configured style re-cases titles (pybtex's `plain`, `unsrt`, `alpha`, ...),
  debug otherwise (`vancouver` prints titles as written, so nothing is lost on this site, but the
  .bib file would lose them in another tool or style);
- the per-build summary line.

Unknown keys and missing fields are found where they arise (`registry`, `formatting`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from bibcite.problems import Problem, valid_row

if TYPE_CHECKING:
    from bibcite.bibliography.disk_cache import DiskCache
    from bibcite.bibliography.load import Bibliography
    from bibcite.citations.registry import CitationRegistry, Numbering
    from bibcite.citations.site import ResolvedSite

__all__ = [
    "Counts",
    "Diagnosis",
    "breaking",
    "check",
    "counts",
    "duplicate_dois",
    "kept_bibliography",
    "lost_capitals",
    "never_cited",
    "recases_titles",
    "same_files",
    "summary",
    "summary_line",
    "unbraced_capitals",
    "uncited",
]

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# A word whose capitals are not just its first letter: an acronym (MSC, CD137L, COVID-19) or a
# word with inner capitals (mRNA, IgG4, 4-1BB). Ordinary capitalised words ("Hodgkin",
# "Non-Hodgkin") are left alone: telling proper nouns from title case is beyond this check.
_TOKEN = re.compile(r"(?<![\\\w-])\w[\w-]*")
_CAPITALS = re.compile(r"(?:[A-Z]\w*[A-Z]|[a-z0-9]\w*[A-Z])\w*")


def recases_titles(style: type | None) -> bool:
    """Whether a pybtex style (its class) changes the case of titles: pybtex's own `unsrt`
    family does (sentence case); a style may say so itself with a `recases_titles` attribute."""
    if style is None:  # a CSL style: citeproc recases only what the style asks, as it says
        return False
    declared = getattr(style, "recases_titles", None)
    if declared is not None:
        return bool(declared)
    from pybtex.style.formatting.unsrt import Style as Recasing  # only for styles that do not say

    return issubclass(style, Recasing)


class Diagnosis(NamedTuple):
    problems: list[Problem]  # those at a level the log shows
    never_cited: int  # for the summary line, shown or not


def check(
    site: ResolvedSite,
    disk: DiskCache | None = None,
    *,
    shown: Callable[[int], bool] = lambda level: True,
) -> Diagnosis:
    """Every diagnostic of one build, in a stable order. They read every entry, so they are
    kept on disk for as long as the bibliography, the style's casing and the cited keys last.
    Only those at a level `shown` are made into Problems: one per entry never cited is at debug
    level, which a build rarely shows."""
    bibliography, cited = site.formatter.bibliography, site.numbering.site.keys()
    recasing = recases_titles(site.formatter.style_class)

    def run() -> list[tuple]:
        found = (
            duplicate_dois(bibliography)
            + lost_capitals(bibliography, cited, recasing=recasing)
            + never_cited(bibliography, cited)
        )
        return [problem.row() for problem in found]

    if disk is None:
        rows = run()
    else:
        key = repr((bibliography.fingerprint, recasing, sorted(cited)))
        rows = disk.remember("diagnostics", key, run, _valid_rows)
    # Problem.row(): the category first, the level last.
    return Diagnosis(
        [Problem(*row) for row in rows if shown(row[-1])],
        sum(row[0] == "never_cited" for row in rows),
    )


def _valid_rows(rows: object) -> bool:
    return isinstance(rows, list) and all(valid_row(row) for row in rows)


def uncited(bibliography: Bibliography, cited: Iterable[str]) -> list[str]:
    """Entries neither cited nor inherited from (`crossref`) by a cited entry."""
    used = {key.lower() for key in cited}
    used |= {
        bibliography.field(key, "crossref").lower()
        for key in bibliography.entries
        if key.lower() in used
    }
    return [key for key in bibliography.entries if key.lower() not in used]


def never_cited(bibliography: Bibliography, cited: Iterable[str]) -> list[Problem]:
    return [
        _at(
            bibliography,
            key,
            "never_cited",
            f"entry '{key}' is never cited",
            "cite it, or remove it from the bibliography",
            logging.DEBUG,
        )
        for key in uncited(bibliography, cited)
    ]


def normal_doi(value: str) -> str:
    """A DOI as written (braces, escapes, resolver prefixes) → its comparable form (DOIs
    ignore case)."""
    raw = re.sub(r"\\([_%&#$~])", r"\1", value).replace("{", "").replace("}", "").strip()
    return _DOI_PREFIX.sub("", raw).strip().lower()


def duplicate_dois(bibliography: Bibliography) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for key in bibliography.entries:
        doi = normal_doi(bibliography.field(key, "doi"))
        if not doi:
            continue
        if doi not in first:
            first[doi] = key
            continue
        other = first[doi]
        problems.append(
            _at(
                bibliography,
                key,
                "duplicate_doi",
                f"entries '{other}' ({bibliography.where(other)}) and '{key}' "
                f"({bibliography.where(key)}) have the same DOI {doi}",
                "keep one entry and cite it by one key",
            )
        )
    return problems


def lost_capitals(
    bibliography: Bibliography, keys: Iterable[str], *, recasing: bool
) -> list[Problem]:
    """Titles with unbraced acronyms or inner capitals, of the given entries."""
    problems = []
    for key in keys:
        words = unbraced_capitals(bibliography.field(key, "title"))
        if not words:
            continue
        shown = ", ".join(f"'{word}'" for word in dict.fromkeys(words))
        braced = " ".join(f"{{{word}}}" for word in dict.fromkeys(words))
        what = (
            "the configured style lowers them"
            if recasing
            else "a style that re-cases titles would lower them"
        )
        problems.append(
            _at(
                bibliography,
                key,
                "unprotected_capitals",
                f"the title of entry '{key}' has capitals outside braces ({shown}); {what}",
                f"put them in braces: {braced}",
                logging.WARNING if recasing else logging.DEBUG,
            )
        )
    return problems


def unbraced_capitals(title: str) -> list[str]:
    """The words of a title, outside any braces, that hold capitals a re-casing style would lose."""
    outside, depth = [], 0
    for char in title:
        if char == "{":
            depth += 1
            outside.append(" ")
        elif char == "}":
            depth = max(depth - 1, 0)
            outside.append(" ")
        else:
            outside.append(char if depth == 0 else " ")
    # Sentence case keeps a title's first letter: a first word capitalised only there ("Alpha")
    # never matches, and a first word like "MSC" still loses its later capitals.
    return [
        token[0]
        for token in _TOKEN.finditer("".join(outside))
        if any(_CAPITALS.fullmatch(part) for part in token[0].split("-"))
    ]


def _at(
    bibliography: Bibliography,
    key: str,
    category: str,
    message: str,
    fix: str,
    level: int = logging.WARNING,
) -> Problem:
    source = bibliography.sources.get(key)
    if source is None:
        return Problem(category, "bibliography", None, message, fix, level)
    return Problem(category, source.path, source.line, message, fix, level)


@dataclass(frozen=True)
class Counts:
    references: int  # distinct entries cited on the site
    pages: int  # pages with at least one citation
    unknown: int  # distinct unknown keys (ignoring case)
    never_cited: int
    warnings: int  # the plugin's warnings this build


def counts(
    never_cited: int,
    registry: CitationRegistry,
    numbering: Numbering,
    warnings: int,
) -> Counts:
    pages = [page for page in registry.pages.values() if page.groups]
    return Counts(
        references=len(numbering.site),
        pages=len(pages),
        unknown=len(numbering.unknown),
        never_cited=never_cited,
        warnings=warnings,
    )


def summary(site: ResolvedSite, never_cited: int, warnings: int) -> str:
    """The build's summary line, e.g.
    `4 references cited on 6 pages; 0 unknown keys; 1 entry never cited; 0 warnings`."""
    return summary_line(counts(never_cited, site.registry, site.numbering, warnings))


def summary_line(counts: Counts) -> str:
    return (
        f"{_count(counts.references, 'reference')} cited on {_count(counts.pages, 'page')}; "
        f"{_count(counts.unknown, 'unknown key')}; "
        f"{_count(counts.never_cited, 'entry', 'entries')} never cited; "
        f"{_count(counts.warnings, 'warning')}"
    )


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


# --- serve: a .bib file broken while serving ----------------------------------------------------

# Faults that leave entries out (not just odd ones). While `serve` runs, a rebuild keeps the last
# good version of the bibliography when the files are saved with one of them: the site stays
# whole, the author sees the error, and the next save that fixes it is used. `build` only warns.
_BREAKING = ("bibfile_error", "encoding_error")


def breaking(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.category in _BREAKING]


def same_files(last_good: Bibliography | None, bibliography: Bibliography) -> bool:
    """Whether a last good version exists for the same list of files."""
    return last_good is not None and last_good.files == bibliography.files


def kept_bibliography(problems: Iterable[Problem]) -> list[Problem]:
    """The errors of a broken save, each saying that the last good version is used meanwhile."""
    meanwhile = "until then the site keeps the last good version of the bibliography"
    return [replace(problem, fix=f"{problem.fix}; {meanwhile}") for problem in problems]
