"""CSL styles on Material sites in Debian's Chromium, as a reader meets them: APA's author-date
citations and AMA's superscript numbers, each a link to its entry; their cards on hover and on
Tab, Enter following to the entry; the card of a page without a list of its own; what the
accessibility tree calls the links, and axe in both palettes; the same text without JavaScript;
an entry whose title, journal and URL are script payloads, which run nothing (the title and
journal read as text, the URL is left out); and the lists' layout (labels, hanging indent) on a
phone and a desktop, light and dark, with screenshots in /tmp/csl-shots/ for people to look at.

Each site is built once for the module (pandoc runs once for each)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import DESKTOP, PHONE, BuiltSite, ConsoleLog, SiteServer, new_context
from conftest import DATA, build_site
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/csl-shots")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme

# The tests' small bibliography, an entry whose fields are script payloads, and a book whose
# long title wraps (the hanging indent's second line).
BIB = (DATA / "refs.bib").read_text(encoding="utf-8") + r"""
@article{attack2020,
  author  = {Evil, Eve},
  title   = {<script>window.__pwned=1</script>},
  journal = {<img src=x onerror="window.__pwned=1">},
  year    = {2020},
  url     = {javascript:window.__pwned=1},
}

@book{long2010,
  author    = {Kilo, Kim and Lima, Lou},
  title     = {A long book title that wraps over more than one line on a phone, so that the
               second line hangs},
  publisher = {Example Press},
  address   = {Oxford},
  year      = {2010},
  doi       = {10.1000/long.2010},
}
"""
PAGES = {
    "index.md": (
        "# Home\n\n"
        "One author [@solo2001]. Two [@duo2002]. As @trio2003 showed, it holds. "
        "Its year alone [-@solo2001]. A locator [see @duo2002, p. 33]. A long book [@long2010].\n"
    ),
    "attack.md": "# Attack\n\nA hostile entry [@attack2020].\n",
    "refs.md": "# References\n\n<!-- bibcite:bibliography -->\n",
}
NAV = ["index.md", "attack.md", "refs.md"]
PATHS = ["", "attack/", "refs/"]
# Material as a site would have it: system fonts, its tooltips (which cards.js must replace),
# and a light and a dark palette following the system setting.
THEME = {
    "name": "material",
    "font": False,
    "features": ["content.tooltips"],
    "palette": [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"},
        },
    ],
}
SITES = {
    "apa": {"style": "apa"},
    "ama": {"style": "american-medical-association"},
    # Only the References page lists: a page's cards come from its <template>.
    "apa-no-lists": {"style": "apa", "per_page_references": False},
}

APA_SOLO = "Alpha, A. (2001). A single-author study. J Test, 1, 1–5."
AMA_SOLO = "Alpha A. A single-author study. J Test. 2001;1:1-5."
TITLE = "<script>window.__pwned=1</script>"
# The journal as the styles write it: APA title-cases it, AMA strips its periods, and citeproc
# curls its quotes; still the payload's text, never an element.
JOURNAL = re.compile(r'<img src=x onerror="window\.?__pwned=1">')
URL_TEXT = "javascript:window.__pwned=1"


# --- sites and tabs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SiteServer]]:
    """Each site built once with the Material theme and served on 127.0.0.1."""
    servers: dict[str, SiteServer] = {}
    try:
        for name, options in SITES.items():
            root = tmp_path_factory.mktemp(f"csl-{name}")
            result = build_site(
                root,
                PAGES,
                bib={"refs.bib": BIB},
                options=options,
                nav=NAV,
                theme=THEME,
                site_url="http://127.0.0.1/",
            )
            assert (result.messages, result.error) == ([], None), name
            servers[name] = SiteServer(BuiltSite(root / "site", result.site.config_file, "/"))
        yield servers
    finally:
        for server in servers.values():
            server.close()


@contextmanager
def reader(
    browser: Browser, server: SiteServer, viewport: dict = DESKTOP, **options: object
) -> Iterator[Page]:
    """A tab that can reach only the site (a link elsewhere goes nowhere), with no console error
    and no dialog (alert, confirm) by the end."""
    context = new_context(browser, viewport, **options)
    console = ConsoleLog()
    dialogs: list[str] = []
    context.route(
        "**/*",
        lambda route: route.continue_()
        if route.request.url.startswith(server.base)
        else route.abort(),
    )
    context.on(
        "page",
        lambda tab: tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())),
    )
    page = console.watch(context.new_page())
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page
        assert dialogs == []
        assert console.take() == []
    finally:
        context.close()


def card(page: Page) -> Locator:
    return page.locator(".bibcite-card")


def link_to(page: Page, key: str, nth: int = 0) -> Locator:
    return page.locator(f'a.bibcite-ref[href$="#ref-{key}"]').nth(nth)


def pwned(page: Page) -> bool:
    return page.evaluate("typeof window.__pwned !== 'undefined'")


def words(text: str) -> str:
    return " ".join(text.split())


def shown(locator: Locator) -> list[str]:
    return [words(text) for text in locator.all_inner_texts()]


def focus_by_tab(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until an element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def pointer_away(page: Page) -> None:
    """The mouse to the viewport's bottom-left corner, away from every citation and card."""
    page.mouse.move(2, (page.viewport_size or DESKTOP)["height"] - 2)


def entry_text(page: Page, key: str) -> str:
    return words(page.locator(f'[id="ref-{key}"] .bibcite-entry').inner_text())


# --- an entry made of script payloads ----------------------------------------------------------


@pytest.mark.parametrize("name", ["apa", "ama"])
def test_a_hostile_entry_runs_nothing_and_reads_as_text(
    browser: Browser, sites: dict[str, SiteServer], name: str
) -> None:
    server = sites[name]
    with reader(browser, server) as tab:
        tab.goto(server.url("attack/"))
        tab.wait_for_load_state("load")
        assert not pwned(tab)

        # The card, by the pointer: the payload's text, no element of it.
        link = link_to(tab, "attack2020")
        link.hover()
        expect(card(tab)).to_be_visible()
        body = words(card(tab).locator(".bibcite-card__body").inner_text())
        assert TITLE in body
        assert not pwned(tab)
        pointer_away(tab)
        expect(card(tab)).to_have_count(0)

        # The card, by the keyboard, and Tab on through its links.
        focus_by_tab(tab, 'a.bibcite-ref[href$="#ref-attack2020"]')
        expect(card(tab)).to_be_visible()
        for _ in range(3):
            tab.keyboard.press("Tab")
        assert not pwned(tab)

        # Every link of the citation, its card and its entry, followed.
        link.hover()
        expect(card(tab)).to_be_visible()
        card(tab).locator(".bibcite-card__more").click()
        expect(tab).to_have_url(re.compile("#ref-attack2020$"))
        tab.locator("#ref-attack2020 a, .bibcite-citation a").evaluate_all(
            "links => links.forEach(a => a.click())"
        )
        assert not pwned(tab)

        # A fresh tab (the clicks may have begun navigations), on each page that shows the entry.
        for path in ("attack/", "refs/"):
            fresh = tab.context.new_page()
            fresh.goto(server.url(path))
            fresh.wait_for_load_state("load")
            assert not pwned(fresh)
            article = fresh.locator("article")
            assert article.locator("script, img, iframe, object, embed, svg image").count() == 0
            handlers = article.evaluate(
                """root => [root, ...root.querySelectorAll('*')].flatMap(e => [...e.attributes]
                     .filter(a => a.name.toLowerCase().startsWith('on'))
                     .map(a => `${e.tagName} ${a.name}`))"""
            )
            assert handlers == []
            hrefs = fresh.evaluate(
                "[...document.querySelectorAll('[href], [src]')]"
                ".map(e => (e.getAttribute('href') ?? e.getAttribute('src')).trim().toLowerCase())"
            )
            assert [href for href in hrefs if href.startswith(("javascript:", "data:"))] == []
            # What a reader sees: the payloads as text (the styles' casing and quotes aside).
            entry = entry_text(fresh, "attack2020")
            assert TITLE in entry
            plain = entry.translate(str.maketrans("“”", '""')).lower()
            assert JOURNAL.search(plain), entry
            # The URL, no web address, is left out: neither a link nor a broken one.
            assert URL_TEXT not in entry
            expect(fresh.locator("#ref-attack2020 .bibcite-entry a")).to_have_count(0)
            fresh.close()


# --- citations, cards and the keyboard -----------------------------------------------------------


def test_apa_citations_read_author_date_and_link_to_their_entries(
    browser: Browser, sites: dict[str, SiteServer]
) -> None:
    server = sites["apa"]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        assert shown(tab.locator(".bibcite-citation")) == [
            "(Alpha, 2001)",
            "(Bravo & Charlie, 2002)",
            "Delta et al. (2003)",
            "(2001)",
            "(see Bravo & Charlie, 2002, p. 33)",
            "(Kilo & Lima, 2010)",
        ]
        hrefs = tab.locator(".bibcite-citation a.bibcite-ref").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs == [
            "#ref-solo2001",
            "#ref-duo2002",
            "#ref-trio2003",
            "#ref-solo2001",
            "#ref-duo2002",
            "#ref-long2010",
        ]
        for href in set(hrefs):
            expect(tab.locator(f"li{href}")).to_have_count(1)
        # The list: unnumbered, in the style's (alphabetical) order.
        assert tab.locator("ul.bibcite-references.bibcite-csl").count() == 1
        assert tab.locator(".bibcite-csl-label").count() == 0
        entries = shown(tab.locator(".bibcite-references > li .bibcite-entry"))
        assert entries[0] == APA_SOLO
        assert [entry.split(" ")[0] for entry in entries] == ["Alpha,", "Bravo,", "Delta,", "Kilo,"]

        link_to(tab, "duo2002").click()
        expect(tab).to_have_url(re.compile("#ref-duo2002$"))
        expect(tab.locator("#ref-duo2002")).to_be_in_viewport()
        assert tab.locator("#ref-duo2002").evaluate("li => li.matches(':target')")


def test_ama_citations_are_superscript_numbers_linking_to_a_numbered_list(
    browser: Browser, sites: dict[str, SiteServer]
) -> None:
    server = sites["ama"]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        citations = tab.locator(".bibcite-citation")
        # A narrative citation names the authors before the number: "As Delta et al.³ showed".
        assert shown(citations) == ["1", "2", "Delta et al.3", "1", "see 2(p33)", "4"]
        assert citations.evaluate_all(
            "spans => spans.every(s => s.querySelector(':scope > sup > a.bibcite-ref'))"
        )
        # Raised above the words before it, in a smaller type, and no taller a line for it.
        geometry = tab.locator("article p").first.evaluate(
            """p => { const words = document.createRange();
                 words.selectNodeContents(p.firstChild);  // "One author"
                 const text = words.getBoundingClientRect();
                 const sup = p.querySelector('sup');
                 const raised = sup.getBoundingClientRect();
                 const style = getComputedStyle(p);
                 return {sup: parseFloat(getComputedStyle(sup).fontSize),
                         p: parseFloat(style.fontSize), supBottom: raised.bottom,
                         textBottom: text.bottom, line: parseFloat(style.lineHeight),
                         height: p.getBoundingClientRect().height}; }"""
        )
        assert geometry["sup"] < geometry["p"], geometry
        assert geometry["supBottom"] < geometry["textBottom"] - 1, geometry
        lines = round(geometry["height"] / geometry["line"])
        assert abs(geometry["height"] - lines * geometry["line"]) < 1, geometry
        assert tab.locator("ol.bibcite-references.bibcite-csl").count() == 1
        assert shown(tab.locator(".bibcite-csl-label")) == ["1.", "2.", "3.", "4."]
        assert entry_text(tab, "solo2001") == AMA_SOLO


@pytest.mark.parametrize(("name", "entry"), [("apa", APA_SOLO), ("ama", AMA_SOLO)])
def test_tab_opens_the_card_and_enter_follows_to_the_entry(
    browser: Browser, sites: dict[str, SiteServer], name: str, entry: str
) -> None:
    server = sites[name]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        expect(tab.locator("a.bibcite-ref[title]")).to_have_count(0)  # cards.js took the titles
        focus_by_tab(tab, "a.bibcite-ref")
        link = tab.locator("a.bibcite-ref:focus")
        expect(link).to_have_attribute("href", "#ref-solo2001")
        shown_card = card(tab)
        expect(shown_card).to_be_visible()
        expect(shown_card).to_have_attribute("role", "dialog")
        expect(link).to_have_attribute("aria-details", shown_card.get_attribute("id") or "?")
        expect(shown_card.locator(".bibcite-card__body")).to_have_text(entry)
        expect(tab.locator(".md-tooltip2")).to_have_count(0)  # no Material tooltip over it
        box, size = shown_card.bounding_box(), tab.viewport_size
        assert box and size and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]

        tab.keyboard.press("Enter")
        expect(tab).to_have_url(re.compile("#ref-solo2001$"))
        expect(card(tab)).to_have_count(0)
        expect(tab.locator("#ref-solo2001")).to_be_in_viewport()
        assert entry_text(tab, "solo2001") == entry


def test_a_page_without_its_own_list_still_shows_the_reference_in_the_card(
    browser: Browser, sites: dict[str, SiteServer]
) -> None:
    server = sites["apa-no-lists"]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        expect(tab.locator(".bibcite-references")).to_have_count(0)
        assert shown(tab.locator(".bibcite-citation"))[0] == "(Alpha, 2001)"
        link = link_to(tab, "solo2001")
        expect(link).to_have_attribute("href", "refs/#ref-solo2001")

        link.hover()
        expect(card(tab)).to_be_visible()
        expect(card(tab).locator(".bibcite-card__body")).to_have_text(APA_SOLO)
        pointer_away(tab)
        expect(card(tab)).to_have_count(0)

        focus_by_tab(tab, "a.bibcite-ref")
        expect(card(tab).locator(".bibcite-card__body")).to_have_text(APA_SOLO)
        tab.keyboard.press("Enter")
        expect(tab).to_have_url(server.url("refs/#ref-solo2001"))
        expect(tab.locator("#ref-solo2001")).to_be_in_viewport()
        assert entry_text(tab, "solo2001") == APA_SOLO


# --- the accessibility tree and axe -------------------------------------------------------------


def accessible_links(page: Page, selector: str) -> list[tuple[str, str, str]]:
    """(role, name, description) of each element matching `selector`, from Chromium's own
    accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
        links = []
        for node in found["nodeIds"]:
            ax = cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False}
            )
            first = ax["nodes"][0]
            links.append(
                tuple(words(str(first.get(part, {}).get("value", "")))
                      for part in ("role", "name", "description"))
            )
        return links
    finally:
        cdp.detach()


def test_the_accessibility_tree_names_apa_links_by_what_they_show(
    browser: Browser, sites: dict[str, SiteServer]
) -> None:
    server = sites["apa"]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        expect(tab.locator("a.bibcite-ref[aria-describedby]")).to_have_count(6)
        links = accessible_links(tab, ".bibcite-citation a.bibcite-ref")
        # Named by what they show; a year alone is a year, not "Reference 2003".
        assert [(role, name) for role, name, _ in links] == [
            ("link", "Alpha, 2001"),
            ("link", "Bravo & Charlie, 2002"),
            ("link", "2003"),
            ("link", "2001"),
            ("link", "Bravo & Charlie, 2002, p. 33"),
            ("link", "Kilo & Lima, 2010"),
        ]
        # Each is described by its full reference, for a screen reader's "more".
        assert links[0][2] == APA_SOLO
        assert all(description for _, _, description in links)
        snapshot = tab.locator("article p").first.aria_snapshot()
        assert '- link "Alpha, 2001"' in snapshot


def test_the_accessibility_tree_names_ama_numbers_as_references(
    browser: Browser, sites: dict[str, SiteServer]
) -> None:
    server = sites["ama"]
    with reader(browser, server) as tab:
        tab.goto(server.url(""))
        links = accessible_links(tab, ".bibcite-citation a.bibcite-ref")
        assert [(role, name) for role, name, _ in links] == [
            ("link", "Reference 1"),
            ("link", "Reference 2"),
            ("link", "Reference 3"),
            ("link", "Reference 1"),
            ("link", "Reference 2 (p33)"),  # the number named, its locator after it
            ("link", "Reference 4"),
        ]
        assert links[0][2] == AMA_SOLO
        # The list is a list of items with their labels, whatever the markup around them.
        snapshot = tab.locator("article .bibcite-references").aria_snapshot()
        assert snapshot.startswith("- list:")
        assert "- listitem:" in snapshot and "1. Alpha A." in snapshot


# Material's own footer ("Made with Material for MkDocs", grey on its dark strip) fails colour
# contrast in the light palette: the theme's, not the CSL pages'.
AXE_CONTEXT = {"exclude": [[".md-footer-meta"]]}
# What axe says of links in the lists told from the text by colour alone: asserted apart, by the
# test below, so that a failure names it.
IN_LISTS = "t => Boolean(document.querySelector(t)?.closest('.bibcite-references'))"


def axe_failures(
    page: Page, where: str, context: dict = AXE_CONTEXT
) -> tuple[list[str], list[str]]:
    """axe's violations on the page: (the others, links in the lists told by colour alone)."""
    results = Axe().run(page, context=context)
    others, in_lists = [], []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            line = f"{where or '/'}: axe {violation['id']}: {node['target']} " + words(
                node.get("failureSummary", "")
            )
            known = violation["id"] == "link-in-text-block" and len(node["target"]) == 1
            if known and page.evaluate(IN_LISTS, node["target"][0]):
                in_lists.append(line)
            else:
                others.append(line)
    return others, in_lists


def axe_pages(page: Page, server: SiteServer, scheme: str) -> tuple[list[str], list[str]]:
    others: list[str] = []
    in_lists: list[str] = []
    for path in PATHS:
        page.goto(server.url(path))
        page.wait_for_load_state("load")
        palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert palette == SCHEMES[scheme]
        found = axe_failures(page, path)
        others += found[0]
        in_lists += found[1]
    # An open card too: its name, its contrast in this palette. Only the card: the tapped link
    # under it takes Material's accent colour for :hover and :focus (the theme's choice).
    page.goto(server.url(""))
    link_to(page, "solo2001").tap()
    expect(card(page)).to_be_visible()
    found = axe_failures(page, "/ (card open)", {"include": [[".bibcite-card"]]})
    return others + found[0], in_lists + found[1]


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(SITES))
def test_axe_finds_nothing_wrong_with_the_csl_pages(
    browser: Browser, sites: dict[str, SiteServer], name: str, viewport: str, scheme: str
) -> None:
    server = sites[name]
    with reader(browser, server, VIEWPORTS[viewport], scheme=scheme) as tab:
        others, _ = axe_pages(tab, server, scheme)
    assert others == [], "\n".join(others)


@pytest.mark.parametrize("name", ["apa", "ama"])
def test_axe_finds_the_lists_links_told_from_the_text_by_more_than_colour(
    browser: Browser, sites: dict[str, SiteServer], name: str
) -> None:
    server = sites[name]
    with reader(browser, server, PHONE) as tab:
        _, in_lists = axe_pages(tab, server, "light")
    assert in_lists == [], "\n".join(in_lists)


# --- without JavaScript -------------------------------------------------------------------------


def reading(page: Page) -> dict[str, list[str]]:
    return {
        "citations": shown(page.locator("article .bibcite-citation")),
        "lists": shown(page.locator("article .bibcite-references > li")),
        "links": page.locator("article a.bibcite-ref").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ),
    }


@pytest.mark.parametrize("name", list(SITES))
def test_without_javascript_citations_and_lists_read_the_same(
    browser: Browser, sites: dict[str, SiteServer], name: str
) -> None:
    server = sites[name]
    with reader(browser, server) as tab:
        with_script = {}
        for path in PATHS:
            tab.goto(server.url(path))
            with_script[path] = reading(tab)
    with reader(browser, server, java_script_enabled=False) as tab:
        for path in PATHS:
            tab.goto(server.url(path))
            assert reading(tab) == with_script[path], path
            assert any(with_script[path].values()), path
            # The reference is the link's tooltip instead of a card.
            first = tab.locator("article a.bibcite-ref").first
            if first.count():
                assert first.get_attribute("title")
                first.hover()
                expect(card(tab)).to_have_count(0)


# --- layout: labels, hanging indent, both palettes; screenshots -----------------------------------


LAYOUT = """() => {
  const article = document.querySelector('article');
  const para = article.querySelector('p').getBoundingClientRect();
  const items = [...article.querySelectorAll('.bibcite-references > li')].map(li => {
    const entry = li.querySelector('.bibcite-entry');
    const label = li.querySelector('.bibcite-csl-label');
    const range = document.createRange();
    range.selectNodeContents(li);
    const lines = [];
    for (const rect of range.getClientRects()) {
      if (rect.width < 1) continue;
      const line = lines.find(l => Math.abs(l.top - rect.top) < 4);
      if (line) line.left = Math.min(line.left, rect.left);
      else lines.push({top: rect.top, left: rect.left});
    }
    const box = li.getBoundingClientRect();
    return {li: box.left, right: box.right, lines: lines.map(l => l.left),
            entry: entry.getBoundingClientRect().left,
            label: label && {left: label.getBoundingClientRect().left,
                             right: label.getBoundingClientRect().right,
                             middle: (label.getBoundingClientRect().top
                                      + label.getBoundingClientRect().bottom) / 2,
                             entryMiddle: (entry.getClientRects()[0].top
                                           + entry.getClientRects()[0].bottom) / 2}};
  });
  return {para: para.left, paraRight: para.right, items,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", ["apa", "ama"])
def test_the_lists_lay_out_their_labels_and_lines(
    browser: Browser, sites: dict[str, SiteServer], name: str, viewport: str, scheme: str
) -> None:
    """No sideways scrolling; AMA's labels right-aligned in a gutter before the entries, on the
    entries' first line; APA's lines after the first hanging; a screenshot of the page and of a
    card."""
    SHOTS.mkdir(exist_ok=True)
    server = sites[name]
    with reader(browser, server, VIEWPORTS[viewport], scheme=scheme) as tab:
        tab.goto(server.url(""))
        tab.wait_for_load_state("load")
        assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
            SCHEMES[scheme]
        )
        layout = tab.evaluate(LAYOUT)
        assert layout["overflow"] <= 0, layout
        items = layout["items"]
        assert len(items) == 4
        for item in items:
            assert item["right"] <= layout["paraRight"] + 1, item
            if name == "ama":
                label = item["label"]
                assert label["left"] >= layout["para"] - 1, item
                assert label["right"] <= item["entry"], item  # the gutter, before the entry
                assert abs(label["middle"] - label["entryMiddle"]) < 2, item  # on its first line
            else:
                first, *rest = item["lines"]
                assert all(left - first > 20 for left in rest), item  # hanging
        if name == "ama":
            rights = {round(item["label"]["right"]) for item in items}
            assert len(rights) == 1, items  # right-aligned: "1." over "2."
        long_entry = items[-1]
        assert len(long_entry["lines"]) >= 2, long_entry
        tab.screenshot(path=SHOTS / f"{name}-{viewport}-{scheme}.png", full_page=True)

        link_to(tab, "long2010").hover()
        expect(card(tab)).to_be_visible()
        box, size = card(tab).bounding_box(), tab.viewport_size
        assert box and size
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
        tab.screenshot(path=SHOTS / f"{name}-{viewport}-{scheme}-card.png")


@pytest.mark.parametrize("name", ["apa", "ama"])
def test_a_csl_list_starts_at_the_texts_edge(
    browser: Browser, sites: dict[str, SiteServer], name: str
) -> None:
    server = sites[name]
    with reader(browser, server, PHONE) as tab:
        tab.goto(server.url(""))
        layout = tab.evaluate(LAYOUT)
        assert [round(item["li"] - layout["para"]) for item in layout["items"]] == [0] * 4
