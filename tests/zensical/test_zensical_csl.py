"""CSL styles under Zensical (`zensical build`, in a child process), as under MkDocs
(tests/mkdocs/test_csl.py): author-date and numeric citations, numbered across pages, and the
errors of the engine as the build's message."""

from __future__ import annotations

from pathlib import Path

from test_zensical_lists import _build, _page


def _citations(root: Path, name: str) -> list[str]:
    return [span.get_text() for span in _page(root, name).select("span.bibcite-citation")]


def _entries(root: Path, name: str) -> list[str]:
    return [
        " ".join(item.select_one(".bibcite-entry").get_text().split())
        for item in _page(root, name).select(".bibcite-references > li")
    ]


def test_apa_citations_and_lists(tmp_path):
    _build(
        tmp_path,
        {"one.md": "# One\n\nFirst [@a], then @b, and [-@c].\n", "two.md": "# Two\n\n[@c; @a]\n"},
        "      style: apa\n",
    )
    assert _citations(tmp_path, "one") == ["(Ames, 2001)", "Bell (2002)", "(2003)"]
    assert _citations(tmp_path, "two") == ["(Ames, 2001; Cole, 2003)"]
    assert _entries(tmp_path, "two") == ["Ames, A. (2001). Alpha. P.", "Cole, C. (2003). Gamma. P."]
    assert _page(tmp_path, "two").select_one("ul.bibcite-references.bibcite-csl")


def test_ama_numbers_across_pages(tmp_path):
    _build(
        tmp_path,
        {"one.md": "# One\n\nFirst [@b].\n", "two.md": "# Two\n\n[@c; @b; @a]\n"},
        "      style: american-medical-association\n",
    )
    assert _citations(tmp_path, "one") == ["1"]
    assert _citations(tmp_path, "two") == ["1–3"]
    labels = [label.get_text() for label in _page(tmp_path, "two").select(".bibcite-csl-label")]
    assert labels == ["1.", "2.", "3."]
    assert _entries(tmp_path, "two")[0] == "Bell B. Beta. P; 2002."


def test_a_missing_style_file_is_the_builds_message(tmp_path):
    from test_zensical_build import SMALL, _write, zensical

    config = SMALL["mkdocs.yml"].replace(
        "      bibliography: refs.bib\n", "      bibliography: refs.bib\n      style: none.csl\n"
    )
    _write(tmp_path, {**SMALL, "mkdocs.yml": config})
    built = zensical(tmp_path, "--clean")
    assert built.returncode != 0
    assert (
        f"bibcite: option 'style': style 'none.csl': cannot read {tmp_path / 'none.csl'} "
        "(No such file or directory)" in built.stderr
    )
