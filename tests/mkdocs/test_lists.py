"""Reference lists the way authors ask for them, in whole-site MkDocs builds: `narrative: false`,
a page's list placed by a marker or turned off in front matter, `nocite`, sorted lists and
filtered bibliography blocks."""

from __future__ import annotations

from bs4 import BeautifulSoup
from conftest import build_once, build_site, make_site, new_process


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


# --- bibliography blocks: sorting --------------------------------------------------------------


def _block(**options) -> str:
    lines = "".join(f"    {name}: {value}\n" for name, value in options.items())
    return f"/// bibliography\n{lines}///\n"


def _block_ids(result, page: str, index: int = 1) -> list[str]:
    prefix = f"list-{index}-ref-"
    return [
        li["id"].removeprefix(prefix)
        for li in _soup(result, page).select("ol.bibcite-list-entries > li")
        if li["id"].startswith(prefix)
    ]


SORT_PAGE = "# Home\n\nSee [@trio2003], [@solo2001] and [@duo2002].\n\n"


def test_a_block_lists_the_cited_entries_in_citation_order_by_default(tmp_path):
    result = build_site(tmp_path, {"index.md": SORT_PAGE + _block()})
    assert result.error is None and result.warnings == []
    assert _block_ids(result, "index.md") == ["trio2003", "solo2001", "duo2002"]
    values = [li["value"] for li in _soup(result, "index.md").select("ol.bibcite-list-entries li")]
    assert values == ["1", "2", "3"]


def test_a_block_sorts_by_author_year_or_title_and_reverses(tmp_path):
    blocks = (
        _block(sort="author")
        + _block(sort="year", reverse="true")
        + _block(sort="title", entries="all")
        + _block(sort="citation", reverse="true")
    )
    result = build_site(tmp_path, {"index.md": SORT_PAGE + blocks})
    assert result.error is None and result.warnings == []
    assert _block_ids(result, "index.md", 1) == ["solo2001", "duo2002", "trio2003"]  # A, B, D
    assert _block_ids(result, "index.md", 2) == ["trio2003", "duo2002", "solo2001"]
    assert _block_ids(result, "index.md", 3)[:3] == ["doe-2005-a-be6a60", "solo2001", "many2004"]
    assert _block_ids(result, "index.md", 4) == ["duo2002", "solo2001", "trio2003"]


def test_a_bad_sort_value_lists_the_valid_ones(tmp_path):
    result = build_site(
        tmp_path, {"index.md": SORT_PAGE + _block(sort="colour", reverse="maybe")}, strict=False
    )
    assert result.warnings == [
        "bibcite: docs/index.md:6: the bibliography block's 'sort' is 'colour' "
        "[list_block_error] — use one of: citation, author, year, title",
        "bibcite: docs/index.md:7: the bibliography block's 'reverse' is 'maybe' "
        "[list_block_error] — use one of: true, false",
    ]
    assert _block_ids(result, "index.md") == ["trio2003", "solo2001", "duo2002"]  # the default


# --- bibliography blocks: which entries, filters, groups ---------------------------------------

MAIN = """
@article{art1, author = {Ames, A.}, title = {Trial one}, journal = {J}, year = {2001},
  keywords = {trial, guideline}}
@book{book1, author = {Bell, B.}, title = {A handbook}, publisher = {P}, year = {2003},
  keywords = {Handbook}}
@article{art2, author = {Cole, C.}, title = {Trial <b>two</b>}, journal = {J},
  year = {2003<script>}, keywords = {trial}}
"""
GUIDES = """
@misc{guide1, author = {Dunn, D.}, title = {A guideline}, year = {2010}, keywords = {guideline}}
"""
FILTER_BIB = {"main.bib": MAIN, "guides.bib": GUIDES}
FILTER_OPTIONS = {"bibliography": ["main.bib", "guides.bib"]}


def _filtered(tmp_path, *blocks: str, pages=None, **kwargs):
    pages = pages or {"index.md": "# Home\n\nSee [@book1].\n\n" + "\n".join(blocks)}
    return build_site(tmp_path, pages, bib=FILTER_BIB, options=FILTER_OPTIONS, **kwargs)


def test_blocks_filter_by_type_keyword_keys_and_source(tmp_path):
    result = _filtered(
        tmp_path,
        _block(entries="all", type="article"),
        _block(entries="all", keyword="GUIDELINE"),
        _block(entries="all", keys="[guide1, art2]"),
        _block(entries="all", source="guides.bib"),
        _block(entries="all", type="[book, misc]", keyword="handbook"),
    )
    assert result.error is None and result.warnings == []
    assert _block_ids(result, "index.md", 1) == ["art1", "art2"]
    assert _block_ids(result, "index.md", 2) == ["art1", "guide1"]
    assert _block_ids(result, "index.md", 3) == ["art2", "guide1"]
    assert _block_ids(result, "index.md", 4) == ["guide1"]
    assert _block_ids(result, "index.md", 5) == ["book1"]


def test_blocks_choose_cited_page_all_or_nocite_entries(tmp_path):
    pages = {
        "index.md": "---\nnocite: [guide1]\n---\n# Home\n\nSee [@book1].\n\n"
        + _block()
        + _block(entries="page")
        + _block(entries="nocite")
        + _block(entries="all"),
        "other.md": "# Other\n\nSee [@art2].\n",
    }
    result = _filtered(tmp_path, pages=pages, nav=["index.md", "other.md"])
    assert result.error is None and result.warnings == []
    assert _block_ids(result, "index.md", 1) == ["book1", "art2", "guide1"]
    assert _block_ids(result, "index.md", 2) == ["book1", "guide1"]
    assert _block_ids(result, "index.md", 3) == ["guide1"]
    assert _block_ids(result, "index.md", 4) == ["book1", "art2", "guide1", "art1"]


def test_groups_have_headings_escaped_from_the_bib(tmp_path):
    result = _filtered(
        tmp_path,
        _block(entries="all", group_by="year", sort="year"),
        _block(entries="all", group_by="type"),
    )
    assert result.error is None and result.warnings == []
    soup = _soup(result, "index.md")
    headings = [h.get_text() for h in soup.select("h3.bibcite-list-heading")]
    assert headings == [
        "2001", "2003", "2003<script>", "2010",
        "Books", "Journal articles", "Other",
    ]
    assert "<script>" not in result.html("index.md")
    assert "Trial <b>two</b>" not in result.html("index.md")


def test_several_blocks_keep_ids_unique_and_links_go_to_the_main_place(tmp_path):
    result = _filtered(tmp_path, _block(), _block(entries="all"))
    soup = _soup(result, "index.md")
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert soup.select_one("a.bibcite-ref")["href"] == "#ref-book1"
    assert soup.select_one("#ref-book1").find_parent("ol").get("class") == ["bibcite-references"]


def test_bad_block_values_name_the_line_and_the_valid_values(tmp_path):
    result = _filtered(
        tmp_path,
        _block(entries="some", group_by="month"),
        _block(entries="all", type="article", keys="[nobody]", source="other.bib"),
        _block(entries="all", type="thesis"),
        strict=False,
    )
    assert result.warnings == [
        "bibcite: docs/index.md:6: the bibliography block's 'entries' is 'some' "
        "[list_block_error] — use one of: cited, page, all, nocite",
        "bibcite: docs/index.md:7: the bibliography block's 'group_by' is 'month' "
        "[list_block_error] — use one of: year, type",
        "bibcite: docs/index.md:13: unknown key 'nobody' in the bibliography block's 'keys' "
        "[key_not_found] — fix the key, or add an entry with this key to the bibliography",
        "bibcite: docs/index.md:14: the bibliography block's 'source' names 'other.bib', which "
        "is not one of the bibliography's files [list_block_error] — use one of: guides.bib, "
        "main.bib",
        "bibcite: docs/index.md:19: the bibliography block's 'type' names 'thesis', which no "
        "entry has [list_block_error] — use one of: article, book, misc",
    ]


def test_an_unknown_block_option_is_reported_with_the_known_ones(tmp_path):
    result = _filtered(tmp_path, _block(colour="red"), strict=False)
    assert result.warnings == [
        "bibcite: docs/index.md:5: this bibliography block could not be read, so it is shown as "
        "text [list_block_error] — indent its options by 4 spaces right under the '///' line, "
        "as YAML ('name: value'); known options: entries, type, keyword, keys, source, "
        "group_by, sort, reverse"
    ]


def test_a_changed_bib_rebuilds_the_blocks(tmp_path):
    """As under `mkdocs serve`: an edited keyword changes the list at the next build."""
    first = _filtered(tmp_path, _block(entries="all", keyword="trial"))
    assert _block_ids(first, "index.md") == ["art1", "art2"]
    (tmp_path / "main.bib").write_text(MAIN.replace("keywords = {trial}}", "}"), "utf-8")
    messages, error = build_once(first.site.load())
    assert error is None
    assert _block_ids(first, "index.md") == ["art1"]
    new_process()


def test_lines_in_messages_count_the_front_matter(tmp_path):
    page = "---\ntitle: X\n---\n# Home\n\nSee [@nope] and [@solo2001].\n\n" + _block(sort="x")
    result = build_site(tmp_path, {"index.md": page}, strict=False)
    assert [message.split(" [")[0] for message in result.warnings] == [
        "bibcite: docs/index.md:6: unknown citation key 'nope'",
        "bibcite: docs/index.md:9: the bibliography block's 'sort' is 'x'",
    ]


def test_narrative_false_leaves_at_names_in_table_cells(tmp_path):
    csv = "key,note\nsolo2001,Ask @someone; see [@duo2002]\n"
    page = (
        "# Home\n\n/// literature-table | Studies\n    data: data/t.csv\n"
        "    columns: [note]\n///\n"
    )
    from conftest import DATA

    result = build_site(
        tmp_path,
        {"index.md": page},
        bib={"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8"), "data/t.csv": csv},
        options={"narrative": False},
    )
    assert result.error is None and result.warnings == []
    cell = _soup(result, "index.md").select("table td")[-1]
    assert " ".join(cell.get_text().split()) == "Ask @someone; see [2]"


TOC_THEME = """{% macro entries(items) %}{% for item in items %}<li><a href="#{{ item.id }}">{{
 item.title }}</a>{% if item.children %}<ul>{{ entries(item.children) }}</ul>{% endif %}</li>{%
 endfor %}{% endmacro %}<nav><ul>{{ entries(page.toc) }}</ul></nav>
{{ page.content }}"""


def test_group_headings_are_in_the_table_of_contents_under_their_section(tmp_path):
    page = (
        "# Publications\n\nSee [@solo2001].\n\n## By year\n\n"
        + _block(entries="all", group_by="year")
        + "\n## Later\n\nText.\n"
    )
    site = make_site(tmp_path, {"index.md": page}, options={"per_page_references": False})
    (tmp_path / "theme" / "main.html").write_text(TOC_THEME)
    new_process()
    assert build_once(site.load()) == ([], None)
    soup = BeautifulSoup(site.html("index.md"), "html.parser")

    def tree(items) -> list:
        return [
            (li.a.get_text(), li.a["href"], tree(li.select(":scope > ul > li")))
            for li in items
        ]

    years = [("2001", "#list-1-2001", []), ("2002", "#list-1-2002", [])]
    years += [("2003", "#list-1-2003", []), ("2004", "#list-1-2004", [])]
    years += [("2005", "#list-1-2005", []), ("2006", "#list-1-2006", [])]
    assert tree(soup.select("nav > ul > li")) == [
        (
            "Publications",
            "#publications",
            [("By year", "#by-year", years), ("Later", "#later", [])],
        )
    ]
    # Each entry of the table of contents lands on its heading.
    for link in soup.select("nav a"):
        assert soup.find(id=link["href"][1:]) is not None, link["href"]
