"""Formats bibliography entries with the configured pybtex style, each at most once per
bibliography and style, into HTML (escaped, for the page), plain text (for `title` attributes)
and the author label of narrative citations. pybtex failures become `Problem`s, never tracebacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property

from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing

from bibcite.bibliography.load import Bibliography
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem
from bibcite.styles.vancouver import family_names, has_others, plain_text


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    html: str
    text: str
    label: str  # "Christopeit et al." for narrative citations


class ReferenceFormatter:
    """Formats on demand and remembers: a reference cited a hundred times is formatted once."""

    def __init__(
        self,
        bibliography: Bibliography,
        style: str,
        options: dict[str, object],
        remembered: Mapping[str, tuple[Reference, list[Problem]]] | None = None,
        *,
        words: Words = ENGLISH,
    ) -> None:
        """`remembered`: references formatted by an earlier process with the same signature;
        `words`: the site's, for the narrative label ("Smith and Jones", "Smith e Jones")."""
        self.bibliography = bibliography
        self.style_class = style_class(style)
        self._style_options = options
        self._words = words
        self.signature = signature(bibliography, style, options, words)
        remembered = remembered or {}
        self._done: dict[str, Reference] = {key: ref for key, (ref, _) in remembered.items()}
        self._problems: dict[str, list[Problem]] = {
            key: problems for key, (_, problems) in remembered.items() if problems
        }
        self._used: set[str] = set()
        self.formatted_since_export = False

    @cached_property
    def style(self):
        """Made for the first entry formatted, not in a build whose references all come from the
        cache: a pybtex style looks up its name, label and sorting plugins as it is made."""
        return self.style_class(**self._style_options)

    def get(self, key: str) -> Reference:
        if key not in self._done:
            self._done[key] = self._format(key)
            self.formatted_since_export = True
        self._used.add(key)
        return self._done[key]

    def label_of(self, written: str) -> str:
        """The narrative label ("Christopeit et al.") of a key as a page writes it; '' for a key
        the bibliography lacks."""
        key = self.bibliography.entries.spelling.get(written.lower())
        return self.get(key).label if key is not None else ""

    def format_ahead(self, keys: Iterable[str]) -> None:
        """Format these now, in one pass, before any page is written: formatted one page at a
        time, between MkDocs' renderings of the pages, they slowed both down (a cold build of
        the benchmark site took 6% longer, and 10% at twice its size)."""
        for key in keys:
            self.get(key)

    def export(self) -> dict[str, tuple[Reference, list[Problem]]]:
        """Everything formatted so far, for the cache on disk."""
        self.formatted_since_export = False
        return {key: (ref, self._problems.get(key, [])) for key, ref in self._done.items()}

    def take_problems(self) -> list[Problem]:
        """The problems of the entries used since the last call (remembered entries included,
        so each build reports them again)."""
        used = sorted(self._used)
        problems = [problem for key in used for problem in self._problems.get(key, ())]
        self._used.clear()
        return problems

    def _format(self, key: str) -> Reference:
        entry = self.bibliography.entries[key]
        missing = getattr(self.style, "missing_fields", None)
        if missing is not None:
            self._warn_missing(key, list(missing(entry, bib_data=self.bibliography.data)))
        try:
            text = self.style.format_entry(key, entry, bib_data=self.bibliography.data).text
        except FieldIsMissing as error:
            self._warn_missing(key, [error.field_name])
            text = Text(*_what_it_has(entry))
        except Exception as error:  # a third-party style failing must not stop the build
            self._problems.setdefault(key, []).append(self._style_failed(key, entry, error))
            text = Text(*_what_it_has(entry))
        html, plain = _render(text)
        return Reference(key=key, html=html, text=plain, label=_label(entry, self._words))

    def _style_failed(self, key: str, entry, error: Exception) -> Problem:
        style = self.signature[1]
        if isinstance(error, AttributeError) and f"format_{entry.type}" in str(error):
            # pybtex's own styles know only BibTeX's standard entry types.
            what = f"the style '{style}' has no template for @{entry.type} entries like '{key}'"
            fix = "use a standard entry type (article, book, inproceedings, misc, ...)"
        else:
            what = f"the style '{style}' failed on entry '{key}': {error}"
            fix = "check the entry's fields, or choose another style"
        return self._problem("style_error", f"{what}; its reference shows what it has", fix, key)

    def _warn_missing(self, key: str, fields: list[str]) -> None:
        if fields:
            self._problems.setdefault(key, []).append(
                self._problem(
                    "missing_field",
                    f"entry '{key}' lacks {', '.join(fields)}, which the style needs; "
                    "its reference shows what it has",
                    f"add {'the field' if len(fields) == 1 else 'the fields'} to the entry",
                    key,
                )
            )

    def _problem(self, category: str, message: str, fix: str = "", key: str = "") -> Problem:
        source = self.bibliography.sources.get(key)
        if source is None:
            return Problem(category, "bibliography", None, message, fix)
        return Problem(category, source.path, source.line, message, fix)


@cache
def style_class(name: str) -> type:
    """The pybtex formatting style of that name; pybtex.plugin.PluginNotFound if none is
    installed. Looked up once a process: each look-up reads every installed package's entry
    points."""
    return find_plugin("pybtex.style.formatting", name)


def signature(
    bibliography: Bibliography, style: str, options: dict[str, object], words: Words = ENGLISH
) -> tuple:
    """Everything a formatted reference depends on (the words: its narrative label's)."""
    label = (words.two_authors, words.many_authors)
    return (bibliography.fingerprint, style, tuple(sorted(options.items())), label)


def _render(text: Text) -> tuple[str, str]:
    # Imported here: pybtex's HTML backend imports urllib and ssl (~10 ms), which a build whose
    # references all come from the cache never needs.
    from bibcite.styles.html_backend import render_html, render_text

    return render_html(text), render_text(text)


def _what_it_has(entry) -> list[str]:
    """A fallback for styles that cannot finish an entry: authors, title, year, as written."""
    parts = []
    names = family_names(entry)
    if names:
        parts.append(", ".join(names) + ". ")
    for name in ("title", "journal", "booktitle", "year"):
        if name in entry.fields:
            parts.append(plain_text(entry.fields[name]) + ". ")
    return [*parts[:-1], parts[-1].rstrip()] if parts else [entry.key]


def _label(entry, words: Words) -> str:
    return words.authors(family_names(entry), others=has_others(entry))
