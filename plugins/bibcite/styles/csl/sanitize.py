"""pandoc's HTML, re-written through an allow-list before it reaches a page: pandoc escapes the
.bib's text, and the cache on disk that keeps its output may come from elsewhere, so only the
markup citeproc makes survives (emphasis, small capitals, links to the web), everything else as
text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bibcite.styles.escaping import escape

_TAGS = {"a", "b", "code", "em", "i", "span", "strong", "sub", "sup"}
_CLASSES = {"smallcaps"}
_STYLES = {
    "font-variant:small-caps;",
    "font-variant: small-caps;",
    "font-style:normal;",
    "font-style: normal;",
    "font-weight:normal;",
    "font-weight: normal;",
    "font-variant:normal;",
    "font-variant: normal;",
}
_SCHEMES = ("https://", "http://", "#ref-")


def _allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return (name == "href" and value.startswith(_SCHEMES)) or (
            name == "role" and value == "doc-biblioref"
        )
    if tag == "span":
        return (name == "class" and value in _CLASSES) or (name == "style" and value in _STYLES)
    return False


class _Rewriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        # Each open tag as read and as written ('' for a span dropped: its text stays).
        self.open: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            return
        read = tag
        kept = [(name, value or "") for name, value in attrs if _allowed(tag, name, value or "")]
        if tag == "a" and not any(name == "href" for name, _ in kept):
            tag = "span"  # a link to anywhere else is shown as its text
            kept = []
        if tag == "span" and not kept:  # citeproc's `nocase` and bare spans
            self.open.append((read, ""))
            return
        self.open.append((read, tag))
        self.out.append(f"<{tag}" + "".join(f' {n}="{escape(v)}"' for n, v in kept) + ">")

    def handle_endtag(self, tag: str) -> None:
        if all(opened != tag for opened, _ in self.open):
            return  # never opened (or not allowed): nothing to close
        while self.open:  # close what is open inside it, then it
            opened, written = self.open.pop()
            if written:
                self.out.append(f"</{written}>")
            if opened == tag:
                return

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data))


# Exactly what `clean` writes: allowed tags with allowed attributes, and text as `escape`
# writes it (no quote, angle bracket or ampersand but in a reference). What the cache holds is
# checked against it, and cleaned only when it differs.
_ESCAPED = r"(?:[^\"'<>&]|&(?:amp|lt|gt|quot|#x27|#[0-9]+);)"
_SMALL_CAPS = "|".join(map(re.escape, sorted(_STYLES)))
_CLEAN = re.compile(
    rf"(?:{_ESCAPED}"
    r"|</?(?:b|code|em|i|strong|sub|sup|span|a)>"
    rf'|<span (?:class="smallcaps"|style="(?:{_SMALL_CAPS})")>'
    rf'|<a href="(?:https?://|#ref-){_ESCAPED}*"(?: role="doc-biblioref")?>'
    r")*"
)


def checked(fragment: str) -> str:
    """`fragment` as `clean` would write it: as it is when it is so already (the usual case, and
    a fast one), else cleaned."""
    if (
        fragment.isascii()
        and _CLEAN.fullmatch(fragment)
        and _balanced(fragment)
        and all(int(number) > 127 for number in _NUMBERED.findall(fragment))
    ):
        return fragment
    return clean(fragment)


_NUMBERED = re.compile(r"&#([0-9]+);")  # `clean` writes only the characters beyond ASCII so


_TAG = re.compile(r"<(/?)([a-z]+)")


def _balanced(fragment: str) -> bool:
    """Whether every tag of an allowed fragment is closed, in order."""
    open_tags: list[str] = []
    for closing, tag in _TAG.findall(fragment):
        if not closing:
            open_tags.append(tag)
        elif not open_tags or open_tags.pop() != tag:
            return False
    return not open_tags


def clean(fragment: str) -> str:
    """`fragment` with only allowed tags and attributes, every tag closed."""
    rewriter = _Rewriter()
    rewriter.feed(fragment)
    rewriter.close()
    rewriter.out.extend(f"</{tag}>" for _, tag in reversed(rewriter.open) if tag)
    return "".join(rewriter.out)


def text(fragment: str) -> str:
    """The text a reader sees, for `title` attributes."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append  # type: ignore[method-assign]
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parts).split())
