"""Author diagnostics of each build: the summary line, entries never cited (debug), one DOI under
two keys, capitals a title-re-casing style would lose; details only with `mkdocs build -v`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, load_text, make_site

from bibcite.bibliography.load import load
from bibcite.citations import diagnostics

REFS = (DATA / "refs.bib").read_text(encoding="utf-8")


# --- the summary line ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_pages(site_builder):
    return site_builder(
        "two-pages",
        {
            "index.md": "Cites [@solo2001; @duo2002] and [@Solo2001].\n",
            "other.md": "Cites [@solo2001], [@nope] and [@nope].\n\nNo citation here.\n",
            "plain.md": "Cites nobody.\n",
        },
        strict=False,
    )


def test_one_summary_line_per_build(two_pages):
    assert [line for line in two_pages.notes if line.startswith("INFO")] == [
        "INFO: bibcite: 2 references cited on 2 pages; 1 unknown key; "
        "4 entries never cited; 1 warning"
    ]
    assert two_pages.warnings == [
        "bibcite: docs/other.md:1: unknown citation key 'nope' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography",
    ]


def test_entries_never_cited_are_debug_details_with_file_and_line(two_pages):
    assert [line for line in two_pages.notes if "[never_cited]" in line] == [
        f"DEBUG: bibcite: refs.bib:{line}: entry '{key}' is never cited [never_cited] — "
        "cite it, or remove it from the bibliography"
        for key, line in [
            ("trio2003", 22),
            ("many2004", 31),
            ("doe:2005.a", 40),
            ("uncited2006", 49),
        ]
    ]
    assert not any("never cited" in line for line in two_pages.messages)


def test_a_log_that_hides_debug_still_counts_the_entries_never_cited(site_builder):
    """The per-entry details are made only for a log that shows them (`mkdocs build -v`); the
    summary line counts them all the same."""
    result = site_builder(
        "info-log",
        {"index.md": "Cites [@solo2001] and [@nope].\n"},
        strict=False,
        shown=logging.INFO,
    )
    assert result.notes == [
        "INFO: bibcite: 1 reference cited on 1 page; 1 unknown key; "
        "5 entries never cited; 1 warning"
    ]
    assert result.warnings == [
        "bibcite: docs/index.md:1: unknown citation key 'nope' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography",
    ]


def test_the_summary_counts_missing_fields_and_the_bib_files_warnings(site_builder):
    bib = (DATA / "missing-field.bib").read_text() + (DATA / "duplicates.bib").read_text()
    result = site_builder("summary-warnings", {"index.md": "[@nojournal]\n"}, bib={"refs.bib": bib})
    count = len(result.warnings)
    assert count == 4  # duplicate key, duplicate field, undefined macro, missing field
    assert result.notes[-1] == (
        "INFO: bibcite: 1 reference cited on 1 page; 0 unknown keys; "
        f"{4 - 1} entries never cited; {count} warnings"
    )


def test_the_summary_of_a_site_without_citations(site_builder):
    result = site_builder("no-citations", {"index.md": "Nothing cited.\n"})
    assert result.notes[-1] == (
        "INFO: bibcite: 0 references cited on 0 pages; 0 unknown keys; "
        "6 entries never cited; 0 warnings"
    )
    assert (result.messages, result.error) == ([], None)


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        (
            diagnostics.Counts(1, 1, 1, 1, 1),
            "1 reference cited on 1 page; 1 unknown key; 1 entry never cited; 1 warning",
        ),
        (
            diagnostics.Counts(0, 0, 0, 0, 0),
            "0 references cited on 0 pages; 0 unknown keys; 0 entries never cited; 0 warnings",
        ),
        (
            diagnostics.Counts(4, 6, 2, 3, 5),
            "4 references cited on 6 pages; 2 unknown keys; 3 entries never cited; 5 warnings",
        ),
    ],
)
def test_summary_line_wording(counts, line):
    assert diagnostics.summary_line(counts) == line


# --- the same DOI under two keys -----------------------------------------------------------------

SAME_DOI = """\
@article{first,
  author = {Alpha, Ann}, title = {One work}, journal = {J Test}, year = {2001},
  doi = {10.1000/ABC.1},
}

@article{other,
  author = {Bravo, Ben}, title = {Another work}, journal = {J Test}, year = {2002},
  doi = {10.1000/xyz},
}

@article{second,
  author = {Alpha, Ann}, title = {One work, again}, journal = {J Test}, year = {2001},
  doi = {https://doi.org/10.1000/abc.1},
}
"""


def test_the_same_doi_under_two_keys_names_both_entries(site_builder, tmp_path):
    result = site_builder(
        "same-doi", {"index.md": "[@first; @second]\n"}, bib={"refs.bib": SAME_DOI}, strict=False
    )
    assert result.warnings == [
        "bibcite: refs.bib:11: entries 'first' (refs.bib:1) and 'second' (refs.bib:11) have the "
        "same DOI 10.1000/abc.1 [duplicate_doi] — keep one entry and cite it by one key",
    ]


def test_the_same_doi_across_two_files(tmp_path):
    (tmp_path / "a.bib").write_text(SAME_DOI.split("@article{second")[0])
    (tmp_path / "b.bib").write_text("\n@article{second" + SAME_DOI.split("@article{second")[1])
    bibliography = load([str(tmp_path / "a.bib"), str(tmp_path / "b.bib")], base_dir=str(tmp_path))
    assert [str(problem) for problem in diagnostics.duplicate_dois(bibliography)] == [
        "b.bib:2: entries 'first' (a.bib:1) and 'second' (b.bib:2) have the same DOI "
        "10.1000/abc.1 [duplicate_doi] — keep one entry and cite it by one key",
    ]


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("10.1000/ABC", "10.1000/abc"),
        ("https://doi.org/10.1000/abc", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
        ("doi: 10.1000/a\\_b", "10.1000/a_b"),
        ("{10.1000/abc}", "10.1000/abc"),
        ("", ""),
    ],
)
def test_dois_compare_as_doi_resolvers_do(written, normal):
    assert diagnostics.normal_doi(written) == normal


# --- capitals a re-casing style would lose -------------------------------------------------------

CAPITALS = """\
@article{acronym,
  author = {Alpha, Ann}, journal = {J Test}, year = {2001},
  title = {MSC-derived CD137L in Hodgkin lymphoma},
}

@article{braced,
  author = {Bravo, Ben}, journal = {J Test}, year = {2002},
  title = {{MSC}-derived {CD137L} in Hodgkin lymphoma},
}
"""


@pytest.fixture(scope="module")
def capitals(site_builder):
    pages = {"index.md": "[@acronym; @braced]\n"}
    return {
        style: site_builder(
            f"capitals-{style}",
            pages,
            bib={"refs.bib": CAPITALS},
            options={"style": style},
            strict=False,
        )
        for style in ("vancouver", "unsrt")
    }


def test_unbraced_capitals_warn_under_a_style_that_recases_titles(capitals):
    assert capitals["unsrt"].warnings == [
        "bibcite: refs.bib:1: the title of entry 'acronym' has capitals outside braces "
        "('MSC-derived', 'CD137L'); the configured style lowers them [unprotected_capitals] — "
        "put them in braces: {MSC-derived} {CD137L}",
    ]
    html = capitals["unsrt"].html("index.md")
    assert "Msc-derived cd137l in hodgkin lymphoma" in html  # what the warning is about
    assert "MSC-derived CD137L in hodgkin lymphoma" in html  # the braced title keeps them


def test_under_vancouver_unbraced_capitals_are_a_debug_detail(capitals):
    result = capitals["vancouver"]
    assert (result.messages, result.error) == ([], None)
    assert [line for line in result.notes if "[unprotected_capitals]" in line] == [
        "DEBUG: bibcite: refs.bib:1: the title of entry 'acronym' has capitals outside braces "
        "('MSC-derived', 'CD137L'); a style that re-cases titles would lower them "
        "[unprotected_capitals] — put them in braces: {MSC-derived} {CD137L}",
    ]
    assert "MSC-derived CD137L in Hodgkin lymphoma" in result.html("index.md")


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("Alpha beta", []),
        ("Hodgkin and Non-Hodgkin lymphoma in Europe", []),
        ("mRNA, IgG4 and 4-1BB in COVID-19", ["mRNA", "IgG4", "4-1BB", "COVID-19"]),
        ("{mRNA}, {\\em MSC} and the \\LaTeX{} book", []),
        ("MSC first", ["MSC"]),
        ("Unbalanced {MSC", []),
        ("Unbalanced} MSC", ["MSC"]),
    ],
)
def test_which_words_lose_capitals(title, words):
    assert diagnostics.unbraced_capitals(title) == words


def test_which_styles_recase_titles():
    from pybtex.plugin import find_plugin

    assert diagnostics.recases_titles(find_plugin("pybtex.style.formatting", "unsrt"))
    assert diagnostics.recases_titles(find_plugin("pybtex.style.formatting", "alpha"))
    assert not diagnostics.recases_titles(find_plugin("pybtex.style.formatting", "vancouver"))

    class SaysSo:  # a third-party style may declare it
        recases_titles = True

    assert diagnostics.recases_titles(SaysSo)


# --- the command line: the summary always, the details with -v -----------------------------------


def mkdocs_build(site_root: Path, *flags: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *flags, "-f", str(site_root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
        check=True,
    )
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory):
    return make_site(
        tmp_path_factory.mktemp("cli"), {"index.md": "Cites [@solo2001].\n"}, bib={"refs.bib": REFS}
    )


def test_cli_prints_the_summary_and_keeps_details_for_verbose(cli_site):
    summary = (
        "INFO    -  bibcite: 1 reference cited on 1 page; 0 unknown keys; "
        "5 entries never cited; 0 warnings"
    )
    detail = (
        "DEBUG   -  bibcite: refs.bib:49: entry 'uncited2006' is never cited [never_cited] — "
        "cite it, or remove it from the bibliography"
    )
    quiet = mkdocs_build(cli_site.root)
    assert summary in quiet.splitlines()
    assert "never_cited" not in quiet
    verbose = mkdocs_build(cli_site.root, "-v")
    assert summary in verbose.splitlines()
    assert detail in verbose.splitlines()


def test_an_entry_inherited_from_by_a_cited_one_is_not_never_cited(tmp_path):
    bibliography = load_text(
        tmp_path,
        "@inproceedings{child, author = {A, B}, title = {T}, crossref = {Parent}}\n"
        "@proceedings{parent, title = {P}, year = 2001}\n"
        "@misc{alone, title = {M}}\n",
        "x.bib",
    )
    assert diagnostics.uncited(bibliography, ["child"]) == ["alone"]
    assert [str(problem) for problem in diagnostics.never_cited(bibliography, ["child"])] == [
        "x.bib:3: entry 'alone' is never cited [never_cited] — "
        "cite it, or remove it from the bibliography"
    ]
    assert diagnostics.uncited(bibliography, []) == ["child", "parent", "alone"]
