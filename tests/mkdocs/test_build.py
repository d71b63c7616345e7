"""Whole-site builds of tiny sites in a temporary folder, one per scenario: the exact HTML a reader
gets, and the exact warnings an author gets (file and line, what to do)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DATA, build_once, make_site, new_process

# The reference of each entry of tests/data/refs.bib, as the default (Vancouver) style writes it.
TEXT = {
    "solo2001": "Alpha A. A single-author study. J Test. 2001;1:1-5.",
    "duo2002": "Bravo B, Charlie C. A two-author study. J Test. 2002;2:10-9.",
    "trio2003": "Delta D, Echo E, Foxtrot F. A three-author study. J Test. 2003;3:20-9.",
    "many2004": "Golf G, et al. A study with more authors than listed. J Test. 2004;4:30-9.",
    "doe:2005.a": "Hotel H. A key with a colon and a dot. J Test. 2005;5:40-9.",
    "uncited2006": "India I. An entry nobody cites. J Test. 2006;6:50-9.",
}
# A key with characters an id cannot hold gets a slug and a short hash.
IDS = {key: f"ref-{key}" for key in TEXT} | {"doe:2005.a": "ref-doe-2005-a-be6a60"}


def ref(number: int, key: str, href: str | None = None) -> str:
    """A number linking to its reference, with the reference as its title."""
    href = href if href is not None else f"#{IDS[key]}"
    return (
        f'<a class="bibcite-ref" href="{href}" aria-label="Reference {number}" '
        f'title="{TEXT[key]}">{number}</a>'
    )


def cite(index: int, inner: str, author: str = "") -> str:
    """The citation group `index` of a page; `author` for a narrative citation."""
    if author:
        return (
            f'<span class="bibcite-citation bibcite-narrative" id="cite-{index}">'
            f"{author} [{inner}]</span>"
        )
    return f'<span class="bibcite-citation" id="cite-{index}">[{inner}]</span>'


def entry(number: int, key: str, backlinks: str) -> str:
    return (
        f'<li id="{IDS[key]}" value="{number}"><span class="bibcite-entry">{TEXT[key]}</span>'
        f"{backlinks}</li>"
    )


def back(*indexes: int) -> str:
    """The back-links of a per-page reference: ↩ alone, or ↩ a b … for several citations."""
    if len(indexes) == 1:
        return (
            f' <span class="bibcite-backlinks"><a href="#cite-{indexes[0]}" '
            'aria-label="Back to the citation">&#8617;</a></span>'
        )
    links = " ".join(
        f'<a href="#cite-{index}" aria-label="Back to citation {label}">{label}</a>'
        for index, label in zip(indexes, "abcdefghij", strict=False)
    )
    return f' <span class="bibcite-backlinks">&#8617; {links}</span>'


def cited_in(*pages: tuple[str, str]) -> str:
    """Back-links of the References page: (href, page title) for each citing page, separated by
    commas."""
    links = ", ".join(
        f'<a href="{href}" aria-label="Cited in {title}">{title}</a>' for href, title in pages
    )
    return f' <span class="bibcite-backlinks">Cited in: {links}</span>'


def references(*entries: str, heading: str = "References", anchor: str = "references") -> str:
    return (
        f'<h2 id="{anchor}">{heading}</h2>\n<ol class="bibcite-references">\n'
        + "\n".join(entries)
        + "\n</ol>"
    )


def page(*blocks: str) -> str:
    return "\n".join(blocks)


# --- code and escapes are left as written ----------------------------------------------------


@pytest.fixture(scope="module")
def code_site(site_builder):
    return site_builder(
        "code",
        {
            "index.md": (
                "# Code\n\n"
                "Inline `[@solo2001]` and `@duo2002`, escaped \\@trio2003 and [\\@many2004], "
                "mail to a@b.org, cited [@solo2001].\n\n"
                "    [@indented] @indented\n\n"
                "```\n[@fenced] @fenced\n```\n\n"
                "~~~ text\n[@tilde]\n~~~\n"
            )
        },
        markdown_extensions=["fenced_code"],
    )


def test_code_and_escapes_are_untouched(code_site):
    assert code_site.messages == []
    assert code_site.html("index.md") == page(
        '<h1 id="code">Code</h1>',
        "<p>Inline <code>[@solo2001]</code> and <code>@duo2002</code>, escaped @trio2003 and "
        "[@many2004], mail to a@b.org, cited " + cite(1, ref(1, "solo2001")) + ".</p>",
        "<pre><code>[@indented] @indented\n</code></pre>",
        "<pre><code>[@fenced] @fenced\n</code></pre>",
        '<pre><code class="language-text">[@tilde]\n</code></pre>',
        references(entry(1, "solo2001", back(1))),
    )


# --- keys, groups, ranges, prefixes and locators ----------------------------------------------


@pytest.fixture(scope="module")
def groups_site(site_builder):
    return site_builder(
        "groups",
        {
            "index.md": (
                "# Groups\n\n"
                "Range [@solo2001; @duo2002; @trio2003].\n\n"
                "Gap [@solo2001; @trio2003], sorted [@trio2003; @solo2001], "
                "repeated [@duo2002; @duo2002].\n\n"
                "Affixes [see @solo2001, p. 4; also @duo2002] and [@trio2003, pp. 4-6] and "
                "[-@many2004].\n\n"
                "Keys [@doe:2005.a] and [@{doe:2005.a}] and @doe:2005.a.\n"
            )
        },
    )


def test_what_bibcite_writes_is_ascii_and_reads_as_written(site_builder):
    """Characters beyond ASCII that bibcite writes (from the .bib, a run's dash, the back-link
    arrow) are character references: a page whose author wrote ASCII stays ASCII, which MkDocs
    encodes as a copy. Readers see the characters."""
    wide = (
        "@article{wide, author = {{\\v{C}}apek, Karel and M{\\\"u}ller, J},\n"
        "  title = {Alpha--beta: α cells}, journal = {J Test}, year = {2007}}\n"
    )
    refs = (DATA / "refs.bib").read_text(encoding="utf-8") + wide
    result = site_builder(
        "ascii",
        {
            "index.md": "# Plain\n\nA run [@solo2001; @duo2002; @wide].\n\n"
            "<!-- bibcite:cite-this -->\n",
            "references.md": "# References\n\n<!-- bibcite:bibliography all -->\n",
        },
        bib={"refs.bib": refs},
        options={"cite_this": "wide"},
    )
    for page in ("index.md", "references.md"):
        assert result.html(page).isascii(), page
    soup = BeautifulSoup(result.html("index.md"), "html.parser")
    seen = soup.get_text()
    assert "[1–3]" in seen
    assert "Čapek K, Müller J. Alpha–beta: α cells. J Test. 2007." in seen
    assert "↩" in seen
    cite = soup.select_one(".bibcite-cite-this-reference").get_text()  # "Cite this" too
    assert cite == "Čapek K, Müller J. Alpha–beta: α cells. J Test. 2007."
    assert "Čapek K, Müller J. Alpha–beta: α cells. J Test. 2007." in result.text("references.md")
    assert result.messages == []


def test_runs_of_three_collapse_and_numbers_are_sorted(groups_site):
    html = groups_site.html("index.md")
    run = ref(1, "solo2001") + "&ndash;" + ref(3, "trio2003")
    assert "<p>Range " + cite(1, run) + ".</p>" in html
    gap = ref(1, "solo2001") + ", " + ref(3, "trio2003")
    assert (
        f"<p>Gap {cite(2, gap)}, sorted {cite(3, gap)}, repeated {cite(4, ref(2, 'duo2002'))}.</p>"
        in html
    )


def test_prefixes_locators_and_suppressed_author(groups_site):
    html = groups_site.html("index.md")
    affixes = "see " + ref(1, "solo2001") + ", p. 4; also " + ref(2, "duo2002")
    assert (
        f"<p>Affixes {cite(5, affixes)} and {cite(6, ref(3, 'trio2003') + ', pp. 4-6')} and "
        f"{cite(7, ref(4, 'many2004'))}.</p>" in html
    )


def test_keys_with_colon_and_dot(groups_site):
    html = groups_site.html("index.md")
    assert (
        f"<p>Keys {cite(8, ref(5, 'doe:2005.a'))} and {cite(9, ref(5, 'doe:2005.a'))} and "
        f"{cite(10, ref(5, 'doe:2005.a'), author='Hotel')}.</p>" in html
    )


def test_groups_page_reference_list(groups_site):
    assert groups_site.messages == []
    assert groups_site.html("index.md").endswith(
        references(
            entry(1, "solo2001", back(1, 2, 3, 5)),
            entry(2, "duo2002", back(1, 4, 5)),
            entry(3, "trio2003", back(1, 2, 3, 6)),
            entry(4, "many2004", back(7)),
            entry(5, "doe:2005.a", back(8, 9, 10)),
        )
    )


# --- narrative citations and key case ---------------------------------------------------------


@pytest.fixture(scope="module")
def narrative_site(site_builder):
    return site_builder(
        "narrative",
        {
            "index.md": (
                "# Narrative\n\n"
                "@solo2001 found it; @duo2002 agreed; @trio2003 and @many2004 did not.\n\n"
                "As @solo2001 [p. 7] says, and again [@Solo2001] and [@SOLO2001; @DUO2002].\n"
            )
        },
    )


def test_narrative_citations_name_the_authors(narrative_site):
    assert narrative_site.messages == []
    html = narrative_site.html("index.md")
    assert (
        "<p>"
        + cite(1, ref(1, "solo2001"), author="Alpha")
        + " found it; "
        + cite(2, ref(2, "duo2002"), author="Bravo and Charlie")
        + " agreed; "
        + cite(3, ref(3, "trio2003"), author="Delta et al.")
        + " and "
        + cite(4, ref(4, "many2004"), author="Golf et al.")
        + " did not.</p>"
        in html
    )
    assert "<p>As " + cite(5, ref(1, "solo2001") + ", p. 7", author="Alpha") + " says" in html


def test_keys_differing_in_case_share_one_number_and_one_entry(narrative_site):
    html = narrative_site.html("index.md")
    assert (
        ", and again "
        + cite(6, ref(1, "solo2001"))
        + " and "
        + cite(7, ref(1, "solo2001") + ", " + ref(2, "duo2002"))
        + ".</p>"
        in html
    )
    assert html.endswith(
        references(
            entry(1, "solo2001", back(1, 5, 6, 7)),
            entry(2, "duo2002", back(2, 7)),
            entry(3, "trio2003", back(3)),
            entry(4, "many2004", back(4)),
        )
    )


# --- numbering across pages -------------------------------------------------------------------

TWO_PAGES = {
    "index.md": "# Home\n\nNo citation here.\n",
    "first.md": "# First\n\nCites [@trio2003] then [@solo2001].\n",
    "second.md": "# Second\n\nCites [@solo2001; @duo2002] and [@trio2003].\n",
}
# The nav puts `second` before `first`: numbering follows the nav, not the file names.
TWO_PAGES_NAV = ["index.md", "second.md", "first.md"]


@pytest.fixture(scope="module")
def site_numbering(site_builder):
    return site_builder("site-numbering", TWO_PAGES, nav=TWO_PAGES_NAV)


@pytest.fixture(scope="module")
def page_numbering(site_builder):
    return site_builder(
        "page-numbering", TWO_PAGES, nav=TWO_PAGES_NAV, options={"numbering": "page"}
    )


def test_site_numbering_follows_the_nav(site_numbering):
    assert site_numbering.messages == []
    assert site_numbering.html("second.md") == page(
        '<h1 id="second">Second</h1>',
        f"<p>Cites {cite(1, ref(1, 'solo2001') + ', ' + ref(2, 'duo2002'))} and "
        f"{cite(2, ref(3, 'trio2003'))}.</p>",
        references(
            entry(1, "solo2001", back(1)),
            entry(2, "duo2002", back(1)),
            entry(3, "trio2003", back(2)),
        ),
    )
    assert site_numbering.html("first.md") == page(
        '<h1 id="first">First</h1>',
        f"<p>Cites {cite(1, ref(3, 'trio2003'))} then {cite(2, ref(1, 'solo2001'))}.</p>",
        references(entry(1, "solo2001", back(2)), entry(3, "trio2003", back(1))),
    )
    assert site_numbering.html("index.md") == '<h1 id="home">Home</h1>\n<p>No citation here.</p>'


def test_page_numbering_starts_each_page_at_one(page_numbering):
    assert page_numbering.messages == []
    assert page_numbering.html("first.md") == page(
        '<h1 id="first">First</h1>',
        f"<p>Cites {cite(1, ref(1, 'trio2003'))} then {cite(2, ref(2, 'solo2001'))}.</p>",
        references(entry(1, "trio2003", back(1)), entry(2, "solo2001", back(2))),
    )
    assert (
        f"<p>Cites {cite(1, ref(1, 'solo2001') + ', ' + ref(2, 'duo2002'))} and "
        f"{cite(2, ref(3, 'trio2003'))}.</p>" in page_numbering.html("second.md")
    )


def test_every_link_of_every_test_site_has_its_target(
    code_site, groups_site, narrative_site, site_numbering, page_numbering, references_site
):
    sites = (
        code_site,
        groups_site,
        narrative_site,
        site_numbering,
        page_numbering,
        references_site,
    )
    for result in sites:
        for path in (result.site.root / "site").rglob("*.html"):
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids = {tag["id"] for tag in soup.find_all(id=True)}
            assert len(ids) == len(soup.find_all(id=True)), path  # no id twice on a page
            for link in soup.find_all("a", href=re.compile("^#")):
                assert link["href"][1:] in ids, (path, link)


# --- the References page ----------------------------------------------------------------------

REFERENCES_PAGES = {
    "index.md": "# Home\n\nCites [@duo2002] and [@solo2001].\n",
    "more.md": "# More\n\nCites [@solo2001] and [@trio2003; @duo2002].\n",
    "references.md": "# Bibliography\n\nAll works.\n\n<!-- bibcite:bibliography -->\n\nThe end.\n",
}
REFERENCES_NAV = [{"Home": "index.md"}, {"More": "more.md"}, {"Bibliography": "references.md"}]


@pytest.fixture(scope="module")
def references_site(site_builder):
    return site_builder("references", REFERENCES_PAGES, nav=REFERENCES_NAV)


def test_references_page_lists_cited_works_with_the_pages_that_cite_them(references_site):
    assert references_site.messages == []
    home, more = ("../", "Home"), ("../more/", "More")
    assert references_site.html("references.md") == page(
        '<h1 id="bibliography">Bibliography</h1>',
        "<p>All works.</p>",
        '<ol class="bibcite-references">',
        entry(1, "duo2002", cited_in((home[0] + "#cite-1", "Home"), (more[0] + "#cite-2", "More"))),
        entry(
            2, "solo2001", cited_in((home[0] + "#cite-2", "Home"), (more[0] + "#cite-1", "More"))
        ),
        entry(3, "trio2003", cited_in((more[0] + "#cite-2", "More"))),
        "</ol>",
        "<p>The end.</p>",
    )


def test_references_page_back_links_reach_existing_citations(references_site):
    soup = BeautifulSoup(references_site.html("references.md"), "html.parser")
    root = references_site.site.root / "site" / "references"
    for link in soup.select(".bibcite-backlinks a"):
        target, anchor = link["href"].split("#")
        built = (root / target / "index.html").resolve()
        assert BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser").find(id=anchor)


@pytest.fixture(scope="module")
def all_entries_site(site_builder):
    pages = dict(REFERENCES_PAGES)
    pages["references.md"] = "# Bibliography\n\n<!-- bibcite:bibliography all -->\n"
    return site_builder("references-all", pages, nav=REFERENCES_NAV)


def test_references_page_with_all_adds_the_uncited_entries_after_the_cited(all_entries_site):
    assert all_entries_site.messages == []
    html = all_entries_site.html("references.md")
    assert [li["id"] for li in BeautifulSoup(html, "html.parser").find_all("li")] == [
        "ref-duo2002",
        "ref-solo2001",
        "ref-trio2003",
        "ref-many2004",
        "ref-doe-2005-a-be6a60",
        "ref-uncited2006",
    ]
    assert html.endswith(
        entry(4, "many2004", "")
        + "\n"
        + entry(5, "doe:2005.a", "")
        + "\n"
        + entry(6, "uncited2006", "")
        + "\n</ol>"
    )


@pytest.fixture(scope="module")
def central_site(site_builder):
    return site_builder(
        "central", REFERENCES_PAGES, nav=REFERENCES_NAV, options={"per_page_references": False}
    )


def test_without_per_page_lists_citations_link_to_the_references_page(central_site):
    assert central_site.messages == []
    target = "../references/#"
    # (The hidden template of card data that follows is the citation cards' own concern.)
    assert central_site.html("more.md").startswith(
        page(
            '<h1 id="more">More</h1>',
            "<p>Cites "
            + cite(1, ref(2, "solo2001", f"{target}{IDS['solo2001']}"))
            + " and "
            + cite(
                2,
                ref(1, "duo2002", f"{target}{IDS['duo2002']}")
                + ", "
                + ref(3, "trio2003", f"{target}{IDS['trio2003']}"),
            )
            + ".</p>",
        )
    )
    assert central_site.html("index.md").startswith('<h1 id="home">Home</h1>\n<p>Cites ')
    assert 'href="../#cite-1"' in central_site.html("references.md")


def test_without_any_list_citations_are_plain_numbers(site_builder):
    result = site_builder(
        "no-list", {"index.md": "Cites [@solo2001]."}, options={"per_page_references": False}
    )
    assert result.messages == []
    assert result.html("index.md") == (
        '<p>Cites <span class="bibcite-citation" id="cite-1">['
        f'<span class="bibcite-ref" title="{TEXT["solo2001"]}">1</span>]</span>.</p>'
    )


@pytest.mark.parametrize("per_page", [True, False], ids=["page-lists", "central-list"])
def test_search_indexes_the_prose_and_narrative_authors_not_citation_numbers(
    site_builder, per_page
):
    """Search finds what a reader wrote (a narrative citation names its authors in the
    sentence), not "[2]" links, each page's list or the citation cards' references."""
    options = {"bibliography": "refs.bib", "per_page_references": per_page}
    pages = {
        "index.md": "# Home\n\nAs @solo2001 found, it holds [@duo2002].\n",
        "references.md": "# References\n\n<!-- bibcite:bibliography -->\n",
    }
    nav = ["index.md", "references.md"]
    result = site_builder("search", pages, nav=nav, plugins=["search", {"bibcite": options}])
    assert result.messages == []
    index = json.loads((result.site.root / "site" / "search" / "search_index.json").read_text())
    text = {doc["location"]: doc["text"] for doc in index["docs"] if "#" not in doc["location"]}
    # MkDocs' search spaces out tags; a page's own list is there only as its heading.
    heading = " References" if per_page else ""
    assert text[""] == "Home As Alpha [ 1 ] found, it holds ." + heading
    assert "Bravo B, Charlie C. A two-author study." in text["references/"]
    # The reader still sees both citations.
    html = result.html("index.md")
    href = None if per_page else "references/#ref-solo2001"
    assert cite(1, ref(1, "solo2001", href), "Alpha") in html
    assert "A two-author study" in html


def test_a_page_another_plugin_changes_between_bibcites_steps_keeps_the_change(tmp_path):
    """A page another plugin has changed by the time bibcite's turn comes is filled from what
    it then holds, before and after search."""
    hooks = {
        # Before bibcite fills what search indexes (priority 50)...
        "first.py": "page.content = page.content.replace('Cites', 'First cites')",
        # ...and between that and the citations and list, filled after search (-1).
        "between.py": "page.content += '<p>A note.</p>'",
    }
    for name, change in hooks.items():
        priority = 100 if name == "first.py" else 20
        (tmp_path / name).write_text(
            "from mkdocs.plugins import event_priority\n\n\n"
            f"@event_priority({priority})\n"
            "def on_page_context(context, page, config, nav):\n"
            f"    {change}\n"
            "    return context\n"
        )
    site = make_site(tmp_path, {"index.md": "Cites [@solo2001]."}, hooks=list(hooks))
    new_process()
    assert build_once(site.load()) == ([], None)
    assert site.html("index.md") == page(
        f'<p>First cites {cite(1, ref(1, "solo2001"))}.</p>',
        references(entry(1, "solo2001", back(1))),
    ) + "<p>A note.</p>"


def test_custom_heading(site_builder):
    result = site_builder(
        "heading",
        {"index.md": "Cites [@solo2001]."},
        options={"references_heading": "Sources & notes"},
    )
    assert result.html("index.md").endswith(
        references(
            entry(1, "solo2001", back(1)), heading="Sources &amp; notes", anchor="sources-notes"
        )
    )


def test_disabled_plugin_leaves_citations_as_written(site_builder):
    result = site_builder(
        "disabled", {"index.md": "Cites [@solo2001] and @duo2002.\n"}, options={"enabled": False}
    )
    assert (result.messages, result.error) == ([], None)
    assert result.html("index.md") == "<p>Cites [@solo2001] and @duo2002.</p>"


# --- errors -----------------------------------------------------------------------------------

UNKNOWN = {
    "index.md": "# Home\n\nFine [@solo2001].\n",
    "sub/page.md": (
        "# Page\n\nText.\n\nA typo [@solo2010] and [@solo2010; @duo2002].\n\nNone [@zzz].\n"
    ),
}


@pytest.fixture(scope="module")
def unknown_site(site_builder):
    return site_builder("unknown", UNKNOWN)


def test_unknown_key_warns_with_page_line_and_close_keys(unknown_site):
    assert unknown_site.warnings == [
        "bibcite: docs/sub/page.md:5: unknown citation key 'solo2010' [key_not_found] — "
        "did you mean 'solo2001'? Fix the key, or add an entry with this key to the bibliography",
        "bibcite: docs/sub/page.md:7: unknown citation key 'zzz' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography",
    ]
    assert str(unknown_site.error) == "Aborted with 2 warnings in strict mode!"


def test_unknown_key_shows_as_question_mark_key(unknown_site):
    unknown = '<span class="bibcite-unknown">?{}</span>'.format
    assert (
        f"<p>A typo {cite(1, unknown('solo2010'))} and "
        f"{cite(2, ref(2, 'duo2002') + ', ' + unknown('solo2010'))}.</p>\n"
        f"<p>None {cite(3, unknown('zzz'))}.</p>" in unknown_site.html("sub/page.md")
    )


def test_unknown_keys_never_reach_the_page_unescaped(site_builder):
    result = site_builder("unknown-escaped", {"index.md": "Bad [@{<b>x</b>}].\n"}, strict=False)
    assert result.warnings == [
        "bibcite: docs/index.md:1: unknown citation key '<b>x</b>' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography"
    ]
    assert result.error is None
    assert '<span class="bibcite-unknown">?&lt;b&gt;x&lt;/b&gt;</span>' in result.html("index.md")


def test_bibtex_problems_are_warnings_with_file_and_line(site_builder):
    bib = {name: (DATA / name).read_text() for name in ("syntax-error.bib", "duplicates.bib")}
    result = site_builder(
        "bibtex-errors",
        {"index.md": "Cites [@after] and [@twofields] and [@twin].\n"},
        bib=bib,
        options={"bibliography": ["syntax-error.bib", "duplicates.bib"]},
    )
    assert result.warnings == [
        "bibcite: syntax-error.bib:15: BibTeX syntax error in entry 'broken' (line 8): "
        "'}' expected; the entry may be incomplete [bibfile_error] — "
        "check the braces, quotes and commas of that entry",
        "bibcite: duplicates.bib:10: the key 'Twin' is already used by the entry on line 3 "
        "(keys ignore case); this entry is ignored [duplicate_key] — "
        "give one of the two entries another key",
        "bibcite: duplicates.bib:21: entry 'twofields' has the field 'title' twice; "
        "the first one is used [duplicate_field] — delete one of them",
        "bibcite: duplicates.bib:28: undefined @string macro 'undefinedjournal'; "
        "its name is shown in its place [undefined_macro] — "
        'define it with @string{undefinedjournal = "..."} or put the value in braces',
    ]
    assert str(result.error) == "Aborted with 4 warnings in strict mode!"
    html = result.html("index.md")
    assert "Charlie C. Parsed after the error. J Test. 2003." in html
    assert "Charlie C. The title that is kept. J Test. 2003." in html
    assert "Alpha A. The first entry with this key. J Test. 2001." in html


@pytest.fixture(scope="module")
def latin1_bib():
    return {"refs.bib": (DATA / "latin1.bib").read_bytes()}


def test_wrong_encoding_names_the_line_and_the_option(site_builder, latin1_bib):
    result = site_builder("latin1-as-utf8", {"index.md": "Cites [@mueller1999].\n"}, bib=latin1_bib)
    assert result.warnings == [
        "bibcite: refs.bib:3: cannot be read as utf-8 (byte 0xfc) [encoding_error] — "
        "save the file as UTF-8, or set the bibcite option `encoding` to the file's encoding "
        "(e.g. latin-1)",
        "bibcite: docs/index.md:1: unknown citation key 'mueller1999' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography",
    ]


def test_with_the_encoding_option_a_latin1_file_builds(site_builder, latin1_bib):
    result = site_builder(
        "latin1",
        {"index.md": "Cites [@mueller1999].\n"},
        bib=latin1_bib,
        options={"encoding": "latin-1"},
    )
    assert (result.messages, result.error) == ([], None)
    assert "Müller J. Café au lait spots. J Test. 1999." in result.text("index.md")


def test_missing_field_warns_and_shows_what_the_entry_has(site_builder):
    result = site_builder(
        "missing-field",
        {"index.md": "Cites [@nojournal] twice [@nojournal].\n"},
        bib={"refs.bib": (DATA / "missing-field.bib").read_text()},
    )
    assert result.warnings == [
        "bibcite: refs.bib:1: entry 'nojournal' lacks journal, which the style needs; "
        "its reference shows what it has [missing_field] — add the field to the entry"
    ]
    assert str(result.error) == "Aborted with 1 warnings in strict mode!"
    assert (
        '<span class="bibcite-entry">Echo E. An article without its journal. 2005.</span>'
        in result.html("index.md")
    )


def test_a_bib_file_gone_before_the_build_is_a_clear_error(tmp_path, caplog):
    site = make_site(tmp_path, {"index.md": "Cites [@solo2001].\n"})
    new_process()
    config = site.load()
    (tmp_path / "refs.bib").unlink()  # e.g. renamed while `mkdocs serve` runs
    messages, error = build_once(config)
    assert str(error) == "Aborted with a BuildError!"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "bibcite: refs.bib: cannot read the file: No such file or directory [bibfile_error] — "
        "restore it, or correct its path in the bibcite option 'bibliography'"
    ]


def test_a_bib_file_missing_from_the_start_is_a_clear_error(tmp_path, caplog):
    site = make_site(tmp_path, {"index.md": "Cites [@solo2001].\n"}, bib={})
    new_process()
    messages, error = build_once(site.load())
    assert str(error) == "Aborted with a BuildError!"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "bibcite: refs.bib: cannot read the file: No such file or directory [bibfile_error] — "
        "restore it, or correct its path in the bibcite option 'bibliography'"
    ]


def test_an_unreadable_bib_file_is_a_clear_error(tmp_path, caplog):
    site = make_site(tmp_path, {"index.md": "Cites [@solo2001].\n"})
    (tmp_path / "refs.bib").unlink()
    # A file that exists but cannot be read, even by root: reading /proc/self/mem at offset 0
    # fails with an I/O error.
    os.symlink("/proc/self/mem", tmp_path / "refs.bib")
    new_process()
    messages, error = build_once(site.load())
    assert str(error) == "Aborted with a BuildError!"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "bibcite: refs.bib: cannot read the file: Input/output error [bibfile_error] — "
        "check the file named by the bibcite option 'bibliography'"
    ]


def test_a_build_never_changes_the_authors_files(tmp_path):
    pages = {**REFERENCES_PAGES, "typo.md": "# Typo\n\n[@nokey] `[@code]`\n"}
    bib = {name: (DATA / name).read_bytes() for name in ("refs.bib", "syntax-error.bib")}
    site = make_site(tmp_path, pages, bib=bib, options={"bibliography": list(bib)})

    def snapshot() -> dict[str, str]:
        return {
            str(path.relative_to(tmp_path)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(tmp_path.rglob("*"))
            if path.is_file() and path.relative_to(tmp_path).parts[0] not in ("site", ".cache")
        }

    before = snapshot()
    assert len(before) == 8  # mkdocs.yml, the theme, four pages, two .bib files
    new_process()
    messages, error = build_once(site.load(strict=False))
    assert error is None and len(messages) == 2  # the syntax error and the unknown key
    assert (tmp_path / "site" / "typo" / "index.html").is_file()
    assert snapshot() == before  # the build wrote only site/ and the plugin's own .cache/


# --- the command line: warnings, never a traceback --------------------------------------------


def mkdocs_build(site_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(site_root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
    )


def test_cli_unknown_key_fails_strict_without_traceback(unknown_site):
    run = mkdocs_build(unknown_site.site.root)
    output = run.stdout + run.stderr
    assert run.returncode == 1
    assert "Traceback" not in output
    assert (
        "WARNING -  bibcite: docs/sub/page.md:5: unknown citation key 'solo2010' [key_not_found]"
        in output
    )
    assert "Aborted with 2 warnings in strict mode!" in output


def test_cli_syntax_error_fails_strict_without_traceback(tmp_path):
    site = make_site(
        tmp_path,
        {"index.md": "Cites [@after].\n"},
        bib={"refs.bib": (DATA / "syntax-error.bib").read_text()},
    )
    run = mkdocs_build(site.root)
    output = run.stdout + run.stderr
    assert run.returncode == 1
    assert "Traceback" not in output
    assert (
        "WARNING -  bibcite: refs.bib:15: BibTeX syntax error in entry 'broken' (line 8)" in output
    )
    assert "Aborted with 1 warnings in strict mode!" in output


def test_a_second_bibliography_marker_is_reported_and_left_empty(site_builder):
    marker = "# {}\n\nText.\n\n<!-- bibcite:bibliography -->\n"
    result = site_builder(
        "two-markers",
        {
            "index.md": "Cites [@solo2001].\n",
            "a.md": marker.format("A"),
            "b.md": marker.format("B"),
        },
        nav=["index.md", "b.md", "a.md"],
    )
    assert result.warnings == [
        "bibcite: docs/a.md:5: a second bibliography marker; the bibliography is placed in "
        "docs/b.md only [duplicate_marker] — remove one of the two markers"
    ]
    assert result.html("a.md") == '<h1 id="a">A</h1>\n<p>Text.</p>\n'
    assert result.html("b.md").startswith(
        '<h1 id="b">B</h1>\n<p>Text.</p>\n<ol class="bibcite-references">\n'
        + entry(1, "solo2001", cited_in(("../#cite-1", "Home")))
    )


def test_a_heading_s_toc_entry_names_the_narrative_author(tmp_path):
    site = make_site(
        tmp_path,
        {"index.md": "# Home\n\n## As @duo2002 and @many2004 found [@solo2001]\n\nText.\n"},
        markdown_extensions=["toc"],
    )
    (tmp_path / "theme" / "main.html").write_text(
        "{% for item in page.toc %}{% for child in item.children %}"
        "<li>{{ child.title }}</li>{% endfor %}{% endfor %}"
    )
    new_process()
    assert build_once(site.load()) == ([], None)
    assert site.html("index.md") == (
        "<li>As Bravo and Charlie and Golf et al. found</li><li>References</li>"
    )
