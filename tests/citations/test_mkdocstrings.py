"""Citations in docstrings that mkdocstrings renders inside a page: numbered where the docstring
stands, listed in the page's one reference list, and no "References" heading of their own."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build_site


def test_docstring_citations_join_the_page_s_list(tmp_path):
    (tmp_path / "cited_module.py").write_text(
        'def f():\n    """Do a thing, as [@solo2001] showed.\n\n    Again @duo2002.\n    """\n',
        encoding="utf-8",
    )
    plugins = [
        {"bibcite": {"bibliography": "refs.bib"}},
        {"mkdocstrings": {"handlers": {"python": {"paths": ["."]}}}},
    ]
    page = "# Page\n\nPage text [@trio2003].\n\n::: cited_module.f\n\nAfter [@solo2001].\n"
    result = build_site(tmp_path, {"index.md": page}, plugins=plugins)
    assert result.warnings == []
    body = BeautifulSoup(result.html("index.md"), "html.parser")
    assert [h.get_text() for h in body.find_all("h2")] == ["References"]
    numbers = [a.get_text() for a in body.select(".bibcite-citation a.bibcite-ref")]
    assert numbers == ["1", "2", "3", "2"]  # trio2003, solo2001, duo2002 (in the docstring), solo
    listed = [item["id"] for item in body.select("ol.bibcite-references > li")]
    assert listed == ["ref-trio2003", "ref-solo2001", "ref-duo2002"]
    assert "Bravo and Charlie [3]" in body.get_text()
