"""The readers' scripts speak the site's language, in Debian's Chromium: on a `locale: pt` site
(MkDocs' own theme, which links the scripts) the copy button says it copied in Portuguese, and a
citation's card links to its reference in Portuguese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import BuiltSite, SiteServer
from conftest import build_site
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

PAGES = {
    "index.md": "# Início\n\nUm caso [@solo2001].\n\n<!-- bibcite:cite-this -->\n",
    "a.md": "# Página A\n\nVer [@duo2002].\n",
}


@pytest.fixture
def tab(browser: Browser, tmp_path) -> Iterator[Page]:  # noqa: F811
    result = build_site(
        tmp_path,
        PAGES,
        options={"locale": "pt", "cite_this": "solo2001"},
        theme={"name": "mkdocs"},
        site_url="http://127.0.0.1/",
    )
    assert result.messages == []
    server = SiteServer(BuiltSite(tmp_path / "site", result.site.config_file, "/"))
    context = browser.new_context()
    origin = server.base.rstrip("/")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.base_url = server.base  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()
        server.close()


def test_the_copy_button_says_it_copied_in_portuguese(tab: Page) -> None:
    tab.goto(tab.base_url)  # type: ignore[attr-defined]
    button = tab.get_by_role("button", name="Copiar citação")
    expect(button).to_be_visible()
    button.click()
    status = tab.locator(".bibcite-cite-this .bibcite-copy-status")
    expect(status).to_have_text("Citação copiada para a área de transferência.")


def test_a_card_links_to_its_reference_in_portuguese(tab: Page) -> None:
    tab.goto(tab.base_url + "a/")  # type: ignore[attr-defined]
    citation = tab.locator("a.bibcite-ref").first
    expect(citation).to_have_attribute("aria-label", "Referência 2")
    citation.hover()
    card = tab.locator(".bibcite-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("aria-label", "Referência 2")
    expect(card.locator(".bibcite-card__more")).to_have_text("Ir para a referência 2 na lista")
