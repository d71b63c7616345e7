"""`search_links`: a PubMed and a Google Scholar search for the title of each reference that has
no DOI or PMID, as the reader sees them in the built page: the words, and URLs whose query is
the title exactly, however hostile its characters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from bibcite.citations.search_links import links_html, search_url

BIB = r"""
@article{plain2001,
  author = {Plain, A.},
  title = {Caf{\'e} \& <b>bold</b> "quoted" 50\% {CD137L}: a case report},
  journal = {J Test}, year = {2001},
}
@article{withdoi2002,
  author = {Doi, B.}, title = {Has a DOI}, journal = {J Test}, year = {2002},
  doi = {10.1000/xyz},
}
@article{withpmid2003,
  author = {Pmid, C.}, title = {Has a PMID}, journal = {J Test}, year = {2003},
  pmid = {12345678},
}
"""
PAGE = "# Page\n\nSee [@plain2001; @withdoi2002; @withpmid2003].\n"
TITLE = 'Café & <b>bold</b> "quoted" 50% CD137L: a case report'


def references(result) -> dict[str, BeautifulSoup]:
    soup = BeautifulSoup(result.site.html("index.md"), "html.parser")
    return {item["id"]: item for item in soup.select("ol.bibcite-references > li")}


def search_links(item) -> list[tuple[str, str]]:
    return [(a.get_text(), a["href"]) for a in item.select(".bibcite-search a")]


@pytest.fixture(scope="module")
def built(site_builder):
    return site_builder(
        "search", {"index.md": PAGE}, bib={"refs.bib": BIB},
        options={"search_links": ["pubmed", "scholar"]},
    )


def test_a_reference_without_identifier_gets_both_searches_for_its_exact_title(built):
    assert built.warnings == []
    links = search_links(references(built)["ref-plain2001"])
    assert [text for text, _ in links] == [
        "Search PubMed for this title",
        "Search Google Scholar for this title",
    ]
    pubmed, scholar = (urlsplit(href) for _, href in links)
    assert (pubmed.scheme, pubmed.netloc, pubmed.path) == ("https", "pubmed.ncbi.nlm.nih.gov", "/")
    assert parse_qs(pubmed.query) == {"term": [TITLE]}
    assert (scholar.netloc, scholar.path) == ("scholar.google.com", "/scholar")
    assert parse_qs(scholar.query) == {"q": [f'"{TITLE}"']}


def test_the_title_reaches_the_page_only_encoded(built):
    raw = built.site.html("index.md")
    search = raw[raw.index('<span class="bibcite-search">') :]
    search = search[: search.index("</span>")]
    assert "<b>" not in search and '"quoted"' not in search and "Caf" in search
    assert search.count("<a ") == 2


def test_an_entry_with_a_doi_or_pmid_keeps_only_its_direct_links(built):
    items = references(built)
    assert search_links(items["ref-withdoi2002"]) == []
    assert items["ref-withdoi2002"].select_one("a[href='https://doi.org/10.1000/xyz']")
    assert search_links(items["ref-withpmid2003"]) == []
    assert "PMID" in items["ref-withpmid2003"].get_text()


def test_without_the_option_no_reference_gets_search_links(site_builder):
    result = site_builder("no-search", {"index.md": PAGE}, bib={"refs.bib": BIB})
    assert all(search_links(item) == [] for item in references(result).values())


def test_the_urls_escape_every_character_of_the_query():
    title = "a&b=c #d/e?f+g"
    assert search_url("pubmed", title) == (
        "https://pubmed.ncbi.nlm.nih.gov/?term=a%26b%3Dc+%23d%2Fe%3Ff%2Bg"
    )
    assert search_url("scholar", title) == (
        "https://scholar.google.com/scholar?q=%22a%26b%3Dc+%23d%2Fe%3Ff%2Bg%22"
    )
    assert links_html(["pubmed"], "  ") == ""
    assert links_html([], title) == ""
