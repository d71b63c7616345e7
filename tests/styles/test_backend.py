"""The safe HTML backend: everything escaped, links only to http(s)."""

import pytest
from pybtex.richtext import HRef, Protected, Symbol, Tag, Text

from bibcite.styles.html_backend import SafeHtmlBackend, render_html, render_text

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;"


def test_text_is_escaped_with_quotes():
    assert render_html(Text(HOSTILE)) == ESCAPED


def test_protected_text_has_no_wrapper():
    assert render_html(Text("in ", Protected("HeLa"), " cells")) == "in HeLa cells"


def test_tags_and_symbols():
    assert render_html(Text(Tag("em", "in <vivo>"), Symbol("nbsp"), "x")) == (
        "<em>in &lt;vivo&gt;</em>&nbsp;x"
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/",
        "/relative",
        "ftp://example.org/",
    ],
)
def test_non_http_urls_are_not_linked(url):
    assert render_html(Text(HRef(url, "click <me>"))) == "click &lt;me&gt;"


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://doi.org/10.1000/x", "https://doi.org/10.1000/x"),
        ("HTTP://example.org/a?b=1&c=2", "HTTP://example.org/a?b=1&amp;c=2"),
        ('https://example.org/"onmouseover="x', "https://example.org/&quot;onmouseover=&quot;x"),
        ("https://example.org/<'>", "https://example.org/&lt;&#x27;&gt;"),
    ],
)
def test_http_urls_are_linked_with_escaped_attribute(url, href):
    assert render_html(Text(HRef(url, "go & see"))) == f'<a href="{href}">go &amp; see</a>'


def test_no_target_blank_even_when_asked():
    assert render_html(Text(HRef("https://a.org/", "a", external=True))) == (
        '<a href="https://a.org/">a</a>'
    )


def test_empty_link_text_renders_nothing():
    assert SafeHtmlBackend().format_href("https://a.org/", "") == ""


def test_plain_text_rendering():
    rich = Text("A ", Tag("em", "<b>"), " ", HRef("https://a.org/", "link"), Protected(" DNA"))
    assert render_text(rich) == "A <b> link DNA"
