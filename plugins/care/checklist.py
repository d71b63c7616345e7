"""The checklist of one build: where each page marks CARE items, which items the config declares
not reported (each with its reason), the problems (an unknown item name, an item neither marked
nor declared) and the checklist as HTML. Pure: the host gives pages and logs the problems."""

from __future__ import annotations

import difflib
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from care.items import ITEMS, NAMES
from care.marks import ATTRIBUTE, MARKER, find_marks, line_of, marker_line

# The checklist's own words (in one place, for a translation table later).
HEADINGS = ("No.", "CARE item", "Where it is reported")
SEPARATOR = " › "  # between a page's title and its section's


@dataclass(frozen=True)
class Problem:
    """`where:line: what [category] — fix`, the shape bibcite's messages have too."""

    category: str  # unknown_item, unlisted_item, missing_anchor
    where: str
    line: int | None
    message: str
    fix: str

    def __str__(self) -> str:
        location = f"{self.where}:{self.line}" if self.line else self.where
        return f"{location}: {self.message} [{self.category}] — {self.fix}"


@dataclass(frozen=True)
class Place:
    src_uri: str
    url: str
    page_title: str
    anchor: str
    text: str


@dataclass
class Checklist:
    not_reported: Mapping[str, str]  # item name -> reason, as the reader reads it
    places: dict[str, list[Place]] = field(default_factory=dict)
    markers: list[tuple[str, int | None]] = field(default_factory=list)  # (shown path, line)

    def read_page(
        self, *, src_uri: str, shown: str, url: str, title: str, html_text: str, source: str
    ) -> list[Problem]:
        """Record the page's marks (and whether it places the checklist); `shown` is its path
        as messages give it, `source` its Markdown as written (for lines)."""
        if MARKER in html_text:
            self.markers.append((shown, marker_line(source)))
        problems = []
        for mark in find_marks(html_text):
            for name in mark.names:
                if name not in NAMES:
                    problems.append(_unknown(name, shown, line_of(source, name)))
                elif not mark.anchor:
                    problems.append(
                        Problem(
                            "missing_anchor",
                            shown,
                            line_of(source, name),
                            f"the element marked {ATTRIBUTE}=\"{name}\" has no id to link to",
                            "mark a heading (the toc extension gives it an id) or add "
                            "{ #an-id } to the element",
                        )
                    )
                else:
                    place = Place(src_uri, url, title, mark.anchor, mark.text)
                    self.places.setdefault(name, []).append(place)
        return problems

    def unlisted(self, config_file: str) -> list[Problem]:
        """Each item neither marked on a page nor declared not reported, at the checklist's
        place (or the config file, for a site without one)."""
        where, line = self.markers[0] if self.markers else (config_file, None)
        return [
            Problem(
                "unlisted_item",
                where,
                line,
                f"CARE item {item.number} '{item.name}' ({item.label}) is neither marked on a "
                "page nor declared not reported",
                f'mark its section ({{ {ATTRIBUTE}="{item.name}" }} on the heading) or add '
                f"'{item.name}: <reason>' under the care plugin's not_reported in {config_file}",
            )
            for item in ITEMS
            if item.name not in self.places and item.name not in self.not_reported
        ]

    def render(
        self, from_url: str, relative_url: Callable[[str, str], str], order: Sequence[str] = ()
    ) -> str:
        """The checklist as a table, links relative to the page at `from_url`; places listed in
        the nav's `order` of their pages."""
        rank = {uri: index for index, uri in enumerate(order)}
        rows = []
        for item in ITEMS:
            places = sorted(self.places.get(item.name, ()), key=lambda p: rank.get(p.src_uri, 1e9))
            cells = [_link(place, from_url, relative_url) for place in places]
            reason = self.not_reported.get(item.name)
            if reason:
                cells.append(f'<span class="care-not-reported">{html.escape(reason)}</span>')
            status = "care-reported" if places else "care-unreported"
            rows.append(
                f'<tr class="{status}"><td>{item.number}</td>'
                f'<th scope="row">{html.escape(item.label)}</th><td>{"; ".join(cells)}</td></tr>'
            )
        head = "".join(f'<th scope="col">{html.escape(words)}</th>' for words in HEADINGS)
        return (
            f'<table class="care-checklist"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def fill(
        self, html_text: str, from_url: str, relative_url: Callable[[str, str], str],
        order: Sequence[str] = (),
    ) -> str:
        if MARKER not in html_text:
            return html_text
        return html_text.replace(MARKER, self.render(from_url, relative_url, order))


def check_not_reported(value: object) -> tuple[dict[str, str], list[str]]:
    """The config's `not_reported`: the declared items and their reasons, and a warning for each
    unknown item name (dropped); a value of the wrong shape raises ValueError."""
    if not isinstance(value, Mapping):
        raise ValueError(
            "Give a mapping of CARE items to reasons, e.g. "
            "'timeline: not reported in the source abstract'."
        )
    declared, warnings = {}, []
    for name, reason in value.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(
                f"Give the reason '{name}' is not reported as text, e.g. "
                f"'{name}: not reported in the source abstract'."
            )
        if name not in NAMES:
            warnings.append(str(_unknown(str(name), "not_reported", None)))
            continue
        declared[name] = " ".join(reason.split())
    return declared, warnings


def _unknown(name: str, where: str, line: int | None) -> Problem:
    close = difflib.get_close_matches(name, list(NAMES), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return Problem(
        "unknown_item",
        where,
        line,
        f"unknown CARE item '{name}'",
        f"{hint}CARE 2013 items: {', '.join(NAMES)}",
    )


def _link(place: Place, from_url: str, relative_url: Callable[[str, str], str]) -> str:
    href = relative_url(place.url or "./", from_url or "./") + "#" + place.anchor
    text = place.page_title
    if place.text and place.text != place.page_title:
        text = f"{place.page_title}{SEPARATOR}{place.text}" if place.page_title else place.text
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
