"""What a reader with a screen reader or a finger gets from the citations, in Debian's Chromium:
each citation's accessible name and description (read from the accessibility tree, with and
without JavaScript) hold its reference; each number link has a hit area of 24×24 px that a tap
on its neighbour never reaches; the References page's "Cited in:" links are separated."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import DESKTOP, PHONE, BuiltSite, SiteServer, new_context
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

HIT = 24  # px: WCAG 2.2, 2.5.8 Target Size (Minimum)


def pages_with_citations(site: BuiltSite) -> list[str]:
    def html(path: str) -> str:
        file = site.root / (path if path.endswith(".html") else path + "index.html")
        return file.read_text("utf-8")

    return [path for path in site.pages() if 'class="bibcite-ref"' in html(path)]


def references(page: Page) -> dict[str, str]:
    """Reference id -> its text, from the References page (every reference the site cites)."""
    return page.eval_on_selector_all(
        "ol.bibcite-references > li",
        "items => Object.fromEntries(items.map(li => [li.id,"
        " li.querySelector('.bibcite-entry').innerText.replace(/\\s+/g, ' ').trim()]))",
    )


def accessible_citations(page: Page) -> list[dict[str, str]]:
    """Each number link's href, visible text, and accessible name and description as Chromium's
    accessibility tree gives them (what a screen reader is told)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        document = cdp.send("DOM.getDocument", {"depth": 0})
        found = cdp.send(
            "DOM.querySelectorAll",
            {"nodeId": document["root"]["nodeId"], "selector": "a.bibcite-ref"},
        )
        links = []
        for node_id in found["nodeIds"]:
            attributes = cdp.send("DOM.getAttributes", {"nodeId": node_id})["attributes"]
            href = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("href", "")
            tree = cdp.send("Accessibility.getPartialAXTree",
                            {"nodeId": node_id, "fetchRelatives": False})
            node = next(n for n in tree["nodes"] if not n.get("ignored"))
            links.append({
                "href": href,
                "role": node["role"]["value"],
                "name": node.get("name", {}).get("value", ""),
                "description": node.get("description", {}).get("value", ""),
            })
        return links
    finally:
        cdp.detach()


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_each_citation_is_announced_with_its_reference(
    browser: Browser, built_site: BuiltSite, site_server: SiteServer, javascript: bool
):
    context = new_context(browser, DESKTOP, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(site_server.url("references/"))
        texts = references(page)
        assert len(texts) >= 4, texts
        checked = 0
        failures = []
        for path in pages_with_citations(built_site):
            page.goto(site_server.url(path))
            for link in accessible_citations(page):
                target = link["href"].rpartition("#")[2]
                reference = texts[target]
                heard = _spaced(f"{link['name']}: {link['description']}")
                number = link["name"].rpartition(" ")[2]
                # "Reference 2: Christopeit M, Schendel M, … Leukemia. 2008 …"
                if not (link["role"] == "link" and link["name"] == f"Reference {number}"
                        and number.isdigit() and reference in heard):
                    failures.append(f"{path or '/'}: {link['href']} is heard as {heard!r}")
                checked += 1
        assert failures == []
        assert checked >= 10
    finally:
        context.close()


def test_an_open_card_keeps_the_citations_description(browser: Browser, site_server: SiteServer):
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    try:
        page.goto(site_server.url("literature-review/"))
        cited = page.locator('a.bibcite-ref[href="#ref-christopeit2008"]').first
        cited.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # back by keyboard: the card opens
        card = page.locator(".bibcite-card")
        assert card.count() == 1 and card.is_visible()
        link = next(link for link in accessible_citations(page)
                    if link["href"] == "#ref-christopeit2008")
        assert link["name"] == f"Reference {cited.inner_text()}"
        assert link["description"].startswith("Christopeit M, Schendel M, Foll J, et al. Marked")
        assert "Leukemia. 2008" in link["description"]
    finally:
        context.close()


# --- tap targets -----------------------------------------------------------------------------

HIT_AREA = """link => {
    // The region around the link's text that a tap or click lands on the link: walked from the
    // text's centre outwards with elementFromPoint, one pixel at a time.
    const box = link.getClientRects()[0];
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hits = (px, py) => {
        const at = document.elementFromPoint(px, py);
        return Boolean(at && at.closest('a.bibcite-ref') === link);
    };
    const reach = (dx, dy) => {
        let n = 0;
        while (n < 60 && hits(x + dx * (n + 1), y + dy * (n + 1))) n++;
        return n;
    };
    const left = x - reach(-1, 0), right = x + reach(1, 0);
    const top = y - reach(0, -1), bottom = y + reach(0, 1);
    const corners = [[left, top], [right, top], [left, bottom], [right, bottom]]
        .every(([px, py]) => hits(px, py));
    return {text: link.textContent, width: right - left + 1, height: bottom - top + 1, corners,
            covers: left <= box.left + 1.5 && right >= box.right - 1.5
                    && top <= box.top + 1.5 && bottom >= box.bottom - 1.5};
}"""


@pytest.fixture(params=["desktop", "phone"])
def reader(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = new_context(browser, DESKTOP if request.param == "desktop" else PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["", "literature-review/", "case-presentation/"])
def test_every_number_link_has_a_24px_hit_area(reader: Page, site_server: SiteServer, path: str):
    reader.goto(site_server.url(path))
    links = reader.locator("a.bibcite-ref")
    assert links.count() > 0
    failures = []
    for index in range(links.count()):
        link = links.nth(index)
        # In view, clear of the sticky header; a table scrolled so that the link is beside its
        # row's name.
        link.evaluate("link => (link.closest('td, th') || link)"
                      ".scrollIntoView({block: 'center', inline: 'nearest'})")
        area = link.evaluate(HIT_AREA)
        if not (area["width"] >= HIT and area["height"] >= HIT and area["corners"]
                and area["covers"]):
            failures.append(f"{path or '/'}: link {index} ({area['text']}): {area}")
    assert failures == []


def test_numbers_side_by_side_each_keep_their_own_taps(reader: Page, site_server: SiteServer):
    """"[2–4]": the two links' areas meet halfway between them; neither reaches the other's
    text, and each is still 24 px wide."""
    reader.goto(site_server.url("literature-review/"))
    pair = reader.locator(".bibcite-citation:has(a.bibcite-ref + a.bibcite-ref)").first
    pair.scroll_into_view_if_needed()
    first, second = pair.locator("a.bibcite-ref").nth(0), pair.locator("a.bibcite-ref").nth(1)
    numbers = (first.inner_text(), second.inner_text())
    areas = [link.evaluate(HIT_AREA) for link in (first, second)]
    for area in areas:
        assert area["width"] >= HIT and area["height"] >= HIT and area["corners"], area
    boxes = [link.bounding_box() for link in (first, second)]
    assert boxes[0] is not None and boxes[1] is not None
    gap = boxes[1]["x"] - (boxes[0]["x"] + boxes[0]["width"])
    # The point halfway between the two numbers' text belongs to one of them; any point over
    # either's text belongs to that one.
    middle_y = boxes[0]["y"] + boxes[0]["height"] / 2
    owner = reader.evaluate(
        """([x1, x2, y]) => [x1, x2].map(x =>
            document.elementFromPoint(x, y).closest('a.bibcite-ref')?.textContent)""",
        [boxes[0]["x"] + boxes[0]["width"] - 1, boxes[1]["x"] + 1, middle_y],
    )
    assert owner == list(numbers), (owner, gap)
    second.tap()  # a tap on the second opens its own card, not the first's
    assert reader.locator(".bibcite-card").get_attribute("aria-label") == f"Reference {numbers[1]}"


# --- the References page ---------------------------------------------------------------------


def test_cited_in_links_are_separated(browser: Browser, site_server: SiteServer):
    context = new_context(browser, PHONE)
    page = context.new_page()
    try:
        page.goto(site_server.url("references/"))
        lines = page.eval_on_selector_all(
            "ol.bibcite-references .bibcite-backlinks",
            "spans => spans.map(span => span.innerText.replace(/\\s+/g, ' ').trim())",
        )
        several = [line for line in lines if line.count(",") >= 1]
        assert several, lines
        for span_text in lines:
            assert span_text.startswith("Cited in: "), span_text
        # Each link's text, then a comma and a space before the next.
        home = page.locator("ol.bibcite-references > li").first.locator(".bibcite-backlinks")
        names = home.locator("a").all_inner_texts()
        assert len(names) >= 2
        assert home.inner_text().strip() == "Cited in: " + ", ".join(names)
    finally:
        context.close()
