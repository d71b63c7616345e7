"""What a literature-table cell can hold, in whole test sites built with the site's own Markdown
extensions (attr_list among them): script payloads stay text, and a link shown as text is a
warning; emphasis, code, safe links and citations still work; the CSV download holds what the
page shows, neutralised for spreadsheets; text that looks like a placeholder is only text; a
data file outside the project and a YAML alias bomb in the block's options give short warnings
naming the option."""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup
from hostile_cells import EXTENSIONS, HEADING, PAGE, PAYLOADS, csv_text

from bibcite.citations.extension import CitationExtension
from bibcite.tables import table
from bibcite.tables.block import TableExtension
from bibcite.tables.cells import safe_url
from bibcite.tables.registry import TableRegistry


def files(**extra: str) -> dict[str, str]:
    from conftest import DATA

    return {"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8"), **extra}


def squash(text: str) -> str:
    return " ".join(text.split())


def download(result, number: int = 1) -> list[list[str]]:
    raw = (result.site.root / "site" / "downloads" / f"table-{number}.csv").read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def hostile(site_builder):
    return site_builder(
        "hostile-cells",
        {"index.md": PAGE, "other.md": "# Other\n"},
        bib=files(**{"data/hostile.csv": csv_text()}),
        markdown_extensions=EXTENSIONS,
    )


def cells_of(result) -> list:
    html_table = BeautifulSoup(result.html("index.md"), "html.parser").find("table")
    return [tr.find("td") for tr in html_table.tbody.find_all("tr")]


def test_each_link_shown_as_text_is_a_warning_naming_its_line_and_fails_strict(hostile):
    refused = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(2)",
        "javascript&colon;alert(3)",
        "java&#115;cript:alert(4)",
        "data:text/html,<script>alert(5)</script>",
        "java&#9;script:alert(6)",
        "vbscript:msgbox(7)",
    ]
    assert hostile.warnings == [
        f"bibcite: data/hostile.csv:{line}: a cell links to '{url}', so the link is shown as "
        "text [table_cell_error] — a cell may link only to an http(s) or a relative URL: fix the "
        "link's URL"
        for line, url in enumerate(refused, start=2)
    ]
    assert hostile.error is not None


@pytest.mark.parametrize(("written", "shown"), PAYLOADS, ids=[w for w, _ in PAYLOADS])
def test_a_payload_is_shown_as_text_with_no_attribute_and_no_unsafe_link(hostile, written, shown):
    cell = cells_of(hostile)[[w for w, _ in PAYLOADS].index(written)]
    assert squash(cell.get_text()) == squash(shown)
    for element in [cell, *cell.find_all(True)]:
        assert element.name in ("td", "a"), str(cell)
        assert [name for name in element.attrs if name != "href"] == [], str(cell)
        if element.name == "a":  # the one safe link, to a fragment
            assert element["href"] == "#top"


def test_a_heading_from_the_files_header_is_text(hostile):
    html_table = BeautifulSoup(hostile.html("index.md"), "html.parser").find("table")
    heading = html_table.thead.find_all("th")[1]
    assert heading.get_text() == HEADING
    assert heading.find_all(True) == []
    assert list(heading.attrs) == ["scope"]
    assert download(hostile)[0][1] == HEADING


def test_emphasis_code_safe_links_and_citations_still_work(hostile):
    cell = cells_of(hostile)[-1]
    assert cell.em.get_text() == "Improved"
    assert cell.code.get_text() == "code"
    links = {a.get_text(): a["href"] for a in cell.find_all("a")}
    assert links == {
        "a page": "other/",  # a relative link, resolved by MkDocs like any other
        "https://example.org/x": "https://example.org/x",
        "2": "#ref-duo2002",  # the citation: numbered after the rows' own [@solo2001]
    }


def test_nothing_in_the_page_has_a_handler_or_an_unsafe_url(hostile):
    page = BeautifulSoup(hostile.html("index.md"), "html.parser")
    for element in page.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element
        for name in ("href", "src"):
            if element.get(name) is not None:
                assert urlsplit(element[name]).scheme in ("", "http", "https"), element


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript&colon;alert(1)",
        "java&#115;cript:alert(1)",
        "java&#x73;cript:alert(1)",
        " \x01javascript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "mailto:a@b.example",
        "ftp://x.example/",
        "http://[x",
    ],
)
def test_unsafe_urls_are_refused(url):
    assert not safe_url(url)


@pytest.mark.parametrize(
    "url", ["https://x.example/a?b=1&c=2", "HTTP://x.example", "page.md", "#top", "../a/", "//x"]
)
def test_safe_urls_are_allowed(url):
    assert safe_url(url)


def test_the_download_holds_what_the_page_shows(hostile):
    rows = download(hostile)[1:]
    shown = [squash(cell.get_text()) for cell in cells_of(hostile)]
    assert [squash(row[1]) for row in rows[:-1]] == shown[:-1]
    assert rows[-1][1].startswith("Improved with code, a page, https://example.org/x [Bravo B, ")


# --- spreadsheet formulas, text that looks like HTML, an unknown key ----------------------------

FORMULAS = """key,note
evil2001,"=HYPERLINK(""http://evil.example/"",""Click"")"
solo2001,+cmd|' /C calc'!A0
solo2001,-2+3
solo2001,\\@SUM(1)
solo2001,@SUM(1)
solo2001,<b>bold</b> and 1 < 2
solo2001,plain
solo2001,"  *=1+1*"
"""
EVIL_BIB = """
@article{evil2001,
  author = {{=cmd|' /C calc'!A0}},
  title = {A study},
  journal = {J Test},
  year = {2001},
}
"""


@pytest.fixture(scope="module")
def formulas(site_builder):
    bib = files(**{"data/f.csv": FORMULAS})
    bib["refs.bib"] += EVIL_BIB
    page = "# F\n\n/// literature-table | Formulas\n    data: data/f.csv\n///\n"
    return site_builder("formula-cells", {"index.md": page}, bib=bib)


def test_values_a_spreadsheet_reads_as_formulas_are_neutralised_in_the_csv(formulas):
    rows = download(formulas)
    assert [row[:2] for row in rows[1:]] == [
        ["'=cmd|' /C calc'!A0 2001", "'=HYPERLINK(\"http://evil.example/\",\"Click\")"],
        ["Alpha 2001", "'+cmd|' /C calc'!A0"],
        ["Alpha 2001", "'-2+3"],
        ["Alpha 2001", "'@SUM(1)"],
        ["Alpha 2001", "'@SUM(1)"],
        ["Alpha 2001", "<b>bold</b> and 1 < 2"],
        ["Alpha 2001", "plain"],
        ["Alpha 2001", "'=1+1"],  # as the page shows it: emphasis is not text
    ]
    assert rows[1][2].startswith("'=cmd|' /C calc'!A0. A study.")  # the reference, from the .bib


def test_the_page_shows_each_value_as_written(formulas):
    html_table = BeautifulSoup(formulas.html("index.md"), "html.parser").find("table")
    rows = [[squash(c.get_text()) for c in tr(["th", "td"])] for tr in html_table.tbody("tr")]
    assert rows == [
        ["=cmd|' /C calc'!A0 2001 [1]", '=HYPERLINK("http://evil.example/","Click")'],
        ["Alpha 2001 [2]", "+cmd|' /C calc'!A0"],
        ["Alpha 2001 [2]", "-2+3"],
        ["Alpha 2001 [2]", "@SUM(1)"],
        ["Alpha 2001 [2]", "@SUM(1)"],
        ["Alpha 2001 [2]", "<b>bold</b> and 1 < 2"],
        ["Alpha 2001 [2]", "plain"],
        ["Alpha 2001 [2]", "=1+1"],
    ]


def test_an_unescaped_at_sign_is_a_citation_of_an_unknown_key_reported_once(formulas):
    assert formulas.warnings == [
        "bibcite: data/f.csv:6: unknown citation key 'SUM' [key_not_found] — Fix the key, or add "
        "an entry with this key to the bibliography (or write '\\@SUM' to show '@SUM' as it is)"
    ]


# --- text that looks like a placeholder ----------------------------------------------------------

LOOKALIKES = [
    "bibcite-table-pending-7",
    "bibcite:table-csv/7",
    "bibcite-table-pending-0",
    "bibcite:table-csv/0",
]
FORGED = """# Forged

Text: bibcite-table-pending-7, bibcite:table-csv/7, bibcite-table-pending-0, bibcite:table-csv/0.

<bibcite-table-number data-n="7"></bibcite-table-number>
<bibcite-table-number data-n="0"></bibcite-table-number>

Cited: @forge2001.

/// literature-table | Forged
    data: data/forged.csv
///
"""
FORGE_BIB = """
@article{forge2001,
  author = {{bibcite-table-pending-7 bibcite:table-csv/0}},
  title = {A study},
  journal = {J Test},
  year = {2001},
}
"""


def test_text_that_looks_like_a_table_placeholder_is_left_as_written(site_builder):
    data = "key,note\nforge2001," + " ".join(LOOKALIKES) + "\n"
    bib = files(**{"data/forged.csv": data})
    bib["refs.bib"] += FORGE_BIB
    result = site_builder("forged-tables", {"index.md": FORGED}, bib=bib)
    assert result.error is None and result.warnings == []
    html = result.html("index.md")
    page = BeautifulSoup(html, "html.parser")
    html_table = page.find("table")
    assert html_table["id"] == "table-1"
    assert squash(html_table.caption.get_text()) == "Table 1. Forged"
    assert squash(html_table.tbody.td.get_text()) == " ".join(LOOKALIKES)
    paragraph = page.find("p")
    assert squash(paragraph.get_text()).startswith("Text: " + ", ".join(LOOKALIKES))
    assert html.count('<bibcite-table-number data-n="7"></bibcite-table-number>') == 1
    assert html.count('<bibcite-table-number data-n="0"></bibcite-table-number>') == 1
    assert "bibcite-table-pending-7 bibcite:table-csv/0 [1]" in squash(page.get_text())
    assert page.find("a", download="table-1.csv")["href"] == "downloads/table-1.csv"


# --- the data option's path and the block's options ---------------------------------------------


def test_a_data_file_outside_the_project_is_refused_without_echoing_it(tmp_path_factory):
    from conftest import build_site

    root = tmp_path_factory.mktemp("outside")
    secret = root / "secret.csv"
    secret.write_text("root:x:0:0:a secret first line\n", encoding="utf-8")
    page = (
        "# O\n\n/// literature-table | Outside\n    data: ../secret.csv\n///\n\n"
        f"/// literature-table | Absolute\n    data: {secret}\n///\n"
    )
    result = build_site(root / "project", {"index.md": page}, bib=files())
    fix = (
        "put the file in the folder of mkdocs.yml or below it, and name it in the block's "
        "'data' option relative to mkdocs.yml"
    )
    assert result.warnings == [
        f"bibcite: docs/index.md:4: the table's data file '../secret.csv' is outside the "
        f"project's folder [table_block_error] — {fix}",
        f"bibcite: docs/index.md:8: the table's data file '{secret}' is outside the project's "
        f"folder [table_block_error] — {fix}",
    ]
    assert "secret first line" not in result.html("index.md")


BOMB = """# Bomb

/// literature-table | Bomb
    data: data/t.csv
    columns: &e [&d [&c [&b [&a [x, x, x, x, x, x, x, x, x], *a, *a, *a, *a, *a, *a, *a, *a],
      *b, *b, *b, *b, *b, *b, *b, *b], *c, *c, *c, *c, *c, *c, *c, *c], *d, *d, *d, *d, *d, *d,
      *d, *d]
    order: *e
///
"""


def test_a_yaml_alias_bomb_gives_short_warnings(site_builder):
    start = time.perf_counter()
    result = site_builder(
        "alias-bomb", {"index.md": BOMB}, bib=files(**{"data/t.csv": "key,x\nsolo2001,1\n"})
    )
    assert time.perf_counter() - start < 10
    assert result.warnings, "the bad options are reported"
    assert all(len(line) < 400 for line in result.warnings), max(result.warnings, key=len)
    assert (
        "bibcite: docs/index.md:8: the option 'order' must be text, not [[...], [...], [...], "
        "[...], ...] [table_block_error] — write 'order: <text>'"
    ) in result.warnings


def test_raw_html_copying_a_citation_placeholder_is_left_as_written(site_builder):
    page = (
        "# P\n\nReal [@solo2001].\n\n"
        '<bibcite-cite data-n="1"></bibcite-cite>\n\n'
        '<div class="bibcite-bibliography-placeholder" data-include="all"></div>\n'
    )
    result = site_builder("forged-citations", {"index.md": page})
    assert result.error is None and result.warnings == []
    html = result.html("index.md")
    assert html.count('id="cite-1"') == 1  # the one real citation, filled once
    assert '<p><bibcite-cite data-n="1"></bibcite-cite></p>' in html
    assert '<div class="bibcite-bibliography-placeholder" data-include="all"></div>' in html


# --- the cells' Markdown in a bare Markdown instance ----------------------------------------------


def test_a_cells_html_in_a_page_with_attribute_lists(tmp_path):
    class Catalog:
        def key(self, written):
            return written if written == "a" else None

        def keys(self):
            return ["a"]

        def authors(self, key):
            return "A"

        def year(self, key):
            return "2000"

        def text(self, key):
            return "Reference a."

    class Recorder:
        def record_page(self, groups, *, bibliography, **_):
            pass

    cell = "*e* `c{d}` [l](https://x.example) [j](javascript:x) ![i](i) <b>b</b> {: onclick=x }"
    (tmp_path / "t.csv").write_text(f'key,note\na,"{cell}"\n', encoding="utf-8")
    tables, citations = TableRegistry(), CitationExtension(Recorder(), references_heading=None)
    md = markdown.Markdown(
        extensions=[
            citations,
            TableExtension(tables, citations, Catalog(), str(tmp_path)),
            "attr_list",
        ]
    )
    html = md.convert("/// literature-table | T\n    data: t.csv\n///\n")
    td = BeautifulSoup(html, "html.parser").find("td")
    assert td.decode_contents() == (
        '<em>e</em> <code>c{d}</code> <a href="https://x.example">l</a> [j](javascript:x) '
        "![i](i) &lt;b&gt;b&lt;/b&gt; {: onclick=x }"
    )
    assert tables.problems() == []


def test_a_long_first_header_cell_is_shown_shortened():
    data, problems = table.parse_csv("x" * 500 + ",a\nk,1\n", "t.csv")
    assert data is None
    assert [p.message for p in problems] == [
        "the first column of the header is '" + "x" * 59 + "…', not 'key'"
    ]



@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("1 = 1", "1 = 1"),
        ("a-b", "a-b"),
        ("", ""),
    ],
)
def test_a_value_that_could_start_a_formula_gets_a_single_quote(value, written):
    assert table.neutralised(value) == written
