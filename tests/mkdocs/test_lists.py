"""Reference lists the way authors ask for them, in whole-site MkDocs builds: `narrative: false`,
a page's list placed by a marker or turned off in front matter, `nocite`, sorted lists and
filtered bibliography blocks."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build_once, build_site, new_process


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


# --- placing a page's own list -----------------------------------------------------------------


def test_a_marker_places_the_pages_list_where_it_stands(tmp_path):
    page = (
        "# Home\n\nAs shown [@solo2001].\n\n## Sources\n\n<!-- bibcite:references -->\n\n"
        "## Afterword\n\nThe end.\n"
    )
    result = build_site(tmp_path, {"index.md": page})
    assert result.error is None and result.warnings == []
    soup = _soup(result, "index.md")
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == ["Sources", "Afterword"]  # no "References" heading appended
    listing = soup.select_one("ol.bibcite-references")
    assert listing.find_previous("h2").get_text() == "Sources"
    assert listing.find_next("h2").get_text() == "Afterword"
    assert _listed(result, "index.md") == ["ref-solo2001"]
    assert "bibcite:references" not in result.html("index.md")


def test_front_matter_turns_the_list_off_for_one_page(tmp_path):
    pages = {
        "index.md": "---\nbibcite:\n  references: false\n---\n# Home\n\nSee [@solo2001].\n",
        "other.md": "# Other\n\nSee [@duo2002].\n",
        "refs.md": "# References\n\n<!-- bibcite:bibliography -->\n",
    }
    result = build_site(
        tmp_path, pages, nav=["index.md", "other.md", "refs.md"]
    )
    assert result.error is None and result.warnings == []
    assert _listed(result, "index.md") == []
    home = _soup(result, "index.md")
    assert home.find("h2") is None
    assert home.select_one("a.bibcite-ref")["href"] == "refs/#ref-solo2001"
    assert home.select_one("template.bibcite-cards") is not None  # the cards still work
    assert _listed(result, "other.md") == ["ref-duo2002"]  # the site's default


def test_front_matter_turns_the_list_on_when_the_site_has_none(tmp_path):
    pages = {
        "index.md": "---\nbibcite: {references: true}\n---\n# Home\n\nSee [@solo2001].\n",
        "other.md": "# Other\n\nSee [@duo2002].\n",
    }
    result = build_site(tmp_path, pages, options={"per_page_references": False})
    assert result.error is None and result.warnings == []
    assert _listed(result, "index.md") == ["ref-solo2001"]
    assert _listed(result, "other.md") == []


def test_a_marker_asks_for_the_list_when_the_site_has_none(tmp_path):
    page = "# Home\n\nSee [@solo2001].\n\n<!-- bibcite:references -->\n\nMore.\n"
    result = build_site(tmp_path, {"index.md": page}, options={"per_page_references": False})
    assert _listed(result, "index.md") == ["ref-solo2001"]


def test_a_bad_front_matter_value_names_the_page_line_and_the_values(tmp_path):
    page = (
        "---\ntitle: Home\nbibcite:\n  references: maybe\n  colour: red\n---\n"
        "# Home\n\n[@solo2001]\n"
    )
    result = build_site(tmp_path, {"index.md": page}, strict=False)
    assert result.warnings == [
        "bibcite: docs/index.md:4: 'bibcite: references' is 'maybe' [front_matter] — use one of: "
        "true, false",
        "bibcite: docs/index.md:5: unknown option 'bibcite: colour' [front_matter] — use one of: "
        "references",
    ]
    assert _listed(result, "index.md") == ["ref-solo2001"]  # the site's default


def test_a_changed_front_matter_rebuilds_the_page(tmp_path):
    """As under `mkdocs serve`: the same plugin instance builds again after an edit."""
    first = build_site(tmp_path, {"index.md": "# Home\n\nSee [@solo2001].\n"})
    assert _listed(first, "index.md") == ["ref-solo2001"]
    (tmp_path / "docs" / "index.md").write_text(
        "---\nbibcite: {references: false}\n---\n# Home\n\nSee [@solo2001].\n", encoding="utf-8"
    )
    messages, error = build_once(first.site.load())
    assert (messages, error) == ([], None)
    assert _listed(first, "index.md") == []
    new_process()


# --- nocite ----------------------------------------------------------------------------------

NOCITE_PAGES = {
    "index.md": "---\nnocite: [trio2003, \"@many2004\"]\n---\n# Home\n\nSee [@solo2001].\n",
    "other.md": "# Other\n\nSee [@duo2002].\n",
    "refs.md": "# References\n\n<!-- bibcite:bibliography -->\n",
}
NAV = ["index.md", "other.md", "refs.md"]


def test_nocite_entries_join_the_pages_list_numbered_after_the_cited(tmp_path):
    result = build_site(tmp_path, NOCITE_PAGES, nav=NAV)
    assert result.error is None and result.warnings == []
    home = _soup(result, "index.md")
    assert [(li["id"], li["value"]) for li in home.select("ol.bibcite-references > li")] == [
        ("ref-solo2001", "1"), ("ref-trio2003", "3"), ("ref-many2004", "4")
    ]
    nocited = home.select_one("#ref-trio2003")
    assert nocited.select(".bibcite-backlinks") == []  # cited nowhere on the page
    assert _listed(result, "refs.md") == [
        "ref-solo2001", "ref-duo2002", "ref-trio2003", "ref-many2004"
    ]


def test_nocite_alone_gives_a_page_its_list(tmp_path):
    pages = {"index.md": "---\nnocite: \"@solo2001, @duo2002\"\n---\n# Home\n\nNo citations.\n"}
    result = build_site(tmp_path, pages)
    assert result.error is None and result.warnings == []
    assert _listed(result, "index.md") == ["ref-solo2001", "ref-duo2002"]
    assert [h.get_text() for h in _soup(result, "index.md").find_all("h2")] == ["References"]


def test_nocite_every_entry(tmp_path):
    pages = {
        "index.md": "# Home\n\nSee [@many2004].\n",
        "refs.md": "---\nnocite: \"@*\"\n---\n# References\n\n<!-- bibcite:bibliography -->\n",
    }
    result = build_site(tmp_path, pages, nav=["index.md", "refs.md"])
    assert result.error is None and result.warnings == []
    listed = _listed(result, "refs.md")
    assert len(listed) == 6  # every entry: the cited one first, then the bibliography's order
    assert listed[:4] == ["ref-many2004", "ref-solo2001", "ref-duo2002", "ref-trio2003"]
    assert listed[4].startswith("ref-doe-2005-a") and listed[5] == "ref-uncited2006"


def test_an_unknown_nocite_key_names_the_page_and_line(tmp_path):
    page = "---\ntitle: Home\nnocite:\n  - solo2001\n  - nobody1999\n---\n# Home\n\nText.\n"
    result = build_site(tmp_path, {"index.md": page}, strict=False)
    assert result.warnings == [
        "bibcite: docs/index.md:5: unknown citation key 'nobody1999' [key_not_found] — "
        "Fix the key, or add an entry with this key to the bibliography"
    ]
    assert _listed(result, "index.md") == ["ref-solo2001"]


def test_a_bad_nocite_value_says_what_to_write(tmp_path):
    page = "---\nnocite: {a: 1}\n---\n# Home\n\nText [@solo2001].\n"
    result = build_site(tmp_path, {"index.md": page}, strict=False)
    assert result.warnings == [
        "bibcite: docs/index.md:2: 'nocite' is {'a': 1} [front_matter] — give a list of keys, "
        "e.g. 'nocite: [smith2014, jones2015]', or '\"@*\"' for every entry"
    ]
