"""The site's own literature table in Debian's Chromium: its four rows, sorting by click and by
Enter with aria-sort, the default order without JavaScript, the CSV download, and a 390-px phone
where the table scrolls inside its own box and nothing is cut off; and a table whose data file
holds script payloads, which run nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from browser_support import (
    PHONE,
    BuiltSite,
    SiteServer,
    new_context,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

PAGE = "literature-review/"
DEFAULT = [
    "Christopeit et al. 2008",
    "Guiducci et al. 2010",
    "Keyszer et al. 2011",
    "This case (2013)",
]


@pytest.fixture
def page(browser: Browser, site_server) -> Iterator[Page]:  # noqa: F811
    context = new_context(browser, {"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(site_server.url(PAGE))
    yield tab
    context.close()


def reports(page: Page) -> list[str]:
    """The row labels, without their citation numbers, top to bottom."""
    return page.eval_on_selector_all(
        "#table-1 tbody th",
        "cells => cells.map(c => c.getAttribute('data-sort'))",
    )


def sorting(page: Page) -> dict[str, str]:
    """Column heading text -> its aria-sort, for the headings that have one."""
    return page.eval_on_selector_all(
        "#table-1 thead th",
        """cells => Object.fromEntries(cells.filter(c => c.hasAttribute('aria-sort'))
            .map(c => [c.textContent.replace(/[\\u2195\\u25b2\\u25bc]/g, '').trim(),
                       c.getAttribute('aria-sort')]))""",
    )


def test_the_sites_table_has_its_four_reports_in_order(page: Page) -> None:
    assert reports(page) == DEFAULT
    caption = page.locator("#table-1 caption").inner_text()
    assert caption.startswith("Table 1. ")
    rows = page.locator("#table-1 tbody tr")
    assert rows.count() == 4
    # Each report's cell links to its reference in the page's list.
    hrefs = page.eval_on_selector_all(
        "#table-1 tbody th a.bibcite-ref", "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [
        "#ref-christopeit2008",
        "#ref-guiducci2010",
        "#ref-keyszer2011",
        "#ref-chakr2013",
    ]
    for href in hrefs:
        assert page.locator(href).count() == 1, f"no reference {href} on the page"
    assert page.locator("#table-1 td.bibcite-not-reported").count() == 7
    # The source says "fatality was not attributed to MSC infusion" once, of the earlier reports
    # together: no row holds it, and one note under the table says it for the group.
    deaths = page.eval_on_selector_all(
        "#table-1 tbody tr", "rows => rows.map(row => row.lastElementChild.innerText.trim())"
    )
    assert deaths == ["not reported"] * 4
    note = page.get_by_text("In other reports, fatality was not attributed to MSC infusion")
    expect(note).to_have_count(1)
    expect(note).to_be_visible()
    legend = page.locator(".bibcite-table-legend")
    assert "not reported" in legend.inner_text()
    assert legend.is_visible()


def test_clicking_a_heading_sorts_by_it_and_again_reverses(page: Page) -> None:
    assert sorting(page) == {}
    design = page.get_by_role("button", name="Design", exact=True)
    design.click()
    assert sorting(page) == {"Design": "ascending"}
    # "not reported" sorts last both ways.
    assert reports(page) == [
        "This case (2013)",
        "Guiducci et al. 2010",
        "Keyszer et al. 2011",
        "Christopeit et al. 2008",
    ]
    design.click()
    assert sorting(page) == {"Design": "descending"}
    assert reports(page) == [
        "Keyszer et al. 2011",
        "Guiducci et al. 2010",
        "This case (2013)",
        "Christopeit et al. 2008",
    ]


def test_enter_on_a_heading_sorts_by_it(page: Page) -> None:
    page.get_by_role("button", name="Design", exact=True).click()
    report = page.get_by_role("button", name="Report", exact=True)
    report.focus()
    page.keyboard.press("Enter")
    assert sorting(page) == {"Report": "ascending"}
    assert reports(page) == DEFAULT
    page.keyboard.press("Enter")
    assert sorting(page) == {"Report": "descending"}
    assert reports(page) == DEFAULT[::-1]


def test_without_javascript_the_table_reads_in_its_default_order(
    browser: Browser,  # noqa: F811
    site_server,  # noqa: F811
) -> None:
    context = new_context(browser, {"width": 1280, "height": 800}, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_server.url(PAGE))
        assert reports(tab) == DEFAULT
        assert tab.locator("#table-1 thead button").count() == 0
        assert tab.locator("#table-1").is_visible()
    finally:
        context.close()


def test_the_download_is_the_table_as_utf8_csv(page: Page) -> None:
    link = page.get_by_role("link", name="Download CSV")
    response = page.request.get(page.url.split("#")[0] + link.get_attribute("href"))
    assert response.ok
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "Report",
        "Design",
        "Donor source",
        "Patients",
        "Outcome as reported",
        "Death attributed to MSC",
        "Reference",
    ]
    assert [row[0] for row in rows[1:]] == DEFAULT
    assert rows[1][-1].startswith("Christopeit M, Schendel M, Foll J, et al. Marked improvement")
    # The source says it once, for the earlier reports together: a note, not a cell of each row.
    assert [row[-2] for row in rows[1:]] == ["not reported"] * 4


def test_on_a_390px_phone_the_table_scrolls_in_its_own_box(
    browser: Browser,  # noqa: F811
    site_server,  # noqa: F811
    artifacts,  # noqa: F811
) -> None:
    context = new_context(browser, PHONE)
    try:
        tab = context.new_page()
        tab.goto(site_server.url(PAGE) + "#table-1")
        box = tab.locator(".bibcite-table-scroll")
        geometry = box.evaluate(
            """box => ({left: box.getBoundingClientRect().left,
                        right: box.getBoundingClientRect().right,
                        scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
                        page: document.documentElement.scrollWidth,
                        caption: box.querySelector('caption').getBoundingClientRect().right})"""
        )
        assert geometry["left"] >= 0
        assert geometry["right"] <= PHONE["width"], geometry
        assert geometry["page"] <= PHONE["width"], "the page itself scrolls sideways"
        assert geometry["caption"] <= PHONE["width"], "the caption runs out of view"
        assert geometry["scrollWidth"] > geometry["clientWidth"], "the wide table should scroll"
        tab.locator(".bibcite-table").screenshot(path=str(artifacts / "table-390.png"))
        # Scrolled to its end, the last column is wholly inside the box.
        box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        last = tab.locator("#table-1 thead th").last.bounding_box()
        assert last["x"] + last["width"] <= geometry["right"] + 1
        tab.locator(".bibcite-table").screenshot(path=str(artifacts / "table-390-scrolled.png"))
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_wrong_with_the_table(
    browser: Browser,  # noqa: F811
    site_server,  # noqa: F811
    scheme: str,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = new_context(browser, PHONE, scheme=scheme)
    try:
        tab = context.new_page()
        tab.goto(site_server.url(PAGE))
        tab.get_by_role("button", name="Patients", exact=True).click()  # the sorted state too
        result = Axe().run(tab, context={"include": [[".bibcite-table"]]})
        found = result.response["violations"]
        violations = [(v["id"], [node["target"] for node in v["nodes"]]) for v in found]
        assert violations == []
    finally:
        context.close()


# --- a table whose data file holds script payloads ------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[SiteServer]:
    from conftest import DATA, build_site
    from hostile_cells import EXTENSIONS, PAGE, csv_text

    bib = {"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8")}
    root = tmp_path_factory.mktemp("hostile-browser")
    result = build_site(
        root,
        {"index.md": PAGE, "other.md": "# Other\n"},
        bib={**bib, "data/hostile.csv": csv_text()},
        markdown_extensions=EXTENSIONS,
        strict=False,
    )
    assert len(result.warnings) == 7  # the links shown as text (test_cells.py)
    server = SiteServer(BuiltSite(root / "site", result.site.config_file, "/"))
    try:
        yield server
    finally:
        server.close()


def test_no_payload_in_a_cell_runs_script_in_chromium(browser: Browser, hostile_server) -> None:
    from hostile_cells import PAYLOADS

    context = new_context(browser, {"width": 1280, "height": 800})
    dialogs: list[str] = []
    try:
        # Nothing leaves this machine: a click on a link to another host goes nowhere.
        context.route(
            "**/*",
            lambda route: route.continue_()
            if route.request.url.startswith(hostile_server.base)
            else route.abort(),
        )
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(hostile_server.url(""))
        tab.wait_for_load_state("load")
        for _ in range(30):  # focus everything focusable, as a keyboard user would
            tab.keyboard.press("Tab")
        tab.locator("#table-1 td a").evaluate_all("links => links.forEach(a => a.click())")
        # A fresh tab: a goto in the first could race with the navigations the clicks began.
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(hostile_server.url(""))
        for cell in tab.locator("#table-1 td").all():
            cell.hover()
        assert dialogs == []
        handlers = tab.evaluate(
            """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
                 .filter(a => a.name.toLowerCase().startsWith('on'))
                 .map(a => `${e.tagName} ${a.name}`))"""
        )
        assert handlers == []
        protocols = tab.evaluate(
            """() => [...document.querySelectorAll('[href], [src]')].map(e =>
                 new URL(e.getAttribute('href') ?? e.getAttribute('src'), location).protocol)"""
        )
        assert set(protocols) <= {"http:", "https:"}
        unsafe = tab.locator("#table-1 img, #table-1 [autofocus], #table-1 td [tabindex]")
        assert unsafe.count() == 0
        shown = tab.locator("#table-1 tbody tr td:first-of-type").all_inner_texts()
        assert [" ".join(text.split()) for text in shown[: len(PAYLOADS)]] == [
            " ".join(text.split()) for _, text in PAYLOADS
        ]
    finally:
        context.close()
