"""The downloads: entries serialised as BibTeX (by pybtex, fields as written) and as RIS (tagged
lines, LaTeX decoded to Unicode), and the site paths they are written to.

Pure functions returning text; the plugin writes it into the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from pybtex.database import Entry

from bibcite.publishing.record import Record, record

__all__ = ["RIS_TYPES", "bibtex", "download_name", "ris"]

# BibTeX/biblatex entry type -> RIS reference type.
RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "booklet": "PAMP",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "proceedings": "CONF",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "manual": "GEN",
    "online": "ELEC",
    "www": "ELEC",
    "unpublished": "UNPB",
    "misc": "GEN",
}

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def download_name(key: str) -> str:
    """A file name for a key's downloads: 'chakr2013' (other characters become '-')."""
    return _UNSAFE_NAME.sub("-", key).strip("-.") or "reference"


def bibtex(entries: Mapping[str, Entry]) -> str:
    r"""The entries as a .bib file, in the given order, each field exactly as written in the
    source. (pybtex's own writer re-encodes values as if they were plain text: `50\%` would
    come out as `50\\%`.)"""
    return "".join(bibtex_parts(bibtex_entry(key, entry) for key, entry in entries.items()))


def bibtex_parts(texts: Iterable[str]) -> Iterator[str]:
    """Entries' texts (`bibtex_entry`) as the pieces of one .bib file, to be written one by one."""
    for index, text in enumerate(texts):
        yield "\n" * bool(index) + text


def bibtex_entry(key: str, entry: Entry) -> str:
    lines = [f"@{getattr(entry, 'original_type', '') or entry.type}{{{key},"]
    for role, people in entry.persons.items():
        lines.append(f"  {role} = {{{' and '.join(str(person) for person in people)}}},")
    for name, value in entry.fields.items():
        lines.append(f"  {name} = {{{value}}},")
    return "\n".join(lines) + "\n}\n"


def ris(entries: Mapping[str, Entry]) -> str:
    """The entries as an RIS file (one `TY` … `ER` block each, CRLF line ends as the format
    wants)."""
    return "".join(ris_entry(key, entry) for key, entry in entries.items())


def ris_entry(key: str, entry: Entry) -> str:
    return _ris_block(record(key, entry))


def _ris_block(work: Record) -> str:
    lines = [("TY", RIS_TYPES.get(work.type, "GEN"))]
    lines += [("AU", author.inverted) for author in work.authors]
    lines += [("A2", editor.inverted) for editor in work.editors]
    lines += [("TI", work.title)]
    lines += [("T2", work.container), ("JA", work.container_short)]
    lines += [("PY", work.year), ("DA", _ris_date(work))]
    lines += [("VL", work.volume), ("IS", work.number)]
    lines += [("SP", work.first_page), ("EP", work.last_page)]
    lines += [("PB", work.publisher), ("CY", work.address), ("SN", work.isbn or work.issn)]
    lines += [("DO", work.doi), ("UR", work.url or _doi_url(work.doi))]
    lines += [("KW", word) for word in work.keywords]
    # RIS has no "et al.": say so rather than pass a shortened list off as complete.
    lines += [("N1", "The author list is incomplete (et al.).")] if work.others else []
    lines += [("ID", work.key)]
    body = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines if value)
    return body + "ER  - \r\n\r\n"


def _ris_date(work: Record) -> str:
    """RIS `DA`: YYYY/MM/DD/other, empty parts kept: '2008/05//'."""
    if not work.year or not work.month:
        return ""
    day = f"{work.day:02d}" if work.day else ""
    return f"{work.year}/{work.month:02d}/{day}/"


def _doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}" if doi else ""


def _one_line(value: str) -> str:
    return " ".join(value.split())
