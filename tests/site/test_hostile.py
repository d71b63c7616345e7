"""Hostile input: whatever a .bib file, a page or a table's data file holds reaches the HTML
escaped. Only http(s) links are made, a DOI is linked only when well-formed, and the page holds
no element or attribute the plugin (or Markdown, or the test theme) did not make."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from conftest import build_once, make_site, new_process

BIB = r"""
@article{a"b<c>,
  author  = {<script>alert(1)</script> and O"Brien, <img src=x onerror=alert(2)>},
  title   = {<script>alert(3)</script> "quoted" <b onmouseover="x">bold</b> & more},
  journal = {J <iframe src="javascript:alert(4)">},
  year    = {2001"><svg onload=alert(5)>},
  volume  = {1}, pages = {1--5},
  url     = {javascript:alert(6)},
  doi     = {10.1000/x"><script>alert(7)</script>},
  note    = {<style>*{}</style>},
}
@misc{dataurl, author = {Alpha, Ann}, title = {A data URL}, year = {2001},
  url = {data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==}}
@misc{spaced, author = {Alpha, Ann}, title = {A spaced scheme}, year = {2001},
  url = { JaVaScRiPt:alert(9)}}
@misc{baddoi, author = {Alpha, Ann}, title = {A malformed DOI}, year = {2001},
  doi = {javascript:alert(10)}}
@misc{gooddoi, author = {Alpha, Ann}, title = {A good DOI}, year = {2001},
  doi = {10.1000/182}, url = {https://example.org/?a=1&b="2"<x>}}
"""

CSV = """key,design,outcome
"a""b<c>","<script>alert(11)</script>",\
"<img src=x onerror=alert(12)> ""q"" [see <b>x</b> @dataurl, p. <i>4</i>]"
gooddoi,Case <b onclick="x">report</b>,<a href="javascript:alert(13)">x</a>
"""

PAGE = """# Home

Bracketed [see <script>alert(14)</script> @{a"b<c>}, p. <img src=x onerror=alert(15)>; @dataurl] and
narrative @{a"b<c>} [p. "><svg onload=alert(16)>] and [@spaced; @baddoi; @gooddoi] and [@{x"<y>}].

/// literature-table | Hostile cells
    data: data/lit.csv
    columns: [design, outcome]
///

<!-- bibcite:cite-this -->
"""

HOSTILE_TITLE = (
    "&lt;script&gt;alert(1)&lt;/script&gt;, O&quot;Brien &lt;SO. &lt;script&gt;alert(3)"
    "&lt;/script&gt; &quot;quoted&quot; &lt;b onmouseover=&quot;x&quot;&gt;bold&lt;/b&gt; &amp; "
    "more. J &lt;iframe src=&quot;javascript:alert(4)&quot;&gt;. 2001&quot;&gt;&lt;svg "
    "onload=alert(5)&gt;;1:1-5. doi: 10.1000/x&quot;&gt;&lt;script&gt;alert(7)&lt;/script&gt;"
)
HOSTILE_ID = "ref-a-b-c-bd73e3"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    site = make_site(
        tmp_path_factory.mktemp("hostile"),
        {"index.md": PAGE},
        bib={"refs.bib": BIB, "data/lit.csv": CSV},
        options={"cite_this": {"key": 'a"b<c>', "page": "index.md"}},
        site_url="https://example.org/",
    )
    # A theme with a head, so that the scholarly metadata is written too.
    (site.root / "theme" / "main.html").write_text(
        "<!doctype html><html><head><title>t</title></head><body>{{ page.content }}</body></html>"
    )
    new_process()
    messages, error = build_once(site.load(strict=False))
    assert messages == [
        "WARNING: bibcite: docs/index.md:4: unknown citation key 'x\"<y>' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography"
    ]
    assert error is None
    return site.html("index.md")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[tuple[str, tuple[str, ...]]] = set()
        self.hrefs: set[str] = set()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.add((tag, tuple(sorted(name for name, _ in attrs))))
        self.hrefs |= {value for name, value in attrs if name == "href"}
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


# Every element and attribute set on the page: the theme's, Markdown's and the plugin's own.
ALLOWED = {
    ("html", ()), ("head", ()), ("title", ()), ("body", ()),  # the test theme
    ("h1", ("id",)), ("h2", ("id",)), ("p", ()),  # Markdown
    ("meta", ("content", "name")), ("script", ("type",)),  # scholarly metadata
    ("span", ("class",)), ("span", ("class", "id")),
    ("a", ("aria-label", "class", "href", "title")),
    ("ol", ("class",)), ("li", ("id", "value")), ("a", ("aria-label", "href")), ("a", ("href",)),
    ("div", ("class",)), ("div", ("aria-labelledby", "class", "role", "tabindex")),
    ("table", ("class", "id")), ("caption", ("id",)), ("thead", ()), ("tbody", ()), ("tr", ()),
    ("th", ("scope",)), ("th", ("data-sort", "scope")), ("td", ()), ("p", ("class",)),
    ("a", ("download", "href", "type")),  # the table's CSV download
    ("section", ("aria-labelledby", "class")), ("p", ("class", "id")),  # "Cite this"
    ("button", ("class", "data-bibcite-copy", "hidden", "type")),
    ("a", ("class", "download", "href")), ("span", ("class", "role")),
}  # fmt: skip


def test_no_element_or_attribute_the_plugin_did_not_make(page):
    found = elements(page)
    assert found.found == ALLOWED


def test_only_page_anchors_downloads_and_https_links(page):
    assert elements(page).hrefs == {
        "#cite-1", "#cite-2", "#cite-3", "#cite-5", "#cite-6", "#cite-7",
        f"#{HOSTILE_ID}", "#ref-dataurl", "#ref-gooddoi", "#ref-spaced",
        "downloads/cite/a-b-c.bib", "downloads/cite/a-b-c.ris", "downloads/table-1.csv",
        "https://doi.org/10.1000/182",
        # A DOI with quotes and angle brackets is still a DOI: linked, percent-encoded.
        "https://doi.org/10.1000/x%22%3E%3Cscript%3Ealert(7)%3C/script%3E",
        'https://example.org/?a=1&b="2"<x>',
    }  # fmt: skip


def test_every_field_of_the_hostile_entry_is_escaped_text(page):
    assert (
        f'<li id="{HOSTILE_ID}" value="1"><span class="bibcite-entry">'
        f"{HOSTILE_TITLE.removesuffix('10.1000/x&quot;&gt;&lt;script&gt;alert(7)&lt;/script&gt;')}"
        '<a href="https://doi.org/10.1000/x%22%3E%3Cscript%3Ealert(7)%3C/script%3E">'
        "10.1000/x&quot;&gt;&lt;script&gt;alert(7)&lt;/script&gt;</a></span>" in page
    )


def test_javascript_and_data_urls_and_a_malformed_doi_are_text(page):
    assert (
        '<li id="ref-dataurl" value="2"><span class="bibcite-entry">Alpha A. A data URL '
        "[Internet]. 2001. Available from: "
        "data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==</span>" in page
    )
    assert (
        '<li id="ref-spaced" value="3"><span class="bibcite-entry">Alpha A. A spaced scheme '
        "[Internet]. 2001. Available from: JaVaScRiPt:alert(9)</span>" in page
    )
    assert (
        '<li id="ref-baddoi" value="4"><span class="bibcite-entry">Alpha A. A malformed DOI. '
        "2001. doi: javascript:alert(10)</span>" in page
    )
    assert (
        '<li id="ref-gooddoi" value="5"><span class="bibcite-entry">Alpha A. A good DOI '
        '[Internet]. 2001. Available from: <a href="https://example.org/?a=1&amp;b=&quot;2&quot;'
        '&lt;x&gt;">https://example.org/?a=1&amp;b=&quot;2&quot;&lt;x&gt;</a> doi: '
        '<a href="https://doi.org/10.1000/182">10.1000/182</a></span>' in page
    )


def test_keys_prefixes_and_locators_with_quotes_and_angle_brackets(page):
    hostile = (
        f'<a class="bibcite-ref" href="#{HOSTILE_ID}" aria-label="Reference 1" '
        f'title="{HOSTILE_TITLE}">1</a>'
    )
    assert (
        '<span class="bibcite-citation" id="cite-1">[see &lt;script&gt;alert(14)&lt;/script&gt; '
        f"{hostile}, p. &lt;img src=x onerror=alert(15)&gt;; "
        '<a class="bibcite-ref" href="#ref-dataurl" aria-label="Reference 2" '
        'title="Alpha A. A data URL [Internet]. 2001. '
        'Available from: data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">2</a>]</span>'
        in page
    )
    assert (
        '<span class="bibcite-citation bibcite-narrative" id="cite-2">&lt;script&gt;alert(1)'
        f'&lt;/script&gt; and O&quot;Brien [{hostile}, p. "&gt;&lt;svg onload=alert(16)&gt;]'
        "</span>" in page
    )
    assert (
        '<span class="bibcite-citation" id="cite-4">[<span class="bibcite-unknown">'
        "?x&quot;&lt;y&gt;</span>]</span>" in page
    )


def test_table_cells_keep_markdown_citations_but_show_html_as_text(page):
    assert "<td>&lt;script&gt;alert(11)&lt;/script&gt;</td>" in page
    assert (
        '<td>&lt;img src=x onerror=alert(12)&gt; "q" <span class="bibcite-citation" id="cite-6">'
        '[see &lt;b&gt;x&lt;/b&gt; <a class="bibcite-ref" href="#ref-dataurl"' in page
    )
    assert '<td>Case &lt;b onclick="x"&gt;report&lt;/b&gt;</td>' in page
    assert '<td>&lt;a href="javascript:alert(13)"&gt;x&lt;/a&gt;</td>' in page
    assert (
        '<th data-sort="&lt;script&gt;alert(1)&lt;/script&gt; and O&quot;Brien 2001&quot;&gt;'
        '&lt;svg onload=alert(5)&gt;" scope="row">&lt;script&gt;alert(1)&lt;/script&gt; and '
        'O"Brien 2001"&gt;&lt;svg onload=alert(5)&gt; <span class="bibcite-citation" id="cite-5">'
        in page
    )


def test_scholarly_metadata_is_escaped_and_links_only_http(page):
    assert (
        '<meta name="citation_title" content="&lt;script&gt;alert(3)&lt;/script&gt; &quot;quoted'
        '&quot; &lt;b onmouseover=&quot;x&quot;&gt;bold&lt;/b&gt; &amp; more">' in page
    )
    assert (
        '<meta name="citation_author" content="O&quot;Brien, &lt;img src=x onerror=alert(2)&gt;">'
        in page
    )
    (script,) = elements(page).scripts
    assert "<" not in script  # nothing can close the script early
    data = json.loads(script)
    assert data["name"] == '<script>alert(3)</script> "quoted" <b onmouseover="x">bold</b> & more'
    assert data["sameAs"] == "https://doi.org/10.1000/x%22%3E%3Cscript%3Ealert(7)%3C/script%3E"
    # A javascript: or data: URL and a malformed DOI give no link in the metadata either.
    assert [work.get("sameAs") for work in data["citation"]] == [
        None, None, None, "https://doi.org/10.1000/182",
    ]  # fmt: skip
