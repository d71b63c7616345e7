"""The per-build registry on its own: numbering across pages (site and page), unknown keys with
page, line and close matches, and the indexes back-links point at."""

from __future__ import annotations

from bibcite.citations.registry import CitationRegistry, locate
from bibcite.citations.syntax import CitationGroup, CitationItem

KNOWN = ["Solo2001", "duo2002", "trio2003", "many2004"]
SPELLING = {key.lower(): key for key in KNOWN}


def group(*keys: str) -> CitationGroup:
    return CitationGroup(tuple(CitationItem(key) for key in keys))


def registry(pages: dict[str, list[CitationGroup]], markdown: dict[str, str] | None = None):
    built = CitationRegistry()
    for uri, groups in pages.items():
        built.start_page(uri, (markdown or {}).get(uri, ""), shown=f"docs/{uri}")
        built.record_page(groups, bibliography="cited" if uri == "refs.md" else None)
    return built


PAGES = {
    "b.md": [group("trio2003"), group("solo2001", "duo2002")],
    "a.md": [group("DUO2002"), group("many2004", "trio2003")],
    "orphan.md": [group("many2004"), group("nokey")],
}


def test_site_numbering_follows_the_nav_then_pages_outside_it():
    numbering = registry(PAGES).number(["a.md", "b.md"], spelling=SPELLING, mode="site")
    assert numbering.site == {"duo2002": 1, "many2004": 2, "trio2003": 3, "Solo2001": 4}
    assert numbering.by_page == {
        "a.md": {"duo2002": 1, "many2004": 2, "trio2003": 3},
        "b.md": {"trio2003": 3, "Solo2001": 4, "duo2002": 1},
        "orphan.md": {"many2004": 2},
    }


def test_page_numbering_restarts_on_each_page():
    numbering = registry(PAGES).number(["a.md", "b.md"], spelling=SPELLING, mode="page")
    assert numbering.by_page == {
        "a.md": {"duo2002": 1, "many2004": 2, "trio2003": 3},
        "b.md": {"trio2003": 1, "Solo2001": 2, "duo2002": 3},
        "orphan.md": {"many2004": 1},
    }
    assert numbering.site == {"duo2002": 1, "many2004": 2, "trio2003": 3, "Solo2001": 4}


def test_keys_are_matched_ignoring_case_and_spelt_as_the_bibliography_does():
    numbering = registry(PAGES).number([], spelling=SPELLING, mode="site")
    assert (numbering.key("SOLO2001"), numbering.key("solo2001"), numbering.key("nokey")) == (
        "Solo2001",
        "Solo2001",
        None,
    )


def test_unknown_keys_give_page_line_and_close_matches():
    pages = {
        "a.md": [group("solo2010"), group("solo2010"), group("xyz")],
        "b.md": [group("Duo2020")],
    }
    markdown = {
        "a.md": "# A\n\nmail a@solo2010.org, `\\@solo2010`\n\nSee [@solo2010].\n\nAnd [@xyz].\n",
        "b.md": "Narrative @Duo2020 here.\n",
    }
    built = registry(pages, markdown)
    numbering = built.number([], spelling=SPELLING, mode="site")
    assert [str(problem) for problem in built.unknown_keys(numbering)] == [
        "docs/a.md:5: unknown citation key 'solo2010' [key_not_found] — did you mean "
        "'Solo2001'? Fix the key, or add an entry with this key to the bibliography",
        "docs/a.md:7: unknown citation key 'xyz' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography",
        "docs/b.md:1: unknown citation key 'Duo2020' [key_not_found] — did you mean "
        "'duo2002'? Fix the key, or add an entry with this key to the bibliography",
    ]


def test_locate_finds_the_citation_not_a_longer_key_or_an_address():
    markdown = "a@doe.org\n\\@doe\n@doe:2005 and @doe.x\n[@{doe}]\n@doe."
    assert locate(markdown, "doe") == 4
    assert locate(markdown, "doe:2005") == 3
    assert locate("no citation", "doe") is None


def test_back_link_indexes_per_page_and_first_citation_per_page():
    built = registry(PAGES)
    assert built.indexes_on("b.md") == {"trio2003": [1], "solo2001": [2], "duo2002": [2]}
    assert built.first_citations(["a.md", "b.md"]) == {
        "duo2002": {"a.md": 1, "b.md": 2},
        "many2004": {"a.md": 2, "orphan.md": 1},
        "trio2003": {"a.md": 2, "b.md": 1},
        "solo2001": {"b.md": 2},
        "nokey": {"orphan.md": 2},
    }


def test_a_key_twice_in_one_group_is_one_back_link():
    built = registry({"a.md": [group("duo2002", "DUO2002"), group("duo2002")]})
    assert built.indexes_on("a.md") == {"duo2002": [1, 2]}


def test_pages_that_are_gone_are_dropped():
    built = registry(PAGES)
    built.keep_only({"a.md"})
    assert list(built.pages) == ["a.md"]


def test_markdown_rendered_outside_a_page_is_not_recorded():
    built = CitationRegistry()
    built.record_page([group("a")], bibliography=None)
    assert built.pages == {}


def test_the_bibliography_page_is_the_first_marker_along_the_nav():
    pages = {"z.md": [], "refs.md": [], "y.md": []}
    built = CitationRegistry()
    for uri in pages:
        built.start_page(uri, "# T\n\n<!-- bibcite:bibliography -->\n", shown=f"docs/{uri}")
        built.record_page([], bibliography=None if uri == "y.md" else "cited")
    assert built.bibliography_page(["refs.md", "z.md"]) == "refs.md"
    assert [str(problem) for problem in built.extra_markers(["refs.md", "z.md"])] == [
        "docs/z.md:3: a second bibliography marker; the bibliography is placed in "
        "docs/refs.md only [duplicate_marker] — remove one of the two markers"
    ]


def test_markdown_rendered_after_the_page_does_not_replace_its_record():
    built = CitationRegistry()
    built.start_page("a.md", "[@a]")
    built.record_page([group("a")], bibliography=None)
    built.record_page([], bibliography=None)  # e.g. another plugin converting a snippet
    assert built.pages["a.md"].groups == [group("a")]
