"""Reference lists chosen by a `/// bibliography` block: which entries (cited anywhere, cited on
the page, all, or the page's `nocite`), filtered by entry type, keyword, key or source file,
sorted and grouped. Pure: the options are checked here (each bad value a Problem that lists the
valid ones), and the entries chosen from plain inputs; render.py writes the HTML."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem

ENTRIES = ("cited", "page", "all", "nocite")
SORTS = ("citation", "author", "year", "title")
GROUPS = ("year", "type")
OPTION_NAMES = ("entries", "type", "keyword", "keys", "source", "group_by", "sort", "reverse")
# The order of a list when the block names none. A style engine that sorts its own bibliography
# (CSL's <sort>) would give its order here instead; the pybtex styles number by citation.
DEFAULT_SORT = "citation"
CATEGORY = "list_block_error"

# The word (a `Words` field) heading each entry type's group under `group_by: type`; other types
# are shown as BibTeX writes them, capitalised.
TYPE_WORDS = {
    "article": "group_article",
    "book": "group_book",
    "booklet": "group_booklet",
    "inbook": "group_chapter",
    "incollection": "group_chapter",
    "inproceedings": "group_conference_paper",
    "conference": "group_conference_paper",
    "manual": "group_manual",
    "mastersthesis": "group_thesis",
    "phdthesis": "group_thesis",
    "thesis": "group_thesis",
    "misc": "group_other",
    "online": "group_web_page",
    "proceedings": "group_proceedings",
    "report": "group_report",
    "techreport": "group_report",
    "unpublished": "group_unpublished",
}


@dataclass(frozen=True)
class ListSpec:
    """What one block asks for; `line` is its first line in the page, `lines` each option's."""

    entries: str = "cited"
    types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    group_by: str | None = None
    sort: str = DEFAULT_SORT
    reverse: bool = False
    where: str = ""
    line: int | None = None
    lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, option: str) -> int | None:
        return dict(self.lines).get(option, self.line)


def parse(
    options: Mapping[str, object], where: str, line: int | None, lines: Mapping[str, int]
) -> tuple[ListSpec, list[Problem]]:
    """The block's options checked: a bad value is reported and its default used."""
    problems: list[Problem] = []

    def bad(name: str, message: str, fix: str) -> None:
        problems.append(Problem(CATEGORY, where, lines.get(name, line), message, fix))

    def choice(name: str, allowed: Sequence[str], default: str | None) -> str | None:
        value = options.get(name)
        if value is None:
            return default
        if value not in allowed:
            bad(name, f"the bibliography block's '{name}' is {value!r}",
                f"use one of: {', '.join(allowed)}")
            return default
        return value  # type: ignore[return-value]

    def strings(name: str) -> tuple[str, ...]:
        value = options.get(name)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in items
        ):
            bad(name, f"the bibliography block's '{name}' is {value!r}",
                f"give a name or a list of names, e.g. '{name}: [a, b]'")
            return ()
        return tuple(str(item).strip() for item in items if str(item).strip())

    entries = choice("entries", ENTRIES, "cited") or "cited"
    types = tuple(name.lower() for name in strings("type"))
    keywords, keys, sources = strings("keyword"), strings("keys"), strings("source")
    group_by = choice("group_by", GROUPS, None)
    order = choice("sort", SORTS, DEFAULT_SORT) or DEFAULT_SORT
    reverse = options.get("reverse")
    if reverse is not None and not isinstance(reverse, bool):
        bad("reverse", f"the bibliography block's 'reverse' is {reverse!r}",
            "use one of: true, false")
        reverse = False
    spec = ListSpec(
        entries=entries,
        types=types,
        keywords=keywords,
        keys=keys,
        sources=sources,
        group_by=group_by,
        sort=order,
        reverse=bool(reverse),
        where=where,
        line=line,
        lines=tuple(lines.items()),
    )
    return spec, problems


@dataclass(frozen=True)
class Catalog:
    """What choosing entries needs of the bibliography."""

    spelling: Mapping[str, str]  # lower-cased key -> the key as written
    order: Sequence[str]  # every key, in file order
    field: Callable[[str, str], str]  # key, field name -> plain text ('' when absent)
    type_of: Callable[[str], str]  # key -> entry type, lower-cased
    first_author: Callable[[str], str]  # key -> the first author's family name, plain
    source_of: Callable[[str], str]  # key -> the path of its .bib file


def keywords_of(value: str) -> set[str]:
    """The `keywords` field's words: separated by commas or semicolons, case ignored."""
    return {word.strip().lower() for word in re.split(r"[,;]", value) if word.strip()}


def _source_names(path: str) -> set[str]:
    normal = os.path.normpath(path).replace(os.sep, "/")
    return {normal, os.path.basename(normal)}


def check(spec: ListSpec, catalog: Catalog) -> list[Problem]:
    """Values that name nothing in the bibliography: unknown keys and source files."""
    problems = []
    for written in spec.keys:
        if written.lower() not in catalog.spelling:
            problems.append(
                Problem(
                    "key_not_found",
                    spec.where,
                    spec.line_of("keys"),
                    f"unknown key '{written}' in the bibliography block's 'keys'",
                    "fix the key, or add an entry with this key to the bibliography",
                )
            )
    if spec.types:
        present = sorted({catalog.type_of(key) for key in catalog.order})
        for kind in spec.types:
            if kind not in present:
                problems.append(
                    Problem(
                        CATEGORY,
                        spec.where,
                        spec.line_of("type"),
                        f"the bibliography block's 'type' names '{kind}', which no entry has",
                        f"use one of: {', '.join(present)}",
                    )
                )
    if spec.sources:
        files = sorted({catalog.source_of(key) for key in catalog.order} - {""})
        known = set().union(*(_source_names(path) for path in files)) if files else set()
        for name in spec.sources:
            if os.path.normpath(name).replace(os.sep, "/") not in known:
                problems.append(
                    Problem(
                        CATEGORY,
                        spec.where,
                        spec.line_of("source"),
                        f"the bibliography block's 'source' names '{name}', which is not one "
                        "of the bibliography's files",
                        f"use one of: {', '.join(files)}",
                    )
                )
    return problems


def choose(
    spec: ListSpec,
    catalog: Catalog,
    *,
    cited: Sequence[str],
    on_page: Sequence[str],
    nocite: Sequence[str],
    number: Callable[[str], int],
) -> list[str]:
    """The keys the block lists, sorted. `cited`: every key the site lists (cited or nocite),
    `on_page`: those of this page, `nocite`: the page's nocite entries; `number`: a key's
    number (the tie-break of every sort)."""
    pool = {"cited": cited, "page": on_page, "all": catalog.order, "nocite": nocite}[spec.entries]
    keys = list(dict.fromkeys(pool))
    if spec.keys:
        wanted = {key.lower() for key in spec.keys}
        keys = [key for key in keys if key.lower() in wanted]
    if spec.types:
        keys = [key for key in keys if catalog.type_of(key) in spec.types]
    if spec.keywords:
        wanted = {word.lower() for word in spec.keywords}
        keys = [key for key in keys if keywords_of(catalog.field(key, "keywords")) & wanted]
    if spec.sources:
        wanted = {os.path.normpath(name).replace(os.sep, "/") for name in spec.sources}
        keys = [key for key in keys if _source_names(catalog.source_of(key)) & wanted]
    return sort(keys, spec.sort, catalog, number, reverse=spec.reverse)


def sort(
    keys: list[str],
    by: str,
    catalog: Catalog,
    number: Callable[[str], int],
    *,
    reverse: bool = False,
) -> list[str]:
    """Keys by citation number, first author, year or title (ties by number); `reverse`
    turns the order round."""
    if by == "author":
        value: Callable[[str], object] = lambda key: catalog.first_author(key).casefold()  # noqa: E731
    elif by == "year":
        value = lambda key: _year(catalog.field(key, "year"))  # noqa: E731
    elif by == "title":
        value = lambda key: catalog.field(key, "title").casefold()  # noqa: E731
    else:
        value = lambda key: 0  # noqa: E731
    ordered = sorted(keys, key=lambda key: (value(key), number(key)))
    return ordered[::-1] if reverse else ordered


def _year(text: str) -> tuple[int, str]:
    match = re.search(r"\d{4}", text)
    return (int(match[0]), text) if match else (10**6, text)  # undated last


def groups(
    keys: list[str], by: str | None, catalog: Catalog, words: Words = ENGLISH
) -> list[tuple[str, list[str]]]:
    """The keys in groups with their headings in `words`' language, in the order the groups
    first appear."""
    if by is None:
        return [("", keys)]
    found: dict[str, list[str]] = {}
    for key in keys:
        if by == "year":
            heading = catalog.field(key, "year").strip() or words.no_date
        else:
            kind = catalog.type_of(key)
            word = TYPE_WORDS.get(kind)
            heading = getattr(words, word) if word else kind.capitalize() or words.group_other
        found.setdefault(heading, []).append(key)
    return list(found.items())
