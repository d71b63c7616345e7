"""The BibTeX → CSL-JSON mapping (bibcite.styles.csl.csl_json): one test per rule, entries read
as bibcite loads them; then what pandoc 3 writes from that CSL-JSON, as HTML."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pypandoc
import pytest
from bs4 import BeautifulSoup
from conftest import load_text
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import Entry, Person

from bibcite.bibliography.load import load
from bibcite.styles.csl.csl_json import csl_item, csl_items

SITE_BIB = Path(__file__).parents[2] / "bibliography" / "references.bib"


def entry_of(tmp_path: Path, fields: str, kind: str = "article", key: str = "a"):
    bibliography = load_text(tmp_path, f"@{kind}{{{key},\n{fields}\n}}\n")
    return bibliography.entries[key]


def item(tmp_path: Path, fields: str = "", kind: str = "article", key: str = "a") -> dict:
    return csl_item(key, entry_of(tmp_path, fields, kind, key))


def without_id(result: dict) -> dict:
    return {name: value for name, value in result.items() if name != "id"}


# --- entry types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "csl_type"),
    [
        ("article", "article-journal"),
        ("inproceedings", "paper-conference"),
        ("conference", "paper-conference"),
        ("incollection", "chapter"),
        ("inbook", "chapter"),
        ("phdthesis", "thesis"),
        ("mastersthesis", "thesis"),
        ("thesis", "thesis"),
        ("techreport", "report"),
        ("report", "report"),
        ("book", "book"),
        ("proceedings", "book"),
        ("manual", "book"),
        ("booklet", "pamphlet"),
        ("misc", "document"),
        ("online", "webpage"),
        ("electronic", "webpage"),
        ("www", "webpage"),
        ("unpublished", "manuscript"),
        ("patent", "patent"),
        ("dataset", "dataset"),
        ("software", "software"),
        ("whatever", "document"),
    ],
)
def test_entry_types(tmp_path, kind, csl_type):
    result = item(tmp_path, "title = {T}", kind)
    assert (result["id"], result["type"], result["title"]) == ("a", csl_type, "T")


def test_id_is_the_key_as_given(tmp_path):
    assert csl_item("Smith:2020", entry_of(tmp_path, "title = {T}"))["id"] == "Smith:2020"


def test_article_subtype_magazine(tmp_path):
    assert item(tmp_path, "entrysubtype = {magazine}")["type"] == "article-magazine"


def test_theses_have_a_genre(tmp_path):
    assert item(tmp_path, "school = {MIT}", "phdthesis") == {
        "id": "a",
        "type": "thesis",
        "genre": "PhD thesis",
        "publisher": "MIT",
    }
    assert item(tmp_path, "school = {MIT}", "mastersthesis")["genre"] == "Master's thesis"
    # biblatex's @thesis names its kind in `type`, as a key or as words
    assert item(tmp_path, "type = {phdthesis}", "thesis")["genre"] == "PhD thesis"
    assert item(tmp_path, "type = {Habilitation}", "thesis")["genre"] == "Habilitation"


def test_report_has_number_genre_and_institution_as_publisher(tmp_path):
    result = item(
        tmp_path,
        "institution = {RAND}, number = {TR-7}, type = {Working paper}, address = {Santa Monica}",
        "techreport",
    )
    assert without_id(result) == {
        "type": "report",
        "publisher": "RAND",
        "publisher-place": "Santa Monica",
        "number": "TR-7",
        "genre": "Working paper",
    }


def test_organization_is_the_publisher_of_a_manual(tmp_path):
    assert item(tmp_path, "organization = {WHO}", "manual")["publisher"] == "WHO"


def test_publisher_wins_over_institution(tmp_path):
    result = item(tmp_path, "publisher = {P}, institution = {I}", "report")
    assert result["publisher"] == "P"


# --- names ------------------------------------------------------------------------------------


def test_names_family_and_given(tmp_path):
    assert item(tmp_path, "author = {Christopeit, M. and Jane Q. Public}")["author"] == [
        {"family": "Christopeit", "given": "M."},
        {"family": "Public", "given": "Jane Q."},
    ]


def test_particle_is_non_dropping(tmp_path):
    assert item(tmp_path, "author = {van der Berg, Jan and Ludwig van Beethoven}")["author"] == [
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
    ]


def test_jr_is_the_suffix(tmp_path):
    assert item(tmp_path, "author = {King, Jr., Martin Luther}")["author"] == [
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    ]


def test_braced_whole_name_is_a_literal(tmp_path):
    authors = "{World Health Organization} and {Centers for Disease Control {and} Prevention}"
    assert item(tmp_path, f"author = {{{authors}}}")["author"] == [
        {"literal": "World Health Organization"},
        {"literal": "Centers for Disease Control and Prevention"},
    ]


def test_braced_part_of_a_name_is_not_a_literal(tmp_path):
    assert item(tmp_path, "author = {{Bar}ack, Obama}")["author"] == [
        {"family": "Barack", "given": "Obama"}
    ]


def test_and_others_is_the_literal_others(tmp_path):
    assert item(tmp_path, "author = {Doe, J. and others}")["author"] == [
        {"family": "Doe", "given": "J."},
        {"literal": "others"},
    ]


def test_names_are_decoded_plain_text(tmp_path):
    assert item(tmp_path, r"author = {{\"O}zt{\"u}rk, {\c{S}}ebnem and M{\"u}ller, J}")[
        "author"
    ] == [{"family": "Öztürk", "given": "Şebnem"}, {"family": "Müller", "given": "J"}]


def test_editors_translators_and_book_authors(tmp_path):
    result = item(
        tmp_path,
        "author = {A, B}, editor = {E, F and G, H}, translator = {T, U}, bookauthor = {K, L},"
        "title = {Ch}, booktitle = {Bk}",
        "incollection",
    )
    assert result["editor"] == [{"family": "E", "given": "F"}, {"family": "G", "given": "H"}]
    assert result["translator"] == [{"family": "T", "given": "U"}]
    assert result["container-author"] == [{"family": "K", "given": "L"}]
    assert result["container-title"] == "Bk"


# --- text -------------------------------------------------------------------------------------


def test_latex_to_unicode_nfc(tmp_path):
    title = item(tmp_path, r"title = {Schr\"odinger's caf\'e na\"{\i}ve \'{\i} --- 1--2}")["title"]
    assert title == "Schrödinger's café naïve í \u2014 1\u20132"
    assert unicodedata.is_normalized("NFC", title)


def test_combining_accent_is_composed(tmp_path):
    # a decomposed e + U+0301 in the .bib comes out as one character
    assert item(tmp_path, "title = {Cafe\u0301}")["title"] == "Caf\u00e9"


def test_braces_protect_case_as_nocase_spans(tmp_path):
    assert item(tmp_path, "title = {The {DNA} of {iPhone} users, {{double}}}")["title"] == (
        'The <span class="nocase">DNA</span> of <span class="nocase">iPhone</span> users, '
        '<span class="nocase">double</span>'
    )


def test_single_braced_letter_inside_a_word_is_the_letter(tmp_path):
    assert item(tmp_path, r"title = {{F}rench and Schr\"{o}dinger, vitamin {A}}")["title"] == (
        'French and Schrödinger, vitamin <span class="nocase">A</span>'
    )


def test_formatting_commands_to_csl_markup(tmp_path):
    written = r"\emph{Drosophila}, \textit{E. coli}, {\em in vivo}, \textbf{B}, \textsc{Sc}"
    title = item(tmp_path, f"title = {{{written}}}")["title"]
    assert title == (
        "<i>Drosophila</i>, <i>E. coli</i>, <i>in vivo</i>, <b>B</b>, "
        '<span style="font-variant:small-caps;">Sc</span>'
    )


def test_text_that_looks_like_markup_is_escaped_for_pandoc(tmp_path):
    # pandoc reads no entities in CSL-JSON (&amp; would print as written), and reads "<" as a
    # tag only before one of its own tags: a "<" of the text goes in a nocase span of its own.
    assert item(tmp_path, "title = {<i>x</i> & y > z}")["title"] == (
        '<span class="nocase"><</span>i>x<span class="nocase"><</span>/i> & y > z'
    )
    assert item(tmp_path, r"title = {a \textless{} b \textless c}")["title"] == (
        'a <span class="nocase"><</span> b <span class="nocase"><</span>c'
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ {}\\$~<>&'\"-`^_%#é\u0301")), max_size=30))
def test_any_text_maps_without_error(written):
    entry = Entry("article", fields={"title": written, "journal": written, "note": written})
    entry.persons["author"] = [Person(written or "x")]
    json.dumps(csl_item("a", entry))


def test_unbalanced_braces_keep_the_text(tmp_path):
    entry = entry_of(tmp_path, "title = {T}")
    entry.fields["title"] = "Broken {brace"
    assert csl_item("a", entry)["title"] == "Broken brace"


def test_sort_keys_print_nothing(tmp_path):
    assert item(tmp_path, r"title = {{\noopsort{b}}Zebra}")["title"] == "Zebra"


def test_subtitle_joins_the_title(tmp_path):
    assert item(tmp_path, "title = {Main}, subtitle = {A {DNA} story}")["title"] == (
        'Main: A <span class="nocase">DNA</span> story'
    )


def test_whitespace_collapses_but_tie_stays_no_break(tmp_path):
    assert item(tmp_path, "title = {Fig.~3 and\n   more}")["title"] == "Fig.\u00a03 and more"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "issued"),
    [
        ("year = {2008}", {"date-parts": [[2008]]}),
        ("year = {2008}, month = may", {"date-parts": [[2008, 5]]}),
        ("year = {2008}, month = {April}", {"date-parts": [[2008, 4]]}),
        ("year = {2008}, month = {Sept.}", {"date-parts": [[2008, 9]]}),
        ("year = {2008}, month = {11}", {"date-parts": [[2008, 11]]}),
        ("year = {2010}, month = nov, day = {16}", {"date-parts": [[2010, 11, 16]]}),
        ("year = {2010}, month = {Spring}", {"date-parts": [[2010]]}),
        ("year = {in press}", {"literal": "in press"}),
        ("year = {2010--2012}", {"date-parts": [[2010], [2012]]}),
        ("date = {2011-04-05}", {"date-parts": [[2011, 4, 5]]}),
        ("date = {2011-04}", {"date-parts": [[2011, 4]]}),
        ("date = {2010/2012}", {"date-parts": [[2010], [2012]]}),
        ("date = {2010-03-01/2010-03-05}", {"date-parts": [[2010, 3, 1], [2010, 3, 5]]}),
        ("date = {2010/}", {"date-parts": [[2010]]}),
        ("date = {circa 1900}", {"literal": "circa 1900"}),
        ("date = {2011-13-01}", {"literal": "2011-13-01"}),
        ("date = {2011-04-05}, year = {1999}", {"date-parts": [[2011, 4, 5]]}),
    ],
)
def test_issued(tmp_path, fields, issued):
    assert item(tmp_path, fields)["issued"] == issued


def test_urldate_is_accessed(tmp_path):
    result = item(tmp_path, "url = {https://example.org}, urldate = {2024-01-31}", "online")
    assert result["accessed"] == {"date-parts": [[2024, 1, 31]]}
    assert result["URL"] == "https://example.org"


def test_no_date_no_issued(tmp_path):
    assert "issued" not in item(tmp_path, "title = {T}")


# --- other fields -----------------------------------------------------------------------------


def test_pages_dash(tmp_path):
    assert item(tmp_path, "pages = {1062--1064}")["page"] == "1062-1064"
    assert item(tmp_path, "pages = {12 -- 15, 20---22}")["page"] == "12-15, 20-22"
    assert item(tmp_path, "pages = {A943}")["page"] == "A943"


def test_volume_and_number_is_issue_for_articles(tmp_path):
    result = item(tmp_path, "volume = {22}, number = {5}")
    assert (result["volume"], result["issue"]) == ("22", "5")
    assert "number" not in result
    assert item(tmp_path, "issue = {Suppl 3}")["issue"] == "Suppl 3"


def test_number_is_number_for_other_types(tmp_path):
    result = item(tmp_path, "number = {42}", "misc")
    assert result["number"] == "42"
    assert "issue" not in result


def test_number_of_a_book_in_a_series_is_the_collection_number(tmp_path):
    result = item(tmp_path, "series = {Lecture Notes}, number = {12}", "book")
    assert (result["collection-title"], result["collection-number"]) == ("Lecture Notes", "12")


@pytest.mark.parametrize("field", ["journal", "journaltitle", "booktitle"])
def test_container_title(tmp_path, field):
    assert item(tmp_path, f"{field} = {{Science \\& Society}}")["container-title"] == (
        "Science & Society"
    )


def test_journaltitle_wins_over_booktitle(tmp_path):
    assert item(tmp_path, "journaltitle = {J}, booktitle = {B}")["container-title"] == "J"


@pytest.mark.parametrize("field", ["shortjournal", "journalabbr"])
def test_container_title_short(tmp_path, field):
    assert item(tmp_path, f"{field} = {{Ann Rheum Dis}}")["container-title-short"] == (
        "Ann Rheum Dis"
    )


@pytest.mark.parametrize("field", ["address", "location"])
def test_publisher_and_place(tmp_path, field):
    result = item(tmp_path, f"publisher = {{Springer}}, {field} = {{Berlin}}", "book")
    assert (result["publisher"], result["publisher-place"]) == ("Springer", "Berlin")


@pytest.mark.parametrize(
    ("written", "edition"),
    [
        ("2", 2),
        ("2nd", 2),
        ("2nd ed.", 2),
        ("Second", 2),
        ("second edition", 2),
        ("Third", 3),
        ("10th", 10),
        ("Revised", "Revised"),
    ],
)
def test_edition_words_to_numbers(tmp_path, written, edition):
    assert item(tmp_path, f"edition = {{{written}}}", "book")["edition"] == edition


@pytest.mark.parametrize(
    "written",
    [
        "10.1038/sj.leu.2404996",
        "https://doi.org/10.1038/sj.leu.2404996",
        "http://dx.doi.org/10.1038/sj.leu.2404996",
        "doi:10.1038/sj.leu.2404996",
        "DOI: 10.1038/sj.leu.2404996",
    ],
)
def test_doi_prefix_stripped(tmp_path, written):
    assert item(tmp_path, f"doi = {{{written}}}")["DOI"] == "10.1038/sj.leu.2404996"


def test_url_keeps_its_characters(tmp_path):
    result = item(tmp_path, r"url = {https://example.org/a_b%20c~d?x=1&y=2}", "online")
    assert result["URL"] == "https://example.org/a_b%20c~d?x=1&y=2"
    assert item(tmp_path, r"url = {\url{https://example.org/a\_b}}")["URL"] == (
        "https://example.org/a_b"
    )


def test_identifiers(tmp_path):
    result = item(
        tmp_path,
        "isbn = {978-3-16-148410-0}, issn = {0887-6924}, pmid = {18288252}, pmcid = {PMC123}",
    )
    assert without_id(result) == {
        "type": "article-journal",
        "ISBN": "978-3-16-148410-0",
        "ISSN": "0887-6924",
        "PMID": "18288252",
        "PMCID": "PMC123",
    }


@pytest.mark.parametrize(
    ("eprinttype", "variable", "value"),
    [("pubmed", "PMID", "18288252"), ("doi", "DOI", "10.1/x"), ("pmc", "PMCID", "PMC9")],
)
def test_biblatex_eprint(tmp_path, eprinttype, variable, value):
    written = "https://doi.org/10.1/x" if eprinttype == "doi" else value
    result = item(tmp_path, f"eprint = {{{written}}}, eprinttype = {{{eprinttype}}}")
    assert result[variable] == value


def test_eprint_of_another_kind_is_left_out(tmp_path):
    result = item(tmp_path, "eprint = {2101.00001}, eprinttype = {arxiv}")
    assert without_id(result) == {"type": "article-journal"}


def test_note_language_series(tmp_path):
    result = item(
        tmp_path,
        r"note = {In {G}erman \& English}, language = {german}, series = {Methods}",
        "book",
    )
    assert (result["note"], result["language"], result["collection-title"]) == (
        "In German & English",
        "de",
        "Methods",
    )
    assert item(tmp_path, "langid = {en-GB}")["language"] == "en-GB"


def test_abstract_and_unknown_fields_are_left_out(tmp_path):
    result = item(tmp_path, "title = {T}, abstract = {Long text}, keywords = {k}, file = {x.pdf}")
    assert without_id(result) == {"type": "article-journal", "title": "T"}


def test_howpublished(tmp_path):
    assert item(tmp_path, "howpublished = {Poster}", "misc")["publisher"] == "Poster"
    assert item(tmp_path, r"howpublished = {\url{https://x.org/p}}", "misc")["URL"] == (
        "https://x.org/p"
    )


def test_event_and_chapter(tmp_path):
    result = item(
        tmp_path, "eventtitle = {EULAR 2013}, venue = {Madrid}, chapter = {4}", "inproceedings"
    )
    assert (result["event-title"], result["event-place"], result["chapter-number"]) == (
        "EULAR 2013",
        "Madrid",
        "4",
    )


def test_csl_items_keeps_the_order(tmp_path):
    bibliography = load_text(tmp_path, "@misc{b, title={B}}\n@misc{a, title={A}}\n")
    pairs = [(key, bibliography.entries[key]) for key in ("b", "a")]
    assert [entry["id"] for entry in csl_items(pairs)] == ["b", "a"]


# --- this site's references, as bibcite loads them ------------------------------------------


def test_site_references():
    bibliography = load([str(SITE_BIB)])
    items = {entry["id"]: entry for entry in csl_items(bibliography.entries.items())}
    christopeit = items["christopeit2008"]
    assert christopeit == {
        "id": "christopeit2008",
        "type": "article-journal",
        "author": [
            {"family": "Christopeit", "given": "M."},
            {"family": "Schendel", "given": "M."},
            {"family": "Foll", "given": "J."},
            {"literal": "others"},
        ],
        "title": "Marked improvement of severe progressive systemic sclerosis after "
        "transplantation of mesenchymal stem cells from an allogeneic haploidentical-related "
        'donor mediated by ligation of <span class="nocase">CD137L</span>',
        "container-title": "Leukemia",
        "volume": "22",
        "issue": "5",
        "issued": {"date-parts": [[2008, 5]]},
        "page": "1062-1064",
        "DOI": "10.1038/sj.leu.2404996",
    }
    assert items["guiducci2010"] == {
        "id": "guiducci2010",
        "type": "article-journal",
        "author": [
            {"family": "Guiducci", "given": "S."},
            {"family": "Porta", "given": "F."},
            {"family": "Saccardi", "given": "R."},
            {"literal": "others"},
        ],
        "title": "Autologous mesenchymal stem cells foster revascularization of ischemic limbs "
        "in systemic sclerosis: a case report",
        "container-title": "Ann Intern Med",
        "volume": "153",
        "issue": "10",
        "issued": {"date-parts": [[2010, 11, 16]]},
        "page": "650-654",
    }
    assert items["keyszer2011"] == {
        "id": "keyszer2011",
        "type": "article-journal",
        "author": [
            {"family": "Keyszer", "given": "G."},
            {"family": "Christopeit", "given": "M."},
            {"family": "Fick", "given": "S."},
            {"literal": "others"},
        ],
        "title": "Treatment of severe progressive systemic sclerosis with transplantation of "
        "mesenchymal stromal cells from allogeneic related donors: report of five cases",
        "container-title": "Arthritis Rheum",
        "volume": "63",
        "issue": "8",
        "issued": {"date-parts": [[2011, 8]]},
        "page": "2540-2542",
    }
    chakr = items["chakr2013"]
    assert len(chakr["author"]) == 19
    assert chakr["author"][-1] == {"family": "Brenol", "given": "J."}
    assert chakr["title"] == (
        '<span class="nocase">AB0505</span> Case report of allogeneic unrelated-donor '
        'mesenchymal stem cells (<span class="nocase">MSC</span>) infusion in systemic '
        'sclerosis (<span class="nocase">SSc</span>)'
    )
    assert {name: chakr[name] for name in chakr if name not in ("author", "title")} == {
        "id": "chakr2013",
        "type": "article-journal",
        "container-title": "Annals of the Rheumatic Diseases",
        "container-title-short": "Ann Rheum Dis",
        "event-title": "EULAR 2013",
        "volume": "72",
        "issue": "Suppl 3",
        "issued": {"date-parts": [[2013]]},
        "page": "A943",
    }
    json.dumps(list(items.values()))  # all of it is JSON


# --- through pandoc 3 -------------------------------------------------------------------------

# A style that prints the fields as they are, with the title lower-cased: what the CSL-JSON's
# markup and case protection do is seen in pandoc's HTML.
STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>fields</title><id>fields</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <layout>
      <group delimiter=" | ">
        <names variable="author"><name et-al-min="99" et-al-use-first="99"/></names>
        <text variable="title" text-case="lowercase"/>
        <text variable="container-title"/>
        <text variable="note"/>
      </group>
    </layout>
  </bibliography>
</style>
"""

PANDOC_BIB = r"""
@article{script,
  author  = {{Evil \& Sons <b>Ltd</b>} and others},
  title   = {<script>alert(1)</script> and <i>not italic</i> R&amp;D},
  journal = {Science \& Society <img src=x onerror=alert(2)>},
  note    = {A <b>note</b> & more},
}
@article{case,
  title   = {The {DNA} of {F}rench \emph{Drosophila} in {iPhone} Users},
  journal = {\textbf{Bold} \textsc{Journal}},
}
"""


@pytest.fixture(scope="module")
def pandoc_html(tmp_path_factory) -> dict[str, BeautifulSoup]:
    """Each entry's reference as pandoc 3 writes it in HTML, from one pandoc run."""
    folder = tmp_path_factory.mktemp("csl_pandoc")
    bibliography = load_text(folder, PANDOC_BIB)
    references = folder / "references.json"
    references.write_text(json.dumps(csl_items(bibliography.entries.items())), encoding="utf-8")
    style = folder / "fields.csl"
    style.write_text(STYLE, encoding="utf-8")
    html = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "--citeproc",
            f"--csl={style}",
            f"--bibliography={references}",
            "-f",
            "markdown",
            "-t",
            "html",
        ],
        input='---\nnocite: "@*"\n---\n',
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    soup = BeautifulSoup(html, "html.parser")
    return {key: soup.find(id=f"ref-{key}") for key in ("script", "case")}


def text_of(entry) -> list[str]:
    return " ".join(entry.get_text().split()).split(" | ")


def test_pandoc_prints_script_as_text(pandoc_html):
    entry = pandoc_html["script"]
    assert entry.find_all(["script", "img", "b", "i", "em", "strong"]) == []
    assert text_of(entry) == [
        "Evil & Sons <b>Ltd</b> et al.",
        "<script>alert(1)</script> and <i>not italic</i> r&amp;d",
        "Science & Society <img src=x onerror=alert(2)>",
        "A <b>note</b> & more",
    ]


def test_pandoc_escapes_ampersand_in_the_journal(pandoc_html):
    html = " ".join(str(pandoc_html["script"]).split())
    assert "Science &amp; Society" in html
    assert "onerror=alert(2)&gt;" in html
    assert "R&amp;D" not in html  # a literal "&amp;" of the .bib is text: "&amp;amp;"
    assert "r&amp;amp;d" in html


def test_pandoc_keeps_protected_case_and_markup(pandoc_html):
    entry = pandoc_html["case"]
    # lower-cased by the style, except the braced words; {F} protects nothing inside a word
    assert text_of(entry) == [
        "the DNA of french drosophila in iPhone users",
        "Bold Journal",
    ]
    assert [em.get_text() for em in entry.find_all("em")] == ["drosophila"]
    assert [strong.get_text() for strong in entry.find_all("strong")] == ["Bold"]
    assert [span.get_text() for span in entry.find_all("span", class_="smallcaps")] == ["Journal"]
