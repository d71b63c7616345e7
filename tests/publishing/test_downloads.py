"""The downloads and the "Cite this report" block: the References page's .bib and .ris of the whole
bibliography, the home page's citation of the report with its copy button and its own .bib and
.ris, checked in the built site (pybtex and a RIS reader parse the files), in small test sites,
and in a real browser."""

# ruff: noqa: F811  (the browser tests' fixtures, imported, then named as arguments)

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import rispy
from browser_support import (
    BuiltSite,
    SiteServer,
)
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, expect
from pybtex.database import Entry, Person, parse_file, parse_string

from bibcite.citations.render import ref_id
from bibcite.publishing.downloads import bibtex, ris

REPO = Path(__file__).resolve().parents[2]
SOURCE = parse_file(str(REPO / "bibliography" / "references.bib"))

REPORT = (
    "Chakr R, Pavan T, Siqueira I, et al. AB0505 Case report of allogeneic unrelated-donor "
    "mesenchymal stem cells (MSC) infusion in systemic sclerosis (SSc). Ann Rheum Dis. "
    "2013;72 Suppl 3:A943."
)
AUTHORS = [
    "Chakr, R.", "Pavan, T.", "Siqueira, I.", "Zanchet, D.", "Calegaro, N.", "Andrade, N.",
    "Neto, G.", "Neves, M.", "Bredemeier, M.", "Palominos, P.", "Kohem, C.", "Amorin, B.",
    "Valim, V.", "Alegretti, A.", "Silla, L.", "Monticielo, O.", "Brenol, C.", "Xavier, R.",
    "Brenol, J.",
]
# A RIS line: two-character tag, two spaces, a hyphen, a space, the value ("ER  - " ends).
RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  - (?P<value>.*)$")
RIS_TAGS = {"TY", "AU", "A2", "TI", "T2", "JA", "PY", "DA", "VL", "IS", "SP", "EP", "PB", "CY",
            "SN", "DO", "UR", "KW", "ID", "N1", "ER"}


@pytest.fixture(scope="module")
def site(built_site: BuiltSite) -> Path:
    """The real site, built once per session with `mkdocs build --strict` (shared with the
    browser tests)."""
    return built_site.root


def soup_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def target(site: Path, page_url: str, href: str) -> Path:
    """The file a link on the page at `page_url` points to."""
    return site / urljoin(f"https://site.test/{page_url}", href).removeprefix("https://site.test/")


def listed_keys(site: Path) -> list[str]:
    """The keys the References page lists, in its order."""
    ids = [li["id"] for li in soup_of(site, "references").select("ol.bibcite-references > li")]
    by_id = {ref_id(key): key for key in SOURCE.entries}
    return [by_id[element_id] for element_id in ids]


def download_links(soup: BeautifulSoup, selector: str) -> dict[str, str]:
    return {link.get_text(): link["href"] for link in soup.select(f"{selector} a[download]")}


def read_crlf(path: Path) -> str:
    """A file's text with its line ends as written (read_text would turn CRLF into LF)."""
    return path.read_bytes().decode("utf-8")


def strict_ris(text: str) -> list[list[tuple[str, str]]]:
    """Split RIS into records of (tag, value), failing on any line that breaks the format."""
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    for number, line in enumerate(text.split("\r\n"), start=1):
        if line == "":
            assert current is None, f"line {number}: blank line inside a record"
            continue
        match = RIS_LINE.match(line)
        assert match, f"line {number}: not a RIS line: {line!r}"
        tag, value = match["tag"], match["value"]
        assert tag in RIS_TAGS, f"line {number}: unexpected tag {tag}"
        if tag == "TY":
            assert current is None, f"line {number}: TY before the previous ER"
            current = []
        assert current is not None, f"line {number}: {tag} outside a record"
        if tag == "ER":
            assert value == "", f"line {number}: ER takes no value"
            records.append(current)
            current = None
        else:
            assert value and value == value.strip(), f"line {number}: empty or padded value"
            current.append((tag, value))
    assert current is None, "the last record has no ER"
    return records


# --- the References page: the whole bibliography ------------------------------------------------


def test_references_page_offers_bib_and_ris(site: Path) -> None:
    links = download_links(soup_of(site, "references"), "p.bibcite-downloads")
    assert links == {"BibTeX (.bib)": "../downloads/references.bib",
                     "RIS (.ris)": "../downloads/references.ris"}
    for href in links.values():
        assert target(site, "references/", href).is_file()


def test_the_bib_download_parses_and_holds_every_listed_entry_as_written(site: Path) -> None:
    keys = listed_keys(site)
    assert keys == ["chakr2013", "christopeit2008", "guiducci2010", "keyszer2011"]
    data = parse_file(str(site / "downloads" / "references.bib"))
    assert list(data.entries) == keys
    for key in keys:
        got, source = data.entries[key], SOURCE.entries[key]
        assert got.type == source.type
        assert dict(got.fields) == dict(source.fields)
        assert [str(p) for p in got.persons["author"]] == [str(p) for p in source.persons["author"]]


def test_the_ris_download_is_strict_ris_with_every_listed_entry(site: Path) -> None:
    text = read_crlf(site / "downloads" / "references.ris")
    records = strict_ris(text)
    assert [dict(record)["ID"] for record in records] == listed_keys(site)
    parsed = rispy.loads(text)
    assert [entry["id"] for entry in parsed] == listed_keys(site)
    christopeit = parsed[1]
    assert christopeit == {
        "type_of_reference": "JOUR",
        "authors": ["Christopeit, M.", "Schendel, M.", "Foll, J."],
        "title": (
            "Marked improvement of severe progressive systemic sclerosis after transplantation "
            "of mesenchymal stem cells from an allogeneic haploidentical-related donor mediated "
            "by ligation of CD137L"
        ),
        "secondary_title": "Leukemia",
        "year": "2008",
        "date": "2008/05//",
        "volume": "22",
        "number": "5",
        "start_page": "1062",
        "end_page": "1064",
        "doi": "10.1038/sj.leu.2404996",
        "urls": ["https://doi.org/10.1038/sj.leu.2404996"],
        "notes": ["The author list is incomplete (et al.)."],
        "id": "christopeit2008",
    }
    assert parsed[2]["date"] == "2010/11/16/"
    assert "doi" not in parsed[2] and "urls" not in parsed[2]


# --- the home page: "Cite this report" ------------------------------------------------------------


@pytest.fixture(scope="module")
def block(site: Path) -> BeautifulSoup:
    section = soup_of(site, "").select_one("article section.bibcite-cite-this")
    assert section is not None
    return section


def test_home_cites_the_report_in_the_sites_style(site: Path, block: BeautifulSoup) -> None:
    assert block.find("h2").get_text() == "Cite this report"
    assert block["aria-labelledby"] == block.find("h2")["id"]
    reference = block.select_one("p.bibcite-cite-this-reference")
    assert reference.get_text() == REPORT
    # The same words as the report's entry on the References page.
    entry = soup_of(site, "references").find(id=ref_id("chakr2013")).select_one(".bibcite-entry")
    assert entry.get_text() == REPORT


def test_home_has_a_copy_button_for_the_citation(block: BeautifulSoup) -> None:
    button = block.find("button")
    assert button.get_text() == "Copy citation"
    assert button["type"] == "button"
    assert block.find(id=button["data-bibcite-copy"]).get_text() == REPORT
    assert button.has_attr("hidden")  # shown by cite.js; without JavaScript there is no button
    assert block.select_one(".bibcite-copy-status")["role"] == "status"


def test_home_offers_the_reports_own_bib_and_ris(site: Path, block: BeautifulSoup) -> None:
    links = download_links(block, "")
    assert links == {"BibTeX (.bib)": "downloads/cite/chakr2013.bib",
                     "RIS (.ris)": "downloads/cite/chakr2013.ris"}
    data = parse_file(str(target(site, "", links["BibTeX (.bib)"])))
    assert list(data.entries) == ["chakr2013"]
    assert dict(data.entries["chakr2013"].fields) == dict(SOURCE.entries["chakr2013"].fields)
    text = read_crlf(target(site, "", links["RIS (.ris)"]))
    (record,) = strict_ris(text)
    assert [value for tag, value in record if tag == "AU"] == AUTHORS
    assert dict(record) | {"AU": "", "KW": ""} == {
        "TY": "JOUR", "AU": "", "TI": (
            "AB0505 Case report of allogeneic unrelated-donor mesenchymal stem cells (MSC) "
            "infusion in systemic sclerosis (SSc)"),
        "T2": "Annals of the Rheumatic Diseases", "JA": "Ann Rheum Dis", "PY": "2013",
        "VL": "72", "IS": "Suppl 3", "SP": "A943", "KW": "", "ID": "chakr2013",
    }
    assert rispy.loads(text)[0]["authors"] == AUTHORS


def test_one_stylesheet_and_one_script_carry_every_feature(site: Path) -> None:
    """The copy button, the citation cards and the sortable tables reach a page as one script,
    their styles as one stylesheet."""
    soup = soup_of(site, "")
    scripts = [tag["src"] for tag in soup.find_all("script", src=True) if "bibcite" in tag["src"]]
    sheets = [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
    assert scripts == ["assets/bibcite/bibcite.js"]
    assert [href for href in sheets if "bibcite" in href] == ["assets/bibcite/bibcite.css"]
    script = (site / "assets" / "bibcite" / "bibcite.js").read_text("utf-8")
    for feature in ("data-bibcite-copy", "a.bibcite-ref", "aria-sort"):
        assert feature in script
    style = (site / "assets" / "bibcite" / "bibcite.css").read_text("utf-8")
    for selector in (".bibcite-references", ".bibcite-cite-this-reference", ".bibcite-table"):
        assert selector in style


# --- the copy button in a browser ----------------------------------------------------------------
# The browser, the built site and its server are the browser tests' (tests/browser_support.py):
# one Chromium per session.


@pytest.mark.browser
def test_copy_button_copies_the_citation_in_chromium(
    browser: Browser, site_server: SiteServer
) -> None:
    context = browser.new_context()
    try:
        origin = site_server.base.split(site_server.site.prefix)[0]
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        page = context.new_page()
        page.goto(site_server.url(""))
        button = page.get_by_role("button", name="Copy citation")
        expect(button).to_be_visible()
        button.click()
        status = page.locator(".bibcite-cite-this .bibcite-copy-status")
        expect(status).to_have_text("Citation copied to the clipboard.")
        assert page.evaluate("navigator.clipboard.readText()") == REPORT
    finally:
        context.close()


# --- small sites: configuration and markers -------------------------------------------------------

PAGES = {
    "index.md": "# Home\n\nSee [@solo2001].\n\n<!-- bibcite:cite-this -->\n\n"
    "`<!-- bibcite:cite-this -->` is the marker.\n",
    "refs.md": "# Refs\n\n<!-- bibcite:bibliography all -->\n\n<!-- bibcite:downloads -->\n\n"
    "    <!-- bibcite:downloads -->\n",
}


def test_cite_this_takes_a_bare_key(site_builder) -> None:
    result = site_builder("bare", PAGES, options={"cite_this": "duo2002"})
    assert result.warnings == []
    soup = BeautifulSoup(result.html("index.md"), "html.parser")
    assert soup.select_one(".bibcite-cite-this-reference").get_text().startswith(
        "Bravo B, Charlie C. A two-author study.")
    # The marker written in code is left as written.
    assert soup.find("code").get_text() == "<!-- bibcite:cite-this -->"
    site = result.site.root / "site"
    assert list(parse_file(str(site / "downloads" / "cite" / "duo2002.bib")).entries) == ["duo2002"]


def test_downloads_follow_the_bibliography_page_all_includes_uncited(site_builder) -> None:
    result = site_builder("all", PAGES, options={"cite_this": "duo2002"})
    site = result.site.root / "site"
    keys = list(parse_file(str(site / "downloads" / "references.bib")).entries)
    assert keys[0] == "solo2001" and "uncited2006" in keys and "duo2002" in keys
    assert [entry["id"] for entry in rispy.loads(
        read_crlf(site / "downloads" / "references.ris"))] == keys
    soup = BeautifulSoup(result.html("refs.md"), "html.parser")
    assert download_links(soup, "p.bibcite-downloads") == {
        "BibTeX (.bib)": "../downloads/references.bib", "RIS (.ris)": "../downloads/references.ris"}
    assert soup.find("code").get_text() == "<!-- bibcite:downloads -->\n"


def test_downloads_off_writes_and_links_nothing(site_builder) -> None:
    result = site_builder("off", PAGES, options={"cite_this": "duo2002", "downloads": False})
    assert result.warnings == []
    assert not (result.site.root / "site" / "downloads").exists()
    home = BeautifulSoup(result.html("index.md"), "html.parser")
    assert home.select(".bibcite-cite-this a") == []
    assert home.select_one(".bibcite-cite-this-reference") is not None
    assert "bibcite-downloads" not in result.html("refs.md")


def cite_this_line(result) -> int:
    lines = result.site.config_file.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if "cite_this:" in line)


def test_an_unknown_cite_this_key_is_a_warning_naming_the_fix(site_builder) -> None:
    result = site_builder("unknown", PAGES, options={"cite_this": "duo2020"})
    assert result.warnings == [
        f"bibcite: mkdocs.yml:{cite_this_line(result)}: option cite_this: unknown key 'duo2020' "
        "[key_not_found] — "
        "did you mean 'duo2002'? Give the key of the site's own entry in the bibliography"
    ]
    assert result.error is not None  # --strict


def test_a_cite_this_page_that_does_not_exist_is_a_warning(site_builder) -> None:
    result = site_builder("nopage", PAGES, options={"cite_this": {"key": "duo2002",
                                                                    "page": "home.md"}})
    assert result.warnings == [
        f"bibcite: mkdocs.yml:{cite_this_line(result)}: option cite_this: page 'home.md' is not "
        "a page of the site [page_not_found] — give the path of the work's page under docs/, "
        "e.g. index.md"
    ]


def test_without_cite_this_the_marker_stays_a_comment(site_builder) -> None:
    result = site_builder("none", PAGES)
    assert result.warnings == []
    assert "<!-- bibcite:cite-this -->" in result.html("index.md")
    assert not (result.site.root / "site" / "downloads" / "cite").exists()


# --- the writers on their own --------------------------------------------------------------------


def test_ris_decodes_latex_and_maps_entry_types() -> None:
    entries = {
        "book1": Entry("book", fields={"title": r"Caf{\'e} \emph{and} {DNA} -- a study",
                                       "publisher": r"Springer \& Sons", "address": "Berlin",
                                       "year": "1999", "isbn": "978-3-16-148410-0"},
                       persons={"author": [Person(r"M{\"u}ller, J{\"o}rg")],
                                "editor": [Person("van der Berg, Anna")]}),
        "chap1": Entry("incollection", fields={"title": "Part", "booktitle": "Whole",
                                               "year": "2000", "month": "jul", "pages": "3--9"}),
        "web1": Entry("online", fields={"title": "Page", "url": r"https://example.org/a\_b",
                                        "date": "2021-03-04"}),
    }
    text = ris(entries)
    records = strict_ris(text)
    assert [dict(record)["TY"] for record in records] == ["BOOK", "CHAP", "ELEC"]
    book = dict(records[0])
    assert book["TI"] == "Café and DNA – a study"
    assert book["AU"] == "Müller, Jörg"
    assert book["A2"] == "van der Berg, Anna"
    assert (book["PB"], book["CY"]) == ("Springer & Sons", "Berlin")
    assert book["SN"] == "978-3-16-148410-0"
    chapter = dict(records[1])
    assert (chapter["T2"], chapter["DA"], chapter["SP"], chapter["EP"]) == (
        "Whole", "2000/07//", "3", "9")
    web = dict(records[2])
    assert (web["UR"], web["PY"], web["DA"]) == ("https://example.org/a_b", "2021", "2021/03/04/")


def test_bibtex_round_trips_awkward_values() -> None:
    entry = Entry("article", fields={"title": 'A "quoted" {Title} with 50\\% and {\\"u}',
                                     "journal": "J", "year": "2001"},
                  persons={"author": [Person("Doe, Jane"), Person("others")]})
    data = parse_string(bibtex({"odd:key.1": entry}), "bibtex")
    assert list(data.entries) == ["odd:key.1"]
    assert dict(data.entries["odd:key.1"].fields) == dict(entry.fields)
    assert [str(p) for p in data.entries["odd:key.1"].persons["author"]] == ["Doe, Jane", "others"]
    assert bibtex({}) == ""


def test_cite_this_about_takes_names_or_typed_names(tmp_path: Path) -> None:
    from bibcite.mkdocs.config import BibciteConfig

    (tmp_path / "refs.bib").write_text("")

    def validate(about: object) -> tuple[list, list]:
        config = BibciteConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
        config.load_dict({"bibliography": "refs.bib", "cite_this": {"key": "k", "about": about}})
        return config.validate()

    assert validate(["a", {"MedicalCondition": "b"}]) == ([], [])
    failed, _ = validate([3])
    assert [(name, str(error)) for name, error in failed] == [(
        "cite_this",
        "Sub-option 'about': Each subject is a name or a one-key mapping 'SchemaType: name', "
        "not 3.",
    )]
