"""The CSL engine: every citation cluster of the site and every entry a list shows, formatted by
one pandoc run (citeproc) in reading order, then kept on disk under a key of everything that
made them, so a warm build starts no pandoc.

pandoc sees each entry under a short id (k1, k2, ...): .bib keys may hold characters its
citation syntax does not take. Its HTML goes through an allow-list (`sanitize`) before use.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bibcite.bibliography.load import Bibliography
from bibcite.checks import DEFAULT_CSL_TIMEOUT
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem, log
from bibcite.styles import escaping
from bibcite.styles.csl import pandoc, sanitize
from bibcite.styles.csl.csl_json import csl_item
from bibcite.styles.csl.styles import CslStyle
from bibcite.styles.formatter import Reference, _what_it_has
from bibcite.styles.vancouver import family_names, has_others

if TYPE_CHECKING:
    from bibcite.bibliography.disk_cache import DiskCache

# Bump when what is stored changes shape.
FORMAT = "6"
_MANY = 500  # more cited entries than this: say at info level that pandoc runs

_CLUSTER = re.compile(
    r'^<p>BIBCITE-(\d+)(-more)?( ?)<span class="citation" data-cites="[^"]*">(.*)</span></p>$',
    re.M,
)
_ENTRY = re.compile(
    r'<div id="ref-(k\d+)" class="csl-entry" role="listitem">\n(.*?)\n</div>\n'
    r'(?=<div id="ref-|</div>)',
    re.S,
)
_MARGIN = re.compile(
    r'^<div class="csl-left-margin">(.*?)</div><div class="csl-right-inline">(.*)</div>$', re.S
)
# Characters pandoc's Markdown gives a meaning to inside a citation's prefix or locator.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#@;^~$&|!\"'])")


class CslError(Exception):
    """The CSL engine cannot format the site: the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Cluster:
    html: str  # pandoc's citation, its links to entries as `<a data-bibcite-key="KEY">`
    attached: bool  # pandoc wrote it with no space before (superscripts)


@dataclass(frozen=True)
class Formatted:
    clusters: dict[tuple[str, int], Cluster]
    margins: dict[str, str]  # key -> "1.", "[1]" for numeric styles; '' for author-date
    rank: dict[str, int]  # key -> its place in the style's bibliography order
    references: dict[str, Reference]


@dataclass(frozen=True, slots=True)
class Cited:
    """One cluster to format: where it is, and its items as (key, prefix, locator, suppress)."""

    where: tuple[str, int]  # (page, the citation's index on the page)
    items: tuple[tuple[str, str, str, bool], ...]
    narrative: bool


class CslFormatter:
    """A `ReferenceFormatter` for CSL styles: nothing is formatted until `prepare` is given the
    site's clusters, since a CSL style's citations and lists depend on all of them (numbers,
    year suffixes, added names)."""

    style_class = None  # no pybtex style (diagnostics ask whether it recases titles)

    def __init__(
        self,
        bibliography: Bibliography,
        style: CslStyle,
        *,
        lang: str,
        timeout: float = DEFAULT_CSL_TIMEOUT,
        disk: DiskCache | None = None,
        words: Words = ENGLISH,
    ) -> None:
        self.bibliography = bibliography
        self.style = style
        self.lang = lang
        self.timeout = timeout
        self._disk = disk
        self._words = words
        self.signature = (
            bibliography.fingerprint,
            "csl",
            style.digest,
            lang,
            timeout,
            (words.two_authors, words.many_authors),
        )
        self.formatted: Formatted | None = None
        self._key = ""
        self.formatted_since_export = False  # its own cache: nothing for the references' cache
        self.runs = 0  # pandoc runs, for the tests and the debug log

    @property
    def numeric(self) -> bool:
        return self.style.numeric

    # --- the formatter's interface ----------------------------------------------------------

    def get(self, key: str) -> Reference:
        if self.formatted is not None and key in self.formatted.references:
            return self.formatted.references[key]
        # Not among the entries `prepare` was given (it is given every one a page shows): what
        # the entry has, as the pybtex formatter shows an entry its style cannot finish.
        log.debug("entry '%s' shown without its CSL formatting", key)
        text = "".join(_what_it_has(self.bibliography.entries[key]))
        return Reference(key, escaping.escape(text), text, self.label_of(key))

    def label_of(self, written: str) -> str:
        key = self.bibliography.entries.spelling.get(written.lower())
        if key is None:
            return ""
        if self.formatted is not None and key in self.formatted.references:
            return self.formatted.references[key].label  # with no entry parsed
        entry = self.bibliography.entries[key]
        return self._words.authors(family_names(entry), others=has_others(entry))

    def export(self) -> dict:
        return {}

    def take_problems(self) -> list[Problem]:
        return []

    def cluster(self, where: tuple[str, int]) -> Cluster | None:
        return self.formatted.clusters.get(where) if self.formatted else None

    def margin(self, key: str) -> str:
        return self.formatted.margins.get(key, "") if self.formatted else ""

    def rank(self, key: str) -> int:
        return self.formatted.rank.get(key, 1 << 30) if self.formatted else 0

    # --- formatting ---------------------------------------------------------------------------

    def prepare(self, clusters: Sequence[Cited], keys: Iterable[str]) -> None:
        """Format `clusters` (in reading order) and the entries `keys`, which every list of the
        site shows (the cited ones among them): from the cache when nothing changed.

        The cache key holds the .bib files' fingerprint and the keys formatted, not their
        CSL-JSON: the CSL-JSON is made from those alone (by this FORMAT's code), and making it
        would parse every cited entry, which a warm build otherwise never does."""
        cited = _cited_keys(clusters)
        wanted = list(dict.fromkeys([*cited, *keys]))
        ids = {key: f"k{number}" for number, key in enumerate(wanted, 1)}
        uncited = wanted[len(cited) :]  # `wanted` starts with the cited keys
        document = _document(clusters, ids, uncited, self.style.numeric)
        tool = _find()
        key = _digest(
            FORMAT,
            self.bibliography.fingerprint,
            json.dumps(wanted),
            self.style.digest,
            self.lang,
            document,
            tool.identity,
            repr(self.signature[-1]),  # the words of the narrative labels
        )
        if key == self._key and self.formatted is not None:
            return
        stored = None
        if self._disk is not None:
            stored = self._disk.read("csl", key, _valid_stored)
        if stored is None:
            stored = self._run(tool, document, wanted, ids)
            if self._disk is not None:
                self._disk.write("csl", key, [json.dumps(stored, ensure_ascii=False)])
        else:
            log.debug("CSL citations and references read from the cache on disk")
        self.formatted = _read(stored, clusters, ids)
        self._key = key

    def _run(
        self, tool: pandoc.Pandoc, document: str, wanted: list[str], ids: dict[str, str]
    ) -> dict:
        try:
            pandoc.check_version(tool)
        except pandoc.PandocError as error:
            raise CslError(str(error)) from None
        entries = self.bibliography.entries
        items = [csl_item(ids[key], entries[key]) for key in wanted]
        shown = os.path.basename(self.style.path)
        say = log.info if len(wanted) > _MANY else log.debug
        say("formatting %s references with %s (pandoc)", f"{len(wanted):,}", shown)
        with tempfile.TemporaryDirectory(prefix="bibcite-csl-") as folder:
            path = os.path.join(folder, "references.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(items, file, ensure_ascii=False)
            try:
                output = pandoc.run(
                    tool,
                    document,
                    bibliography=path,
                    style=self.style.path,
                    lang=self.lang,
                    timeout=self.timeout,
                )
            except pandoc.PandocError as error:
                raise CslError(str(error)) from None
        self.runs += 1
        by_id = {value: key for key, value in ids.items()}

        def label(pandoc_id: str) -> str:
            entry = entries[by_id[pandoc_id]]
            return self._words.authors(family_names(entry), others=has_others(entry))

        return _parse(output, label)


def _read(stored: dict, clusters: Sequence[Cited], ids: dict[str, str]) -> Formatted:
    """What pandoc made, or the cache holds, for these clusters and ids: its HTML checked
    against the allow-list again (a cache may come from elsewhere), its text escaped where
    it is written."""
    by_id = {value: key for key, value in ids.items()}
    found = {n: (html, attached) for n, html, attached in stored["clusters"]}
    done = {}
    for number, cited in enumerate(clusters, 1):
        if number in found:
            html, attached = found[number]
            done[cited.where] = Cluster(_rekeyed(sanitize.checked(html), by_id), attached)
    margins, rank, references = {}, {}, {}
    for place, (pandoc_id, margin, body, text, label) in enumerate(stored["entries"]):
        key = by_id.get(pandoc_id)
        if key is None:
            continue
        margins[key], rank[key] = margin, place
        references[key] = Reference(key, sanitize.checked(body), text, label)
    return Formatted(done, margins, rank, references)


def _find() -> pandoc.Pandoc:
    try:
        return pandoc.find()
    except pandoc.PandocError as error:
        raise CslError(str(error)) from None


def _digest(*parts: str) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode())
        hashed.update(b"\0")
    return hashed.hexdigest()


def _cited_keys(clusters: Sequence[Cited]) -> list[str]:
    return list(dict.fromkeys(item[0] for cited in clusters for item in cited.items))


def _escaped(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _item(pandoc_id: str, prefix: str, locator: str, suppress: bool) -> str:
    text = f"{'-' if suppress else ''}@{pandoc_id}"
    if prefix:
        text = f"{_escaped(prefix)} {text}"
    if locator:
        text = f"{text}, {_escaped(locator)}"
    return text


def _cluster_markdown(number: int, cited: Cited, ids: dict[str, str], numeric: bool) -> str:
    """`BIBCITE-n` and the citation; a narrative citation with other items after it (`@a [p. 4;
    @b]`) as two for author-date styles, which would sort the named item in among the others,
    "(B, 2010; A; 2011)": "A (2011, p. 4) (B, 2010)"."""
    items = [(ids[key], *rest) for key, *rest in cited.items]
    if not cited.narrative or items[0][3]:
        return f"BIBCITE-{number} [" + "; ".join(_item(*item) for item in items) + "]\n"
    first_id, _, locator, _ = items[0]
    others = [_item(*item) for item in items[1:]]
    named = f"BIBCITE-{number} @{first_id}"
    if numeric or not others:
        inside = ([_escaped(locator)] if locator else []) + others
        return named + (f" [{'; '.join(inside)}]" if inside else "") + "\n"
    named += f" [{_escaped(locator)}]" if locator else ""
    return f"{named}\n\nBIBCITE-{number}-more [{'; '.join(others)}]\n"


def _document(
    clusters: Sequence[Cited], ids: dict[str, str], uncited: list[str], numeric: bool
) -> str:
    """One paragraph per cluster, `BIBCITE-n` then the citation, and the references' place."""
    parts = []
    if uncited:
        listed = " ".join(f"@{ids[key]}" for key in uncited)
        parts.append(f"---\nnocite: |\n  {listed}\n---\n")
    parts += [
        _cluster_markdown(number, cited, ids, numeric)
        for number, cited in enumerate(clusters, 1)
        if cited.items
    ]
    parts.append("::: {#refs}\n:::\n")
    return "\n".join(parts)


def _parse(output: str, label: Callable[[str], str]) -> dict:
    """pandoc's HTML as rows to keep: each cluster's HTML and whether it follows the text
    with no space; each entry's label, HTML, text and narrative `label`, in the style's order."""
    clusters: list[list] = []
    for match in _CLUSTER.finditer(output):
        html = sanitize.clean(match[4])
        if match[2] and clusters and clusters[-1][0] == int(match[1]):  # a narrative's others
            clusters[-1][1] += " " + html
        else:
            clusters.append([int(match[1]), html, not match[3]])
    entries = []
    for match in _ENTRY.finditer(output):
        body = match[2].strip()
        margin = ""
        split = _MARGIN.match(body)
        if split:
            margin, body = sanitize.text(split[1]), split[2]
        body = sanitize.clean(body)
        entries.append([match[1], margin, body, sanitize.text(body), label(match[1])])
    return {"clusters": clusters, "entries": entries}


def _valid_stored(value: object) -> bool:
    if not isinstance(value, dict) or set(value) != {"clusters", "entries"}:
        return False
    clusters, entries = value["clusters"], value["entries"]
    return (
        isinstance(clusters, list)
        and isinstance(entries, list)
        and all(
            isinstance(row, list)
            and len(row) == 3
            and type(row[0]) is int
            and isinstance(row[1], str)
            and isinstance(row[2], bool)
            for row in clusters
        )
        and all(
            isinstance(row, list) and len(row) == 5 and all(isinstance(v, str) for v in row)
            for row in entries
        )
    )


_LINK = re.compile(r'<a href="#ref-(k\d+)" role="doc-biblioref">')


def _rekeyed(html: str, by_id: dict[str, str]) -> str:
    """pandoc's ids back to placeholders the page fills: `<a data-bibcite-key="KEY">`."""
    return _LINK.sub(
        lambda match: f'<a data-bibcite-key="{escaping.escape(by_id.get(match[1], ""))}">',
        html,
    )


def for_site(
    bibliography: Bibliography,
    style_name: str,
    *,
    base_dir: str,
    locale: str | None,
    language: str,
    numbering: str,
    timeout: float,
    disk: DiskCache | None = None,
    words: Words = ENGLISH,
) -> CslFormatter:
    """The CSL formatter a host's options ask for. The locale: the `locale` option, else the
    style's default-locale, else the theme's language, else en-US."""
    from bibcite.styles.csl import styles

    if numbering == "page":
        raise CslError(
            "option 'numbering': 'page' is for pybtex styles; a CSL style numbers as the style "
            "says, across the site; remove numbering, or choose a pybtex style"
        )
    try:
        style = styles.load(style_name, base_dir)
    except styles.StyleError as error:
        raise CslError(f"option 'style': {error}") from None
    lang = locale or style.default_locale or language or "en-US"
    return CslFormatter(bibliography, style, lang=lang, timeout=timeout, disk=disk, words=words)
