"""The Markdown extension without MkDocs: which text becomes a citation, in what order, and what
is left exactly as written."""

import markdown

from bibcite.citations import placeholders
from bibcite.citations.extension import CitationExtension


class Recorder:
    def __init__(self):
        self.pages = []

    def record_page(self, groups, *, bibliography, **_):
        self.pages.append((groups, bibliography))


def convert(source, **options):
    recorder = Recorder()
    extension = CitationExtension(recorder, **options)
    extensions = [extension, "toc", "tables", "footnotes", "fenced_code"]
    html = markdown.Markdown(extensions=extensions).convert(source)
    groups, bibliography = recorder.pages[-1]
    return html, [group.keys for group in groups], bibliography


def test_citations_become_numbered_placeholders_in_reading_order():
    html, keys, _ = convert(
        "- one [@b]\n    - nested @c\n\nPara [@a; @b] and @d.\n\n| x |\n|---|\n| [@e] |"
    )
    assert keys == [("b",), ("c",), ("a", "b"), ("d",), ("e",)]
    for n in range(1, 6):
        assert placeholders.citation_html(n) in html


def test_code_is_never_touched():
    source = "`[@inline]` and\n\n    [@indented]\n\n```\n[@fenced] @fenced2\n```\n"
    html, keys, _ = convert(source)
    assert keys == []
    assert "<code>[@inline]</code>" in html
    assert "[@indented]" in html and "[@fenced] @fenced2" in html


def test_escapes_email_urls_and_comments_are_left_as_written():
    source = (
        "\\@escaped write to a@b.org or <c@d.org>, "
        "[home](https://x.org/@user?q=@me) <https://y.org/@name>\n\n<!-- [@comment] -->\n"
    )
    html, keys, _ = convert(source)
    assert keys == []
    assert "@escaped write to a@b.org" in html
    assert 'href="https://x.org/@user?q=@me"' in html
    assert "<!-- [@comment] -->" in html


def test_a_citation_inside_link_text_stays_text():
    html, keys, _ = convert("[see @a](https://x.org) and [@b](https://y.org)")
    assert keys == []
    assert "see <span>@a</span></a>" in html and "><span>@b</span></a>" in html


def test_reference_heading_is_appended_and_in_the_toc():
    md = markdown.Markdown(extensions=[CitationExtension(Recorder()), "toc"])
    html = md.convert("# Page\n\nText [@a].")
    assert html.endswith(f'<h2 id="references">References</h2>\n{placeholders.LIST}')
    assert [entry["name"] for entry in md.toc_tokens[0]["children"]] == ["References"]


def test_no_heading_without_citations_or_when_disabled():
    assert "References" not in convert("No citation.")[0]
    assert "References" not in convert("Cites [@a].", references_heading=None)[0]


def test_bibliography_marker_is_found_and_replaced():
    html, _, bibliography = convert("# All\n\n<!-- bibcite:bibliography all -->\n\nText [@a].")
    assert bibliography == "all"
    assert placeholders.bibliography("all") in html
    assert "References</h2>" not in html  # the bibliography page gets no second list


def test_bibliography_marker_in_code_is_only_text():
    html, _, bibliography = convert("```\n<!-- bibcite:bibliography -->\n```")
    assert bibliography is None
    assert "&lt;!-- bibcite:bibliography --&gt;" in html


def test_escapes_and_code_spans_in_prefixes_and_locators_are_plain_text():
    recorder = Recorder()
    md = markdown.Markdown(extensions=[CitationExtension(recorder)])
    md.convert("[see \\*this\\* and `code` @a, p. \\_4] and @b [`x`]")
    (first, second), _ = recorder.pages[-1]
    assert (first.items[0].prefix, first.items[0].locator) == ("see *this* and code", "p. _4")
    assert second.items[0].locator == "x"


def test_a_citation_in_image_alt_text_is_cited_and_numbered_in_reading_order():
    html, keys, _ = convert(
        "[@z] ![see @k & [@a; @b]](img.png) [@y]\n\n![*x* [-@c]][ref]\n\n[ref]: b.png\n"
    )
    assert keys == [("z",), ("k",), ("a", "b"), ("y",), ("c",)]
    alt = placeholders.alt_text
    assert f'<img alt="see {alt(2)} &amp; {alt(3)}" id="cite-2" src="img.png" />' in html
    assert f'<img alt="*x* {alt(5)}" id="cite-5" src="b.png" />' in html


def test_a_heading_s_toc_entry_keeps_the_narrative_author():
    labels = {"k": "Doe & <Roe> et al.", "a": "Alpha"}
    md = markdown.Markdown(
        extensions=[
            CitationExtension(Recorder(), label=lambda key: labels.get(key, "")),
            "toc",
            "attr_list",
        ]
    )
    md.convert(
        "# As @k showed [@a], `<x>`\n\n## @unknown and @a\n\n## Plain [@a]\n\n"
        "## Own label @a {: data-toc-label='Mine' }\n"
    )
    names = [md.toc_tokens[0]["name"]] + [entry["name"] for entry in md.toc_tokens[0]["children"]]
    assert names == [
        "As Doe &amp; &lt;Roe&gt; et al. showed , &lt;x&gt;",
        "and Alpha",
        "Plain",
        "Mine",
        "References",
    ]
