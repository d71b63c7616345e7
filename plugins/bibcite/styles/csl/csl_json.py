# BibTeX/biblatex entries (pybtex) as CSL-JSON items, the input of pandoc's citeproc.
"""BibTeX and biblatex entries as CSL-JSON items for pandoc ≥ 3 (``--citeproc``).

bibcite writes the CSL-JSON itself rather than handing pandoc the .bib: pandoc's BibTeX reader
drops ``\\mbox{…}`` and unknown macros, ignores ``month = {April}`` and keeps ``https://doi.org/``
inside DOIs.

Text fields are LaTeX decoded to Unicode by latexcodec (then NFC), their braces parsed by
pybtex's ``LaTeXParser``, and written in the HTML-like markup pandoc reads in CSL-JSON strings:
``<i>``, ``<b>``, ``<sup>``, ``<sub>``, ``<span style="font-variant:small-caps;">`` and
``<span class="nocase">`` (braces that protect case). pandoc 3 decodes no character entities
there (``&amp;`` would print as written) and reads ``<`` as the start of a tag only when one of
those tags follows: a ``<`` of the .bib's text is written as ``<span class="nocase"><</span>``,
which pandoc reads as the character and nothing else; ``&`` and ``>`` are text as they stand.
pandoc escapes all of it in the HTML it writes. Names, notes, pages and identifiers are plain
text to pandoc (it parses no markup in them), so they are written as plain text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person
from pybtex.exceptions import PybtexError
from pybtex.markup import LaTeXParser
from pybtex.richtext import Protected, String

if TYPE_CHECKING:
    from pybtex.database import Entry

__all__ = ["csl_item", "csl_items"]

# --- entry types --------------------------------------------------------------------------------

_TYPES = {
    "article": "article-journal",
    "periodical": "article-journal",
    "suppperiodical": "article-journal",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "manual": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inreference": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "misc": "document",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}
# biblatex @article{…, entrysubtype = {magazine}}
_ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
_PERIODICAL_TYPES = {"article-journal", "article-magazine", "article-newspaper"}
_DEFAULT_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# biblatex's localisation keys for `type`
_GENRE_KEYS = {
    "phdthesis": "PhD thesis",
    "mathesis": "Master's thesis",
    "mastersthesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
}

# --- LaTeX to CSL-JSON markup --------------------------------------------------------------------

_LATEX_HINT = re.compile(r"[\\{}$~<]|--|``|''|[?!]`")
# A command latexcodec left before a {group}: "\emph " + {x}, or an accent "\'" + {ı}.
_TRAILING_COMMAND = re.compile(r"\\([A-Za-z]+|[^A-Za-z\s])\s*$")
# A declaration opening a group: {\em x}, {\bfseries x}.
_DECLARATION = re.compile(r"\\(em|it|sl|bf|sc|itshape|slshape|bfseries|scshape)\b\s*")
_LEFTOVER = re.compile(r"\\(?:([A-Za-z]+) ?|(.)|$)", re.DOTALL)
_MATH_SHIFT = re.compile(r"(?<!\\)\$")

_NOCASE = ('<span class="nocase">', "</span>")
_ITALIC = ("<i>", "</i>")
_BOLD = ("<b>", "</b>")
_SMALL_CAPS = ('<span style="font-variant:small-caps;">', "</span>")
_WRAPPERS = {
    "emph": _ITALIC,
    "textit": _ITALIC,
    "textsl": _ITALIC,
    "mkbibemph": _ITALIC,
    "mathit": _ITALIC,
    "em": _ITALIC,
    "it": _ITALIC,
    "sl": _ITALIC,
    "itshape": _ITALIC,
    "slshape": _ITALIC,
    "textbf": _BOLD,
    "mkbibbold": _BOLD,
    "mathbf": _BOLD,
    "bf": _BOLD,
    "bfseries": _BOLD,
    "textsc": _SMALL_CAPS,
    "sc": _SMALL_CAPS,
    "scshape": _SMALL_CAPS,
    "textsuperscript": ("<sup>", "</sup>"),
    "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "enquote": ("\u201c", "\u201d"),
    "mkbibquote": ("\u201c", "\u201d"),
}
# Commands whose argument prints nothing.
_SILENT = {"noopsort", "sortname"}
# Text symbols latexcodec leaves as commands.
_SYMBOLS = {
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textunderscore": "_",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textdollar": "$",
    "textellipsis": "\u2026",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
}
_ESCAPED = {",": " ", ";": " ", ":": " ", " ": " ", "\n": " ", "\\": " "}


def _ulatex(text: str, errors: str = "strict") -> str:
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    return codecs.decode(text, "ulatex", errors)


def _leftover(match: re.Match[str]) -> str:
    name, symbol = match.groups()
    if name is not None:
        return _SYMBOLS.get(name, "")
    if symbol is None:
        return ""
    return _ESCAPED.get(symbol, symbol if symbol in "$&%#_{}" else "")


def _text(text: str, markup: bool) -> str:
    """A run of decoded text: leftover commands and math shifts dropped, `<` made text."""
    text = _LEFTOVER.sub(_leftover, _MATH_SHIFT.sub("", text))
    return text.replace("<", '<span class="nocase"><</span>') if markup else text


class _Writer:
    """Renders pybtex's String/Protected parts as CSL-JSON markup (or plain text)."""

    def __init__(self, markup: bool) -> None:
        self.markup = markup

    def parts(self, parts: list, nocase: bool) -> str:
        out: list[str] = []
        command: str | None = None
        for index, part in enumerate(parts):
            if isinstance(part, Protected):
                out.append(self.group(command, list(part.parts), parts, index, out, nocase))
                command = None
                continue
            text = str(part)
            trailing = _TRAILING_COMMAND.search(text)
            command = None
            followed = index + 1 < len(parts) and isinstance(parts[index + 1], Protected)
            if trailing and followed and trailing.group(1) not in _SYMBOLS:
                command, text = trailing.group(1), text[: trailing.start()]
            out.append(_text(text, self.markup))
        return "".join(out)

    def group(
        self, command: str | None, inner: list, siblings: list, index: int, before: list, nocase
    ) -> str:
        if command in _SILENT:
            return ""
        if command is not None and not command.isalpha():  # an accent: \'{ı}
            return self.accented(command, inner)
        if command is not None:  # \emph{…}: the braces are the argument's, not case protection
            return self.wrap(_WRAPPERS.get(command), self.parts(inner, nocase))
        first = inner[0] if inner else None
        declared = _DECLARATION.match(str(first)) if isinstance(first, String) else None
        if declared:  # {\em …}
            inner = [String(str(first)[declared.end() :]), *inner[1:]]
            return self.wrap(_WRAPPERS[declared.group(1)], self.parts(inner, nocase))
        text = self.parts(inner, True)
        if not text:
            return ""
        if nocase or not self.markup or self.in_word(text, siblings, index, before):
            return text
        return _NOCASE[0] + text + _NOCASE[1]

    def wrap(self, wrapper: tuple[str, str] | None, text: str) -> str:
        if not text or wrapper is None or (not self.markup and wrapper[0].startswith("<")):
            return text
        return wrapper[0] + text + wrapper[1]

    def accented(self, command: str, inner: list) -> str:
        letter = "".join(str(part) for part in inner).replace("ı", "i").replace("ȷ", "j")
        try:
            decoded = _ulatex(f"\\{command}{letter}")
        except ValueError:
            decoded = letter
        return _text(decoded if "\\" not in decoded else letter, self.markup)

    @staticmethod
    def in_word(text: str, siblings: list, index: int, before: list) -> bool:
        """A single braced letter inside a word ({F}rench, Schr{ö}dinger) is just the letter."""
        if len(text) != 1 or not text.isalpha():
            return False
        previous = before[-1] if before else ""
        following = siblings[index + 1] if index + 1 < len(siblings) else None
        after = str(following) if isinstance(following, String) else ""
        return previous[-1:].isalnum() or after[:1].isalnum()


_SPACES = re.compile(r"[ \t\r\n]+")  # not the no-break space of "~"


@lru_cache(maxsize=1 << 11)
def _convert(latex: str, markup: bool) -> str:
    latex = latex.strip()
    if not _LATEX_HINT.search(latex):
        return unicodedata.normalize("NFC", _SPACES.sub(" ", latex))
    try:
        decoded = _ulatex(latex)
    except ValueError:
        decoded = _ulatex(latex, "ignore")
    try:
        parts = list(LaTeXParser(decoded).iter_string_parts())
    except PybtexError:  # unbalanced braces: keep the text, drop the braces
        parts = [String(decoded.replace("{", "").replace("}", ""))]
    text = _Writer(markup).parts(parts, nocase=False)
    return unicodedata.normalize("NFC", _SPACES.sub(" ", text).strip())


def _markup(latex: str) -> str:
    """A field as CSL-JSON rich text: Unicode, with the markup pandoc reads."""
    return _convert(latex, True)


def _plain(latex: str) -> str:
    """A field as plain Unicode text (for what pandoc reads as plain: names, notes, numbers)."""
    return _convert(latex, False)


# --- names --------------------------------------------------------------------------------------


def _is_others(person: Person) -> bool:
    return person.last_names == ["others"] and not (
        person.first_names or person.middle_names or person.prelast_names
    )


def _braced_whole(part: str) -> bool:
    """`{World Health Organization}`: one group from the first brace to the last."""
    if not (part.startswith("{") and part.endswith("}")):
        return False
    depth = 0
    for position, char in enumerate(part):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and position < len(part) - 1:
            return False
    return True


def _name(person: Person) -> dict[str, str]:
    if _is_others(person):
        return {"literal": "others"}  # pandoc prints it as "et al."
    parts = (person.first_names, person.middle_names, person.prelast_names, person.lineage_names)
    if not any(parts) and len(person.last_names) == 1 and _braced_whole(person.last_names[0]):
        return {"literal": _plain(person.last_names[0][1:-1])}
    name = {
        "family": _plain(" ".join(person.last_names)),
        "given": _plain(" ".join(person.first_names + person.middle_names)),
        "non-dropping-particle": _plain(" ".join(person.prelast_names)),
        "suffix": _plain(" ".join(person.lineage_names)),
    }
    return {key: value for key, value in name.items() if value}


def _people(entry: Entry, role: str) -> list[Person]:
    if entry.persons.get(role):
        return list(entry.persons[role])
    written = entry.fields.get(role, "").strip()
    return [Person(name) for name in split_name_list(written)] if written else []


_ROLES = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
}

# --- dates --------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janvier", "januar"),
            ("feb", "february", "février", "februar"),
            ("mar", "march", "mars", "märz"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juillet", "juli"),
            ("aug", "august", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre", "oktober"),
            ("nov", "november", "novembre"),
            ("dec", "december", "décembre", "dezember"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[0-9:.+\-Z]*)?")


def _month(value: str) -> int | None:
    value = _plain(value).strip().rstrip(".").lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return _MONTHS.get(value)


def _iso_parts(value: str) -> list[int] | None:
    match = _ISO_DATE.fullmatch(value.strip())
    if not match:
        return None
    parts = [int(part) for part in match.groups() if part is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12 or len(parts) > 2 and not 1 <= parts[2] <= 31:
        return None
    return parts


def _iso_date(value: str) -> dict:
    """biblatex `date`/`urldate`: 2011-04-05, 2011-04, 2011, ranges 2010/2012 (open: 2010/)."""
    text = _plain(value)
    start, slash, end = text.partition("/")
    first = _iso_parts(start)
    last = _iso_parts(end) if end.strip() not in ("", "..") else None
    if first is None or (end.strip() not in ("", "..") and last is None):
        return {"literal": text}
    if slash and last is not None and last != first:
        return {"date-parts": [first, last]}
    return {"date-parts": [first]}


def _issued(fields) -> dict | None:
    if fields.get("date", "").strip():
        return _iso_date(fields["date"])
    year = _plain(fields.get("year", ""))
    if not year:
        return None
    years = re.fullmatch(r"(\d{1,4})(?:\s*[-\u2013/]\s*(\d{1,4}))?", year)
    if not years:
        return {"literal": year}  # "in press", "n.d."
    if years.group(2):
        return {"date-parts": [[int(years.group(1))], [int(years.group(2))]]}
    parts = [int(year)]
    month = _month(fields.get("month", ""))
    if month:
        parts.append(month)
        day = _plain(fields.get("day", ""))
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


# --- other fields -------------------------------------------------------------------------------

_ORDINALS = {
    word: number
    for number, word in enumerate(
        (
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ),
        start=1,
    )
}
_NUMBERED_EDITION = re.compile(r"(\d+)\s*(?:st|nd|rd|th|\.)?(?:\s+(?:ed|edn|edition)\.?)?", re.I)
_WORD_EDITION = re.compile(r"([a-z]+)(?:\s+(?:ed|edn|edition)\.?)?", re.I)


def _edition(value: str) -> int | str:
    """ "2", "2nd", "2nd ed.", "Second", "second edition" → 2; anything else as written."""
    text = _plain(value)
    numbered = _NUMBERED_EDITION.fullmatch(text)
    if numbered:
        return int(numbered.group(1))
    word = _WORD_EDITION.fullmatch(text)
    if word and word.group(1).lower() in _ORDINALS:
        return _ORDINALS[word.group(1).lower()]
    return _markup(value)


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DASHES = re.compile(r"\s*(?:-+|[\u2010-\u2015])\s*")
_URL_COMMAND = re.compile(r"^\\url\s*\{(.*)\}$", re.S)
_LANGUAGES = {
    "english": "en",
    "american": "en-US",
    "USenglish": "en-US",
    "british": "en-GB",
    "UKenglish": "en-GB",
    "german": "de",
    "ngerman": "de",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "brazil": "pt-BR",
    "brazilian": "pt-BR",
    "dutch": "nl",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "nb",
    "finnish": "fi",
    "polish": "pl",
    "russian": "ru",
    "czech": "cs",
    "greek": "el",
    "japanese": "ja",
    "chinese": "zh",
}


def _doi(value: str) -> str:
    return _DOI_PREFIX.sub("", _plain(value).strip())


_WEB = re.compile(r"(?i)(?:https?|ftp)://")


def _url(value: str) -> str:
    value = value.strip()
    written = _URL_COMMAND.match(value)
    # A URL is not LaTeX: only its \url{…} wrapper and escaped % # & _ are.
    url = written.group(1) if written else value
    return re.sub(r"\\([%#&_~])", r"\1", url).strip()


def _language(value: str) -> str:
    text = _plain(value)
    return _LANGUAGES.get(text, _LANGUAGES.get(text.lower(), text))


def _first(fields, *names: str) -> str:
    for name in names:
        value = fields.get(name, "")
        if value.strip():
            return value
    return ""


def _eprint(fields, item: dict) -> None:
    """biblatex `eprint` with `eprinttype` pubmed, doi or pmc."""
    eprint = fields.get("eprint", "").strip()
    kind = _plain(fields.get("eprinttype", fields.get("archiveprefix", ""))).lower()
    if not eprint:
        return
    if kind == "pubmed":
        item.setdefault("PMID", _plain(eprint))
    elif kind == "doi":
        item.setdefault("DOI", _doi(eprint))
    elif kind in ("pmc", "pmcid"):
        item.setdefault("PMCID", _plain(eprint))


def _csl_type(entry: Entry) -> str:
    kind = entry.type.lower()
    csl = _TYPES.get(kind, "document")
    if csl == "article-journal":
        subtype = _plain(entry.fields.get("entrysubtype", "")).lower()
        csl = _ARTICLE_SUBTYPES.get(subtype, csl)
    return csl


def csl_item(key: str, entry: Entry) -> dict:
    """One CSL-JSON item (`id` = key) for a pybtex entry; fields that are absent are left out."""
    fields = entry.fields
    kind = entry.type.lower()
    csl_type = _csl_type(entry)
    item: dict = {"id": key, "type": csl_type}

    for role, variable in _ROLES.items():
        people = _people(entry, role)
        if people:
            item[variable] = [_name(person) for person in people]

    title = _first(fields, "title")
    if title:
        subtitle = _first(fields, "subtitle")
        item["title"] = _markup(title) + (f": {_markup(subtitle)}" if subtitle else "")
    rich = {
        "title-short": ("shorttitle",),
        "container-title": ("journaltitle", "journal", "booktitle"),
        "container-title-short": ("shortjournal", "journalabbr", "shortjournaltitle"),
        "collection-title": ("series",),
        "event-title": ("eventtitle",),
        "event-place": ("venue",),
        "publisher": ("publisher", "school", "institution", "organization"),
        "publisher-place": ("location", "address"),
        "volume": ("volume",),
        "chapter-number": ("chapter",),
        "version": ("version",),
    }
    for variable, names in rich.items():
        value = _first(fields, *names)
        if value:
            item[variable] = _markup(value)

    number = _first(fields, "number")
    issue = _first(fields, "issue")
    if csl_type in _PERIODICAL_TYPES:
        if issue or number:
            item["issue"] = _markup(issue or number)
    else:
        if number:
            series_number = "collection-title" in item and csl_type in ("book", "chapter")
            item["collection-number" if series_number else "number"] = _markup(number)
        if issue:
            item["issue"] = _markup(issue)

    genre = _first(fields, "type")
    if genre:
        item["genre"] = _GENRE_KEYS.get(_plain(genre).lower(), _markup(genre))
    elif kind in _DEFAULT_GENRES:
        item["genre"] = _DEFAULT_GENRES[kind]

    howpublished = _first(fields, "howpublished")
    if howpublished:
        if _URL_COMMAND.match(howpublished.strip()) or re.match(r"https?://", howpublished):
            item.setdefault("URL", _url(howpublished))
        else:
            item.setdefault("publisher", _markup(howpublished))

    issued = _issued(fields)
    if issued:
        item["issued"] = issued
    for variable, name in (
        ("accessed", "urldate"),
        ("event-date", "eventdate"),
        ("original-date", "origdate"),
    ):
        if fields.get(name, "").strip():
            item[variable] = _iso_date(fields[name])

    pages = _first(fields, "pages")
    if pages:
        item["page"] = _DASHES.sub("-", _plain(pages))
    edition = _first(fields, "edition")
    if edition:
        item["edition"] = _edition(edition)
    if _first(fields, "doi"):
        item["DOI"] = _doi(fields["doi"])
    if _first(fields, "url") and _WEB.match(_url(fields["url"])):
        # Only web addresses: citeproc would make "https://javascript:..." of anything else.
        item["URL"] = _url(fields["url"])
    for variable, name in (("ISBN", "isbn"), ("ISSN", "issn"), ("PMID", "pmid")):
        if _first(fields, name):
            item[variable] = _plain(fields[name])
    if _first(fields, "pmcid", "pmc"):
        item["PMCID"] = _plain(_first(fields, "pmcid", "pmc"))
    _eprint(fields, item)
    if _first(fields, "note"):
        item["note"] = _plain(fields["note"])
    language = _first(fields, "langid", "language")
    if language:
        item["language"] = _language(language)
    return item


def csl_items(pairs: Iterable[tuple[str, Entry]]) -> list[dict]:
    """CSL-JSON items for (key, entry) pairs, in their order."""
    return [csl_item(key, entry) for key, entry in pairs]
