"""Property tests (hypothesis, derandomized): no input crashes the citation syntax, the Markdown
extension, the loader, the formatter or the renderer, and no input yields an element or attribute
the plugin did not make (the output is parsed and its elements compared with an allow-list)."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from bibcite.bibliography.load import load
from bibcite.citations import placeholders, render
from bibcite.citations.extension import CitationExtension
from bibcite.citations.registry import CitationRegistry
from bibcite.citations.site import Options, PageInfo, ResolvedSite
from bibcite.citations.syntax import CitationGroup, CitationItem, narrative, parse_bracketed
from bibcite.styles.formatter import Reference, ReferenceFormatter

# Modest and reproducible: the suite stays fast and a failure is the same on every run.
FEW = settings(max_examples=120, derandomize=True, deadline=None)
SLOW = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# What citations, Markdown, LaTeX and HTML are made of, plus a little of everything else.
SPECIAL = "@[];,-{}<>\"'&`*_\\ \n:.#$%+?~/!()=|^"
soup = st.text(
    st.sampled_from(SPECIAL + "abAB01é→") | st.characters(exclude_categories=("Cs",)), max_size=60
)
keyish = st.text(st.sampled_from("@{}<>\"'& ;,-:.abAB01é"), min_size=1, max_size=12)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[tuple[str, tuple[str, ...]]] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.add((tag, tuple(sorted(name for name, _ in attrs))))
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    handle_startendtag = handle_starttag


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


# --- the citation syntax ----------------------------------------------------------------------


@FEW
@given(text=soup)
def test_parse_bracketed_never_fails_and_every_item_has_a_key(text):
    group = parse_bracketed(text)
    if group is not None:
        assert group.items and all(item.key for item in group.items)
        assert all("\n" not in item.prefix + item.locator for item in group.items)


@FEW
@given(key=keyish, locator=soup)
def test_narrative_never_fails(key, locator):
    group = narrative(key, locator)
    assert group.narrative and len(group.items) == 1


class _Pages:
    def __init__(self) -> None:
        self.recorded: list[list[CitationGroup]] = []

    def record_page(self, groups, *, bibliography):
        self.recorded.append(groups)


@FEW
@given(text=soup)
def test_the_markdown_extension_never_fails_and_numbers_each_placeholder_once(text):
    pages = _Pages()
    html = markdown.Markdown(extensions=[CitationExtension(pages)]).convert(text)
    groups = pages.recorded[0] if pages.recorded else []  # Markdown skips blank text
    assert len(pages.recorded) <= 1
    numbers = [int(n) for n in _placeholder_numbers(html)]
    assert numbers == list(range(1, len(groups) + 1))


def _placeholder_numbers(html: str) -> list[str]:
    return [match[1] for match in placeholders.CITATION_RE.finditer(html)]


# --- the renderer -----------------------------------------------------------------------------

CITATION_ELEMENTS = {
    ("span", ("class", "id")),  # the citation group
    ("span", ("class",)),  # an unknown key
    ("span", ("class", "title")),  # a number without a link
    ("a", ("aria-label", "class", "href", "title")),  # a number with a link
}

items = st.builds(
    CitationItem, key=keyish, prefix=soup, locator=soup, suppress_author=st.booleans()
)
groups = st.builds(
    CitationGroup, items=st.lists(items, min_size=1, max_size=4).map(tuple), narrative=st.booleans()
)


@FEW
@given(
    group=groups,
    known=st.dictionaries(keyish, st.tuples(soup, soup, soup), max_size=4),
    linked=st.booleans(),
)
def test_a_citation_holds_only_its_own_elements(group, known, linked):
    references = {key: Reference(key, "", text, label) for key, (_, text, label) in known.items()}
    page = render.PageView(
        groups=[group],
        numbers={key: number for number, key in enumerate(references, start=1)},
        key_of=lambda written: written if written in references else None,
        reference=references.__getitem__,
        href=lambda key: f"#{render.ref_id(key)}" if linked else None,
    )
    html = render.fill_citations(placeholders.citation_html(1), page)
    found = elements(html)
    assert found.found <= CITATION_ELEMENTS
    assert all(href.startswith("#ref-") for href in found.hrefs)


# A .bib entry whose fields are anything at all.
BIB_FIELDS = ("title", "journal", "year", "pages", "url", "doi", "note", "publisher")


@SLOW
@given(
    values=st.lists(soup, min_size=len(BIB_FIELDS) + 1, max_size=len(BIB_FIELDS) + 1),
    key=keyish,
)
def test_any_entry_formats_to_escaped_html_with_only_https_links(values, key, tmp_path_factory):
    fields = ",\n".join(
        f"  {name} = {{{value}}}" for name, value in zip(BIB_FIELDS, values, strict=False)
    )
    text = f"@article{{{key.replace('@', '')},\n  author = {{{values[-1]}}},\n{fields}\n}}\n"
    path = tmp_path_factory.getbasetemp() / "any.bib"
    path.write_text(text, encoding="utf-8")
    bibliography = load([str(path)])  # faults become problems, never exceptions
    formatter = ReferenceFormatter(bibliography, "vancouver", {})
    for entry_key in bibliography.entries:
        found = elements(
            render.reference_list(
                render.PageView([], {entry_key: 1}, lambda k: k, formatter.get, lambda k: None),
                lambda k: [render.Backlink("#cite-1", "↩", "Back")],
            )
        )
        assert found.found <= {
            ("ol", ("class",)),
            ("li", ("id", "value")),
            ("span", ("class",)),
            ("a", ("aria-label", "href")),
            ("a", ("href",)),
            ("em", ()),
            ("strong", ()),
        }
        assert all(href.startswith(("https://", "http://", "#cite-")) for href in found.hrefs)


# --- the whole second phase: Markdown → placeholders → filled page -----------------------------

_BIB = r"""
@article{a, author = {<b>Alpha</b>, Ann}, title = {T <script>x</script>}, journal = {J},
  year = {2001}}
@article{B"<c>, author = {Bravo, Ben and others}, title = {{\em Emph} $x$}, year = {2002},
  url = {javascript:alert(1)}, doi = {10.1/"><x>}}
"""


def _site(tmp_path_factory) -> tuple:
    path = tmp_path_factory.getbasetemp() / "props.bib"
    if not path.exists():
        path.write_text(_BIB, encoding="utf-8")
    return load([str(path)])


PLUGIN_ELEMENTS = CITATION_ELEMENTS | {
    ("h2", ()),
    ("ol", ("class",)),
    ("li", ("id", "value")),
    ("a", ("aria-label", "href")),
    ("a", ("href",)),
    ("em", ()),
    ("template", ("class",)),
    ("span", ("data-bibcite-ref",)),
}
page_text = st.lists(
    st.sampled_from(["[@a]", "@a", '[see <i>x</i> @{B"<c>}, p. "4"]', "[@a; -@zz]", '@{B"<c>}'])
    | soup,
    max_size=8,
).map(" ".join)


@SLOW
@given(text=page_text, numbering=st.sampled_from(["site", "page"]), per_page=st.booleans())
def test_a_filled_page_holds_only_markdowns_and_the_plugins_elements(
    text, numbering, per_page, tmp_path_factory
):
    bibliography = _site(tmp_path_factory)
    registry = CitationRegistry()
    registry.start_page("index.md", text)
    heading = "References" if per_page else None
    html = markdown.Markdown(
        extensions=[CitationExtension(registry, references_heading=heading)]
    ).convert(text)
    site = ResolvedSite(
        registry,
        ReferenceFormatter(bibliography, "vancouver", {}),
        {"index.md": PageInfo(url="", title="Home")},
        ["index.md"],
        Options(numbering, per_page),
        relative_url=get_relative_url,
    )
    filled = site.fill_citations("index.md", site.fill("index.md", html))
    filled = site.fill_reference_list("index.md", filled)
    plain = elements(markdown.markdown(text)).found
    assert elements(filled).found <= plain | PLUGIN_ELEMENTS
    site.problems()  # never fails either
