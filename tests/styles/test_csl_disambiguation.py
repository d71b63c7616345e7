"""What a CSL style does across all of a site's citations, at the engine's level: APA's
disambiguation (year suffixes, given-name initials, added names), suppress-author and locator
labels; a numeric style's collapsed ranges (AMA). One pandoc run per style: every cluster is
formatted by a single `prepare`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import load_text

from bibcite.styles.csl import styles
from bibcite.styles.csl.engine import Cited, CslFormatter

BIB = r"""
@book{miller_alpha, author = {Miller, Ann}, title = {Alpha}, publisher = {P}, year = {2011}}
@book{miller_beta,  author = {Miller, Ann}, title = {Beta},  publisher = {P}, year = {2011}}

@book{smith_john,  author = {Smith, John},  title = {One}, publisher = {P}, year = {2011}}
@book{smith_alice, author = {Smith, Alice}, title = {Two}, publisher = {P}, year = {2011}}

@article{jones_brown, author = {Jones, Mary and Brown, Peter and Clark, Rose},
         title = {Three}, journal = {J}, year = {2015}}
@article{jones_white, author = {Jones, Mary and White, Paul and Clark, Rose},
         title = {Four}, journal = {J}, year = {2015}}
@article{lee_three, author = {Lee, Kim and Park, Jin and Cho, Min},
         title = {Alone}, journal = {J}, year = {2015}}

@book{taylor, author = {Taylor, Tom}, title = {Five}, publisher = {P}, year = {2011}}

@book{n1, author = {Nolan, A.}, title = {N1}, publisher = {P}, year = {2001}}
@book{n2, author = {Nolan, B.}, title = {N2}, publisher = {P}, year = {2002}}
@book{n3, author = {Nolan, C.}, title = {N3}, publisher = {P}, year = {2003}}
@book{n4, author = {Nolan, D.}, title = {N4}, publisher = {P}, year = {2004}}
@book{n5, author = {Nolan, E.}, title = {N5}, publisher = {P}, year = {2005}}
"""

# name -> (items as (key, prefix, locator, suppress-author), narrative)
APA_CLUSTERS = {
    "alpha": ((("miller_alpha", "", "", False),), False),
    "beta": ((("miller_beta", "", "", False),), False),
    "both": ((("miller_alpha", "", "", False), ("miller_beta", "", "", False)), False),
    "beta narrative": ((("miller_beta", "", "", False),), True),
    "john": ((("smith_john", "", "", False),), False),
    "alice": ((("smith_alice", "", "", False),), False),
    "john narrative": ((("smith_john", "", "", False),), True),
    "brown": ((("jones_brown", "", "", False),), False),
    "white": ((("jones_white", "", "", False),), False),
    "white narrative": ((("jones_white", "", "", False),), True),
    "lee": ((("lee_three", "", "", False),), False),
    "taylor": ((("taylor", "", "", False),), False),
    "suppressed": ((("taylor", "", "", True),), False),
    "suppressed with page": ((("taylor", "", "p. 33", True),), False),
    "page": ((("taylor", "", "p. 33", False),), False),
    "pages": ((("taylor", "", "pp. 33-35", False),), False),
    "pages dashed": ((("taylor", "", "pp. 33–35", False),), False),
    "chapter": ((("taylor", "", "chap. 2", False),), False),
    "figure": ((("taylor", "", "fig. 3", False),), False),
    "section": ((("taylor", "", "sec. 4", False),), False),
    "paragraph": ((("taylor", "", "para. 5", False),), False),
    "bare number": ((("taylor", "", "33", False),), False),
    "prefix and page": ((("taylor", "see", "p. 33", False),), False),
    "narrative page": ((("taylor", "", "p. 33", False),), True),
    "narrative and more": ((("taylor", "", "", False), ("jones_brown", "", "", False)), True),
}
APA_KEYS = [
    "miller_alpha",
    "miller_beta",
    "smith_john",
    "smith_alice",
    "jones_brown",
    "jones_white",
    "lee_three",
    "taylor",
]


@pytest.fixture(scope="module")
def bibliography(tmp_path_factory):
    return load_text(tmp_path_factory.mktemp("disambiguation"), BIB)


def where(clusters: dict, name: str) -> tuple[str, int]:
    """A cluster's place: the page, and its index there."""
    return ("page.md", list(clusters).index(name))


def _prepared(bibliography, style: str, clusters: dict) -> CslFormatter:
    formatter = CslFormatter(bibliography, styles.load(style, ""), lang="en-US")
    cited = [
        Cited(where(clusters, name), items, narrative)
        for name, (items, narrative) in clusters.items()
    ]
    formatter.prepare(cited, [])
    assert formatter.runs == 1
    return formatter


@pytest.fixture(scope="module")
def apa(bibliography):
    formatter = _prepared(bibliography, "apa", APA_CLUSTERS)

    def shown(name: str) -> str:
        cluster = formatter.cluster(where(APA_CLUSTERS, name))
        assert cluster is not None, name
        return BeautifulSoup(cluster.html, "html.parser").get_text()

    shown.formatter = formatter
    return shown


def links(html: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [(a["data-bibcite-key"], a.get_text()) for a in soup.find_all("a")]


# --- disambiguation ---------------------------------------------------------------------------


def test_same_authors_same_year_take_year_suffixes(apa):
    assert apa("alpha") == "(Miller, 2011a)"
    assert apa("beta") == "(Miller, 2011b)"
    assert apa("both") == "(Miller, 2011a, 2011b)"  # the author once, the years collapsed
    assert apa("beta narrative") == "Miller (2011b)"
    both = apa.formatter.cluster(where(APA_CLUSTERS, "both")).html
    assert links(both) == [("miller_alpha", "Miller, 2011a"), ("miller_beta", "2011b")]


def test_year_suffixes_follow_the_references_order(apa):
    formatter = apa.formatter
    assert formatter.get("miller_alpha").text == "Miller, A. (2011a). Alpha. P."
    assert formatter.get("miller_beta").text == "Miller, A. (2011b). Beta. P."
    assert formatter.rank("miller_alpha") + 1 == formatter.rank("miller_beta")


def test_same_surname_different_initials_add_the_initials(apa):
    assert apa("john") == "(J. Smith, 2011)"
    assert apa("alice") == "(A. Smith, 2011)"
    assert apa("john narrative") == "J. Smith (2011)"
    # Disambiguated by the initials, so no year suffix.
    assert apa.formatter.get("smith_john").text == "Smith, J. (2011). One. P."
    assert apa.formatter.rank("smith_alice") < apa.formatter.rank("smith_john")


def test_et_al_collisions_add_names(apa):
    assert apa("brown") == "(Jones, Brown, et al., 2015)"
    assert apa("white") == "(Jones, White, et al., 2015)"
    assert apa("white narrative") == "Jones, White, et al. (2015)"
    assert apa("lee") == "(Lee et al., 2015)"  # nothing to tell it from: one name
    assert apa.formatter.get("jones_brown").text.startswith("Jones, M., Brown, P., & Clark, R.")


def test_an_entry_without_a_collision_stays_short(apa):
    assert apa("taylor") == "(Taylor, 2011)"
    assert apa.formatter.get("taylor").text == "Taylor, T. (2011). Five. P."


# --- suppress-author and locators ---------------------------------------------------------------


def test_suppress_author(apa):
    assert apa("suppressed") == "(2011)"
    assert apa("suppressed with page") == "(2011, p. 33)"
    assert links(apa.formatter.cluster(where(APA_CLUSTERS, "suppressed")).html) == [
        ("taylor", "2011")
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("page", "(Taylor, 2011, p. 33)"),
        ("pages", "(Taylor, 2011, pp. 33–35)"),  # a hyphen written, an en dash printed
        ("pages dashed", "(Taylor, 2011, pp. 33–35)"),
        # APA 8.13 (the style's label-locator macro): page and paragraph abbreviated, other
        # labels in full, capitalised.
        ("chapter", "(Taylor, 2011, Chapter 2)"),
        ("figure", "(Taylor, 2011, Figure 3)"),
        ("section", "(Taylor, 2011, Section 4)"),
        ("paragraph", "(Taylor, 2011, para. 5)"),
        ("bare number", "(Taylor, 2011, p. 33)"),  # no label: a page
        ("prefix and page", "(see Taylor, 2011, p. 33)"),
        ("narrative page", "Taylor (2011, p. 33)"),
    ],
)
def test_locators(apa, name, expected):
    assert apa(name) == expected


def test_the_locator_is_inside_the_link(apa):
    assert links(apa.formatter.cluster(where(APA_CLUSTERS, "page")).html) == [
        ("taylor", "Taylor, 2011, p. 33")
    ]


# A narrative cluster of several items: pandoc's citeproc, given `@first [@second]`, sorts the
# narrative item in among the others as APA sorts a cluster ("(Jones, Brown, et al., 2015;
# Taylor; 2011)"); the engine formats the named item and the others apart.


def test_a_narrative_cluster_of_several_items_stays_narrative(apa):
    assert apa("narrative and more") == "Taylor (2011) (Jones, Brown, et al., 2015)"


# --- a numeric style: collapsed ranges ----------------------------------------------------------

AMA_CLUSTERS = {
    "three": ((("n1", "", "", False), ("n2", "", "", False), ("n3", "", "", False)), False),
    "two": ((("n4", "", "", False), ("n5", "", "", False)), False),
    "gap": ((("n1", "", "", False), ("n3", "", "", False), ("n4", "", "", False)), False),
    "unsorted": ((("n5", "", "", False), ("n3", "", "", False), ("n4", "", "", False)), False),
    "all": (tuple((f"n{n}", "", "", False) for n in (1, 2, 3, 4, 5)), False),
    "one": ((("n2", "", "", False),), False),
}


@pytest.fixture(scope="module")
def ama(bibliography):
    return _prepared(bibliography, "american-medical-association", AMA_CLUSTERS)


def _ama_text(ama, name: str) -> str:
    cluster = ama.cluster(where(AMA_CLUSTERS, name))
    assert cluster is not None and cluster.attached  # superscripts, attached to the word
    soup = BeautifulSoup(cluster.html, "html.parser")
    assert [tag.name for tag in soup.contents] == ["sup"]
    return soup.get_text()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("three", "1\u20133"),  # 1, 2, 3 collapse into a range with an en dash
        ("two", "4,5"),  # two numbers do not make a range
        ("gap", "1,3,4"),
        ("unsorted", "3\u20135"),  # sorted by number, then collapsed
        ("all", "1\u20135"),
        ("one", "2"),
    ],
)
def test_numeric_citations_collapse_ranges(ama, name, expected):
    assert _ama_text(ama, name) == expected


def test_a_collapsed_range_links_its_ends(ama):
    assert links(ama.cluster(where(AMA_CLUSTERS, "three")).html) == [("n1", "1"), ("n3", "3")]


def test_numbers_and_margins_follow_the_first_citation(ama):
    assert [ama.margin(f"n{n}") for n in (1, 2, 3, 4, 5)] == ["1.", "2.", "3.", "4.", "5."]
    assert [ama.rank(f"n{n}") for n in (1, 2, 3, 4, 5)] == [0, 1, 2, 3, 4]
