"""The HTML renderer as pure functions: ids, citation groups (ranges, affixes, narrative, unknown
keys), reference lists with back-links, escaping of everything that comes from an author; and
the formatter: each entry once, pybtex failures as problems, narrative labels."""

from __future__ import annotations

import hashlib

import pytest
from conftest import load_text

from bibcite.citations import placeholders, render
from bibcite.citations.syntax import CitationGroup, CitationItem
from bibcite.styles.formatter import Reference, ReferenceFormatter

REFERENCES = {
    key: Reference(key, f"<i>{key}</i> ref.", f'{key} "ref" <&>', label)
    for key, label in [("a", "Alpha"), ("b", "Bravo and Charlie"), ("c", "Delta et al."), ("d", "")]
}
REFERENCES["x"] = Reference("x", "x ref.", "x ref.", "O'Brien <script>\"")


def view(numbers=None, *, groups=(), href=lambda key: f"#ref-{key}") -> render.PageView:
    numbers = numbers if numbers is not None else {"a": 1, "b": 2, "c": 3, "d": 5, "x": 7}
    return render.PageView(
        groups=list(groups),
        numbers=numbers,
        key_of=lambda written: written.lower() if written.lower() in REFERENCES else None,
        reference=REFERENCES.__getitem__,
        href=href,
    )


def link(key: str, number: int) -> str:
    title = f"{key} &quot;ref&quot; &lt;&amp;&gt;" if key != "x" else "x ref."
    return (
        f'<a class="bibcite-ref" href="#ref-{key}" aria-label="Reference {number}" '
        f'title="{title}">{number}</a>'
    )


def cited(*keys: str, **affixes) -> CitationGroup:
    return CitationGroup(tuple(CitationItem(key, **affixes) for key in keys))


@pytest.mark.parametrize(
    "key, expected",
    [
        ("smith2004", "ref-smith2004"),
        ("Smith_2004-b", "ref-Smith_2004-b"),
        ("doe:2005.a", "ref-doe-2005-a-be6a60"),
        ("odd key", "ref-odd-key-" + hashlib.sha1(b"odd key").hexdigest()[:6]),
    ],
)
def test_ref_id(key, expected):
    assert render.ref_id(key) == expected


def test_ref_ids_never_collide_for_keys_that_slug_alike():
    keys = ["a:b", "a.b", "a/b", "a-b", "a b", "a:-b", "::"]
    ids = [render.ref_id(key) for key in keys]
    assert len(set(ids)) == len(ids)
    assert all(" " not in id_ and id_.startswith("ref-") for id_ in ids)


@pytest.mark.parametrize(
    "keys, inner",
    [
        (("a",), link("a", 1)),
        (("a", "b"), f"{link('a', 1)}, {link('b', 2)}"),
        (("a", "b", "c"), f"{link('a', 1)}&ndash;{link('c', 3)}"),
        (("c", "a", "b"), f"{link('a', 1)}&ndash;{link('c', 3)}"),
        (("a", "c"), f"{link('a', 1)}, {link('c', 3)}"),
        (("a", "b", "c", "d"), f"{link('a', 1)}&ndash;{link('c', 3)}, {link('d', 5)}"),
        (("a", "A", "b"), f"{link('a', 1)}, {link('b', 2)}"),
    ],
)
def test_numbers_are_sorted_and_runs_of_three_collapse(keys, inner):
    assert render.citation(cited(*keys), 4, view()) == (
        f'<span class="bibcite-citation" id="cite-4">[{inner}]</span>'
    )


def test_unknown_keys_come_after_the_numbers_escaped():
    group = cited("zz<b>", "a")
    assert render.citation(group, 1, view()) == (
        f'<span class="bibcite-citation" id="cite-1">[{link("a", 1)}, '
        '<span class="bibcite-unknown">?zz&lt;b&gt;</span>]</span>'
    )


def test_prefix_and_locator_per_item_escaped():
    group = CitationGroup(
        (
            CitationItem("a", prefix="see <i>", locator="p. 4 & 5"),
            CitationItem("b", prefix="also"),
        )
    )
    assert render.citation(group, 2, view()) == (
        '<span class="bibcite-citation" id="cite-2">'
        f"[see &lt;i&gt; {link('a', 1)}, p. 4 &amp; 5; also {link('b', 2)}]</span>"
    )


@pytest.mark.parametrize(
    "key, author",
    [
        ("a", "Alpha"),
        ("b", "Bravo and Charlie"),
        ("c", "Delta et al."),
        ("x", "O&#x27;Brien &lt;script&gt;&quot;"),
    ],
)
def test_narrative_citation_names_the_authors(key, author):
    group = CitationGroup((CitationItem(key),), narrative=True)
    assert render.citation(group, 1, view()) == (
        '<span class="bibcite-citation bibcite-narrative" id="cite-1">'
        f"{author} [{link(key, view().numbers[key])}]</span>"
    )


def test_narrative_without_authors_is_the_number_alone():
    group = CitationGroup((CitationItem("d", locator="p. 2"),), narrative=True)
    assert render.citation(group, 1, view()) == (
        '<span class="bibcite-citation bibcite-narrative" id="cite-1">'
        f"[{link('d', 5)}, p. 2]</span>"
    )


def test_a_number_link_is_named_reference_n_and_described_by_the_reference():
    # A screen reader hears "Reference 7, link" and then the reference itself (the title is the
    # link's description), not a bare "7".
    group = cited("x")
    page = render.PageView(
        groups=[group],
        numbers={"x": 7},
        key_of=lambda written: written,
        reference=lambda key: Reference(key, "<i>T</i>.", 'Doe J. "T" <&>. 2001.', "Doe"),
        href=lambda key: "../references/#ref-x",
    )
    assert render.citation(group, 1, page) == (
        '<span class="bibcite-citation" id="cite-1">[<a class="bibcite-ref" '
        'href="../references/#ref-x" aria-label="Reference 7" '
        'title="Doe J. &quot;T&quot; &lt;&amp;&gt;. 2001.">7</a>]</span>'
    )


def test_without_a_target_the_number_is_not_a_link():
    assert render.citation(cited("a"), 1, view(href=lambda key: None)) == (
        '<span class="bibcite-citation" id="cite-1">[<span class="bibcite-ref" '
        'title="a &quot;ref&quot; &lt;&amp;&gt;">1</span>]</span>'
    )


def test_fill_citations_replaces_each_placeholder_by_its_group():
    page = view(groups=[cited("b"), cited("a")])
    html = f"<p>{placeholders.citation_html(2)} x {placeholders.citation_html(1)}</p>"
    assert render.fill_citations(html, page) == (
        f'<p><span class="bibcite-citation" id="cite-2">[{link("a", 1)}]</span> x '
        f'<span class="bibcite-citation" id="cite-1">[{link("b", 2)}]</span></p>'
    )


def test_text_that_only_looks_like_a_placeholder_is_left_alone():
    html = "<p>&lt;bibcite-cite data-n=&quot;1&quot;&gt;&lt;/bibcite-cite&gt;</p>"
    assert render.fill_citations(html, view(groups=[cited("a")])) == html


def test_raw_html_copying_a_placeholder_is_left_alone():
    # A page's raw HTML cannot know the process's token: none of these is filled.
    html = '<bibcite-cite data-n="1"></bibcite-cite><bibcite-references></bibcite-references>'
    bibliography = '<div class="bibcite-bibliography-placeholder" data-include="all"></div>'
    assert render.fill_citations(html, view(groups=[cited("a")])) == html
    assert render.fill_reference_list(html, "<ol/>") == html
    assert render.fill_bibliography(bibliography, "<ol/>") == bibliography


def test_reference_list_in_number_order_with_back_links():
    page = view({"b": 2, "a": 1})
    links = {
        "a": [render.Backlink("#cite-1", "↩", "Back to the citation")],
        "b": [
            render.Backlink("#cite-1", "a", "Back to citation a"),
            render.Backlink("#cite-3", "b", "Back to citation b"),
        ],
    }
    assert render.reference_list(page, links.__getitem__) == (
        '<ol class="bibcite-references">\n'
        '<li id="ref-a" value="1"><span class="bibcite-entry"><i>a</i> ref.</span> '
        '<span class="bibcite-backlinks">'
        '<a href="#cite-1" aria-label="Back to the citation">&#8617;</a>'
        "</span></li>\n"
        '<li id="ref-b" value="2"><span class="bibcite-entry"><i>b</i> ref.</span> '
        '<span class="bibcite-backlinks">&#8617; '
        '<a href="#cite-1" aria-label="Back to citation a">a</a> '
        '<a href="#cite-3" aria-label="Back to citation b">b</a></span></li>\n'
        "</ol>"
    )


def test_bibliography_list_lead_and_entries_without_back_links():
    page = view({"a": 1, "d": 2})
    links = {
        "a": [
            render.Backlink("../p/#cite-1", 'P & "Q"', 'Cited in P & "Q"'),
            render.Backlink("../r/#cite-2", "Results", "Cited in Results"),
            render.Backlink("../", "Home", "Cited in Home"),
        ],
        "d": [],
    }
    # Page titles are words: the links are separated, not run together.
    listing = render.reference_list(page, links.__getitem__, lead="Cited in:", separator=", ")
    assert listing == (
        '<ol class="bibcite-references">\n'
        '<li id="ref-a" value="1"><span class="bibcite-entry"><i>a</i> ref.</span> '
        '<span class="bibcite-backlinks">Cited in: <a href="../p/#cite-1" '
        'aria-label="Cited in P &amp; &quot;Q&quot;">P &amp; &quot;Q&quot;</a>, '
        '<a href="../r/#cite-2" aria-label="Cited in Results">Results</a>, '
        '<a href="../" aria-label="Cited in Home">Home</a></span></li>\n'
        '<li id="ref-d" value="2"><span class="bibcite-entry"><i>d</i> ref.</span></li>\n'
        "</ol>"
    )


def test_fill_reference_list_and_bibliography_once():
    # The extension puts its list marker last in the page's content: one written earlier (raw
    # HTML in the page) stays as it is, and the page's footer after it is kept.
    html = f"<nav>…</nav>{placeholders.LIST}|{placeholders.LIST}<footer>…</footer>"
    assert render.fill_reference_list(html, "<ol/>") == (
        f"<nav>…</nav>{placeholders.LIST}|<ol/><footer>…</footer>"
    )
    assert render.fill_reference_list("<p>no marker</p>", "<ol/>") == "<p>no marker</p>"
    marker = placeholders.bibliography("all")
    assert render.fill_bibliography(f"<p>x</p>{marker}", "<ol/>") == "<p>x</p><ol/>"


def test_back_link_labels():
    assert render.backlink_labels(3) == ["a", "b", "c"]
    assert render.backlink_labels(28)[-3:] == ["z", "aa", "ab"]
    assert render.backlink_labels(0) == []


def test_a_placeholder_without_a_citation_is_left_alone():
    html = placeholders.citation_html(2) + placeholders.citation_html(0)
    assert render.fill_citations(html, view(groups=[cited("a")])) == html


# --- formatting: each entry once, pybtex failures as problems ---------------------------------


def formatter(tmp_path, text: str, style: str = "vancouver") -> ReferenceFormatter:
    return ReferenceFormatter(load_text(tmp_path, text), style, {})


def test_an_entry_is_formatted_once(tmp_path):
    refs = formatter(tmp_path, "@misc{a, author = {Alpha, Ann}, title = {T}, year = {2001}}\n")
    assert refs.get("a") is refs.get("a")


def test_crossref_fields_are_inherited_and_not_reported_missing(tmp_path):
    refs = formatter(
        tmp_path,
        "@inproceedings{part, author = {Doe, J.}, title = {A part}, crossref = {whole},"
        " pages = {1--9}}\n"
        "@proceedings{whole, title = {The Whole}, booktitle = {The Whole}, year = {2001},"
        " publisher = {Pub}, address = {Porto}}\n",
    )
    assert refs.get("part").text == "Doe J. A part. In: The Whole. Porto: Pub; 2001. p. 1-9."
    assert refs.take_problems() == []


def test_a_style_without_a_template_for_the_type(tmp_path):
    refs = formatter(
        tmp_path,
        "\n@electronic{web, author = {Alpha, Ann}, title = {A page}, year = {2001}}\n",
        "unsrt",
    )
    assert (refs.get("web").html, refs.get("web").text) == (
        "Alpha. A page. 2001.",
        "Alpha. A page. 2001.",
    )
    assert [str(problem) for problem in refs.take_problems()] == [
        "refs.bib:2: the style 'unsrt' has no template for @electronic entries like 'web'; "
        "its reference shows what it has [style_error] — "
        "use a standard entry type (article, book, inproceedings, misc, ...)"
    ]


def test_a_missing_field_in_a_pybtex_style(tmp_path):
    refs = formatter(
        tmp_path, "@article{a, author = {Alpha, Ann}, title = {T <b>}, year = {2001}}\n", "unsrt"
    )
    assert refs.get("a").html == "Alpha. T &lt;b&gt;. 2001."
    assert [str(problem) for problem in refs.take_problems()] == [
        "refs.bib:1: entry 'a' lacks journal, which the style needs; its reference shows what it "
        "has [missing_field] — add the field to the entry"
    ]


def test_problems_of_remembered_entries_come_back_on_each_build(tmp_path):
    refs = formatter(tmp_path, "@article{a, author = {Alpha, Ann}, title = {T}, year = {2001}}\n")
    refs.get("a")
    first = refs.take_problems()
    assert refs.take_problems() == []  # nothing used since
    refs.get("a")  # the next build uses the remembered reference
    assert refs.take_problems() == first != []


@pytest.mark.parametrize(
    "authors, label",
    [
        ("Alpha, Ann", "Alpha"),
        ("Alpha, Ann and Bravo, Ben", "Alpha and Bravo"),
        ("Alpha, Ann and Bravo, Ben and Charlie, Cid", "Alpha et al."),
        ("Alpha, Ann and others", "Alpha et al."),
    ],
)
def test_narrative_labels(tmp_path, authors, label):
    refs = formatter(
        tmp_path, f"@misc{{a, author = {{{authors}}}, title = {{T}}, year = {{2001}}}}\n"
    )
    assert refs.get("a").label == label
