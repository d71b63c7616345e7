"""The site's literature table on a 390-px phone, in Debian's Chromium: every cell of every row can
be scrolled to and read whole, with its report's name beside it (the first column stays in view);
no text under 14 px; and a visible note says the table scrolls sideways when it does."""

from __future__ import annotations

import pytest
from browser_support import DESKTOP, PHONE, SiteServer, new_context
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

PAGE = "literature-review/"

# For each cell of each row: scrolled into view the way a reader's swipe brings it (the box
# sideways, the page up or down), is the whole cell inside the box, not covered, and is its row's
# name visible beside it?
READ_EVERY_CELL = """table => {
    const box = table.closest('.bibcite-table-scroll');
    const inside = (element, x, y) => {
        const at = document.elementFromPoint(x, y);
        return Boolean(at && element.contains(at));
    };
    const problems = [];
    let cells = 0;
    for (const row of table.tBodies[0].rows) {
        const name = row.cells[0];
        for (const cell of row.cells) {
            cell.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
            const b = box.getBoundingClientRect();
            const c = cell.getBoundingClientRect();
            const n = name.getBoundingClientRect();
            const label = `${name.dataset.sort} / column ${cell.cellIndex + 1}`;
            const y = c.top + Math.min(c.height / 2, 12);
            if (c.left < b.left - 0.5 || c.right > b.right + 0.5)
                problems.push(`${label}: cut off (${c.left}-${c.right} in ${b.left}-${b.right})`);
            if (c.top < 0 || c.bottom > innerHeight)
                problems.push(`${label}: taller than the screen`);
            if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`${label}: text overflows`);
            for (const x of [c.left + 3, c.left + c.width / 2, c.right - 3])
                if (!inside(cell, x, y)) problems.push(`${label}: covered at x=${x}`);
            if (cell !== name) {
                if (n.left < b.left - 0.5 || n.right > c.left + 0.5 || Math.abs(n.top - c.top) > 1)
                    problems.push(`${label}: report not beside it (${n.left}-${n.right})`);
                if (!inside(name, n.left + n.width / 2, n.top + Math.min(n.height / 2, 12)))
                    problems.push(`${label}: report's name covered`);
            }
            cells++;
        }
    }
    return {cells, problems};
}"""

# Every element in the table's block (caption, headings, cells, legend, download, note) that
# holds text of its own, with its computed font size.
FONT_SIZES = """root => [...root.querySelectorAll('*')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(e => e.getClientRects().length)
    .map(e => [e.tagName + (e.className ? '.' + e.className : '') + ': '
               + e.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(e).fontSize)])"""


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_on_a_phone_every_cell_is_read_beside_its_report(
    browser: Browser, site_server: SiteServer, javascript: bool
):
    context = new_context(browser, PHONE, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site_server.url(PAGE))
        table = page.locator("#table-1")
        rows, columns = table.evaluate(
            "t => [t.tBodies[0].rows.length, t.tHead.rows[0].cells.length]"
        )
        assert (rows, columns) == (4, 6)
        result = table.evaluate(READ_EVERY_CELL)
        assert result["problems"] == []
        assert result["cells"] == rows * columns
        # The headings stay above their columns, the first one too.
        heading = page.locator("#table-1 thead th").first
        assert heading.evaluate("th => getComputedStyle(th).position") == "sticky"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_text_in_the_table_is_under_14px(browser: Browser, site_server: SiteServer, viewport):
    context = new_context(browser, viewport)
    try:
        page = context.new_page()
        page.goto(site_server.url(PAGE))
        sizes = page.locator(".bibcite-table").evaluate(FONT_SIZES)
        assert len(sizes) > 20
        small = [(text, size) for text, size in sizes if size < 14]
        assert small == []
    finally:
        context.close()


def test_a_note_says_the_table_scrolls_sideways_when_it_does(
    browser: Browser, site_server: SiteServer
):
    context = new_context(browser, PHONE)
    try:
        page = context.new_page()
        page.goto(site_server.url(PAGE))
        box = page.locator(".bibcite-table-scroll")
        assert box.evaluate("box => box.scrollWidth > box.clientWidth")
        note = page.locator(".bibcite-table-hint")
        assert note.is_visible()
        assert note.inner_text() == "Scroll the table sideways to see all 6 columns."
        # Under the caption, above the headings, and not part of the table's name.
        note_box, head = note.bounding_box(), page.locator("#table-1 thead").bounding_box()
        assert note_box is not None and head is not None
        assert note_box["y"] + note_box["height"] <= head["y"]
        assert page.get_by_role("table").first.get_attribute("id") == "table-1"
        name = page.evaluate("""async () => {
            const t = document.querySelector('#table-1');
            return t.caption.textContent.replace(t.caption.querySelector('[aria-hidden]')
                .textContent, '').trim(); }""")
        assert page.get_by_role("region", name=name, exact=True).count() == 1
        assert page.get_by_role("table", name=name, exact=True).count() == 1
        # Wide enough for the whole table, there is nothing to say.
        page.set_viewport_size({"width": 2400, "height": 900})
        page.wait_for_function("(() => { const b = document.querySelector('.bibcite-table-scroll');"
                               " return b.scrollWidth <= b.clientWidth; })()")
        page.wait_for_timeout(100)
        assert not note.is_visible()
    finally:
        context.close()
