"""Citations read as pandoc 3 reads them: each case a page of one small site, checked by what a
reader sees (the page's text and HTML) and by the warnings. The bugs of issue 23, each a test."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

PAGES = {
    "html.md": "Shown by <sup>@solo2001</sup> and <em>@duo2002</em>.\n",
    "dashes.md": "As @solo2001--and others--said.\n",
    "link.md": "As @solo2001 [p. 33](https://example.org/p33) shows.\n",
    "comma.md": "As @solo2001 [, among others] shows.\n",
    "emphasis.md": "One ~~@solo2001~~, two ~~@duo2002 says~~ and *@trio2003*.\n",
    "second.md": "As @solo2001 [p. 33; @duo2002] shows.\n",
    "minus.md": "As shown -@solo2001 and [-@duo2002].\n",
    "escaped.md": "Brackets \\[@solo2001] kept.\n",
    "nested.md": (
        "See [@solo2001, p. 3 [note]] and [see [the page](https://example.org) @duo2002].\n"
    ),
    "empty.md": "Cited [@solo2001; ] here.\n",
    "nextline.md": "Cited [@solo2001, p.\n33] and @duo2002 [chap.\n4] here.\n",
    "inside.md": "Cited [@solo2001, see @duo2002] here.\n",
    "markdown.md": (
        "With [*see* @solo2001, p. **32**], [@duo2002, {pp. iv--vi}] "
        "and [@trio2003, `<b>` \\*not\\* <b>raw</b>].\n"
    ),
    "notes.md": "Body[^1] then [@duo2002].\n\n[^1]: In a note [@solo2001].\n",
    "alt.md": "A figure ![see @solo2001 [p. 4]](img.png) and [@duo2002].\n",
}


@pytest.fixture(scope="module")
def built(site_builder):
    extensions = ["footnotes", "pymdownx.tilde"]
    return site_builder("pandoc-reading", PAGES, strict=False, markdown_extensions=extensions)


def text(built, page: str) -> str:
    body = BeautifulSoup(built.html(page), "html.parser")
    for listing in body.select("ol.bibcite-references, h2#references, div.footnote"):
        listing.decompose()
    return " ".join(body.get_text().split())


def warnings(built, page: str) -> list[str]:
    return [w for w in built.warnings if f"{page}:" in w]


def test_keys_end_before_html(built):
    assert text(built, "html.md") == "Shown by Alpha [1] and Bravo and Charlie [2]."
    assert warnings(built, "html.md") == []
    assert "<sup><span" in built.html("html.md")


def test_a_key_ends_where_its_punctuation_is_not_followed_by_a_letter_or_digit(built):
    assert text(built, "dashes.md") == "As Alpha [1]--and others--said."


def test_a_link_after_a_narrative_citation_stays_a_link(built):
    assert text(built, "link.md") == "As Alpha [1] p. 33 shows."
    assert '<a href="https://example.org/p33">p. 33</a>' in built.html("link.md")


def test_a_locator_s_leading_comma_is_not_doubled(built):
    assert text(built, "comma.md") == "As Alpha [1, among others] shows."


def test_emphasis_delimiters_around_a_citation(built):
    assert text(built, "emphasis.md") == (
        "One Alpha [1], two Bravo and Charlie [2] says and Delta et al. [3]."
    )
    html = built.html("emphasis.md")
    assert "<del><span" in html and "<em><span" in html


def test_a_locator_list_with_a_second_key_is_one_citation(built):
    assert text(built, "second.md") == "As Alpha [1, p. 33; 2] shows."


def test_minus_in_running_text_cites_without_the_author(built):
    assert text(built, "minus.md") == "As shown [1] and [2]."


def test_an_escaped_bracket_leaves_a_narrative_citation(built):
    assert text(built, "escaped.md") == "Brackets [Alpha [1]] kept."


def test_nested_brackets_and_links_in_prefixes_and_locators(built):
    assert text(built, "nested.md") == "See [1, p. 3 [note]] and [see the page 2]."
    assert '<a href="https://example.org">the page</a>' in built.html("nested.md")


def test_an_empty_item_leaves_a_narrative_citation(built):
    assert text(built, "empty.md") == "Cited [Alpha [1]; ] here."


def test_a_locator_continues_on_the_next_line(built):
    assert text(built, "nextline.md") == "Cited [1, p. 33] and Bravo and Charlie [2, chap. 4] here."


def test_a_citation_inside_a_locator(built):
    assert text(built, "inside.md") == "Cited [1, see Bravo and Charlie [2]] here."
    assert warnings(built, "inside.md") == []


def test_markdown_in_prefixes_and_locators_is_rendered_and_raw_html_stays_text(built):
    assert text(built, "markdown.md") == (
        "With [see 1, p. 32], [2, pp. iv\u2013vi] and [3, <b> *not* <b>raw</b>]."
    )
    html = built.html("markdown.md")
    assert "[<em>see</em> <a" in html and "p. <strong>32</strong>]" in html
    assert "<code>&lt;b&gt;</code> *not* &lt;b&gt;raw&lt;/b&gt;]" in html


def test_citations_in_footnotes_are_numbered_where_the_reference_stands(built):
    html = built.html("notes.md")
    footnote = BeautifulSoup(html, "html.parser").select_one("div.footnote").get_text()
    assert "In a note [1]" in footnote
    assert text(built, "notes.md") == "Body1 then [2]."


def test_a_citation_in_alt_text_is_its_plain_text_and_cited(built):
    image = BeautifulSoup(built.html("alt.md"), "html.parser").select_one("img")
    assert image["alt"] == "see Alpha [1, p. 4]"
    assert image["id"] == "cite-1"  # the reference's back-link lands on the image
    listing = BeautifulSoup(built.html("alt.md"), "html.parser").select("ol.bibcite-references li")
    assert [item["id"] for item in listing] == ["ref-solo2001", "ref-duo2002"]
    assert re.search(r'href="#cite-1"', str(listing[0]))
