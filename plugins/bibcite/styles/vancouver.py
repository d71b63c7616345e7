# The `vancouver` pybtex formatting style: references as NLM/ICMJE "Citing Medicine" writes them.
"""Vancouver (NLM) pybtex style, registered as ``vancouver`` in ``pybtex.style.formatting``.

Templates are module constants built from ``pybtex.style.template`` nodes, as in pybtex's
``unsrt``; the nodes defined here never raise ``FieldIsMissing``, so an incomplete entry is
shown with what it has and ``VancouverStyle.missing_fields`` tells the caller what is missing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from pybtex.exceptions import PybtexError
from pybtex.markup import LaTeXParser
from pybtex.richtext import HRef, Protected, String, Tag, Text
from pybtex.style import FormattedBibliography, FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import first_of, join, node, sentence

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from pybtex.database import BibliographyData, Entry, Person
    from pybtex.richtext import BaseText

__all__ = ["VancouverStyle", "abbreviate_pages", "family_names", "has_others"]

# --- LaTeX to rich text -------------------------------------------------------------------------

# Only these need latexcodec; most fields are plain text and skip the (slow) decoder.
_LATEX_HINT = re.compile(r"[\\{}$~]|--|``|''|[?!]`")
# Commands latexcodec leaves in place, either before a {braced} argument or inside a group.
_TRAILING_COMMAND = re.compile(r"\\([A-Za-z]+|['\"`^~=.])\s*$")
_DECLARATION = re.compile(r"\\(em|it|sl|bf|sc|rm|tt|sf|itshape|bfseries|upshape|scshape)\b\s*")
# latexcodec writes "\cmd " for "\cmd{}": eat that one space, keep the author's.
_LEFTOVER = re.compile(r"\\(?:([A-Za-z]+) ?|(.)|$)", re.DOTALL)
_MATH_SHIFT = re.compile(r"(?<!\\)\$")
_TAGS = {
    "emph": "em",
    "textit": "em",
    "textsl": "em",
    "mathit": "em",
    "it": "em",
    "em": "em",
    "sl": "em",
    "itshape": "em",
    "textbf": "strong",
    "mathbf": "strong",
    "bf": "strong",
    "bfseries": "strong",
}
_WORDS = {"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX"}
# LaTeX's text symbols that latexcodec leaves as commands (the escaping backend makes `<` safe).
_TEXT_SYMBOLS = {
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textasciicircum": "^",
    "textasciigrave": "`",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "textbraceleft": "{",
    "textbraceright": "}",
    "textdollar": "$",
    "textunderscore": "_",
    "textsection": "\u00a7",
    "textparagraph": "\u00b6",
    "textellipsis": "\u2026",
    "textexclamdown": "\u00a1",
    "textquestiondown": "\u00bf",
    "texteuro": "\u20ac",
}
_SYMBOLS = {",": " ", ";": " ", ":": " ", "\\": " ", " ": " ", "\n": " "}


def _ulatex(text: str, errors: str = "strict") -> str:
    # Imported when first needed, not with the plugin: building its tables takes 6 ms, and a
    # build whose references all come from the cache never decodes LaTeX.
    import latexcodec  # noqa: F401, PLC0415  (registers the "ulatex" codec)

    return codecs.decode(text, "ulatex", errors)


# latexcodec costs ~0.3 ms per title; decoding only the words that hold LaTeX is ten times faster.
_LATEX_WORD = re.compile(r"\S*(?:[\\$~]|--|``|''|[?!]`)\S*")


# A word whose only LaTeX is dashes ("1936--1938", every page range) needs no codec.
_DASHES_ONLY = re.compile(r"(?:[0-9A-Za-z.:;()/+-]|,(?!,))*")
_DASHES = {"---": "\u2014", "--": "\u2013"}
_DASH_RUN = re.compile(r"---|--")


def _decode_word(match: re.Match[str]) -> str:
    return _decoded_word(match[0])


@lru_cache(maxsize=1 << 11)  # names and journal words recur across entries
def _decoded_word(word: str) -> str:
    if _DASHES_ONLY.fullmatch(word):
        return _DASH_RUN.sub(lambda dash: _DASHES[dash[0]], word)
    decoded = _ulatex(word)
    # A control word at the end comes back as "\cmd "; the space after it is the author's own.
    return decoded[:-1] if decoded.endswith(" ") and not word.endswith(" ") else decoded


def _to_unicode(latex: str) -> str:
    try:
        return _LATEX_WORD.sub(_decode_word, latex)
    except ValueError:  # a word that is not LaTeX on its own (e.g. "\ " split off): decode it all
        return _ulatex(latex)


def _leftovers(match: re.Match[str]) -> str:
    name, symbol = match.groups()
    if name is not None:
        return _WORDS.get(name) or _TEXT_SYMBOLS.get(name, "")
    if symbol is None:  # a lone trailing backslash, e.g. from "\{x\}" split at the brace
        return ""
    return _SYMBOLS.get(symbol, symbol if symbol in "$&%#_" else "")


def _clean_string(text: str) -> str:
    return _LEFTOVER.sub(_leftovers, _MATH_SHIFT.sub("", text))


def _accented(command: str, inner: list) -> list:
    # latexcodec decodes \'\i but not \'{\i}: retry with the bare letter.
    letter = "".join(str(part) for part in inner).replace("ı", "i").replace("ȷ", "j")
    try:
        decoded = _ulatex(f"\\{command}{letter}")
    except ValueError:
        return inner
    return [String(decoded)] if "\\" not in decoded else inner


def _clean(parts: Iterable) -> list:
    """Turn what latexcodec left (\\emph{..}, {\\it ..}, \\url{..}, $..$) into rich text."""
    out: list = []
    command = None
    for part in parts:
        if isinstance(part, Protected):
            inner = list(part.parts)
            tag = _TAGS.get(command) if command else None
            first = inner[0] if inner else None
            if command is None and isinstance(first, String):
                declared = _DECLARATION.match(first.value)
                if declared:
                    tag = _TAGS.get(declared.group(1))
                    inner[0] = String(first.value[declared.end() :])
            if command == "noopsort":  # {\noopsort{key}}: a sort key that prints nothing
                command = None
                continue
            inner = _clean(inner)
            if command == "href":  # \href{url}{text}: drop the url, keep the text
                command = "url"
                continue
            if command and not command.isalpha():
                inner = _accented(command, inner)
            command = None
            if inner:
                out.append(Tag(tag, *inner) if tag else Protected(*inner))
            continue
        text = str(part)
        trailing = _TRAILING_COMMAND.search(text)
        command = None
        if trailing and trailing.group(1) not in _WORDS and trailing.group(1) not in _TEXT_SYMBOLS:
            command, text = trailing.group(1), text[: trailing.start()]
        text = _clean_string(text)
        if text:
            out.append(String(text))
    return out


# An entry's fields are decoded for its downloads and for its reference one after the other
# (both happen while it is at hand), and journal names recur: a thousand recent strings
# catch that, without holding rich text for every field of a big bibliography.
@lru_cache(maxsize=1 << 10)
def _decode(latex: str) -> Text:
    """LaTeX field text as pybtex rich text: Unicode, braces kept only as Protected."""
    if not _LATEX_HINT.search(latex):
        return Text(latex)
    # Text.from_latex, minus its final Text(): that merges "\\href{url}{text}" into one group.
    try:
        parts = list(LaTeXParser(_to_unicode(latex)).iter_string_parts())
    except (PybtexError, ValueError):  # unbalanced braces or a lone "\\" in a hand-made Entry
        text = _ulatex(latex, "ignore")
        return Text(_clean_string(text.replace("{", "").replace("}", "")))
    return Text(*_clean(parts))


def plain_text(latex: str) -> str:
    """A BibTeX field as plain Unicode text (cached: the same strings recur across entries)."""
    return str(_decode(latex))


# --- field and person lookup (with crossref inheritance) -----------------------------------------


def _sources(entry: Entry, bib_data: BibliographyData | None) -> Iterator[Entry]:
    """The entry, then the entries it crossrefs; pybtex only inherits when given bib_data."""
    seen: set[int] = set()
    while entry is not None and id(entry) not in seen:
        yield entry
        seen.add(id(entry))
        parent = entry.fields.get("crossref")
        entry = bib_data.entries.get(parent) if bib_data is not None and parent else None


def _lookup(entry: Entry, names: Iterable[str], bib_data: BibliographyData | None = None) -> str:
    for index, source in enumerate(_sources(entry, bib_data)):
        for name in names:
            value = source.fields.get(name)
            # biblatex inheritance: a parent's title is the child's booktitle
            if value is None and index and name == "booktitle":
                value = source.fields.get("title")
            if value and value.strip():
                return value.strip()
    return ""


def _people(entry: Entry, role: str, bib_data: BibliographyData | None = None) -> list[Person]:
    for source in _sources(entry, bib_data):
        if source.persons.get(role):
            return source.persons[role]
    return []


def _is_others(person: Person) -> bool:
    return person.last_names == ["others"] and not (person.first_names or person.middle_names)


def _named(people: list[Person]) -> tuple[list[Person], bool]:
    """The people given by name, and whether the list ends in BibTeX's "and others"."""
    if people and _is_others(people[-1]):
        return people[:-1], True
    return people, False


def _creators(entry: Entry, bib_data: BibliographyData | None = None) -> list[Person]:
    return _people(entry, "author", bib_data) or _people(entry, "editor", bib_data)


def family_names(entry: Entry, bib_data: BibliographyData | None = None) -> list[str]:
    """Decoded surnames (with particles) of the authors, else the editors; "others" left out."""
    people, _ = _named(_creators(entry, bib_data))
    return [plain_text(" ".join(person.prelast_names + person.last_names)) for person in people]


def has_others(entry: Entry, bib_data: BibliographyData | None = None) -> bool:
    """Whether the author (else editor) list ends in "and others"."""
    return _named(_creators(entry, bib_data))[1]


_INITIAL_BREAK = re.compile(r"[\s.\-\u2010\u2013]+")


def _nlm_name(person: Person) -> str:
    """Surname, initials without periods or spaces, then suffix: "van der Berg JP Jr"."""
    surname = plain_text(" ".join(person.prelast_names + person.last_names))
    given = plain_text(" ".join(person.first_names + person.middle_names))
    initials = "".join(part[0].upper() for part in _INITIAL_BREAK.split(given) if part)
    suffix = plain_text(" ".join(person.lineage_names)).replace(".", "")
    return " ".join(part for part in (surname, initials, suffix) if part)


# --- dates, volume and pages ---------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = {
    name.lower(): abbr
    for abbr, name in zip(
        _MONTHS,
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        strict=True,
    )
}
_MONTH_NAMES.update({abbr.lower(): abbr for abbr in _MONTHS}, sept="Sep")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _month(value: str) -> str:
    value = value.strip().rstrip(".")
    if value.isdigit():
        return _MONTHS[int(value) - 1] if 1 <= int(value) <= 12 else value
    return _MONTH_NAMES.get(value.lower(), value)  # "Jul-Aug", "Spring" stay as written


def _day(value: str) -> str:
    return str(int(value)) if value.isdigit() else value


def _iso_parts(value: str) -> tuple[str, str, str] | None:
    match = _ISO_DATE.fullmatch(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    return year, _month(month) if month else "", _day(day) if day else ""


def _iso_date(value: str) -> str:
    """biblatex date (2010-11-16, 2010-11, ranges with "/") in NLM form: 2010 Nov 16."""
    start, _, end = value.partition("/")
    first, last = _iso_parts(start), _iso_parts(end)
    if first is None:
        return plain_text(value)
    if last is None or last == first:
        return " ".join(part for part in first if part)
    if last[0] != first[0]:
        return "-".join(" ".join(p for p in d if p) for d in (first, last))
    tail = " ".join(p for p in last[1:] if p) if last[1] != first[1] else last[2]
    return f"{' '.join(p for p in first if p)}-{tail}" if tail else " ".join(first[:2])


def _entry_date(entry: Entry, bib_data: BibliographyData | None) -> str:
    year = plain_text(_lookup(entry, ("year",), bib_data))
    if not year:
        date = _lookup(entry, ("date",), bib_data)
        return _iso_date(date) if date else ""
    month = _month(plain_text(_lookup(entry, ("month",), bib_data)))
    day = _day(plain_text(_lookup(entry, ("day",), bib_data))) if month else ""
    return " ".join(part for part in (year, month, day) if part)


_PAGE = re.compile(r"([A-Za-z]*)(\d+)")
_RANGE_DASH = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")


def _page_range(pages: str) -> str:
    bounds = _RANGE_DASH.split(pages.strip())
    if len(bounds) != 2:
        return pages.strip()
    first, last = bounds
    start, end = _PAGE.fullmatch(first), _PAGE.fullmatch(last)
    if not (start and end) or end.group(1) not in ("", start.group(1)):
        return f"{first}-{last}"
    low, high = start.group(2), end.group(2)
    if low == high:
        return first
    if len(low) != len(high) or high < low:
        return f"{first}-{high}"
    common = 0
    while low[common] == high[common]:
        common += 1
    return f"{first}-{high[common:]}"


def abbreviate_pages(pages: str) -> str:
    """NLM page ranges: 1062--1064 -> 1062-4, 123--145 -> 123-45, 99--101 -> 99-101."""
    return ", ".join(_page_range(part) for part in pages.split(",") if part.strip())


_SUPPLEMENT = re.compile(r"\bSuppl(?:ement|\.)?(?=\s|$)\s*", re.IGNORECASE)


def _supplement(text: str) -> str:
    return _SUPPLEMENT.sub("Suppl ", text).strip()


def _volume_issue(entry: Entry, bib_data: BibliographyData | None) -> str:
    """ "72(3 Suppl)" for an issue supplement, "72 Suppl 3" for a volume supplement."""
    volume = plain_text(_lookup(entry, ("volume",), bib_data))
    issue = _supplement(plain_text(_lookup(entry, ("number", "issue"), bib_data)))
    supplement = _supplement(plain_text(_lookup(entry, ("supplement",), bib_data)))
    if supplement and not supplement.startswith("Suppl"):
        supplement = f"Suppl {supplement}"
    if issue.startswith("Suppl"):
        issue, supplement = "", issue
    if issue and supplement and "Suppl" not in issue:
        issue, supplement = f"{issue} {supplement}", ""
    text = " ".join(part for part in (volume, supplement) if part)
    return f"{text}({issue})" if issue else text


_EDITIONS = {
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}


def _edition(value: str) -> str:
    value = value.strip().rstrip(".")
    if value.isdigit():
        number = int(value)
        suffix = (
            "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        value = f"{number}{suffix}"
    value = _EDITIONS.get(value.lower(), value)
    return value if re.search(r"\bed(?:ition)?$", value, re.IGNORECASE) else f"{value} ed"


# --- identifiers -----------------------------------------------------------------------------

_DOI = re.compile(r"10\.[0-9]+/\S+")
_PMID = re.compile(r"[0-9]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_HTTP = re.compile(r"https?://", re.IGNORECASE)


def _raw(value: str) -> str:
    """A verbatim field (doi, url): undo BibTeX escapes, never touch dashes."""
    return re.sub(r"\\([_%&#$~])", r"\1", value).replace("{", "").replace("}", "").strip()


def _doi(entry: Entry, bib_data: BibliographyData | None) -> str:
    return _DOI_PREFIX.sub("", _raw(_lookup(entry, ("doi",), bib_data)))


# --- template nodes ------------------------------------------------------------------------------
# Each reads context["entry"] (and "bib_data" for crossrefs) and returns empty Text when the
# data is missing, so that the surrounding sentence/words/join simply drops it.


def _find(context: dict, *names: str) -> str:
    return _lookup(context["entry"], names, context.get("bib_data"))


@dataclass(frozen=True)
class Terms:
    """The words the style writes, NLM's in English by default; a site's locale gives its own
    (bibcite.locales: the `vancouver_*` words)."""

    et_al: str = "et al."
    editor: str = "editor"
    editors: str = "editors"
    in_: str = "In:"
    chapter: str = "Chapter"
    page: str = "p."
    report_number: str = "Report No.:"
    internet: str = "[Internet]"
    cited: str = "[cited {date}]"
    available_from: str = "Available from:"
    dissertation: str = "dissertation"
    masters_thesis: str = "master's thesis"
    unpublished: str = "Unpublished"


ENGLISH = Terms()


def terms_of(words) -> Terms:
    """A locale's Vancouver words (bibcite.locales.Words' `vancouver_*`)."""
    names = [item.name for item in fields(Terms)]
    return Terms(**{name: getattr(words, f"vancouver_{name.rstrip('_')}") for name in names})


@node
def field(children, context, *names):
    """The first of the named fields present, decoded from LaTeX."""
    value = _find(context, *names)
    return _decode(value) if value else Text()


@node
def persons(children, context, *roles):
    """The first role present, NLM style: "Smith J, Jones K, et al." (", editors" for editors)."""
    style = context["style"]
    for role in roles:
        people, others = _named(_people(context["entry"], role, context.get("bib_data")))
        if people:
            break
    else:
        return Text()
    if len(people) > style.max_authors:
        people, others = people[: style.truncate_authors], True
    names = [_nlm_name(person) for person in people]
    terms = style.terms
    if others:
        names.append(terms.et_al)
    if role == "editor":
        names.append(terms.editors if len(names) > 1 else terms.editor)
    return Text(", ".join(names))


# Thesis types -> the Terms field naming them.
_THESES = {
    "phdthesis": "dissertation",
    "mastersthesis": "masters_thesis",
    "mathesis": "masters_thesis",
}


@node
def title(children, context, name="title", kind=""):
    """The title exactly as written (never re-cased), then "[Internet]" or the thesis type."""
    value = _find(context, name)
    if not value:
        return Text()
    text = _decode(value)
    terms = context["style"].terms
    if kind == "internet" and _find(context, "url"):
        return Text(text, " ", terms.internet)
    if kind == "thesis":
        thesis = plain_text(_find(context, "type")) or context["entry"].type
        known = _THESES.get(thesis.lower())
        return Text(text, f" [{getattr(terms, known) if known else thesis}]")
    return text


@node
def date(children, context, name=None):
    """The entry's date ("2010 Nov 16"), or the named biblatex date field."""
    if name is None:
        return Text(_entry_date(context["entry"], context.get("bib_data")))
    value = _find(context, name)
    return Text(_iso_date(value)) if value else Text()


@node
def pages(children, context, prefixed=False):
    """The page range; after the locale's "p." when `prefixed`."""
    value = plain_text(_find(context, "pages"))
    prefix = f"{context['style'].terms.page} " if prefixed else ""
    return Text(prefix + abbreviate_pages(value)) if value else Text()


@node
def edition(children, context):
    value = plain_text(_find(context, "edition"))
    return Text(_edition(value)) if value else Text()


@node
def article_source(children, context):
    """ "2008 May;22(5):1062-4": date, then ;volume(issue), then :pages."""
    entry, bib_data = context["entry"], context.get("bib_data")
    text = _entry_date(entry, bib_data)
    volume = _volume_issue(entry, bib_data)
    if volume:
        text = f"{text};{volume}" if text else volume
    page_range = abbreviate_pages(plain_text(_find(context, "pages")))
    if page_range:
        text = f"{text}:{page_range}" if text else page_range
    return Text(text)


@node
def publication(children, context, publisher=("publisher",), cited=False):
    """ "Place: Publisher; Date", with " [cited 2020 Jan 5]" for Internet items."""
    place, name = (_find(context, *names) for names in (("location", "address"), publisher))
    place_name = Text(": ").join([_decode(value) for value in (place, name) if value])
    when = _entry_date(context["entry"], context.get("bib_data"))
    text = Text("; ").join([part for part in (place_name, when) if part])
    urldate = _find(context, "urldate") if cited else ""
    if urldate:
        cited_on = context["style"].terms.cited.format(date=_iso_date(urldate))
        text = Text(text, " " if text else "", cited_on)
    return text


@node
def prefixed(children, context, term):
    """The term + children, or nothing when the children are empty ("In: ...", "Report No.: 5")."""
    text = join(sep=" ")[children].format_data(context)
    return Text(getattr(context["style"].terms, term), " ", text) if text else text


@node
def term(children, context, name):
    """A word of the locale's ("Unpublished")."""
    return Text(getattr(context["style"].terms, name))


def _link(url: str | None, shown: str) -> BaseText:
    """A link only for a checked URL; anything else is shown as decoded text."""
    return HRef(url, shown) if url else String(plain_text(shown))


@node
def links(children, context, always_url=False):
    """ "Available from: URL", then "doi: ..." and "PMID: ...", linked only when well-formed."""
    doi = _doi(context["entry"], context.get("bib_data"))
    url = _raw(_find(context, "url"))
    pmid = _raw(_find(context, "pmid", "pubmed"))
    parts = []
    if url and (always_url or not _DOI.fullmatch(doi)):  # a DOI is the lasting link
        available = context["style"].terms.available_from
        parts.append(Text(available, " ", _link(_HTTP.match(url) and url, url)))
    identifiers = []
    if doi:
        doi_url = "https://doi.org/" + quote(doi, safe="/:;()._-")
        identifiers.append(Text("doi: ", _link(_DOI.fullmatch(doi) and doi_url, doi)))
    if pmid:
        pmid_url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        identifiers.append(Text("PMID: ", _link(_PMID.fullmatch(pmid) and pmid_url, pmid)))
    if identifiers:
        parts.append(Text(". ").join(identifiers))
    return Text(" ").join(parts)


# --- templates -----------------------------------------------------------------------------------

toplevel = join(sep=" ")
creators = sentence[persons("author", "editor")]
authors = sentence[persons("author")]
plain_title = sentence[title]
journal = sentence[field("shortjournal", "journalabbrev", "journal", "journaltitle")]
event = sentence(sep="; ")[
    field("booktitle"), field("eventtitle"), date("eventdate"), field("venue")
]

ARTICLE = toplevel[creators, plain_title, journal, sentence[article_source], links]
BOOK = toplevel[
    creators, sentence[title(kind="internet")], sentence[edition], sentence[publication], links
]
INBOOK = toplevel[
    creators,
    plain_title,
    sentence[edition],
    sentence[publication],
    sentence(sep="; ")[prefixed("chapter")[field("chapter")], pages(prefixed=True)],
    links,
]
INCOLLECTION = toplevel[
    authors,
    plain_title,
    prefixed("in_")[sentence[persons("editor")], sentence[field("booktitle")]],
    sentence[edition],
    sentence[publication],
    sentence[pages(prefixed=True)],
    links,
]
INPROCEEDINGS = toplevel[
    authors,
    plain_title,
    prefixed("in_")[sentence[persons("editor")], event],
    sentence[publication(publisher=("publisher", "organization"))],
    sentence[pages(prefixed=True)],
    links,
]
PROCEEDINGS = toplevel[
    creators,
    plain_title,
    sentence(sep="; ")[field("eventtitle"), date("eventdate"), field("venue")],
    sentence[publication(publisher=("publisher", "organization"))],
    links,
]
THESIS = toplevel[
    authors,
    sentence[title(kind="thesis")],
    sentence[publication(publisher=("school", "institution"))],
    links,
]
REPORT = toplevel[
    creators,
    plain_title,
    sentence[publication(publisher=("institution", "publisher", "organization"))],
    sentence[prefixed("report_number")[field("number")]],
    links,
]
MANUAL = toplevel[
    creators,
    plain_title,
    sentence[edition],
    sentence[publication(publisher=("organization", "publisher"))],
    links,
]
ONLINE = toplevel[
    creators,
    sentence[title(kind="internet")],
    sentence[publication(publisher=("publisher", "organization", "howpublished"), cited=True)],
    links(always_url=True),
]
UNPUBLISHED = toplevel[
    creators,
    plain_title,
    sentence(sep="; ")[first_of[field("note"), term("unpublished")], date],
    links,
]
# For an entry with nothing a template shows (e.g. a @misc with only a note).
LAST_RESORT = sentence[field("note")]

# Entry types written like another one (BibTeX and biblatex synonyms).
_ALIASES = {
    "conference": "inproceedings",
    "mastersthesis": "phdthesis",
    "thesis": "phdthesis",
    "report": "techreport",
    "electronic": "online",
    "www": "online",
    "booklet": "book",
    "collection": "book",
    "mvbook": "book",
    "periodical": "book",
    "patent": "misc",
    "dataset": "misc",
    "software": "misc",
}


def _kind(entry: Entry, bib_data: BibliographyData | None) -> str:
    """The entry's type as the templates know it. biblatex's @inbook is a titled part of the book
    named in `booktitle` (written like @incollection); BibTeX's is a chapter of the book `title`."""
    kind = _ALIASES.get(entry.type, entry.type)
    if kind == "inbook" and _lookup(entry, ("booktitle",), bib_data):
        return "incollection"
    return kind


_JOURNAL = ("journal", "shortjournal", "journalabbrev", "journaltitle")
_YEAR = ("year", "date")
# What NLM needs per entry type; the first name of each alternative is the one reported.
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), _JOURNAL, _YEAR),
    "book": (("author", "editor"), ("title",), ("publisher",), _YEAR),
    "inbook": (("author", "editor"), ("title",), ("publisher",), _YEAR),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), _YEAR),
    "inproceedings": (("author",), ("title",), ("booktitle",), _YEAR),
    "proceedings": (("title",), _YEAR),
    "phdthesis": (("author",), ("title",), ("school", "institution"), _YEAR),
    "techreport": (("author",), ("title",), ("institution", "publisher", "organization"), _YEAR),
    "manual": (("title",),),
    "online": (("title",), ("url",), ("urldate",)),
    "misc": (("title",),),
    "unpublished": (("author",), ("title",)),
}


class VancouverStyle(BaseStyle):
    """NLM/ICMJE references; pass ``bib_data`` to ``format_entry`` for crossrefs."""

    recases_titles = False  # titles keep the case they are written in (diagnostics.py)

    def __init__(
        self, max_authors: int = 6, truncate_authors: int = 3, terms: Terms = ENGLISH, **kwargs
    ) -> None:
        """`terms`: the words it writes ("et al.", "Available from:"), in the site's language."""
        super().__init__(**kwargs)
        self.terms = terms
        if not 1 <= truncate_authors <= max_authors:
            msg = f"need 1 <= truncate_authors ({truncate_authors}) <= max_authors ({max_authors})"
            raise ValueError(msg)
        self.max_authors = max_authors
        self.truncate_authors = truncate_authors

    def get_article_template(self, e):
        return ARTICLE

    def get_book_template(self, e):
        return BOOK

    def get_inbook_template(self, e):
        # biblatex inbook is a titled part of a book; BibTeX inbook is the book plus chapter/pages
        return INCOLLECTION if "booktitle" in e.fields else INBOOK

    def get_incollection_template(self, e):
        return INCOLLECTION

    def get_inproceedings_template(self, e):
        return INPROCEEDINGS

    def get_proceedings_template(self, e):
        return PROCEEDINGS

    def get_phdthesis_template(self, e):
        return THESIS

    def get_techreport_template(self, e):
        return REPORT

    def get_manual_template(self, e):
        return MANUAL

    def get_online_template(self, e):
        return ONLINE

    def get_misc_template(self, e):
        return ONLINE

    def get_unpublished_template(self, e):
        return UNPUBLISHED

    def format_entry(self, label, entry, bib_data=None):
        kind = _kind(entry, bib_data)
        get_template = getattr(self, f"get_{kind}_template", self.get_misc_template)
        context = {"entry": entry, "style": self, "bib_data": bib_data}
        text = get_template(entry).format_data(context)
        if not len(text):  # none of the fields its type needs: show its note, or its key
            text = LAST_RESORT.format_data(context) or Text(entry.key or label)
        return FormattedEntry(entry.key, text, label)

    def format_bibliography(self, bib_data, citations=None):
        # BaseStyle drops bib_data here, which loses every crossref-inherited field.
        if citations is None:
            citations = list(bib_data.entries.keys())
        citations = bib_data.add_extra_citations(citations, self.min_crossrefs)
        entries = [bib_data.entries[key] for key in citations]
        formatted = self.format_entries(entries, bib_data=bib_data)
        return FormattedBibliography(formatted, style=self, preamble=bib_data.preamble)

    @staticmethod
    def missing_fields(entry: Entry, bib_data: BibliographyData | None = None) -> list[str]:
        """The fields NLM needs for this entry type that the entry lacks (e.g. ['year'])."""
        kind = _kind(entry, bib_data)
        missing = []
        for names in _NEEDS.get(kind, _NEEDS["misc"]):
            if names[0] in ("author", "editor"):
                found = any(_people(entry, name, bib_data) for name in names)
            else:
                found = bool(_lookup(entry, names, bib_data))
            if not found:
                missing.append(names[0])
        return missing
