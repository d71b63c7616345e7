"""Scholarly metadata for a page that publishes a work: Google Scholar (Highwire Press) `citation_*`
meta tags and schema.org JSON-LD, built from the work's .bib entry and the entries it cites.

Pure functions returning HTML strings; every value is escaped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from bibcite.publishing.record import Author, Record
from bibcite.styles.escaping import escape

__all__ = ["About", "head_insert", "highwire_tags", "json_ld"]

_DOI = re.compile(r"10\.[0-9]+/\S+")
_DOI_SAFE = "/:;()._-"  # as the reference's doi.org link (style.py) keeps them
_HTTP = re.compile(r"https?://", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
# Characters that must not appear raw inside <script>: "</script", "<!--". (The JSON is ASCII,
# so the separators some JavaScript parsers treat as line ends are escaped already.)
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


@dataclass(frozen=True)
class About:
    """A subject of the work for schema.org `about`: a name and a schema.org type."""

    name: str
    type: str = "Thing"


# --- Google Scholar ------------------------------------------------------------------------------


def highwire_tags(work: Record, references: Sequence[Record] = ()) -> str:
    """The `citation_*` meta tags, one per line. `citation_issue` only for a numbered issue: a
    supplement ("Suppl 3") is not an issue of the volume."""
    return "\n".join(
        f'<meta name="{name}" content="{escape(value)}">'
        for name, value in _highwire(work)
        + [("citation_reference", _reference(cited)) for cited in references]
        if value
    )


def _highwire(work: Record) -> list[tuple[str, str]]:
    pairs = [("citation_title", work.title)]
    pairs += [("citation_author", author.inverted) for author in work.authors]
    pairs += [("citation_publication_date", work.date("/"))]
    pairs += _venue(work)
    pairs += [("citation_volume", work.volume), ("citation_issue", work.issue)]
    pairs += [("citation_firstpage", work.first_page), ("citation_lastpage", work.last_page)]
    if work.type not in _CONFERENCE:
        pairs += [("citation_conference_title", work.event)]
    pairs += [("citation_isbn", work.isbn), ("citation_issn", work.issn)]
    pairs += [("citation_doi", work.doi)]
    pairs += [("citation_keywords", "; ".join(work.keywords))]
    return pairs


_CONFERENCE = ("inproceedings", "conference")


def _venue(work: Record) -> list[tuple[str, str]]:
    if work.type == "article":
        return [
            ("citation_journal_title", work.container),
            ("citation_journal_abbrev", work.container_short),
        ]
    if work.type in _CONFERENCE:
        return [
            ("citation_conference_title", work.event or work.container),
            ("citation_publisher", work.publisher),
        ]
    if work.type in ("inbook", "incollection"):
        return [("citation_inbook_title", work.container), ("citation_publisher", work.publisher)]
    if work.type.endswith("thesis"):
        return [("citation_dissertation_institution", work.publisher)]
    if work.type in ("techreport", "report"):
        return [("citation_technical_report_institution", work.publisher)]
    return [("citation_publisher", work.publisher)]


def _reference(work: Record) -> str:
    """A cited work in Highwire's `citation_reference` form: `citation_title=...; ...`."""
    pairs = [("citation_title", work.title)]
    pairs += [("citation_author", author.inverted) for author in work.authors]
    pairs += [("citation_journal_title", work.container if work.type == "article" else "")]
    pairs += [("citation_inbook_title", work.container if work.type != "article" else "")]
    pairs += [("citation_publication_date", work.date("/"))]
    pairs += [("citation_volume", work.volume), ("citation_issue", work.issue)]
    pairs += [("citation_firstpage", work.first_page), ("citation_lastpage", work.last_page)]
    pairs += [("citation_doi", work.doi)]
    return "; ".join(f"{name}={_SEMICOLON.sub(_comma, value)}" for name, value in pairs if value)


# ";" separates the pairs: a value keeps its meaning with "," instead, but the ";" that ends a
# character reference written in the .bib ("M&uuml;ller") stays, as the other tags show it.
_SEMICOLON = re.compile(r"(&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);)|;")


def _comma(match: re.Match[str]) -> str:
    return match[1] or ","


# --- schema.org ----------------------------------------------------------------------------------


def json_ld(
    work: Record,
    references: Sequence[Record] = (),
    *,
    schema_type: str = "ScholarlyArticle",
    publication_type: str = "",
    about: Sequence[About] = (),
    url: str = "",
) -> str:
    """A `<script type="application/ld+json">` describing the work, safe to put in `<head>`."""
    data: dict[str, object] = {"@context": "https://schema.org"}
    data.update(_creative_work(work, schema_type))
    if publication_type:
        data["publicationType"] = publication_type
    if about:
        data["about"] = [{"@type": subject.type, "name": subject.name} for subject in about]
    if work.keywords:
        data["keywords"] = list(work.keywords)
    if url:
        data["url"] = url
    if references:
        data["citation"] = [_creative_work(cited) for cited in references]
    text = json.dumps(data, indent=2)  # ASCII, like the rest of what bibcite writes
    for char, replacement in _SCRIPT_UNSAFE.items():
        text = text.replace(char, replacement)
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _schema_type(work: Record) -> str:
    if work.type == "article":
        return "ScholarlyArticle"
    if work.type in ("book", "proceedings"):
        return "Book"
    if work.type in ("inbook", "incollection", "inproceedings", "conference"):
        return "Chapter"
    if work.type.endswith("thesis"):
        return "Thesis"
    if work.type in ("techreport", "report"):
        return "Report"
    return "CreativeWork"


def _creative_work(work: Record, schema_type: str = "") -> dict[str, object]:
    data: dict[str, object] = {"@type": schema_type or _schema_type(work)}
    if work.title:
        data["name"] = work.title
        data["headline"] = work.title
    if work.authors:
        data["author"] = [_person(author) for author in work.authors]
    if work.editors:
        data["editor"] = [_person(editor) for editor in work.editors]
    if work.year:
        data["datePublished"] = work.date("-")
    container = _container(work)
    if container:
        data["isPartOf"] = container
    if work.first_page:
        data["pageStart"] = work.first_page
        data["pagination"] = work.pages
    if work.last_page:
        data["pageEnd"] = work.last_page
    if work.publisher:
        data["publisher"] = {"@type": "Organization", "name": work.publisher}
    if work.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": work.doi}
    # Only http(s) links: a DOI only when well-formed, a URL only with an http(s) scheme.
    if _DOI.fullmatch(work.doi):
        data["sameAs"] = "https://doi.org/" + quote(work.doi, safe=_DOI_SAFE)
    elif _HTTP.match(work.url):
        data["sameAs"] = work.url
    return data


def _container(work: Record) -> dict[str, object] | None:
    """Article -> (issue ->) volume -> periodical, as schema.org's bibliographic terms nest them."""
    if not work.container:
        return None
    if work.type != "article":
        return {"@type": "Book", "name": work.container}
    part: dict[str, object] = {"@type": "Periodical", "name": work.container}
    if work.container_short:
        part["alternateName"] = work.container_short
    if work.issn:
        part["issn"] = work.issn
    if work.volume:
        part = {"@type": "PublicationVolume", "volumeNumber": work.volume, "isPartOf": part}
    if work.issue:
        part = {"@type": "PublicationIssue", "issueNumber": work.issue, "isPartOf": part}
    return part


def _person(author: Author) -> dict[str, str]:
    data = {"@type": "Person", "name": author.natural, "familyName": author.family}
    if author.given:
        data["givenName"] = author.given
    return data


# --- placing it ----------------------------------------------------------------------------------


def head_insert(html: str, snippet: str) -> tuple[str, bool]:
    """`snippet` inserted just before `</head>`; False when the page has no `</head>`."""
    match = _HEAD_END.search(html)
    if match is None or not snippet:
        return html, False
    return f"{html[: match.start()]}{snippet}\n{html[match.start() :]}", True
