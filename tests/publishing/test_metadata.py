"""What search engines and reference managers read from the built site: the Google Scholar
(Highwire Press) meta tags and the schema.org JSON-LD on the home page, the sitemap and the 404
page; and the metadata functions' escaping and supplement rules on their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import Entry, Person

from bibcite.publishing.metadata import About, head_insert, highwire_tags, json_ld
from bibcite.publishing.record import record

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SITE_URL = "https://example.org/msc-ssc-case-report/"

TITLE = (
    "AB0505 Case report of allogeneic unrelated-donor mesenchymal stem cells (MSC) infusion in "
    "systemic sclerosis (SSc)"
)
# The 19 authors as the source abstract lists them: family name, initials.
AUTHORS = [
    ("Chakr", "R."), ("Pavan", "T."), ("Siqueira", "I."), ("Zanchet", "D."), ("Calegaro", "N."),
    ("Andrade", "N."), ("Neto", "G."), ("Neves", "M."), ("Bredemeier", "M."),
    ("Palominos", "P."), ("Kohem", "C."), ("Amorin", "B."), ("Valim", "V."), ("Alegretti", "A."),
    ("Silla", "L."), ("Monticielo", "O."), ("Brenol", "C."), ("Xavier", "R."), ("Brenol", "J."),
]
CHRISTOPEIT = (
    "Marked improvement of severe progressive systemic sclerosis after transplantation of "
    "mesenchymal stem cells from an allogeneic haploidentical-related donor mediated by ligation "
    "of CD137L"
)
GUIDUCCI = (
    "Autologous mesenchymal stem cells foster revascularization of ischemic limbs in systemic "
    "sclerosis: a case report"
)
KEYSZER = (
    "Treatment of severe progressive systemic sclerosis with transplantation of mesenchymal "
    "stromal cells from allogeneic related donors: report of five cases"
)
# The three works the report cites, in the order the site numbers them.
REFERENCES = [
    f"citation_title={CHRISTOPEIT}; citation_author=Christopeit, M.; "
    "citation_author=Schendel, M.; citation_author=Foll, J.; citation_journal_title=Leukemia; "
    "citation_publication_date=2008/05; citation_volume=22; citation_issue=5; "
    "citation_firstpage=1062; citation_lastpage=1064; citation_doi=10.1038/sj.leu.2404996",
    f"citation_title={GUIDUCCI}; citation_author=Guiducci, S.; citation_author=Porta, F.; "
    "citation_author=Saccardi, R.; citation_journal_title=Ann Intern Med; "
    "citation_publication_date=2010/11/16; citation_volume=153; citation_issue=10; "
    "citation_firstpage=650; citation_lastpage=654",
    f"citation_title={KEYSZER}; citation_author=Keyszer, G.; citation_author=Christopeit, M.; "
    "citation_author=Fick, S.; citation_journal_title=Arthritis Rheum; "
    "citation_publication_date=2011/08; citation_volume=63; citation_issue=8; "
    "citation_firstpage=2540; citation_lastpage=2542",
]


def build(site_dir: Path, site_url: str | None = None) -> Path:
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"),
         "-d", str(site_dir)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("metadata") / "site")


@pytest.fixture(scope="module")
def home(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")


def metas(soup: BeautifulSoup, name: str) -> list[str]:
    return [tag["content"] for tag in (soup.head or soup).find_all("meta", attrs={"name": name})]


def ld(soup: BeautifulSoup) -> dict:
    scripts = soup.head.find_all("script", attrs={"type": "application/ld+json"})
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


# --- Google Scholar meta tags on the home page ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("citation_title", [TITLE]),
        ("citation_publication_date", ["2013"]),
        ("citation_journal_title", ["Annals of the Rheumatic Diseases"]),
        ("citation_journal_abbrev", ["Ann Rheum Dis"]),
        ("citation_volume", ["72"]),
        ("citation_firstpage", ["A943"]),
        ("citation_conference_title", ["EULAR 2013"]),
        # The source abstract gives no keywords, and the site claims none for it.
        ("citation_keywords", []),
        # "Suppl 3" is a supplement to volume 72, not an issue: no citation_issue, no lastpage.
        ("citation_issue", []),
        ("citation_lastpage", []),
        # No identifier is verified for the abstract.
        ("citation_doi", []),
    ],
)
def test_home_has_the_scholar_tag(home: BeautifulSoup, name: str, expected: list[str]) -> None:
    assert metas(home, name) == expected


def test_home_names_the_19_authors_in_the_sources_order(home: BeautifulSoup) -> None:
    assert metas(home, "citation_author") == [f"{family}, {given}" for family, given in AUTHORS]


def test_home_has_one_citation_reference_per_cited_work(home: BeautifulSoup) -> None:
    assert metas(home, "citation_reference") == REFERENCES


def test_the_tags_are_in_the_head_only_of_the_home_page(site: Path) -> None:
    for page in sorted(site.glob("*/index.html")):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        assert not soup.find("meta", attrs={"name": lambda n: n and n.startswith("citation_")})
        assert not soup.find("script", attrs={"type": "application/ld+json"}), page


def test_the_home_page_keeps_the_themes_head(home: BeautifulSoup) -> None:
    assert home.head.find("link", rel="canonical")["href"] == DEFAULT_SITE_URL
    assert home.head.title.string.startswith("MSC infusion in systemic sclerosis")


# --- schema.org JSON-LD on the home page ---------------------------------------------------------


def test_json_ld_describes_the_report(home: BeautifulSoup) -> None:
    data = ld(home)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalScholarlyArticle"
    assert data["publicationType"] == "Case Reports"
    assert data["name"] == data["headline"] == TITLE
    assert data["datePublished"] == "2013"
    assert data["pageStart"] == data["pagination"] == "A943"
    assert "pageEnd" not in data
    assert data["url"] == DEFAULT_SITE_URL
    assert "keywords" not in data  # the source abstract gives none
    assert "identifier" not in data and "sameAs" not in data


def test_json_ld_lists_the_19_authors_in_order(home: BeautifulSoup) -> None:
    assert ld(home)["author"] == [
        {"@type": "Person", "name": f"{given} {family}", "familyName": family, "givenName": given}
        for family, given in AUTHORS
    ]


def test_json_ld_is_part_of_volume_72_of_the_periodical(home: BeautifulSoup) -> None:
    assert ld(home)["isPartOf"] == {
        "@type": "PublicationVolume",
        "volumeNumber": "72",
        "isPartOf": {
            "@type": "Periodical",
            "name": "Annals of the Rheumatic Diseases",
            "alternateName": "Ann Rheum Dis",
        },
    }


def test_json_ld_is_about_the_disease_and_the_treatment(home: BeautifulSoup) -> None:
    assert ld(home)["about"] == [
        {"@type": "MedicalCondition", "name": "systemic sclerosis"},
        {"@type": "MedicalTherapy", "name": "mesenchymal stem cell transplantation"},
    ]


def test_json_ld_cites_the_three_reports(home: BeautifulSoup) -> None:
    citations = ld(home)["citation"]
    assert [work["name"] for work in citations] == [CHRISTOPEIT, GUIDUCCI, KEYSZER]
    assert {work["@type"] for work in citations} == {"ScholarlyArticle"}
    first = citations[0]
    assert [author["familyName"] for author in first["author"]] == [
        "Christopeit", "Schendel", "Foll"]
    assert first["datePublished"] == "2008-05"
    assert first["isPartOf"] == {
        "@type": "PublicationIssue",
        "issueNumber": "5",
        "isPartOf": {
            "@type": "PublicationVolume",
            "volumeNumber": "22",
            "isPartOf": {"@type": "Periodical", "name": "Leukemia"},
        },
    }
    assert (first["pageStart"], first["pageEnd"]) == ("1062", "1064")
    assert first["identifier"] == {
        "@type": "PropertyValue", "propertyID": "DOI", "value": "10.1038/sj.leu.2404996"}
    assert first["sameAs"] == "https://doi.org/10.1038/sj.leu.2404996"
    # Unverified identifiers stay out.
    assert "identifier" not in citations[1] and "identifier" not in citations[2]
    assert citations[1]["datePublished"] == "2010-11-16"


# --- sitemap and 404 -----------------------------------------------------------------------------

NAV_URLS = ["", "case-presentation/", "methods/", "care-checklist/", "literature-review/",
            "discussion/", "references/", "for-authors/"]


def sitemap_locations(site: Path) -> list[str]:
    root = ET.parse(site / "sitemap.xml").getroot()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [loc.text for loc in root.findall("s:url/s:loc", namespace)]


def test_sitemap_lists_every_page_at_the_site_url(site: Path) -> None:
    assert sorted(sitemap_locations(site)) == sorted(DEFAULT_SITE_URL + url for url in NAV_URLS)
    assert (site / "sitemap.xml.gz").stat().st_size > 0


def test_404_page_links_its_assets_from_the_site_root(site: Path) -> None:
    """GitHub Pages serves 404.html for any missing path, at any depth: its links must not be
    relative to where it happens to be served."""
    soup = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    assert soup.find("h1").get_text() == "Page not found"
    links = [tag["href"] for tag in soup.find_all("link", href=True)]
    links += [tag["src"] for tag in soup.find_all("script", src=True)]
    assert links
    for link in links:
        assert link.startswith("/msc-ssc-case-report/"), link
        assert (site / link.removeprefix("/msc-ssc-case-report/").split("?")[0]).is_file(), link


def test_site_url_from_the_environment_moves_sitemap_and_metadata(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """CI deploys with SITE_URL set to the address GitHub Pages gives the site."""
    site = build(tmp_path_factory.mktemp("pages") / "site", "https://owner.github.io/repo/")
    assert sorted(sitemap_locations(site)) == sorted(
        "https://owner.github.io/repo/" + url for url in NAV_URLS)
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    assert ld(home)["url"] == "https://owner.github.io/repo/"
    soup = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    assert soup.find("link", rel="stylesheet")["href"].startswith("/repo/")


# --- the functions on their own ------------------------------------------------------------------

HOSTILE = 'A </script><script>alert("x")</script> & <b>bold</b> title'


def hostile_entry() -> Entry:
    return Entry(
        "article",
        fields={"title": HOSTILE, "journal": 'J "Quoted"', "year": "2001", "volume": "3",
                "number": "2", "pages": "5--9"},
        persons={"author": [Person("O'Brien, D.")]},
    )


def test_meta_tags_escape_every_value() -> None:
    tags = highwire_tags(record("x", hostile_entry()), [record("y", hostile_entry())])
    soup = BeautifulSoup(f"<head>{tags}</head>", "html.parser")
    assert "<script" not in tags
    assert metas(soup, "citation_title") == [HOSTILE]
    assert metas(soup, "citation_journal_title") == ['J "Quoted"']
    assert metas(soup, "citation_author") == ["O'Brien, D."]
    assert metas(soup, "citation_reference")[0].startswith(f"citation_title={HOSTILE}; ")


def test_json_ld_cannot_end_its_script_early() -> None:
    script = json_ld(record("x", hostile_entry()), [record("y", hostile_entry())],
                     about=[About("</script>", "Thing")])
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    data = json.loads(body)
    assert data["name"] == HOSTILE
    assert data["citation"][0]["name"] == HOSTILE
    assert data["about"] == [{"@type": "Thing", "name": "</script>"}]
    soup = BeautifulSoup(f"<head>{script}</head>", "html.parser")
    assert json.loads(soup.find("script").string)["name"] == HOSTILE


def test_an_issue_is_tagged_and_a_supplement_is_not() -> None:
    def issue_tags(number: str, volume: str = "72") -> list[str]:
        entry = Entry("article", fields={"title": "T", "journal": "J", "year": "2013",
                                         "volume": volume, "number": number})
        soup = BeautifulSoup(highwire_tags(record("k", entry)), "html.parser")
        return metas(soup, "citation_volume") + metas(soup, "citation_issue")

    assert issue_tags("5") == ["72", "5"]
    assert issue_tags("Suppl 3") == ["72"]
    assert issue_tags("Supplement 2") == ["72"]
    assert issue_tags("3 Suppl") == ["72", "3 Suppl"]  # a supplement to issue 3 is in issue 3


def test_latex_is_decoded_in_the_tags() -> None:
    entry = Entry("article", fields={"title": r"Caf{\'e} \emph{au} lait -- {DNA}", "year": "2020"},
                  persons={"author": [Person(r"M{\"u}ller, J{\"o}rg")]})
    soup = BeautifulSoup(highwire_tags(record("k", entry)), "html.parser")
    assert metas(soup, "citation_title") == ["Café au lait – DNA"]
    assert metas(soup, "citation_author") == ["Müller, Jörg"]


def test_metadata_is_ascii_and_reads_as_written() -> None:
    """Like the rest of what bibcite writes (see test_build): characters beyond ASCII are
    references in the tags and escapes in the JSON-LD; both read as the characters."""
    entry = Entry("article", fields={"title": "Alpha--beta: α cells in Zürich", "year": "2007"},
                  persons={"author": [Person(r"{\v{C}}apek, Karel")]})
    tags, script = highwire_tags(record("k", entry)), json_ld(record("k", entry))
    assert (tags + script).isascii()
    soup = BeautifulSoup(f"<head>{tags}{script}</head>", "html.parser")
    assert metas(soup, "citation_title") == ["Alpha–beta: α cells in Zürich"]
    assert metas(soup, "citation_author") == ["Čapek, Karel"]
    data = json.loads(soup.find("script").string)
    assert data["name"] == "Alpha–beta: α cells in Zürich"
    assert data["author"][0]["familyName"] == "Čapek"


def test_head_insert_puts_the_snippet_before_the_end_of_head() -> None:
    assert head_insert("<html><head><title>t</title></HEAD><body>", "<meta>") == (
        "<html><head><title>t</title><meta>\n</HEAD><body>", True)
    assert head_insert("<p>no head</p>", "<meta>") == ("<p>no head</p>", False)


# --- CITATION.cff --------------------------------------------------------------------------------


def test_citation_cff_cites_the_abstract_as_the_bib_gives_it() -> None:
    import yaml
    from pybtex.database import parse_file

    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    entry = parse_file(str(REPO / "bibliography" / "references.bib")).entries["chakr2013"]
    work = record("chakr2013", entry)
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"] and cff["title"] == TITLE
    authors = [{"family-names": family, "given-names": given} for family, given in AUTHORS]
    assert cff["authors"] == authors
    assert [(a.family, a.given) for a in work.authors] == AUTHORS
    cited = cff["preferred-citation"]
    assert cited == {
        "type": "article",
        "title": work.title,
        "authors": authors,
        "journal": work.container,
        "volume": int(work.volume),
        "issue": work.supplement,
        "start": work.first_page,
        "year": int(work.year),
        "conference": {"name": work.event},
    }


def test_a_citation_reference_keeps_entities_as_the_other_tags_write_them() -> None:
    """Only a `;` of the text becomes `,` (`;` separates the pairs); the `;` ending a character
    reference an author typed ("M&uuml;ller", "&#8211;") stays, as in citation_author."""
    entry = Entry(
        "article",
        fields={"title": "Caf&eacute; &#8211; one; two &amp;c", "journal": "J", "year": "2001"},
        persons={"author": [Person("M&uuml;ller, J&#246;rg")]},
    )
    tags = highwire_tags(record("x", entry), [record("y", entry)])
    soup = BeautifulSoup(f"<head>{tags}</head>", "html.parser")
    assert metas(soup, "citation_title") == ["Caf&eacute; &#8211; one; two &amp;c"]
    assert metas(soup, "citation_author") == ["M&uuml;ller, J&#246;rg"]
    assert metas(soup, "citation_reference") == [
        "citation_title=Caf&eacute; &#8211; one, two &amp;c; citation_author=M&uuml;ller, "
        "J&#246;rg; citation_journal_title=J; citation_publication_date=2001"
    ]
