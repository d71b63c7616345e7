"""An entry's bibliographic facts as plain Unicode text, for the writers that are not a reference
style: the RIS download, the Google Scholar meta tags and the schema.org JSON-LD.

Pure functions over pybtex entries; LaTeX is decoded here, escaping is the caller's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pybtex.database import Entry, Person

from bibcite.styles.vancouver import plain_text

_LEFTOVER_COMMAND = re.compile(r"\\[A-Za-z]+\s?|\\(?=[^A-Za-z])")
_MATH_SHIFT = re.compile(r"(?<!\\)\$")
_SPACES = re.compile(r"\s+")
_RANGE = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")
_SUPPLEMENT = re.compile(r"^\s*suppl(?:ement|\.)?\b", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def plain(latex: str) -> str:
    """A BibTeX field as Unicode text: accents decoded, braces and formatting commands dropped."""
    if not latex:
        return ""
    # The style's decoder: cached, and it already drops braces and formatting commands.
    text = _MATH_SHIFT.sub("", _LEFTOVER_COMMAND.sub("", plain_text(latex)))
    return _SPACES.sub(" ", text).strip()


def verbatim(value: str) -> str:
    """A verbatim field (doi, url): BibTeX escapes undone, dashes kept."""
    return re.sub(r"\\([_%&#$~])", r"\1", value).replace("{", "").replace("}", "").strip()


@dataclass(frozen=True)
class Author:
    family: str  # with particles: "van der Berg"
    given: str  # as written: "R." or "Maria J."
    suffix: str = ""

    @property
    def inverted(self) -> str:
        """ "Chakr, R." (RIS, Google Scholar)."""
        name = ", ".join(part for part in (self.family, self.given) if part)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def natural(self) -> str:
        """ "R. Chakr" (schema.org `name`)."""
        return " ".join(part for part in (self.given, self.family, self.suffix) if part)


@dataclass(frozen=True)
class Record:
    key: str
    type: str  # the BibTeX entry type, lower case
    authors: tuple[Author, ...]
    others: bool  # the author list ends in "and others" (et al.)
    editors: tuple[Author, ...]
    title: str
    container: str  # journal, or the book/proceedings a part appeared in
    container_short: str
    year: str
    month: int | None
    day: int | None
    volume: str
    issue: str  # a numbered issue; a supplement is not one
    supplement: str  # "Suppl 3"
    first_page: str
    last_page: str
    doi: str
    url: str
    event: str  # the conference (biblatex `eventtitle`)
    publisher: str
    address: str
    isbn: str
    issn: str
    keywords: tuple[str, ...]

    @property
    def pages(self) -> str:
        return f"{self.first_page}-{self.last_page}" if self.last_page else self.first_page

    @property
    def number(self) -> str:
        """The BibTeX `number` as written: the issue, or the supplement when there is no issue."""
        return self.issue or self.supplement

    def date(self, separator: str = "-") -> str:
        """ "2008-05" (ISO 8601) or, with separator "/", "2008/05" (Google Scholar)."""
        parts = [self.year] + [f"{part:02d}" for part in (self.month, self.day) if part]
        if self.day and not self.month:
            parts = parts[:1]
        return separator.join(part for part in parts if part)


def record(key: str, entry: Entry) -> Record:
    fields = entry.fields

    def text(*names: str) -> str:
        return next((plain(fields[name]) for name in names if fields.get(name, "").strip()), "")

    authors, others = _people(entry.persons.get("author", []))
    editors, _ = _people(entry.persons.get("editor", []))
    issue, supplement = _issue(text("number", "issue"), text("supplement"))
    first, last = _pages(text("pages"))
    month = _month(text("month"))
    date_year, date_month, date_day = _iso_date(text("date"))
    return Record(
        key=key,
        type=entry.type.lower(),
        authors=authors,
        others=others,
        editors=editors,
        title=text("title"),
        container=text("journal", "journaltitle", "booktitle"),
        container_short=text("shortjournal", "journalabbrev"),
        year=text("year") or date_year,
        month=month if month is not None else date_month,
        day=_day(text("day")) if month is not None else date_day,
        volume=text("volume"),
        issue=issue,
        supplement=supplement,
        first_page=first,
        last_page=last,
        doi=_DOI_PREFIX.sub("", verbatim(fields.get("doi", ""))),
        url=verbatim(fields.get("url", "")),
        event=text("eventtitle"),
        publisher=text("publisher", "organization", "institution", "school"),
        address=text("address", "location"),
        isbn=text("isbn"),
        issn=text("issn"),
        keywords=tuple(
            word.strip() for word in re.split(r"[;,]", text("keywords")) if word.strip()
        ),
    )


def _people(people: list[Person]) -> tuple[tuple[Author, ...], bool]:
    others = bool(people) and _is_others(people[-1])
    named = people[:-1] if others else people
    return tuple(_author(person) for person in named), others


def _is_others(person: Person) -> bool:
    return person.last_names == ["others"] and not (person.first_names or person.middle_names)


def _author(person: Person) -> Author:
    return Author(
        family=plain(" ".join(person.prelast_names + person.last_names)),
        given=plain(" ".join(person.first_names + person.middle_names)),
        suffix=plain(" ".join(person.lineage_names)),
    )


def _issue(number: str, supplement: str) -> tuple[str, str]:
    """(issue, supplement): BibTeX `number = {Suppl 3}` names a supplement, not an issue."""
    if _SUPPLEMENT.match(number):
        return "", _suppl(number)
    return number, _suppl(supplement) if supplement else ""


def _suppl(text: str) -> str:
    rest = _SUPPLEMENT.sub("", text).strip(" .")
    return f"Suppl {rest}" if rest else "Suppl"


def _pages(pages: str) -> tuple[str, str]:
    bounds = _RANGE.split(pages.strip(), maxsplit=1)
    if len(bounds) == 2 and all(bounds):
        return bounds[0], bounds[1]
    return pages.strip(), ""


def _month(value: str) -> int | None:
    value = value.strip().rstrip(".").lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return _MONTHS.get(value)


def _day(value: str) -> int | None:
    return int(value) if value.isdigit() and 1 <= int(value) <= 31 else None


def _iso_date(value: str) -> tuple[str, int | None, int | None]:
    """biblatex `date = {2010-11-16}` (the start of a range)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.split("/")[0].strip())
    if not match:
        return "", None, None
    year, month, day = match.groups()
    return year, _month(month or ""), _day(day or "") if month else None
