"""Reference lists the way authors ask for them, in whole-site MkDocs builds: `narrative: false`,
a page's list placed by a marker or turned off in front matter, `nocite`, sorted lists and
filtered bibliography blocks."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build_site


def _soup(result, page: str) -> BeautifulSoup:
    return BeautifulSoup(result.html(page), "html.parser")


def _listed(result, page: str) -> list[str]:
    """The ids of the entries of the page's reference lists, in order."""
    return [item["id"] for item in _soup(result, page).select("ol.bibcite-references > li")]


# --- narrative: false ------------------------------------------------------------------------


def test_narrative_false_reads_only_bracketed_citations(tmp_path):
    page = (
        "# Home\n\nAsk @solo2001 on the forum; see [@duo2002] and [-@trio2003].\n\n"
        "```python\n@decorator\n```\n"
    )
    result = build_site(tmp_path, {"index.md": page}, options={"narrative": False})
    assert result.error is None and result.warnings == []
    soup = _soup(result, "index.md")
    text = " ".join(soup.get_text().split())
    assert "Ask @solo2001 on the forum; see [1] and [2]." in text
    assert _listed(result, "index.md") == ["ref-duo2002", "ref-trio2003"]


def test_narrative_false_leaves_handles_unreported(tmp_path):
    """`@name` that is no key is no problem either: nothing reads it."""
    result = build_site(
        tmp_path, {"index.md": "# Home\n\nThanks to @someone and [@solo2001].\n"},
        options={"narrative": False},
    )
    assert result.error is None and result.warnings == []
    assert "Thanks to @someone and [1]." in " ".join(result.text("index.md").split())


def test_narrative_by_default(tmp_path):
    result = build_site(tmp_path, {"index.md": "# Home\n\nAs @solo2001 wrote.\n"})
    assert "As Alpha [1] wrote." in " ".join(result.text("index.md").split())
