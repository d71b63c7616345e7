"""CSL styles on whole MkDocs sites: author-date (APA) and numeric (AMA) citations and lists,
numbered across pages; the errors an author meets (an unknown, dependent or broken style, no
pandoc, a pandoc too old); and the cache that spares a warm build its pandoc run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_once, build_site, make_site, new_process

from bibcite.styles.csl import pandoc

PAGES = {
    "index.md": (
        "# One\n\n"
        "Bracketed [@solo2001], grouped [@duo2002; @trio2003], narrative @many2004 says so, "
        "its year alone [-@solo2001], and a locator [see @duo2002, p. 33].\n"
    ),
    "two.md": "# Two\n\nAgain [@solo2001], and a new one [@doe:2005.a].\n",
    "refs.md": "# References\n\n<!-- bibcite:bibliography -->\n",
}
NAV = ["index.md", "two.md", "refs.md"]


def _citations(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [span.get_text() for span in soup.select("span.bibcite-citation")]


def _entries(html: str, page_list: str = ".bibcite-references") -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        " ".join(item.select_one(".bibcite-entry").get_text().split())
        for item in soup.select(f"{page_list} > li")
    ]


def _labels(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [label.get_text() for label in soup.select(".bibcite-csl-label")]


@pytest.fixture(scope="module")
def apa(tmp_path_factory):
    return build_site(
        tmp_path_factory.mktemp("apa"),
        PAGES,
        nav=NAV,
        options={"style": "apa", "per_page_references": False},
    )


@pytest.fixture(scope="module")
def ama(tmp_path_factory):
    return build_site(
        tmp_path_factory.mktemp("ama"),
        PAGES,
        nav=NAV,
        options={"style": "american-medical-association"},
    )


def test_an_apa_site_builds_strict_with_author_date_citations(apa):
    assert (apa.messages, apa.error) == ([], None)
    assert _citations(apa.html("index.md")) == [
        "(Alpha, 2001)",
        "(Bravo & Charlie, 2002; Delta et al., 2003)",
        "Golf et al. (2004)",
        "(2001)",
        "(see Bravo & Charlie, 2002, p. 33)",
    ]
    assert _citations(apa.html("two.md")) == ["(Alpha, 2001)", "(Hotel, 2005)"]


def test_apa_citations_link_to_their_entries_titled_by_the_reference(apa):
    soup = BeautifulSoup(apa.html("two.md"), "html.parser")
    link = soup.select_one("#cite-1 a.bibcite-ref")
    assert link["href"] == "../refs/#ref-solo2001"  # no list of its own: the References page
    assert link["title"] == "Alpha, A. (2001). A single-author study. J Test, 1, 1–5."
    assert link.get_text() == "Alpha, 2001"
    # A year alone names no "Reference 2001": the link's text is its name.
    year_only = BeautifulSoup(apa.html("index.md"), "html.parser").select_one("#cite-4 a")
    assert (year_only.get_text(), year_only.get("aria-label")) == ("2001", None)


def test_apa_lists_are_unnumbered_in_the_styles_order(apa):
    html = apa.html("refs.md")
    assert BeautifulSoup(html, "html.parser").select_one("ul.bibcite-references.bibcite-csl")
    assert _labels(html) == []
    assert _entries(html) == [
        "Alpha, A. (2001). A single-author study. J Test, 1, 1–5.",
        "Bravo, B., & Charlie, C. (2002). A two-author study. J Test, 2, 10–19.",
        "Delta, D., Echo, E., & Foxtrot, F. (2003). A three-author study. J Test, 3, 20–29.",
        "Golf, G. et al. (2004). A study with more authors than listed. J Test, 4, 30–39.",
        "Hotel, H. (2005). A key with a colon and a dot. J Test, 5, 40–49.",
    ]
    # Each page's own list: its entries only, in the same order, with back-links.
    assert _entries(apa.html("two.md")) == []  # per_page_references: false


def test_an_ama_site_numbers_across_pages_in_superscript(ama):
    assert (ama.messages, ama.error) == ([], None)
    index = BeautifulSoup(ama.html("index.md"), "html.parser")
    assert [span.sup.get_text() for span in index.select("span.bibcite-citation")] == [
        "1",
        "2,3",
        "4",
        "1",
        "see 2(p33)",
    ]
    # The page's text runs into the superscript: pandoc writes no space before it. A narrative
    # citation names the authors, which numeric styles leave out, as the pybtex styles do.
    assert "Bracketed<span" in ama.html("index.md")
    assert _citations(ama.html("index.md"))[2] == "Golf et al.4"
    assert "narrative <span" in ama.html("index.md")
    assert _citations(ama.html("two.md")) == ["1", "5"]
    assert _labels(ama.html("refs.md")) == ["1.", "2.", "3.", "4.", "5."]
    assert _entries(ama.html("two.md")) == [
        "Alpha A. A single-author study. J Test. 2001;1:1-5.",
        "Hotel H. A key with a colon and a dot. J Test. 2005;5:40-49.",
    ]
    assert _labels(ama.html("two.md")) == ["1.", "5."]


def test_ama_collapses_a_run_of_three_and_names_numbers_for_screen_readers(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "Three [@solo2001; @duo2002; @trio2003].\n"},
        options={"style": "american-medical-association"},
    )
    soup = BeautifulSoup(result.html("index.md"), "html.parser")
    assert soup.select_one("span.bibcite-citation").get_text() == "1–3"
    assert [a["aria-label"] for a in soup.select("a.bibcite-ref")] == [
        "Reference 1",
        "Reference 3",
    ]


def test_ieee_brackets_and_nocite_entries_come_after_the_cited(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "---\nnocite: [uncited2006]\n---\nOne [@trio2003].\n"},
        options={"style": "ieee"},
    )
    assert (result.messages, result.error) == ([], None)
    html = result.html("index.md")
    assert _citations(html) == ["[1]"]
    assert _labels(html) == ["[1]", "[2]"]
    assert _entries(html)[1].startswith("I. India, “An entry nobody cites,”")


def test_bibliography_blocks_sort_in_the_styles_order(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "Cites [@trio2003; @solo2001].\n\n/// bibliography\n    entries: all\n///\n"},
        options={"style": "apa", "per_page_references": False},
    )
    assert (result.messages, result.error) == ([], None)
    names = [entry.split(",")[0] for entry in _entries(result.html("index.md"))]
    assert names == ["Alpha", "Bravo", "Delta", "Golf", "Hotel", "India"]


# --- errors --------------------------------------------------------------------------------


def _error(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="{locale}">
  <info>
    <title>A journal</title>
    <id>http://www.zotero.org/styles/a-journal</id>
    <link href="http://www.zotero.org/styles/a-journal" rel="self"/>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
    <category citation-format="numeric"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


def test_a_dependent_style_names_the_parent_to_download(tmp_path, caplog):
    (tmp_path / "a-journal.csl").write_text(
        DEPENDENT.format(parent="elsevier-vancouver", locale="en-US")
    )
    result = build_site(
        tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "a-journal.csl"}
    )
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        f"bibcite: option 'style': {tmp_path / 'a-journal.csl'}: style 'a-journal.csl' is a "
        "dependent CSL style: it only points at its parent, "
        "http://www.zotero.org/styles/elsevier-vancouver; download the parent style "
        "(elsevier-vancouver.csl) and set style to its path"
    ]


def test_a_dependent_style_of_a_shipped_parent_uses_it_with_its_own_locale(tmp_path):
    (tmp_path / "a-journal.csl").write_text(DEPENDENT.format(parent="apa", locale="de-DE"))
    result = build_site(
        tmp_path,
        {"index.md": "One [@duo2002].\n"},
        options={"style": "a-journal.csl"},
    )
    assert (result.messages, result.error) == ([], None)
    assert _citations(result.html("index.md")) == ["(Bravo & Charlie, 2002)"]
    assert _entries(result.html("index.md")) == [
        "Bravo, B., & Charlie, C. (2002). A two-author study. J Test, 2, 10–19."
    ]


def test_a_broken_style_is_reported_with_its_file_and_line(tmp_path, caplog):
    (tmp_path / "broken.csl").write_text(
        '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">\n'
        "  <info>\n  </inf>\n</style>\n"
    )
    result = build_site(
        tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "broken.csl"}
    )
    assert str(result.error) == "Aborted with a BuildError!"
    [message] = _error(caplog)
    assert message.startswith(
        f"bibcite: option 'style': {tmp_path / 'broken.csl'}:4: style 'broken.csl' is not "
        "well-formed XML (mismatched tag: line 4, column 4); fix the file"
    )


def test_a_missing_style_file_says_where_it_was_looked_for(tmp_path, caplog):
    result = build_site(tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "gone.csl"})
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        f"bibcite: option 'style': style 'gone.csl': cannot read {tmp_path / 'gone.csl'} "
        "(No such file or directory); check the path, which is relative to the configuration "
        "file"
    ]


def test_without_pandoc_the_error_says_how_to_install_it(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(pandoc, "_bundled", lambda: None)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = build_site(tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "apa"})
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        "bibcite: CSL styles need pandoc 3, and none was found; install the csl extra "
        "(pip install 'mkdocs-bibcite[csl]') or pandoc 3 on PATH"
    ]


def _fake_pandoc(folder: Path, version: str) -> Path:
    folder.mkdir()
    script = folder / "pandoc"
    script.write_text(f"#!/bin/sh\necho 'pandoc {version}'\necho 'Features: +server'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_pandoc_older_than_3_is_an_error_naming_its_version(tmp_path, caplog, monkeypatch):
    script = _fake_pandoc(tmp_path / "bin", "2.17.1.1")
    monkeypatch.setattr(pandoc, "_bundled", lambda: None)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    result = build_site(tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "apa"})
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        f"bibcite: CSL styles need pandoc 3 or later, and {script} is pandoc 2.17; install the "
        "csl extra (pip install 'mkdocs-bibcite[csl]') or pandoc 3 on PATH"
    ]


def test_page_numbering_is_for_pybtex_styles(tmp_path, caplog):
    result = build_site(
        tmp_path,
        {"index.md": "One [@solo2001].\n"},
        options={"style": "apa", "numbering": "page"},
    )
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        "bibcite: option 'numbering': 'page' is for pybtex styles; a CSL style numbers as the "
        "style says, across the site; remove numbering, or choose a pybtex style"
    ]


def test_a_bad_timeout_is_a_config_error(tmp_path):
    from bibcite.mkdocs.plugin import BibcitePlugin

    (tmp_path / "a.bib").write_text("")
    errors, _ = BibcitePlugin().load_config(
        {"bibliography": "a.bib", "style": "apa", "csl_timeout": 0},
        config_file_path=str(tmp_path / "mkdocs.yml"),
    )
    assert [(key, str(error)) for key, error in errors] == [
        ("csl_timeout", "Expected a number of seconds above 0, got 0.")
    ]


def test_a_pandoc_over_its_time_is_an_error_saying_what_to_do(tmp_path, caplog, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "pandoc"
    script.write_text(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pandoc 3.9'; exit 0; fi\nsleep 5\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pandoc, "_bundled", lambda: None)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    result = build_site(
        tmp_path,
        {"index.md": "One [@solo2001].\n"},
        options={"style": "apa", "csl_timeout": 0.5},
    )
    assert str(result.error) == "Aborted with a BuildError!"
    assert _error(caplog) == [
        "bibcite: pandoc took longer than 0.5 s to format the references; raise the option "
        "csl_timeout, or cite fewer entries per build (author-date styles disambiguate "
        "slowly with thousands of references)"
    ]


# --- the cache -------------------------------------------------------------------------------


def _counting(monkeypatch) -> list[str]:
    runs: list[str] = []
    real = pandoc.run

    def counted(*args, **kwargs):
        runs.append(kwargs["style"])
        return real(*args, **kwargs)

    monkeypatch.setattr(pandoc, "run", counted)
    return runs


def _rebuild(site, notes: list[str] | None = None) -> tuple[list[str], object]:
    new_process()
    return build_once(site.load(), notes)


def test_a_warm_build_starts_no_pandoc_and_a_change_formats_again(tmp_path, monkeypatch):
    runs = _counting(monkeypatch)
    started = []
    real_version = pandoc.check_version
    monkeypatch.setattr(
        pandoc, "check_version", lambda tool: started.append(tool) or real_version(tool)
    )
    site = make_site(tmp_path, PAGES, nav=NAV, options={"style": "apa"})
    first = _rebuild(site)
    cold = site.html("index.md")
    assert (first, len(runs), len(started)) == (([], None), 1, 1)

    notes: list[str] = []
    assert _rebuild(site, notes) == ([], None)
    assert (len(runs), len(started), site.html("index.md")) == (1, 1, cold)
    # Nor does it parse an entry: the cache key is the .bib files' fingerprint, not the CSL-JSON.
    assert "DEBUG: bibcite: 0 of 6 entries parsed" in notes

    site.config["plugins"][0]["bibcite"]["style"] = "chicago-author-date"
    site.write({}, {})
    assert _rebuild(site) == ([], None)
    assert len(runs) == 2
    assert _citations(site.html("two.md"))[1] == "(Hotel 2005)"

    bib = (tmp_path / "refs.bib").read_text().replace("A single-author study", "Renamed")
    (tmp_path / "refs.bib").write_text(bib)
    assert _rebuild(site) == ([], None)
    assert len(runs) == 3
    assert "Renamed" in site.text("refs.md")

    (tmp_path / "docs" / "two.md").write_text("# Two\n\nOnly [@doe:2005.a].\n")
    assert _rebuild(site) == ([], None)
    assert len(runs) == 4


def test_markup_in_what_pandoc_or_a_cache_returns_reaches_no_page(tmp_path, monkeypatch):
    """What pandoc writes, and what the cache on disk (which may come from elsewhere) holds,
    passes the same allow-list on its way into the page."""
    from bibcite.styles.csl import engine

    def tampered(output: str, label) -> dict:
        return {
            "clusters": [
                [
                    1,
                    '(<a href="#ref-k1" role="doc-biblioref" onclick="x()">A</a>'
                    "<script>alert(1)</script>)",
                    False,
                ]
            ],
            "entries": [
                [
                    "k1",
                    "<i>1.</i>",
                    '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">'
                    'Alpha</a> <em style="color:red">2001</em>',
                    '"><script>alert(2)</script>',
                    "<b>Alpha</b>",
                ]
            ],
        }

    monkeypatch.setattr(engine, "_parse", tampered)
    result = build_site(tmp_path, {"index.md": "One [@solo2001].\n"}, options={"style": "apa"})
    assert (result.messages, result.error) == ([], None)
    soup = BeautifulSoup(result.html("index.md"), "html.parser")
    assert soup.select("script, img, [onclick], [onerror], [style]") == []
    assert [a["href"] for a in soup.select("a")] == ["#ref-solo2001", "#cite-1"]
    assert soup.select_one("span.bibcite-citation").get_text() == "(Aalert(1))"
    assert _entries(str(soup)) == ["Alpha 2001"]
    # The plain texts are written escaped: a label, and the title attribute.
    assert soup.select_one(".bibcite-csl-label").get_text() == "<i>1.</i>"
    assert soup.select_one("a.bibcite-ref")["title"] == '"><script>alert(2)</script>'


# --- everything else, with a CSL style ------------------------------------------------------

TABLE_PAGE = """# Review

Text [@trio2003].

/// literature-table | Studies
    data: studies.csv
    columns: [design]
///

<!-- bibcite:cite-this -->
"""
STUDIES = 'key,label,design\nsolo2001,,"Case report [see @many2004, p. 4]"\ntrio2003,,Series\n'


def test_tables_cite_this_and_downloads_read_in_the_style(tmp_path):
    site = make_site(
        tmp_path,
        {"index.md": TABLE_PAGE},
        options={"style": "apa", "cite_this": "duo2002"},
    )
    (tmp_path / "studies.csv").write_text(STUDIES)
    new_process()
    assert build_once(site.load()) == ([], None)
    soup = BeautifulSoup(site.html("index.md"), "html.parser")
    rows = [" ".join(row.get_text().split()) for row in soup.select(".bibcite-table tbody tr")]
    assert rows == [
        "Alpha 2001 (Alpha, 2001) Case report (see Golf et al., 2004, p. 4)",
        "Delta et al. 2003 (Delta et al., 2003) Series",
    ]
    # The site's own work, cited nowhere, in the style too.
    assert soup.select_one(".bibcite-cite-this-reference").get_text().startswith(
        "Bravo, B., & Charlie, C. (2002). A two-author study. J Test, 2, 10–19."
    )
    csv = (tmp_path / "site" / "downloads" / "table-1.csv").read_text(encoding="utf-8-sig")
    assert "Alpha, A. (2001). A single-author study. J Test, 1, 1–5." in csv


def test_the_locale_gives_the_styles_terms_in_the_sites_language(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "Eins [@trio2003, S. 33]; zwei @duo2002 [Kap. 2].\n"},
        options={"style": "chicago-author-date", "locale": "de-DE"},
    )
    assert (result.messages, result.error) == ([], None)
    html = result.html("index.md")
    # pandoc reads locators in the locale's words too ("S." for Seite, "Kap." for Kapitel).
    assert _citations(html) == ["(Delta u.\xa0a. 2003, 33)", "Bravo und Charlie (2002, Kap. 2)"]
    assert BeautifulSoup(html, "html.parser").h2.get_text() == "Literatur"


# --- mkdocs serve --------------------------------------------------------------------------


def test_serve_follows_edited_pages_and_the_style_file_and_survives_a_broken_one(tmp_path):
    from test_serve import Server, free_port

    site = make_site(
        tmp_path,
        {"index.md": "# Home\n\nCites [@solo2001].\n"},
        options={"style": "mine.csl"},
    )
    shipped = Path(pandoc.__file__).with_name("shipped")
    (tmp_path / "mine.csl").write_bytes((shipped / "american-medical-association.csl").read_bytes())
    server = Server(str(site.config_file), free_port())

    def rebuilt(change) -> None:
        reloads = server.count("Reloading browsers")
        change()
        server.wait_for(lambda lines: sum("Reloading browsers" in x for x in lines) > reloads)

    try:
        server.wait_for(lambda lines: any("Serving on" in line for line in lines))
        assert _citations(server.page()) == ["1"]
        rebuilt(
            lambda: (tmp_path / "docs" / "index.md").write_text(
                "# Home\n\nCites [@duo2002; @solo2001].\n"
            )
        )
        assert _citations(server.page()) == ["1,2"]
        assert _entries(server.page())[0].startswith("Bravo B, Charlie C.")
        rebuilt(lambda: (tmp_path / "mine.csl").write_bytes((shipped / "apa.csl").read_bytes()))
        assert _citations(server.page()) == ["(Alpha, 2001; Bravo & Charlie, 2002)"]
        (tmp_path / "mine.csl").write_text("<style>\n<broken\n")
        server.wait_for(lambda lines: any("not well-formed XML" in line for line in lines))
        assert server.process.poll() is None  # still serving
        rebuilt(lambda: (tmp_path / "mine.csl").write_bytes((shipped / "ieee.csl").read_bytes()))
        assert _citations(server.page()) == ["[1], [2]"]
    finally:
        server.stop()


def test_a_long_run_of_pandoc_is_said_at_info_level(tmp_path, monkeypatch):
    from bibcite.styles.csl import engine

    monkeypatch.setattr(engine, "_MANY", 2)  # 500 on a real site
    result = build_site(tmp_path, PAGES, nav=NAV, options={"style": "apa"})
    assert result.error is None
    assert result.messages == ["INFO: bibcite: formatting 5 references with apa.csl (pandoc)"]
