"""The words bibcite writes itself (headings, labels, its readers' scripts' words) in the site's
language: one TOML file per language in this folder, chosen by a locale's primary subtag
("pt-BR" -> pt.toml), English for a language none is shipped for."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

__all__ = [
    "DEFAULT",
    "ENGLISH",
    "LANGUAGES",
    "SCRIPT_ID",
    "SCRIPT_WORDS",
    "Chosen",
    "Words",
    "check",
    "choose",
    "primary",
    "script_json",
    "words",
]

_FOLDER = Path(__file__).parent
DEFAULT = "en"
LANGUAGES = tuple(sorted(path.stem for path in _FOLDER.glob("*.toml")))
# A BCP 47 tag ("pt-BR", "zh-Hant-TW") or a POSIX-style one ("en_US"): letters, then subtags.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
SCRIPT_ID = "bibcite-words"


@dataclass(frozen=True)
class Words:
    """One language's words; en.toml documents each."""

    language: str
    references: str
    cited_in: str
    cited_in_page: str  # {page}
    back_to_citation: str
    back_to_citation_label: str  # {label}
    reference_number: str  # {number}
    two_authors: str  # {first}, {second}
    many_authors: str  # {first}
    search_pubmed: str
    search_scholar: str
    cite_this: str
    copy_citation: str
    download_bibliography: str
    table: str
    report: str
    not_reported: str
    not_reported_legend: str
    download_csv: str
    reference_column: str
    copied: str
    copy_failed: str
    go_to_reference: str  # {number}
    table_scroll: str  # {count}
    # Bibliography blocks' group headings: an undated group, and entry types (lists.TYPE_WORDS).
    no_date: str
    group_article: str
    group_book: str
    group_booklet: str
    group_chapter: str
    group_conference_paper: str
    group_manual: str
    group_thesis: str
    group_other: str
    group_web_page: str
    group_proceedings: str
    group_report: str
    group_unpublished: str
    # The Vancouver style's words (styles.vancouver.Terms, each field with this prefix).
    vancouver_et_al: str
    vancouver_editor: str
    vancouver_editors: str
    vancouver_in: str
    vancouver_chapter: str
    vancouver_page: str
    vancouver_report_number: str
    vancouver_internet: str
    vancouver_cited: str  # {date}
    vancouver_available_from: str
    vancouver_dissertation: str
    vancouver_masters_thesis: str
    vancouver_unpublished: str

    def authors(self, names: list[str], *, others: bool = False) -> str:
        """The narrative label: "Smith", "Smith and Jones", "Smith et al."."""
        if not names:
            return ""
        if len(names) >= 3 or others:
            return self.many_authors.format(first=names[0])
        if len(names) == 2:
            return self.two_authors.format(first=names[0], second=names[1])
        return names[0]


# The words the readers' scripts write (assets/*.js, whose defaults are the English ones).
SCRIPT_WORDS = ("reference_number", "go_to_reference", "copied", "copy_failed", "table_scroll")
KEYS = tuple(item.name for item in fields(Words) if item.name != "language")


@dataclass(frozen=True)
class Chosen:
    """The words for a locale, and the info line to log when there were none for it."""

    words: Words
    asked: str  # the locale as given ('' for none)
    fell_back: bool = False

    @property
    def note(self) -> str:
        if not self.fell_back:
            return ""
        return (
            f"no words for language '{self.asked}' (bibcite has {', '.join(LANGUAGES)}); "
            "using English"
        )


def check(value: str) -> str:
    """A locale as an author writes it ('pt-BR', 'en_US', 'de'); ValueError if it is none."""
    if not _TAG.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a language tag; give one such as 'pt-BR', 'en-US' or 'de' "
            f"(bibcite has words for: {', '.join(LANGUAGES)})"
        )
    return value


def primary(locale: str) -> str:
    """The primary language subtag, lower case: 'pt-BR' -> 'pt', 'en_US' -> 'en'."""
    return re.split(r"[-_]", locale.strip(), maxsplit=1)[0].lower()


def choose(locale: str | None, theme_language: str | None = None) -> Chosen:
    """The words for the `locale` option, or else the theme's language, or else English."""
    asked = locale or theme_language or DEFAULT
    language = primary(asked) if _TAG.fullmatch(asked.strip()) else ""
    if language in LANGUAGES:
        return Chosen(words(language), asked)
    return Chosen(words(DEFAULT), asked, fell_back=True)


@cache
def words(language: str) -> Words:
    """The shipped words of a language (a primary subtag in LANGUAGES); KeyError otherwise. A
    word a file lacks is the English one (tests/locales/ hold every file complete)."""
    if language not in LANGUAGES:
        raise KeyError(language)
    found = read(language)
    if language != DEFAULT:
        found = {**read(DEFAULT), **found}
    return Words(language=language, **{key: found[key] for key in KEYS})


def read(language: str) -> dict[str, str]:
    """A language's file as written."""
    with open(_FOLDER / f"{language}.toml", "rb") as stream:
        return tomllib.load(stream)


ENGLISH = words(DEFAULT)


def script_json(chosen: Words) -> str:
    """The scripts' words as a `<script type="application/json">` for the page, escaped so that
    no word can end the element; '' for English, the scripts' own defaults."""
    if chosen.language == DEFAULT:
        return ""
    data = json.dumps({key: getattr(chosen, key) for key in SCRIPT_WORDS}, ensure_ascii=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{SCRIPT_ID}">{data}</script>'
