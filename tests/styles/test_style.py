"""Golden strings for the `vancouver` pybtex style (plain text unless the test says HTML)."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import Entry, Person, parse_file, parse_string
from pybtex.plugin import find_plugin

from bibcite.styles import vancouver
from bibcite.styles.html_backend import render_html
from bibcite.styles.vancouver import VancouverStyle, abbreviate_pages, family_names, has_others

BIB = Path(__file__).parents[2] / "bibliography" / "references.bib"


def formatted(bibtex: str, key: str | None = None, **options):
    """The FormattedEntry for `key` (default: the first entry) of a small BibTeX string."""
    bib = parse_string(bibtex, "bibtex")
    key = key or next(iter(bib.entries))
    return VancouverStyle(**options).format_entry(key, bib.entries[key], bib_data=bib)


def text(bibtex: str, key: str | None = None, **options) -> str:
    return formatted(bibtex, key, **options).text.render_as("text")


def html(bibtex: str, key: str | None = None, **options) -> str:
    return render_html(formatted(bibtex, key, **options).text)


def article(authors: str = "Doe, J.", **fields: str | None) -> str:
    """An @article with title T, journal J, year 2000 unless given (None leaves a field out)."""
    fields = {"title": "T", "journal": "J", "year": "2000", **fields}
    body = "".join(f",\n  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@article{{a,\n  author = {{{authors}}}{body}\n}}"


def test_found_as_pybtex_plugin():
    assert find_plugin("pybtex.style.formatting", "vancouver") is VancouverStyle


# --- the project's own references ----------------------------------------------------------------

PROJECT = {
    "christopeit2008": "Christopeit M, Schendel M, Foll J, et al. Marked improvement of severe "
    "progressive systemic sclerosis after transplantation of mesenchymal stem cells from an "
    "allogeneic haploidentical-related donor mediated by ligation of CD137L. Leukemia. 2008 "
    "May;22(5):1062-4. doi: 10.1038/sj.leu.2404996",
    "guiducci2010": "Guiducci S, Porta F, Saccardi R, et al. Autologous mesenchymal stem cells "
    "foster revascularization of ischemic limbs in systemic sclerosis: a case report. Ann Intern "
    "Med. 2010 Nov 16;153(10):650-4.",
    "keyszer2011": "Keyszer G, Christopeit M, Fick S, et al. Treatment of severe progressive "
    "systemic sclerosis with transplantation of mesenchymal stromal cells from allogeneic related "
    "donors: report of five cases. Arthritis Rheum. 2011 Aug;63(8):2540-2.",
    "chakr2013": "Chakr R, Pavan T, Siqueira I, et al. AB0505 Case report of allogeneic "
    "unrelated-donor mesenchymal stem cells (MSC) infusion in systemic sclerosis (SSc). Ann Rheum "
    "Dis. 2013;72 Suppl 3:A943.",
}


@pytest.fixture(scope="module")
def project_bib():
    return parse_file(str(BIB))


@pytest.mark.parametrize("key", PROJECT)
def test_project_reference(project_bib, key):
    entry = project_bib.entries[key]
    assert VancouverStyle().format_entry(key, entry).text.render_as("text") == PROJECT[key]
    assert VancouverStyle.missing_fields(entry) == []


def test_project_reference_html(project_bib):
    entry = project_bib.entries["christopeit2008"]
    before_doi = PROJECT["christopeit2008"].removesuffix("10.1038/sj.leu.2404996")
    assert render_html(VancouverStyle().format_entry("1", entry).text) == (
        before_doi + '<a href="https://doi.org/10.1038/sj.leu.2404996">10.1038/sj.leu.2404996</a>'
    )


def test_format_bibliography_keeps_citation_order(project_bib):
    keys = ["keyszer2011", "chakr2013"]
    bibliography = VancouverStyle().format_bibliography(project_bib, keys)
    assert [(entry.label, entry.key) for entry in bibliography] == [
        ("1", "keyszer2011"),
        ("2", "chakr2013"),
    ]


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bibtex_name", "nlm"),
    [
        ("Christopeit, M.", "Christopeit M"),
        ("Jean-Pierre Dupont", "Dupont JP"),
        ("Dupont, J.-P.", "Dupont JP"),
        ("Smith, John Robert", "Smith JR"),
        ("van der Berg, Jan", "van der Berg J"),
        ("Smith, Jr., John", "Smith J Jr"),
        ("Smith, III, J. R.", "Smith JR III"),
        (r"M{\"u}ller, {\"U}mit", "Müller Ü"),
        (r"Ayd{\i}n, Ali", "Aydın A"),
        ("{World Health Organization}", "World Health Organization"),
    ],
)
def test_name(bibtex_name, nlm):
    assert text(article(bibtex_name)) == f"{nlm}. T. J. 2000."


SEVEN = " and ".join(f"Author{n}, A." for n in range(1, 8))


def test_more_than_six_authors_list_three_then_et_al():
    assert text(article(SEVEN)) == "Author1 A, Author2 A, Author3 A, et al. T. J. 2000."


def test_six_authors_are_all_listed():
    six = SEVEN.rsplit(" and ", 1)[0]
    assert text(article(six)) == (
        "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A. T. J. 2000."
    )


def test_author_limits_are_options():
    three = " and ".join(f"Author{n}, A." for n in range(1, 4))
    assert text(article(three), max_authors=2, truncate_authors=1) == (
        "Author1 A, et al. T. J. 2000."
    )
    assert text(article(SEVEN), max_authors=10) == (
        "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A, Author7 A. T. J. 2000."
    )


@pytest.mark.parametrize(("max_authors", "truncate_authors"), [(3, 4), (6, 0)])
def test_inconsistent_author_limits_are_refused(max_authors, truncate_authors):
    with pytest.raises(ValueError, match="truncate_authors"):
        VancouverStyle(max_authors=max_authors, truncate_authors=truncate_authors)


def test_and_others_prints_et_al_after_the_names_given():
    assert text(article("Doe, J. and others")) == "Doe J, et al. T. J. 2000."


def test_family_names_and_others():
    bib = parse_string(article(r"van der Berg, J. and M{\"u}ller, K. and others"), "bibtex")
    entry = bib.entries["a"]
    assert family_names(entry) == ["van der Berg", "Müller"]
    assert has_others(entry) is True
    plain = parse_string(article("Doe, J."), "bibtex").entries["a"]
    assert (family_names(plain), has_others(plain)) == (["Doe"], False)


def test_family_names_fall_back_to_editors():
    bib = parse_string("@book{b, editor = {Smith, J. and Jones, K.}, title = {B}}", "bibtex")
    assert family_names(bib.entries["b"]) == ["Smith", "Jones"]
    assert family_names(Entry("misc")) == []


def test_ten_thousand_authors_format_as_the_first_three_et_al():
    # How long it takes is bench/stress.py's to measure ("authors"), not a test's.
    entry = Entry("article", fields={"title": "T", "journal": "J", "year": "2000"})
    for n in range(10_000):
        entry.add_person(Person(f"Author{n}, A."), "author")
    result = VancouverStyle().format_entry("big", entry).text.render_as("text")
    assert result == "Author0 A, Author1 A, Author2 A, et al. T. J. 2000."


# --- journal data --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "nlm"),
    [
        ("1062--1064", "1062-4"),
        ("2540--2542", "2540-2"),
        ("650--654", "650-4"),
        ("123--145", "123-45"),
        ("99--101", "99-101"),
        ("1198--1204", "1198-204"),
        ("A943", "A943"),
        ("e123--e130", "e123-30"),
        ("S93--S99", "S93-9"),
        ("12", "12"),
        ("12--12", "12"),
        ("120--110", "120-110"),
        ("12--19, 25--27", "12-9, 25-7"),
        ("1062\u20131064", "1062-4"),
    ],
)
def test_page_ranges(raw, nlm):
    assert abbreviate_pages(raw) == nlm


@pytest.mark.parametrize(
    ("fields", "source"),
    [
        ({"month": "nov"}, "2000 Nov"),
        ({"month": "11"}, "2000 Nov"),
        ({"month": "November"}, "2000 Nov"),
        ({"month": "Nov.", "day": "05"}, "2000 Nov 5"),
        ({"month": "Jul-Aug"}, "2000 Jul-Aug"),
        ({"day": "16"}, "2000"),  # a day without a month means nothing
    ],
)
def test_dates(fields, source):
    assert text(article(**fields)) == f"Doe J. T. J. {source}."


def test_month_macro():
    bibtex = "@article{a, author = {Doe, J.}, title = {T}, journal = {J}, year = 2010, month = nov}"
    assert text(bibtex) == "Doe J. T. J. 2010 Nov."


@pytest.mark.parametrize(
    ("date", "source"),
    [("2010-11-16", "2010 Nov 16"), ("2010-11", "2010 Nov"), ("2010", "2010")],
)
def test_biblatex_date(date, source):
    bibtex = article(journal=None, journaltitle="J", year=None, date=date)
    assert text(bibtex) == f"Doe J. T. J. {source}."


def test_journal_volume_issue_pages():
    entry = article(year="2002", month="jul", day="25", volume="347", number="4", pages="284--287")
    assert text(entry) == "Doe J. T. J. 2002 Jul 25;347(4):284-7."


def test_missing_date_or_volume_keeps_the_punctuation_that_remains():
    assert text(article(year=None, volume="3", pages="5--9")) == "Doe J. T. J. 3:5-9."
    assert text(article(pages="5--9")) == "Doe J. T. J. 2000:5-9."


@pytest.mark.parametrize(
    ("fields", "journal"),
    [
        ({"shortjournal": "Ann Rheum Dis", "journal": "Annals of the Rheumatic Diseases"},
         "Ann Rheum Dis"),
        ({"journalabbrev": "Ann Rheum Dis", "journal": "Annals of the Rheumatic Diseases"},
         "Ann Rheum Dis"),
        ({"journal": "Annals of the Rheumatic Diseases", "journaltitle": "Other"},
         "Annals of the Rheumatic Diseases"),
    ],
)
def test_short_journal_comes_first(fields, journal):
    extra = ", ".join(f"{name} = {{{value}}}" for name, value in fields.items())
    bibtex = f"@article{{a, author = {{Doe, J.}}, title = {{T}}, year = 2000, {extra}}}"
    assert text(bibtex) == f"Doe J. T. {journal}. 2000."


def test_journaltitle_is_the_last_resort():
    bibtex = "@article{a, author = {Doe, J.}, title = {T}, journaltitle = {Leukemia}, date = 2008}"
    assert text(bibtex) == "Doe J. T. Leukemia. 2008."


@pytest.mark.parametrize(
    ("fields", "source"),
    [
        ({"volume": "72", "number": "Suppl 3"}, "72 Suppl 3"),
        ({"volume": "72", "number": "Suppl. 3"}, "72 Suppl 3"),
        ({"volume": "72", "number": "Supplement 3"}, "72 Suppl 3"),
        ({"volume": "72", "number": "3 Suppl"}, "72(3 Suppl)"),
        ({"volume": "58", "number": "12 Suppl 7"}, "58(12 Suppl 7)"),
        ({"volume": "42", "supplement": "2"}, "42 Suppl 2"),
        ({"volume": "58", "number": "12", "supplement": "7"}, "58(12 Suppl 7)"),
        ({"volume": "58", "number": "12", "supplement": "Suppl 7"}, "58(12 Suppl 7)"),
    ],
)
def test_supplements(fields, source):
    assert text(article(year="2013", pages="A943", **fields)) == f"Doe J. T. J. 2013;{source}:A943."


# --- titles and LaTeX ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Is it {DNA}?", "Is it DNA?"),
        ("Stop!", "Stop!"),
        ("Ends with a period.", "Ends with a period."),
        ("{mRNA} in {HeLa} cells", "mRNA in HeLa cells."),  # never re-cased
        ("lower-case start", "lower-case start."),
    ],
)
def test_titles_exactly_as_written(title, shown):
    assert text(article(title=title)) == f"Doe J. {shown} J. 2000."


LATEX_TITLE = (
    r"Caf\'e {\"u}ber \emph{in vivo}, \textit{E.~coli} and {\it Homo}: "
    r"1990--2000 --- $\beta$-cells, $x^2$ \& \textbf{more} at \url{https://x.org} (50\%)"
)


def test_latex_is_decoded_to_clean_unicode():
    assert text(article(title=LATEX_TITLE)) == (
        "Doe J. Café über in vivo, E.\u00a0coli and Homo: 1990\u20132000 \u2014 β-cells, x^2 & "
        "more at https://x.org (50%). J. 2000."
    )


def test_latex_emphasis_becomes_html_emphasis():
    assert html(article(title=LATEX_TITLE)) == (
        "Doe J. Caf&#233; &#252;ber <em>in vivo</em>, <em>E.&#160;coli</em> and <em>Homo</em>: "
        "1990&#8211;2000 &#8212; &#946;-cells, x^2 &amp; <strong>more</strong> at "
        "https://x.org (50%). J. 2000."
    )


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (r"\LaTeX{} and \TeX{} tools", "LaTeX and TeX tools"),
        (r"\href{https://a.org}{Link text}", "Link text"),
        (r"Costs \$5", "Costs $5"),
        (r"na\"{\i}ve \'{\i}ndex", "naïve índex"),
        (r"\textsc{Small} caps", "Small caps"),
        (r"Escaped \{braces\}", "Escaped braces"),
    ],
)
def test_leftover_commands_leave_readable_text(title, shown):
    assert text(article(title=title)) == f"Doe J. {shown}. J. 2000."


latex_soup = st.lists(
    st.sampled_from(
        [*"ab {}\\$~-'`\"^_&%#.,?!", r"\emph", r"\'", r"\i", r"\url", r"\href", r"\it ", "--",
         r"\\", r"\{", r"\$", r"\"u"]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=latex_soup, name=latex_soup)
def test_no_braces_or_backslashes_ever_reach_the_output(title, name):
    entry = Entry("article", fields={"title": title, "journal": name, "pages": title})
    entry.add_person(Person(last=name or "x"), "author")
    formatted_text = VancouverStyle().format_entry("k", entry).text
    for output in (formatted_text.render_as("text"), render_html(formatted_text)):
        assert not set(output) & set("{}\\")


# --- identifiers ---------------------------------------------------------------------------------


def test_doi_and_pmid_are_linked_when_well_formed():
    entry = article(doi="https://doi.org/10.1000/a\\_b<1>", pmid="12140307")
    assert text(entry) == "Doe J. T. J. 2000. doi: 10.1000/a_b<1>. PMID: 12140307"
    assert html(entry) == (
        'Doe J. T. J. 2000. doi: <a href="https://doi.org/10.1000/a_b%3C1%3E">10.1000/a_b&lt;1&gt;'
        '</a>. PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/12140307/">12140307</a>'
    )


def test_malformed_doi_and_pmid_are_shown_not_linked():
    entry = article(doi="sj.leu.2404996", pubmed="PMC123")
    assert text(entry) == "Doe J. T. J. 2000. doi: sj.leu.2404996. PMID: PMC123"
    assert "<a " not in html(entry)


def test_url_is_left_out_when_a_doi_gives_the_link():
    entry = article(doi="10.1000/x", url="https://example.org/x")
    assert text(entry) == "Doe J. T. J. 2000. doi: 10.1000/x"
    assert text(article(url="https://example.org/x")) == (
        "Doe J. T. J. 2000. Available from: https://example.org/x"
    )


# --- entry types ---------------------------------------------------------------------------------

TYPES = {
    "book": (
        "@book{k, author = {Murray, P. R. and Rosenthal, K. S.}, title = {Medical microbiology},"
        " edition = {4}, address = {St. Louis}, publisher = {Mosby}, year = 2002}",
        "Murray PR, Rosenthal KS. Medical microbiology. 4th ed. St. Louis: Mosby; 2002.",
    ),
    "book with editors": (
        "@book{k, editor = {Gilstrap, L. C. and Cunningham, F. G.}, title = {Operative obstetrics},"
        " edition = {Second}, location = {New York}, publisher = {McGraw-Hill}, date = 2002}",
        "Gilstrap LC, Cunningham FG, editors. Operative obstetrics. 2nd ed. New York: "
        "McGraw-Hill; 2002.",
    ),
    "book with one editor": (
        "@book{k, editor = {Smith, J.}, title = {A book}, publisher = {Pub}, year = 2001}",
        "Smith J, editor. A book. Pub; 2001.",
    ),
    "incollection": (
        "@incollection{k, author = {Meltzer, P. S. and Kallioniemi, A.}, title = {Chromosome "
        "alterations in human solid tumors}, editor = {Vogelstein, B. and Kinzler, K. W.}, "
        "booktitle = {The genetic basis of human cancer}, address = {New York}, "
        "publisher = {McGraw-Hill}, year = 2002, pages = {93--113}}",
        "Meltzer PS, Kallioniemi A. Chromosome alterations in human solid tumors. In: "
        "Vogelstein B, Kinzler KW, editors. The genetic basis of human cancer. New York: "
        "McGraw-Hill; 2002. p. 93-113.",
    ),
    "inbook (biblatex: a titled part)": (
        "@inbook{k, author = {Doe, J.}, title = {A chapter}, editor = {Roe, R.}, "
        "booktitle = {The book}, location = {Paris}, publisher = {Pub}, date = 2001, "
        "pages = {12--19}}",
        "Doe J. A chapter. In: Roe R, editor. The book. Paris: Pub; 2001. p. 12-9.",
    ),
    "inbook (BibTeX: chapter of a book)": (
        "@inbook{k, author = {Doe, J.}, title = {The book}, chapter = {4}, pages = {87--120},"
        " address = {Paris}, publisher = {Pub}, year = 2001}",
        "Doe J. The book. Paris: Pub; 2001. Chapter 4; p. 87-120.",
    ),
    "inproceedings": (
        "@inproceedings{k, author = {Christensen, S. and Oppacher, F.}, title = {An analysis of "
        "Koza's computational effort statistic for genetic programming}, editor = {Foster, J. A. "
        "and Lutton, E.}, booktitle = {EuroGP 2002: Proceedings of the 5th European Conference "
        "on Genetic Programming}, eventdate = {2002-04-03/2002-04-05}, venue = {Kinsdale, "
        "Ireland}, location = {Berlin}, publisher = {Springer}, year = 2002, pages = {182--191}}",
        "Christensen S, Oppacher F. An analysis of Koza's computational effort statistic for "
        "genetic programming. In: Foster JA, Lutton E, editors. EuroGP 2002: Proceedings of the "
        "5th European Conference on Genetic Programming; 2002 Apr 3-5; Kinsdale, Ireland. "
        "Berlin: Springer; 2002. p. 182-91.",
    ),
    "conference": (
        "@conference{k, author = {Doe, J.}, title = {Talk}, booktitle = {Proc X}, "
        "organization = {Society}, year = 2003, pages = {1--4}}",
        "Doe J. Talk. In: Proc X. Society; 2003. p. 1-4.",
    ),
    "proceedings": (
        "@proceedings{k, editor = {Harnden, P. and Joffe, J. K.}, title = {Germ cell tumours V},"
        " eventtitle = {Proceedings of the 5th Germ Cell Tumour Conference}, "
        "eventdate = {2001-09-13/2001-09-15}, venue = {Leeds, UK}, address = {New York}, "
        "publisher = {Springer}, year = 2002}",
        "Harnden P, Joffe JK, editors. Germ cell tumours V. Proceedings of the 5th Germ Cell "
        "Tumour Conference; 2001 Sep 13-15; Leeds, UK. New York: Springer; 2002.",
    ),
    "phdthesis": (
        "@phdthesis{k, author = {Borkowski, M. M.}, title = {Infant sleep and feeding: a "
        "telephone survey of Hispanic Americans}, address = {Mount Pleasant (MI)}, "
        "school = {Central Michigan University}, year = 2002}",
        "Borkowski MM. Infant sleep and feeding: a telephone survey of Hispanic Americans "
        "[dissertation]. Mount Pleasant (MI): Central Michigan University; 2002.",
    ),
    "mastersthesis": (
        "@mastersthesis{k, author = {Roe, A.}, title = {Sleep?}, school = {Uni}, year = 2003}",
        "Roe A. Sleep? [master's thesis]. Uni; 2003.",
    ),
    "thesis (biblatex)": (
        "@thesis{k, author = {Roe, A.}, title = {Sleep}, type = {mathesis}, "
        "institution = {Uni}, date = 2003}",
        "Roe A. Sleep [master's thesis]. Uni; 2003.",
    ),
    "techreport": (
        "@techreport{k, author = {Page, E. and Harney, J. M.}, title = {Health hazard evaluation "
        "report}, address = {Cincinnati (OH)}, institution = {National Institute for "
        "Occupational Safety and Health (US)}, year = 2001, month = feb, "
        "number = {HETA2000-0139-2824}}",
        "Page E, Harney JM. Health hazard evaluation report. Cincinnati (OH): National Institute "
        "for Occupational Safety and Health (US); 2001 Feb. Report No.: HETA2000-0139-2824.",
    ),
    "report (biblatex)": (
        "@report{k, author = {Doe, J.}, title = {Annual report}, location = {Geneva}, "
        "institution = {WHO}, date = {2019-06}}",
        "Doe J. Annual report. Geneva: WHO; 2019 Jun.",
    ),
    "online": (
        "@online{k, author = {Foley, K. M. and Gelband, H.}, title = {Improving palliative care "
        "for cancer}, location = {Washington}, publisher = {National Academy Press}, "
        "year = 2001, urldate = {2002-07-09}, url = {http://www.nap.edu/books/0309074029/html/}}",
        "Foley KM, Gelband H. Improving palliative care for cancer [Internet]. Washington: "
        "National Academy Press; 2001 [cited 2002 Jul 9]. Available from: "
        "http://www.nap.edu/books/0309074029/html/",
    ),
    "misc with a url": (
        "@misc{k, title = {Cancer-Pain.org}, howpublished = {Association of Cancer Online "
        "Resources}, year = 2000, note = {ignored}, url = {https://www.cancer-pain.org/}}",
        "Cancer-Pain.org [Internet]. Association of Cancer Online Resources; 2000. "
        "Available from: https://www.cancer-pain.org/",
    ),
    "misc without a url": (
        "@misc{k, author = {Doe, J.}, title = {Poster}, howpublished = {Leaflet}, year = 1999}",
        "Doe J. Poster. Leaflet; 1999.",
    ),
    "unpublished": (
        "@unpublished{k, author = {Tian, D.}, title = {Signature of balancing selection}, "
        "year = 2002}",
        "Tian D. Signature of balancing selection. Unpublished; 2002.",
    ),
    "unpublished with a note": (
        "@unpublished{k, author = {Tian, D.}, title = {Signature}, note = {Forthcoming}, "
        "year = 2002}",
        "Tian D. Signature. Forthcoming; 2002.",
    ),
    "manual": (
        "@manual{k, title = {R: a language and environment for statistical computing}, "
        "organization = {R Core Team}, address = {Vienna}, year = 2020}",
        "R: a language and environment for statistical computing. Vienna: R Core Team; 2020.",
    ),
    "an unknown type is written as misc": (
        "@standard{k, author = {Doe, J.}, title = {A standard}, year = 2010}",
        "Doe J. A standard. 2010.",
    ),
}


@pytest.mark.parametrize(("bibtex", "nlm"), TYPES.values(), ids=TYPES.keys())
def test_entry_type(bibtex, nlm):
    assert text(bibtex) == nlm


def test_only_http_urls_are_linked():
    bibtex = "@online{k, title = {Page}, url = {javascript:alert(1)}, urldate = {2020-01-02}}"
    assert text(bibtex) == (
        "Page [Internet]. [cited 2020 Jan 2]. Available from: javascript:alert(1)"
    )
    assert "<a " not in html(bibtex)
    web = "@online{k, title = {Page}, url = {https://a.org/?x=1&y=\"2\"}}"
    assert html(web) == (
        'Page [Internet]. Available from: <a href="https://a.org/?x=1&amp;y=&quot;2&quot;">'
        "https://a.org/?x=1&amp;y=&quot;2&quot;</a>"
    )


CROSSREF = """
@inproceedings{part, author = {Doe, J.}, title = {A talk}, crossref = {whole}, pages = {10--12}}
@proceedings{whole, editor = {Roe, R.}, title = {Proceedings of X}, location = {Berlin},
             publisher = {Springer}, year = 2001}
"""


def test_crossref_fields_and_editors_are_inherited():
    expected = (
        "Doe J. A talk. In: Roe R, editor. Proceedings of X. Berlin: Springer; 2001. p. 10-2."
    )
    assert text(CROSSREF, "part") == expected
    bib = parse_string(CROSSREF, "bibtex")
    bibliography = VancouverStyle().format_bibliography(bib, ["part"])
    assert [entry.text.render_as("text") for entry in bibliography][0] == expected
    assert VancouverStyle.missing_fields(bib.entries["part"], bib) == []


# --- missing fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bibtex", "shown", "missing"),
    [
        ("@article{k, title = {Only a title}}", "Only a title.", ["author", "journal", "year"]),
        ("@article{k, author = {Doe, J.}, journal = {J}}", "Doe J. J.", ["title", "year"]),
        ("@misc{k}", "k", ["title"]),  # nothing at all: the key
        ("@book{k, title = {B}, year = 2000}", "B. 2000.", ["author", "publisher"]),
        ("@online{k, title = {W}}", "W.", ["url", "urldate"]),
        ("@phdthesis{k, author = {A, B}, title = {T}, institution = {U}, date = 2001}",
         "A B. T [dissertation]. U; 2001.", []),
    ],
)
def test_missing_fields_show_what_is_there(bibtex, shown, missing):
    bib = parse_string(bibtex, "bibtex")
    entry = bib.entries["k"]
    assert VancouverStyle().format_entry("k", entry).text.render_as("text") == shown
    assert VancouverStyle.missing_fields(entry) == missing


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    before=st.text(st.sampled_from("ab01-.,:;()AZ/+<>'`?!~\"=_&%*é"), max_size=6),
    dashes=st.sampled_from(["--", "---", "----"]),
    after=st.text(st.sampled_from("ab01-.,:;()AZ/+<>'`?!~\"=_&%*é"), max_size=6),
)
def test_a_word_decoded_without_the_codec_reads_as_the_codec_reads_it(before, dashes, after):
    word = before + dashes + after
    vancouver._decoded_word.cache_clear()
    assert vancouver._decoded_word(word) == vancouver._ulatex(word)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (r"Less \textless{} and more \textgreater{} than", "Less &lt; and more &gt; than"),
        (r"5\textless 6 and {\textgreater}x", "5&lt;6 and &gt;x"),
        (r"a\textbar b \textasciicircum{} \textunderscore{} \textdollar 5", "a|b ^ _ $5"),
        (r"\textbraceleft x\textbraceright{} \textsection 2 \texteuro 3", "{x} &#167;2 &#8364;3"),
        (r"\textquotedbl q\textquotedbl{} and \textellipsis", "&quot;q&quot; and &#8230;"),
    ],
)
def test_latex_text_symbols_latexcodec_leaves_are_their_characters(title, shown):
    assert html(article(title=title)) == f"Doe J. {shown}. J. 2000."
