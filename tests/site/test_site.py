"""Whole-site build tests: build the real site with `mkdocs build --strict`, then check
with BeautifulSoup what a reader sees on each page, and that broken links fail the build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

REPO = Path(__file__).resolve().parents[2]

# What a site build reads: copied as a whole for the broken-link tests.
SITE_INPUTS = ("mkdocs.yml", "docs", "bibliography", "overrides")

# The menu as mkdocs.yml gives it: (link text, source page), in reading order.
NAV = [
    ("Home", "index.md"),
    ("Case presentation", "case-presentation.md"),
    ("Methods", "methods.md"),
    ("CARE checklist", "care-checklist.md"),
    ("Literature review", "literature-review.md"),
    ("Discussion and conclusions", "discussion.md"),
    ("References", "references.md"),
    ("For authors", "for-authors.md"),  # in the section "About this site", last
]

# The 19 authors with their affiliation numbers, in the source abstract's order.
AUTHORS = [
    ("R. Chakr", "1"),
    ("T. Pavan", "2"),
    ("I. Siqueira", "1"),
    ("D. Zanchet", "1"),
    ("N. Calegaro", "1"),
    ("N. Andrade", "1"),
    ("G. Neto", "1"),
    ("M. Neves", "1"),
    ("M. Bredemeier", "1"),
    ("P. Palominos", "1"),
    ("C. Kohem", "1"),
    ("B. Amorin", "1"),
    ("V. Valim", "1"),
    ("A. Alegretti", "1"),
    ("L. Silla", "1"),
    ("O. Monticielo", "1"),
    ("C. Brenol", "1"),
    ("R. Xavier", "1"),
    ("J. Brenol", "1"),
]

PLACEHOLDERS = ("TODO", "FIXME", "Lorem", "{{", "}}")

BASE_URL = "https://site.test/"


# --- helpers -------------------------------------------------------------------------------


def build(config_file: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict`; return the finished process (output in stdout/stderr)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config_file),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )


def url_of(src: str) -> str:
    """The page's URL path under the site root (MkDocs' directory URLs)."""
    return "" if src == "index.md" else src.removesuffix(".md") + "/"


def squash(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) collapsed to single spaces."""
    return " ".join(text.split())


def main_text(soup: BeautifulSoup) -> str:
    return squash(main(soup).get_text(" "))


def main(soup: BeautifulSoup) -> Tag:
    article = soup.select_one("article.md-content__inner")
    assert article is not None, "page has no main content (article.md-content__inner)"
    return article


def menu(soup: BeautifulSoup, page_src: str) -> list[tuple[str, str]]:
    """(text, absolute URL) of the primary menu's page links, in order, without duplicates."""
    page_url = urljoin(BASE_URL, url_of(page_src))
    links = []
    for a in soup.select("nav.md-nav--primary a.md-nav__link[href]"):
        if a["href"].startswith("#"):  # the current page's table of contents
            continue
        link = (squash(a.get_text(" ")), urljoin(page_url, a["href"]))
        if link not in links:
            links.append(link)
    return links


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per session."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    result = build(REPO / "mkdocs.yml", site_dir)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")
    return site_dir


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[str, BeautifulSoup]:
    """Each nav page's HTML, parsed once, keyed by its source file name."""
    return {
        src: BeautifulSoup((site / url_of(src) / "index.html").read_text("utf-8"), "html.parser")
        for _, src in NAV
    }


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A private copy of the site's inputs that a test may break."""
    for name in SITE_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


# --- every page is there and in the menu ---------------------------------------------------


@pytest.mark.parametrize("title,src", NAV)
def test_each_nav_page_is_built_with_a_heading(site: Path, title: str, src: str) -> None:
    html = site / url_of(src) / "index.html"
    assert html.is_file(), f"{src} was not built to {html.relative_to(site)}"
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    assert main(soup).h1 is not None, f"{src} has no H1"


@pytest.mark.parametrize("src", [src for _, src in NAV])
def test_menu_on_each_page_lists_every_page_in_order(
    pages: dict[str, BeautifulSoup], src: str
) -> None:
    expected = [(title, urljoin(BASE_URL, url_of(page))) for title, page in NAV]
    assert menu(pages[src], src) == expected


# --- home page -----------------------------------------------------------------------------


def test_for_authors_is_last_under_about_this_site(pages: dict[str, BeautifulSoup]) -> None:
    sections = pages["index.md"].select("nav.md-nav--primary > ul > li.md-nav__item--section")
    last = sections[-1]
    label = last.find("label")
    assert label is not None and squash(label.get_text(" ")) == "About this site"
    links = [squash(a.get_text(" ")) for a in last.select("a.md-nav__link[href]")]
    assert links == ["For authors"]


def test_search_does_not_index_the_authors_page(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert url_of("for-authors.md") not in indexed
    assert url_of("case-presentation.md") in indexed  # readers' pages still are


def test_home_shows_the_abstract_title_as_heading(pages: dict[str, BeautifulSoup]) -> None:
    h1 = squash(main(pages["index.md"]).h1.get_text(" ")).removesuffix(" ¶")
    assert h1.endswith(
        "Case report of allogeneic unrelated-donor mesenchymal stem cells (MSC) infusion"
        " in systemic sclerosis (SSc)"
    )


def test_home_warns_it_is_not_medical_advice(pages: dict[str, BeautifulSoup]) -> None:
    titles = [squash(t.get_text(" ")) for t in main(pages["index.md"]).select(".admonition-title")]
    assert "Not medical advice" in titles


def test_home_lists_the_19_authors_in_order_with_affiliations(
    pages: dict[str, BeautifulSoup],
) -> None:
    authors = main(pages["index.md"]).select_one(".authors")
    assert authors is not None, "no author list (.authors) on the home page"
    shown = []
    for sup in authors.find_all("sup"):
        name = sup.previous_sibling
        assert isinstance(name, NavigableString)
        shown.append((squash(name).strip(", "), squash(sup.get_text())))
    assert shown == AUTHORS


def test_home_gives_affiliation_2_and_says_affiliation_1_is_not_given(
    pages: dict[str, BeautifulSoup],
) -> None:
    text = main_text(pages["index.md"])
    assert "Hospital Santa Casa de Misericórdia de Porto Alegre, Porto Alegre, Brazil" in text
    assert "Not given in the published abstract" in text


@pytest.mark.parametrize("fact", ["Ann Rheum Dis", "2013;72 Suppl 3:A943", "AB0505", "EULAR 2013"])
def test_home_says_where_the_abstract_was_published(
    pages: dict[str, BeautifulSoup], fact: str
) -> None:
    assert fact in main_text(pages["index.md"])


@pytest.mark.parametrize(
    "heading", ["Background", "Objectives", "Methods", "Results", "Conclusions"]
)
def test_home_has_a_structured_abstract(pages: dict[str, BeautifulSoup], heading: str) -> None:
    headings = [
        squash(h.get_text(" ")).removesuffix(" ¶") for h in main(pages["index.md"])(["h2", "h3"])
    ]
    assert heading in headings


# --- case presentation ---------------------------------------------------------------------


def test_case_page_gives_the_rodnan_score_as_47_of_51(pages: dict[str, BeautifulSoup]) -> None:
    text = main_text(pages["case-presentation.md"])
    assert "47/51" in text
    assert "Rodnan" in text


def test_case_page_gives_the_dose_as_2_times_10_to_the_6_cells_per_kg(
    pages: dict[str, BeautifulSoup],
) -> None:
    def is_dose(sup: Tag) -> bool:
        before, after = sup.previous_sibling, sup.next_sibling
        return (
            squash(sup.get_text()) == "6"
            and isinstance(before, NavigableString)
            and squash(before).endswith("2 × 10")
            and isinstance(after, NavigableString)
            and squash(after).startswith("cells/kg")
        )

    sups = main(pages["case-presentation.md"]).find_all("sup")
    assert any(is_dose(sup) for sup in sups), "no '2 × 10<sup>6</sup> cells/kg' on the page"


def test_case_page_table_lists_the_three_refractory_treatments(
    pages: dict[str, BeautifulSoup],
) -> None:
    cells = {
        squash(td.get_text(" ")).lower()
        for table in main(pages["case-presentation.md"]).find_all("table")
        for td in table.find_all("td")
    }
    assert {"methotrexate", "azathioprine", "cyclophosphamide"} <= cells


@pytest.mark.parametrize(
    "fact",
    [
        "36-year-old white woman",
        "refractory shock and respiratory failure",
        "No immediate reactions",
        "no infections and no tomographic changes",
        "without immunosuppressive induction",
    ],
)
def test_case_page_reports_the_patient_and_outcome(
    pages: dict[str, BeautifulSoup], fact: str
) -> None:
    assert fact.lower() in main_text(pages["case-presentation.md"]).lower()


# --- methods, literature review, references ------------------------------------------------


@pytest.mark.parametrize(
    "fact", ["institutional ethics committee", "informed consent", "multidisciplinary"]
)
def test_methods_page_names_approval_and_consent(
    pages: dict[str, BeautifulSoup], fact: str
) -> None:
    assert fact in main_text(pages["methods.md"])


def test_literature_table_compares_the_four_reports(pages: dict[str, BeautifulSoup]) -> None:
    content = main(pages["literature-review.md"])
    heading = content.find(id="literature-table")
    assert heading is not None, "no #literature-table heading"
    table = heading.find_next("table")
    assert table is not None, "no table after the #literature-table heading"
    text = squash(table.get_text(" "))
    for report in (
        "Christopeit et al. 2008",
        "Guiducci et al. 2010",
        "Keyszer et al. 2011",
        "This case (2013)",
    ):
        assert report in text
    assert "not reported" in text
    legend = table.find_next("p")
    assert legend is not None, "no legend under the literature table"
    assert "not reported" in squash(legend.get_text(" "))


# --- no leftovers --------------------------------------------------------------------------


@pytest.mark.parametrize("src", [src for _, src in NAV])
def test_no_page_shows_placeholder_text(pages: dict[str, BeautifulSoup], src: str) -> None:
    text = main_text(pages[src])
    assert [p for p in PLACEHOLDERS if p in text] == []


# --- broken links fail the build -----------------------------------------------------------


@pytest.mark.parametrize(
    "target,named",
    [
        ("no-such-page.md", "no-such-page.md"),
        ("case-presentation.md#no-such-anchor", "no-such-anchor"),
    ],
    ids=["missing-page", "missing-anchor"],
)
def test_strict_build_fails_on_a_broken_link_and_names_it(
    site_copy: Path, target: str, named: str
) -> None:
    page = site_copy / "docs" / "discussion.md"
    page.write_text(page.read_text("utf-8") + f"\nSee [this]({target}).\n", "utf-8")
    result = build(site_copy / "mkdocs.yml", site_copy / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"strict build passed despite a link to {target}"
    assert "discussion.md" in output
    assert named in output


def test_search_finds_a_reference_on_the_references_page_not_on_each_citing_page(
    site: Path, pages: dict[str, BeautifulSoup]
) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    holding = {doc["location"].split("#")[0] for doc in index["docs"] if "Fick S" in doc["text"]}
    assert holding == {url_of("references.md")}
    # The literature review still shows its own reference list to readers.
    listed = main(pages["literature-review.md"]).select("ol.bibcite-references li")
    assert any("Keyszer G" in item.get_text() for item in listed)


def test_search_indexes_narrative_authors_but_not_the_bracketed_numbers(
    site: Path, pages: dict[str, BeautifulSoup]
) -> None:
    review = main(pages["literature-review.md"])
    narrative = [span.get_text() for span in review.select(".bibcite-narrative")]
    bracketed = [
        span.get_text() for span in review.select(".bibcite-citation:not(.bibcite-narrative)")
    ]
    assert narrative and bracketed  # the page shows both kinds to readers
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(
        doc["text"]
        for doc in index["docs"]
        if doc["location"].split("#")[0] == url_of("literature-review.md")
    )
    for citation in narrative:  # "Keyszer et al. [2]": the authors, then the number
        assert citation in text
        text = text.replace(citation, "")
    for citation in bracketed:
        assert citation not in text


# --- what the source does not give (CONTENT.md) --------------------------------------------

# Statements the source abstract does not make, in the words the site once used for them.
NOT_IN_THE_SOURCE = [
    "©",
    "copyright",
    "keywords",
    "modified Rodnan",
    "skin score",
    "out of a maximum",
    "Her disease was refractory",
    "had not responded",
    "three steps taken",
    "The reports found by the review",
]


def visible_text(soup: BeautifulSoup) -> str:
    """Everything a reader can read on the page: the body's text, header and footer included."""
    body = BeautifulSoup(str(soup.body), "html.parser")
    for hidden in body(["script", "style", "template"]):
        hidden.decompose()
    return squash(body.get_text(" "))


@pytest.mark.parametrize("src", [src for _, src in NAV])
def test_no_page_says_what_the_source_does_not(pages: dict[str, BeautifulSoup], src: str) -> None:
    text = visible_text(pages[src]).lower()
    assert [words for words in NOT_IN_THE_SOURCE if words.lower() in text] == []


@pytest.mark.parametrize("src", [src for _, src in NAV])
def test_the_footer_says_what_the_site_is_and_claims_no_copyright(
    pages: dict[str, BeautifulSoup], src: str
) -> None:
    footer = squash(pages[src].select_one("footer.md-footer").get_text(" "))
    assert "This site is a summary written from the published abstract" in footer
    assert (
        "Chakr R, Pavan T, Siqueira I, et al. AB0505 Case report of allogeneic unrelated-donor"
        " mesenchymal stem cells (MSC) infusion in systemic sclerosis (SSc)."
        " Ann Rheum Dis. 2013;72 Suppl 3:A943." in footer
    )
    assert "©" not in footer and "copyright" not in footer.lower()


def test_no_keywords_in_the_metadata_or_the_downloads(
    site: Path, pages: dict[str, BeautifulSoup]
) -> None:
    head = pages["index.md"].head
    assert head.find("meta", attrs={"name": "citation_title"}) is not None  # the tags are there
    assert head.find("meta", attrs={"name": "citation_keywords"}) is None
    for script in head.find_all("script", type="application/ld+json"):
        assert "keywords" not in json.loads(script.string)
    for download in (site / "downloads").rglob("*.ris"):
        assert "\nKW  - " not in download.read_text("utf-8"), download
    for download in (site / "downloads").rglob("*.bib"):
        assert "keywords" not in download.read_text("utf-8"), download


def test_the_rodnan_score_is_in_the_sources_words(pages: dict[str, BeautifulSoup]) -> None:
    for src in ("index.md", "case-presentation.md"):
        assert "(Rodnan score 47/51)" in main_text(pages[src]), src


def test_refractory_is_left_as_the_source_says_it(pages: dict[str, BeautifulSoup]) -> None:
    phrase = "extensive lung fibrosis refractory to methotrexate, azathioprine and cyclophosphamide"
    for src in ("index.md", "case-presentation.md"):
        assert phrase in main_text(pages[src]), src


def literature_table(pages: dict[str, BeautifulSoup]) -> Tag:
    table = main(pages["literature-review.md"]).find(id="literature-table").find_next("table")
    assert table is not None
    return table


def test_no_row_of_the_table_holds_the_groups_fatality_statement(
    pages: dict[str, BeautifulSoup],
) -> None:
    table = literature_table(pages)
    headings = [squash(th.get_text(" ")) for th in table.select("thead th")]
    death = next(i for i, h in enumerate(headings) if h.startswith("Death attributed to MSC"))
    rows = {
        squash(row.find(["th", "td"]).get_text(" ")).split(" [")[0]: squash(
            row.find_all(["th", "td"])[death].get_text(" ")
        )
        for row in table.select("tbody tr")
    }
    assert rows == {
        "Christopeit et al. 2008": "not reported",
        "Guiducci et al. 2010": "not reported",
        "Keyszer et al. 2011": "not reported",
        "This case (2013)": "not reported",
    }
    assert "fatality" not in squash(table.get_text(" ")).lower()


def test_a_note_under_the_table_says_it_once_for_the_group_citing_the_source(
    pages: dict[str, BeautifulSoup],
) -> None:
    table = literature_table(pages)
    notes = [
        p
        for p in table.find_all_next("p")
        if "In other reports, fatality was not attributed to MSC infusion" in p.get_text()
    ]
    assert len(notes) == 1
    assert notes[0].select('a.bibcite-ref[href$="#ref-chakr2013"]'), "the note cites no source"
    assert "once, of all of them" in squash(notes[0].get_text(" "))


def test_the_home_page_cites_its_source_once(pages: dict[str, BeautifulSoup]) -> None:
    article = main(pages["index.md"])
    for listed in article.select("ol.bibcite-references"):
        listed.decompose()
    assert len(article.select("a.bibcite-ref")) == 1


@pytest.mark.parametrize("src", ["case-presentation.md", "methods.md", "discussion.md"])
def test_a_page_written_from_the_source_cites_it_once(
    pages: dict[str, BeautifulSoup], src: str
) -> None:
    """Once in its prose; the timeline cites it at each event, as a timeline's entries are."""
    article = BeautifulSoup(str(main(pages[src])), "html.parser")  # a copy: others read it
    for listed in article.select("ol.bibcite-references, ol.case-timeline"):
        listed.decompose()
    assert len(article.select('a.bibcite-ref[href$="#ref-chakr2013"]')) == 1


# --- the home page's header ----------------------------------------------------------------


def site_updated() -> str:
    """The date of the last commit to docs/, as the header writes it ("November 24, 2026")."""
    stamp = subprocess.run(
        ["git", "log", "-1", "--format=%at", "--", "docs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    day = datetime.fromtimestamp(int(stamp), tz=UTC)
    return f"{day:%B} {day.day}, {day.year}"


def test_home_header_is_a_journal_article_header(pages: dict[str, BeautifulSoup]) -> None:
    header = main(pages["index.md"]).select_one("header.article-header")
    assert header is not None, "no article header on the home page"
    assert squash(header.select_one(".article-type").get_text()) == "Case report"
    assert squash(header.h1.get_text(" ")).removesuffix(" ¶") == (
        "Case report of allogeneic unrelated-donor mesenchymal stem cells (MSC) infusion"
        " in systemic sclerosis (SSc)"
    )
    assert header.select_one(".authors") is not None
    assert [squash(li.get_text(" ")) for li in header.select("ol.affiliations > li")] == [
        "Not given in the published abstract.",
        "Hospital Santa Casa de Misericórdia de Porto Alegre, Porto Alegre, Brazil",
    ]
    assert squash(header.select_one(".publication").get_text(" ")) == (
        "Annals of the Rheumatic Diseases 2013;72 Suppl 3:A943 · Abstract AB0505 ·"
        " EULAR 2013 congress abstracts"
    )
    meta = squash(header.select_one(".article-meta").get_text(" "))
    assert "Published 2013" in meta
    assert f"Site updated {site_updated()}" in meta
    cite = header.select_one('.article-meta a[href="#cite-this-report"]')
    assert cite is not None and squash(cite.get_text()) == "Cite this"
    assert pages["index.md"].find(id="cite-this-report") is not None


def test_home_table_of_contents_lists_cite_this_before_the_references(
    pages: dict[str, BeautifulSoup],
) -> None:
    toc = pages["index.md"].select_one("nav.md-nav--secondary")
    items = [(squash(a.get_text(" ")), a["href"]) for a in toc.select("a.md-nav__link")]
    assert items[-2:] == [("Cite this report", "#cite-this-report"), ("References", "#references")]


@pytest.mark.parametrize("src", [src for _, src in NAV])
def test_printouts_carry_the_address_and_the_date(
    pages: dict[str, BeautifulSoup], src: str
) -> None:
    note = pages[src].select_one("footer.site-print-note")
    assert note is not None
    text = squash(note.get_text(" "))
    canonical = pages[src].find("link", rel="canonical")["href"]
    assert text == f"Printed from {canonical} · site last updated {site_updated()}"


def test_the_404_page_has_a_title_of_its_own(site: Path, pages: dict[str, BeautifulSoup]) -> None:
    soup = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    assert soup.title.get_text() != pages["index.md"].title.get_text()
    assert soup.title.get_text().startswith("Page not found")
    assert squash(main(soup).h1.get_text()) == "Page not found"


# --- the timeline and the CARE checklist ------------------------------------------------------


def test_the_timeline_lists_the_seven_events_in_order_each_cited_and_undated(
    pages: dict[str, BeautifulSoup],
):
    items = main(pages["case-presentation.md"]).select("ol.case-timeline > li")
    texts = [squash(item.get_text(" ")) for item in items]
    starts = [
        "A 10-year history",
        "In the source's words, \"severe scleroderma (Rodnan score "
        "47/51), skin ulcers and extensive lung fibrosis refractory to methotrexate, "
        'azathioprine and cyclophosphamide"',
        "Literature review and multidisciplinary",
        "Approval of the treatment protocol",
        "Two intravenous infusions",
        "No immediate reactions",
        "Death from refractory shock and respiratory failure",
    ]
    assert len(items) == len(starts)
    for text, start, item in zip(texts, starts, items, strict=True):
        assert text.startswith(start)
        assert text.endswith("Date not reported.")
        assert item.select_one("a.bibcite-ref[href='#ref-chakr2013']")


def test_the_care_checklist_gives_the_site_mapping(pages: dict[str, BeautifulSoup]):
    rows = main(pages["care-checklist.md"]).select("table.care-checklist tbody tr")
    cells = {squash(row.th.get_text()): row.find_all("td")[1] for row in rows}
    assert len(cells) == 13
    linked = {
        "Patient information": "case-presentation/#the-patient",
        "Clinical findings": "case-presentation/#her-disease",
        "Therapeutic intervention": "case-presentation/#the-intervention",
        "Follow-up and outcomes": "case-presentation/#outcome",
        "Discussion": "discussion/#discussion-and-conclusions",
        "Informed consent": "methods/#ethics-approval-and-consent",
    }
    for item, href in linked.items():
        assert cells[item].a["href"] == "../" + href
    for item in ("Timeline", "Diagnostic assessment", "Patient perspective"):
        assert squash(cells[item].get_text()) == "not reported in the source abstract"
    assert squash(cells["Key words"].get_text()) == "none in the source abstract"
    assert "consent to publication not reported in the source abstract" in squash(
        cells["Informed consent"].get_text()
    )
