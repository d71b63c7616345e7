"""The allow-list pandoc's HTML goes through (bibcite.styles.csl.sanitize): unit tests of
`clean` and `text`, then the CSL engine end to end with a hostile .bib and a hostile cache on
disk, asserted on the parsed HTML (BeautifulSoup) rather than on strings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import load_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bibcite.styles.csl import sanitize, styles
from bibcite.styles.csl.engine import Cited, CslFormatter
from bibcite.styles.csl.sanitize import clean, text

ALLOWED_TAGS = {"a", "b", "code", "em", "i", "span", "strong", "sub", "sup"}
SMALL_CAPS_STYLES = [
    "font-variant:small-caps;",
    "font-variant: small-caps;",
    "font-style:normal;",
    "font-style: normal;",
    "font-weight:normal;",
    "font-weight: normal;",
    "font-variant:normal;",
    "font-variant: normal;",
]


def parsed(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(fragment, "html.parser")


def tags(fragment: str) -> list[tuple[str, dict]]:
    return [(tag.name, dict(tag.attrs)) for tag in parsed(fragment).find_all(True)]


def assert_inert(fragment: str, *, cluster: bool = False) -> None:
    """Only the allowed tags, no event handler or other style, links only to the web (or, in a
    citation, the placeholders of links to entries)."""
    for tag in parsed(fragment).find_all(True):
        assert tag.name in ALLOWED_TAGS, (tag.name, fragment)
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (name, fragment)
            if name == "style":
                assert value in SMALL_CAPS_STYLES, (value, fragment)
            if name == "class":
                assert value == ["smallcaps"], (value, fragment)
        if tag.name == "a":
            if cluster:
                assert set(tag.attrs) == {"data-bibcite-key"}, (tag.attrs, fragment)
            else:
                assert urlsplit(tag["href"]).scheme in ("http", "https"), (tag, fragment)
                assert "javascript:" not in tag["href"].lower().split("//", 1)[0]
        else:
            assert "href" not in tag.attrs and "src" not in tag.attrs, (tag, fragment)


# --- clean: tags ------------------------------------------------------------------------------


def test_kept_markup_is_unchanged():
    fragment = (
        "<em>a</em> <i>b</i> <strong>c</strong> <b>d</b> <sup>1</sup><sub>2</sub> <code>e</code> "
        '<span class="smallcaps">f</span> <a href="https://doi.org/10.1/x">g</a> '
        '<a href="#ref-k1" role="doc-biblioref">1</a>'
    )
    assert clean(fragment) == fragment


def test_script_is_dropped_as_a_tag_its_text_escaped():
    assert clean("a<script>if (x < 1) alert(1)</script>b") == "aif (x &lt; 1) alert(1)b"
    assert clean("<SCRIPT src=https://evil.example/x.js></SCRIPT>t") == "t"
    assert clean("<style>body { color: red }</style>q") == "body { color: red }q"


@pytest.mark.parametrize(
    "fragment",
    [
        '<img src="x" onerror="alert(1)">',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<embed src="https://evil.example/x">',
        '<svg onload="alert(1)"></svg>',
        "<math><mi>x</mi></math>",
        '<form action="https://evil.example"><input name="q"></form>',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        "<div>block</div><p>para</p><br>",
    ],
)
def test_other_tags_are_dropped(fragment):
    cleaned = clean(f"before {fragment} after")
    assert tags(cleaned) == []
    assert cleaned.startswith("before ") and cleaned.endswith(" after")


def test_text_inside_a_dropped_tag_stays_as_text():
    assert clean('<iframe src="https://e.example">inner</iframe>z') == "innerz"
    assert clean("<div><em>kept</em></div>") == "<em>kept</em>"


# --- clean: links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "ftp://example.org/x",
        "mailto:a@example.org",
        "#top",
        "",
    ],
)
def test_a_link_elsewhere_than_the_web_loses_the_link(href):
    cleaned = clean(f'<a href="{href}">x</a>')
    assert cleaned == "x"


def test_a_link_without_href_loses_the_link():
    assert clean('<a name="x">x</a>') == "x"
    assert clean('<a role="doc-biblioref">x</a>') == "x"


def test_a_link_keeps_only_href_and_role():
    cleaned = clean(
        '<a href="https://example.org/" onclick="alert(1)" style="color:red" target="_blank" '
        'title="t" role="doc-biblioref">x</a>'
    )
    assert tags(cleaned) == [("a", {"href": "https://example.org/", "role": "doc-biblioref"})]
    assert clean('<a href="http://example.org/" role="button">x</a>') == (
        '<a href="http://example.org/">x</a>'
    )


def test_an_attribute_value_is_escaped():
    cleaned = clean("<a href='https://e.example/?a=\"b\"&c=<d>'>x</a>")
    assert cleaned == '<a href="https://e.example/?a=&quot;b&quot;&amp;c=&lt;d&gt;">x</a>'
    assert tags(cleaned) == [("a", {"href": 'https://e.example/?a="b"&c=<d>'})]


# --- clean: attributes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<span onclick="alert(1)">t</span>', "t"),
        ('<span style="color:red">t</span>', "t"),
        ('<span style="font-variant:small-caps;color:red">t</span>', "t"),
        ('<span style="background:url(javascript:alert(1))">t</span>', "t"),
        ('<span class="nocase other">t</span>', "t"),
        (
            '<span class="smallcaps" onmouseover="alert(1)">t</span>',
            '<span class="smallcaps">t</span>',
        ),
        ('<em onclick="alert(1)" style="color:red" class="x">t</em>', "<em>t</em>"),
        ('<sup id="x" title="y">1</sup>', "<sup>1</sup>"),
        ('<b ONCLICK="alert(1)">t</b>', "<b>t</b>"),
    ],
)
def test_event_handlers_and_other_styles_are_dropped(fragment, expected):
    assert clean(fragment) == expected


@pytest.mark.parametrize("style", SMALL_CAPS_STYLES)
def test_citeproc_styles_are_kept(style):
    fragment = f'<span style="{style}">t</span>'
    assert clean(fragment) == fragment


# --- clean: structure -----------------------------------------------------------------------


def test_nocase_and_bare_spans_are_unwrapped():
    assert clean('<span class="nocase">ABC</span>') == "ABC"
    assert clean("<span>plain</span>") == "plain"
    assert clean('<em>a <span class="nocase">DNA</span> b</em>') == "<em>a DNA b</em>"
    assert clean('<span class="nocase"><em>x</em></span>') == "<em>x</em>"


def test_nesting_is_kept():
    fragment = (
        '<em>a <strong>b <sup>2</sup></strong> <span style="font-variant:small-caps;">'
        "<i>c</i></span></em>"
    )
    assert clean(fragment) == fragment
    inside = '<span class="nocase"><em>x <span class="nocase">y</span></em></span>'
    assert clean(f"<strong>{inside}</strong>") == "<strong><em>x y</em></strong>"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<em>open", "<em>open</em>"),
        ("<em><b>x", "<em><b>x</b></em>"),
        ("<em>a <strong>b</strong> c", "<em>a <strong>b</strong> c</em>"),
        ('<em><span class="nocase">x', "<em>x</em>"),
        ('<a href="https://example.org/">x', '<a href="https://example.org/">x</a>'),
        ('<a href="javascript:alert(1)"><em>x', "<em>x</em>"),
        ("</em>stray", "stray"),
        ("</script>stray</div>", "stray"),
    ],
)
def test_unclosed_tags_are_closed_and_stray_ends_dropped(fragment, expected):
    assert clean(fragment) == expected


def test_character_references_stay_escaped():
    assert clean("&lt;script&gt;alert(1)&lt;/script&gt;") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert clean("&#60;img src=x&#62;") == "&lt;img src=x&gt;"
    assert clean("Science &amp; Society") == "Science &amp; Society"
    assert clean("a < b > c") == "a &lt; b &gt; c"
    # Beyond ASCII as references, as everything bibcite writes (styles/escaping.py).
    assert clean("“quoted” — it’s") == "&#8220;quoted&#8221; &#8212; it&#8217;s"
    assert text(clean("“quoted” — it’s")) == "“quoted” — it’s"


def test_text_is_what_a_reader_sees():
    assert text("<em>Nature</em>  <b>171</b>,\n737&amp;ndash;738") == "Nature 171, 737&ndash;738"
    assert text('<a href="https://example.org/">x</a> &lt;script&gt;') == "x <script>"
    assert text("") == ""


_PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<style>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">',
        '<a href="https://ok.example/">',
        '<a href="#ref-k1" role="doc-biblioref">',
        "</a>",
        "<em>",
        "</em>",
        "<b onclick=x()>",
        "</b>",
        '<span class="nocase">',
        '<span style="font-variant:small-caps;">',
        '<span style="color:red">',
        "</span>",
        "<iframe>",
        "<!-- c -->",
        "<![CDATA[x]]>",
        "&lt;",
        "&amp;",
        "&#x3c;",
        "<",
        ">",
        '"',
        "'",
        "=",
        "text",
        " ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_clean_never_lets_anything_live_through(fragment):
    cleaned = clean(fragment)
    assert_inert(cleaned.replace('href="#ref-k1"', 'href="https://ref.example/"'))
    assert clean(cleaned) == cleaned  # what it writes, it keeps as it is


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_checked_is_clean_by_a_shorter_way(fragment):
    """What the cache holds is checked, and cleaned only when it is not clean already: either
    way the page gets what `clean` writes."""
    assert sanitize.checked(fragment) == clean(fragment)
    assert sanitize.checked(clean(fragment)) == clean(fragment)


def test_checked_keeps_clean_html_as_it_is_and_cleans_the_rest():
    kept = '(<a href="#ref-k1" role="doc-biblioref">Smith &amp; Jones, 2011</a>) <em>J</em>'
    assert sanitize.checked(kept) is kept
    assert sanitize.checked("<em>open") == "<em>open</em>"
    assert sanitize.checked("<em>a</b>") == "<em>a</em>"
    assert sanitize.checked('<a href="javascript:x">y</a>') == "y"


# --- the engine end to end ------------------------------------------------------------------

HOSTILE_BIB = r"""
@article{hostile,
  author  = {Mallory, Eve and {<img src=x onerror=alert(2)>}},
  title   = {A <script>alert(1)</script> title with <b onclick="alert(3)">markup</b> and
             <a href="javascript:alert(4)">a link</a>},
  journal = {Science \& Society <iframe src="https://evil.example/"></iframe>},
  year    = {2020},
  volume  = {1},
  pages   = {1--2},
  url     = {javascript:alert(1)},
}

@online{hostileweb,
  author  = {Trudy, T.},
  title   = {Page},
  url     = {javascript:alert(5)},
  urldate = {2024-01-02},
  year    = {2024},
  note    = {<span style="color:red" onclick="alert(6)">note</span>},
}

@article{hostiledoi,
  author  = {Oscar, O.},
  title   = {Identifier},
  journal = {J},
  year    = {2021},
  doi     = {10.1000/x"><script>alert(7)</script>},
}
"""
HOSTILE_KEYS = ("hostile", "hostileweb", "hostiledoi")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return load_text(tmp_path_factory.mktemp("hostile"), HOSTILE_BIB)


def _hostile_formatter(bibliography, name: str) -> CslFormatter:
    style = styles.load(name, "")
    formatter = CslFormatter(bibliography, style, lang="en-US")
    formatter.prepare(
        [
            Cited(("p.md", 0), (("hostile", "", "", False),), False),
            Cited(
                ("p.md", 1),
                (
                    ("hostile", "<script>alert(8)</script> see", "p. <b>3</b>", False),
                    ("hostileweb", '<a href="javascript:alert(9)">x</a>', "", False),
                ),
                False,
            ),
            Cited(("p.md", 2), (("hostiledoi", "", "", False),), True),
        ],
        HOSTILE_KEYS,
    )
    return formatter


@pytest.mark.parametrize("name", styles.shipped())
def test_a_hostile_bib_never_makes_a_live_tag_or_link(hostile, name):
    formatter = _hostile_formatter(hostile, name)
    for number in range(3):
        cluster = formatter.cluster(("p.md", number))
        assert cluster is not None
        assert_inert(cluster.html, cluster=True)
        assert {a["data-bibcite-key"] for a in parsed(cluster.html).find_all("a")} <= set(
            HOSTILE_KEYS
        )
    for key in HOSTILE_KEYS:
        reference = formatter.get(key)
        assert_inert(reference.html)
    shown = parsed(formatter.get("hostile").html).get_text()
    # The .bib's text is shown as text, `\&` as one ampersand.
    assert "<script>alert(1)</script>" in shown.lower()  # Chicago recases titles
    assert "Science & Society" in shown
    assert "&amp;" not in shown


def test_a_javascript_url_never_becomes_a_javascript_link(hostile):
    formatter = _hostile_formatter(hostile, "apa")  # APA prints the URL
    for key in ("hostile", "hostileweb"):
        html = formatter.get(key).html
        for link in parsed(html).find_all("a"):
            assert urlsplit(link["href"]).scheme in ("http", "https")
            assert not link["href"].lower().startswith("javascript")
    # An address that is not a web one never reaches pandoc, so no "https://javascript:…".
    assert "alert(5)" not in formatter.get("hostileweb").html
    doi = parsed(formatter.get("hostiledoi").html).find("a")
    assert doi["href"].startswith("https://doi.org/10.1000/x")
    assert parsed(formatter.get("hostiledoi").html).find("script") is None


class _HostileDisk:
    """A cache on disk whose stored pandoc output was written by someone else."""

    def __init__(self, stored: dict) -> None:
        self.stored = stored
        self.written: list = []

    def read(self, kind: str, key: str, valid):
        return self.stored if valid(self.stored) else None

    def write(self, kind: str, key: str, parts) -> None:
        self.written.append(parts)


def test_html_from_the_cache_on_disk_goes_through_the_allow_list(tmp_path: Path):
    bibliography = load_text(tmp_path, "@book{a, author = {A, B}, title = {T}, year = {2000}}")
    stored = {
        "clusters": [
            [
                1,
                '<script>alert(1)</script><a href="#ref-k1" role="doc-biblioref" '
                'onclick="alert(2)">A 2000</a><img src=x onerror=alert(3)>',
                False,
            ]
        ],
        "entries": [
            [
                "k1",
                "<b>1.</b><script>x</script>",
                '<a href="javascript:alert(4)">T</a> <iframe src="https://evil.example/">'
                '</iframe><span style="color:red" onclick="alert(5)">s</span> <em>ok',
                "<b>text</b>",
                "<i>label</i>",
            ]
        ],
    }
    disk = _HostileDisk(stored)
    formatter = CslFormatter(bibliography, styles.load("apa", ""), lang="en-US", disk=disk)
    formatter.prepare([Cited(("p.md", 0), (("a", "", "", False),), False)], ["a"])
    assert formatter.runs == 0 and disk.written == []  # pandoc never ran: all from the "cache"
    cluster = formatter.cluster(("p.md", 0))
    assert cluster.html == 'alert(1)<a data-bibcite-key="a">A 2000</a>'
    assert formatter.get("a").html == "T s <em>ok</em>"
    # The plain texts are data, escaped wherever they are written (render.escape).
    reference = formatter.get("a")
    assert (reference.text, reference.label) == ("<b>text</b>", "<i>label</i>")
    assert formatter.margin("a") == "<b>1.</b><script>x</script>"


def test_an_entry_not_prepared_shows_what_it_has_escaped(tmp_path: Path):
    """Every entry a page shows is given to `prepare`; one that was not (a bug) still reads,
    as the pybtex formatter shows an entry its style cannot finish, and never as markup."""
    bibliography = load_text(
        tmp_path, "@book{a, author = {Smith, Jo}, title = {<b>T</b> & U}, year = {2000}}"
    )
    formatter = CslFormatter(bibliography, styles.load("apa", ""), lang="en-US")
    reference = formatter.get("a")
    assert reference.html == "Smith. &lt;b&gt;T&lt;/b&gt; &amp; U. 2000."
    assert (reference.text, reference.label) == ("Smith. <b>T</b> & U. 2000.", "Smith")
