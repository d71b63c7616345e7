"""The literature table: its data file and block options (pure units), then whole test sites built
in-process: the rendered table (caption, headers, rows in order, links to the references,
legend, numbering across pages in nav order), the CSV download, and every author error reported
with file and line, failing --strict, with nothing dropped from the page."""

from __future__ import annotations

import csv
import io

import markdown
import pytest
from bs4 import BeautifulSoup

from bibcite.citations.extension import CitationExtension
from bibcite.tables import table
from bibcite.tables.block import TableExtension
from bibcite.tables.registry import TableRegistry

# --- the data file (pure) ----------------------------------------------------------------------


def test_rows_keep_their_first_line_across_quoted_line_breaks_and_blank_lines():
    text = '\ufeffkey,outcome\r\na,"two\r\nlines"\r\n\r\nb,"x, y"\r\n'
    data, problems = table.parse_csv(text, "t.csv")
    assert problems == []
    assert data.columns == ("outcome",)
    assert [(row.line, row.key, row.cells) for row in data.rows] == [
        (2, "a", ("two\r\nlines",)),
        (5, "b", ("x, y",)),
    ]


def test_a_header_without_the_key_column_first_is_refused():
    data, problems = table.parse_csv("study,outcome\na,b\n", "t.csv")
    assert data is None
    assert [str(p) for p in problems] == [
        "t.csv:1: the first column of the header is 'study', not 'key' [table_data_error] — "
        "start the header with 'key' and give each row's citation key in that column"
    ]


def test_a_row_of_the_wrong_length_is_reported_and_kept_whole():
    data, problems = table.parse_csv("key,a,b\nk1,1\nk2,1,2,3,4\n", "t.csv")
    assert [p.line for p in problems] == [2, 3]
    assert [row.cells for row in data.rows] == [("1", ""), ("1", "2, 3, 4")]


def test_an_unclosed_quote_is_reported_with_its_line():
    data, problems = table.parse_csv('key,a\nk1,"open\n', "t.csv")
    assert data is None
    assert [(p.where, p.line, p.category) for p in problems] == [("t.csv", 2, "table_data_error")]


def test_non_utf8_data_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("key,a\nk1,ok\nk2,caf\u00e9\n".encode("latin-1"))
    data, problems = table.read_data(str(path), "t.csv")
    assert data is None
    assert [str(p) for p in problems] == [
        "t.csv:3: the table's data file is not UTF-8 text (invalid continuation byte) "
        "[table_data_error] — save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')"
    ]


def test_block_options_are_checked_and_located():
    source = table.BlockSource(
        "docs/p.md", 10, "/// literature-table | C\n    data: [x]\n    order: 3"
    )
    spec, problems = table.parse_spec("C", {"data": ["x"]}, source)
    assert spec is None
    assert [str(p) for p in problems] == [
        "docs/p.md:11: the option 'data' must be text, not ['x'] [table_block_error] — "
        "write 'data: <text>'",
        "docs/p.md:10: the literature-table block names no data file [table_block_error] — "
        "add the option 'data: bibliography/<file>.csv' (relative to mkdocs.yml)",
    ]


# --- test sites ---------------------------------------------------------------------------------

STUDIES = """key,label,design,patients,outcome
solo2001,,Case report,1,"Improved [see @duo2002, p. 4]"
many2004,,Case series,12,not reported
trio2003,Our case ({year}),Case report,1,*Died*
duo2002,,not reported,5,not reported
"""

PAGE_B = """# B

Text [@trio2003].

/// literature-table | Studies by year
    data: data/studies.csv
    columns:
      design: Design
      patients: Patients
      outcome: Outcome
    order: year
///
"""

PAGE_A = """# A

See [Table 1](b.md#table-1).

/// literature-table | Studies by size, largest first
    data: data/studies.csv
    columns: [patients, outcome]
    order: patients desc
    first_column: Study

A note under the table.
///
"""


def files(**csv_files: str) -> dict[str, str]:
    from conftest import DATA

    return {"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8"), **csv_files}


@pytest.fixture(scope="module")
def two_tables(site_builder):
    # The nav puts b.md first, so its table is Table 1 although a.md comes first by name.
    return site_builder(
        "two-tables",
        {"a.md": PAGE_A, "b.md": PAGE_B},
        bib=files(**{"data/studies.csv": STUDIES}),
        nav=[{"B": "b.md"}, {"A": "a.md"}],
    )


def soup(result, page):
    return BeautifulSoup(result.html(page), "html.parser")


def squash(text: str) -> str:
    return " ".join(text.split())


def rows_of(html_table):
    return [
        [squash(cell.get_text(" ")) for cell in tr.find_all(["th", "td"])]
        for tr in html_table.tbody.find_all("tr")
    ]


def test_the_two_table_site_builds_without_a_warning(two_tables):
    assert two_tables.error is None
    assert two_tables.warnings == []


def test_pages_read_alike_with_or_without_a_table(site_builder):
    """The block is registered only for pages that have one; a page without still reads a
    backslash-slash as pymdownx.blocks reads it on the page with one, and an indented table is
    still found."""
    nested = "\n".join("    " + line for line in PAGE_A.splitlines())
    result = site_builder(
        "with-and-without",
        {
            "a.md": PAGE_A + "\nEscaped a\\/b.\n",
            "plain.md": "# Plain\n\nEscaped a\\/b, cited [@solo2001].\n",
            "nested.md": f"# Nested\n\n- A list item holding a table:\n\n{nested}\n",
        },
        bib=files(**{"data/studies.csv": STUDIES}),
    )
    assert result.warnings == []
    assert "<p>Escaped a/b.</p>" in result.html("a.md")
    assert "<p>Escaped a/b, cited " in result.html("plain.md")
    assert soup(result, "a.md").find("table", id="table-1") is not None
    assert soup(result, "nested.md").find("li").find("table") is not None
    assert "literature-table" not in soup(result, "nested.md").get_text()


def test_caption_is_numbered_and_the_table_linkable(two_tables):
    html_table = soup(two_tables, "b.md").find("table")
    assert html_table["id"] == "table-1"
    assert squash(html_table.caption.get_text(" ")) == "Table 1. Studies by year"
    region = html_table.find_parent("div", class_="bibcite-table-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == html_table.caption["id"] == "table-1-caption"


def test_headers_are_column_headers_and_rows_are_in_the_default_order(two_tables):
    html_table = soup(two_tables, "b.md").find("table")
    headers = html_table.thead.find_all("th")
    assert [(squash(th.get_text()), th["scope"]) for th in headers] == [
        ("Report", "col"),
        ("Design", "col"),
        ("Patients", "col"),
        ("Outcome", "col"),
    ]
    assert rows_of(html_table) == [
        ["Alpha 2001 [ 2 ]", "Case report", "1", "Improved [see 3 , p. 4]"],
        ["Bravo and Charlie 2002 [ 3 ]", "not reported", "5", "not reported"],
        ["Our case (2003) [ 1 ]", "Case report", "1", "Died"],
        ["Golf et al. 2004 [ 4 ]", "Case series", "12", "not reported"],
    ]
    assert all(th["scope"] == "row" for th in html_table.tbody.find_all("th"))
    assert html_table.tbody.find("em").get_text() == "Died"  # Markdown in a cell is rendered


def test_each_row_links_to_its_reference_with_the_site_wide_number(two_tables):
    page = soup(two_tables, "b.md")
    links = [
        (a["href"], a.get_text())
        for a in (th.find("a", class_="bibcite-ref") for th in page.find("table").tbody("th"))
    ]
    assert links == [
        ("#ref-solo2001", "2"),
        ("#ref-duo2002", "3"),
        ("#ref-trio2003", "1"),
        ("#ref-many2004", "4"),
    ]
    listed = [li["id"] for li in page.select("ol.bibcite-references li")]
    assert listed == ["ref-trio2003", "ref-solo2001", "ref-duo2002", "ref-many2004"]


def test_not_reported_cells_are_marked_and_explained_under_the_table(two_tables):
    html_table = soup(two_tables, "b.md").find("table")
    marked = html_table.select("td.bibcite-not-reported")
    assert [squash(td.get_text()) for td in marked] == ["not reported"] * 3
    legend = html_table.find_next("p")
    assert "bibcite-table-legend" in legend["class"]
    assert squash(legend.get_text(" ")) == "not reported : the source does not state this."
    assert legend.find(class_="bibcite-not-reported") is not None


def test_the_second_page_holds_table_2_in_its_own_order_and_notes(two_tables):
    page = soup(two_tables, "a.md")
    html_table = page.find("table")
    assert html_table["id"] == "table-2"
    assert squash(html_table.caption.get_text(" ")) == "Table 2. Studies by size, largest first"
    assert [squash(th.get_text()) for th in html_table.thead("th")] == [
        "Study",
        "patients",
        "outcome",
    ]
    assert html_table.thead("th")[1]["aria-sort"] == "descending"
    assert [row[0] for row in rows_of(html_table)] == [
        "Golf et al. 2004 [ 4 ]",
        "Bravo and Charlie 2002 [ 3 ]",
        "Alpha 2001 [ 2 ]",
        "Our case (2003) [ 1 ]",
    ]
    notes = page.select_one(".bibcite-table-notes")
    assert squash(notes.get_text()) == "A note under the table."


def test_download_links_point_to_each_tables_csv(two_tables):
    for page, number in (("b.md", 1), ("a.md", 2)):
        link = soup(two_tables, page).select_one(".bibcite-table-download a")
        assert (link.get_text(), link["href"], link["download"]) == (
            "Download CSV",
            f"../downloads/table-{number}.csv",
            f"table-{number}.csv",
        )
        assert (two_tables.site.root / "site" / "downloads" / f"table-{number}.csv").is_file()


def test_the_csv_holds_the_rendered_table_with_references_expanded(two_tables):
    raw = (two_tables.site.root / "site" / "downloads" / "table-1.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # a byte-order mark, for spreadsheets
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == 5
    assert rows[0] == ["Report", "Design", "Patients", "Outcome", "Reference"]
    assert [row[0] for row in rows[1:]] == [
        "Alpha 2001",
        "Bravo and Charlie 2002",
        "Our case (2003)",
        "Golf et al. 2004",
    ]
    assert rows[1][3].startswith("Improved [see Bravo B, Charlie C. A two-author study.")
    assert rows[1][3].endswith(", p. 4]")
    assert rows[3][3] == "Died"  # Markdown rendered to text
    assert rows[4][3] == "not reported"
    assert rows[1][4].startswith("Alpha A. A single-author study.")


def test_a_link_to_a_table_anchor_passes_strict_validation(two_tables):
    link = soup(two_tables, "a.md").find("a", string="Table 1")
    assert link["href"] == "../b/#table-1"


# --- errors ---------------------------------------------------------------------------------------

BAD = """key,design,patients
solo2001,Case report,1
nosuchkey,Case series,3
duo2002,Case report
trio2003,"Case report, single",1,extra
many2004,Case [@nokey2],2
"""

GOOD = "key,design,patients\nsolo2001,Case report,1\n"

ERRORS = """# Errors

/// literature-table | Unknown keys and wrong cells
    data: data/bad.csv
///

/// literature-table | Missing file
    data: data/nope.csv
///

/// literature-table | Missing column
    data: data/good.csv
    columns:
      design: Design
      dose: Dose
///

/// literature-table | Not UTF-8
    data: data/latin.csv
///

/// literature-table | Unreadable options
    data: [unclosed
///
"""


@pytest.fixture(scope="module")
def errors(site_builder):
    return site_builder(
        "table-errors",
        {"index.md": ERRORS},
        bib={
            **files(**{"data/bad.csv": BAD, "data/good.csv": GOOD}),
            "data/latin.csv": "key,a\nsolo2001,ok\nduo2002,caf\u00e9\n".encode("latin-1"),
        },
    )


KEY_FIX = "Fix the key, or add an entry with this key to the bibliography"
ROW_FIX = (
    "add or remove cells so that each row matches the header (quote a cell that holds a comma: "
    '"a, b")'
)


@pytest.mark.parametrize(
    "message",
    [
        f"data/bad.csv:3: unknown citation key 'nosuchkey' [key_not_found] — {KEY_FIX}",
        f"data/bad.csv:4: the row has 2 cells, the header has 3 [table_row_error] — {ROW_FIX}",
        f"data/bad.csv:5: the row has 4 cells, the header has 3 [table_row_error] — {ROW_FIX}",
        f"data/bad.csv:6: unknown citation key 'nokey2' [key_not_found] — {KEY_FIX} (or write "
        "'\\@nokey2' to show '@nokey2' as it is)",
        "docs/index.md:8: cannot read the table's data file 'data/nope.csv': No such file or "
        "directory [table_data_error] — fix the path in the block's 'data' option (relative to "
        "mkdocs.yml)",
        "docs/index.md:15: the column 'dose' is not in data/good.csv (its columns: design, "
        "patients) [table_column_error] — fix the name in the block's 'columns', or add the "
        "column to the file",
        "data/latin.csv:3: the table's data file is not UTF-8 text (invalid continuation byte) "
        "[table_data_error] — save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        "docs/index.md:22: this literature-table block could not be read, so it is shown as text "
        "[table_block_error] — indent its options by 4 spaces right under the '///' line, as YAML "
        "('name: value'); known options: data, columns, order, first_column, missing, legend, "
        "download",
    ],
    ids=[
        "unknown-key",
        "too-few-cells",
        "too-many-cells",
        "unknown-key-in-cell",
        "missing-file",
        "missing-column",
        "not-utf8",
        "unreadable-block",
    ],
)
def test_each_error_is_one_warning_with_file_and_line(errors, message):
    assert errors.warnings.count(f"bibcite: {message}") == 1, "\n".join(errors.warnings)


def test_errors_fail_a_strict_build_and_nothing_else_is_reported(errors):
    assert errors.error is not None
    assert len(errors.warnings) == 8, "\n".join(errors.warnings)


def test_nothing_is_dropped_from_the_page(errors):
    page = soup(errors, "index.md")
    first = page.find("table")
    assert rows_of(first) == [
        ["Alpha 2001 [ 1 ]", "Case report", "1"],
        ["?nosuchkey", "Case series", "3"],
        ["Bravo and Charlie 2002 [ 2 ]", "Case report", ""],
        ["Delta et al. 2003 [ 3 ]", "Case report, single", "1, extra"],
        ["Golf et al. 2004 [ 4 ]", "Case [@nokey2]", "2"],
    ]
    missing = page.find_all("table")[1]
    assert "data/nope.csv could not be used" in squash(missing.get_text(" "))
    columns = page.find_all("table")[2]
    assert [squash(th.get_text()) for th in columns.thead("th")] == ["Report", "Design", "Dose"]
    assert "/// literature-table | Unreadable options" in page.get_text()


# --- the block in a bare Markdown instance --------------------------------------------------------


def test_the_tables_citations_are_numbered_in_reading_order_with_the_page(tmp_path):
    class Recorder:
        groups = None

        def record_page(self, groups, *, bibliography, **_):
            self.groups = groups

    class Catalog:
        def key(self, written):
            return written if written in ("a", "b", "c") else None

        def keys(self):
            return ["a", "b", "c"]

        def authors(self, key):
            return key.upper()

        def year(self, key):
            return "2000"

        def text(self, key):
            return f"Reference {key}."

    (tmp_path / "t.csv").write_text("key,note\nb,see [@c]\na,plain\n", encoding="utf-8")
    recorder, tables = Recorder(), TableRegistry()
    citations = CitationExtension(recorder)
    md = markdown.Markdown(
        extensions=[citations, TableExtension(tables, citations, Catalog(), str(tmp_path))]
    )
    source = "Before [@a].\n\n/// literature-table | T\n    data: t.csv\n///\n\nAfter [@c]."
    html = md.convert(source)
    assert [group.keys for group in recorder.groups] == [("a",), ("b",), ("c",), ("a",), ("c",)]
    assert "B 2000 " in html and "A 2000 " in html
    assert tables.problems() == []


def test_an_order_naming_no_column_is_reported_and_the_file_order_kept():
    class Catalog:
        def key(self, written):
            return written

        def keys(self):
            return []

        def authors(self, key):
            return key

        def year(self, key):
            return "2000"

        def text(self, key):
            return key

    source = table.BlockSource(
        "docs/p.md", 3, "/// literature-table | C\n    data: t.csv\n    order: dose"
    )
    spec, problems = table.parse_spec("C", {"data": "t.csv", "order": "dose"}, source)
    data, more = table.parse_csv("key,size\nb,2\na,1\n", "t.csv")
    built, found = table.build(spec, data, Catalog())
    assert problems == more == []
    assert [str(p) for p in found] == [
        "docs/p.md:5: the table cannot be ordered by 'dose' [table_block_error] — use one of: "
        "file, year, label, key, size (add ' desc' to reverse)"
    ]
    assert [row.key for row in built.rows] == ["b", "a"]
