"""Reference lists under Zensical (`zensical build`, in a child process), as under MkDocs
(tests/mkdocs/test_lists.py): `narrative: false`, a page's list placed by a marker or turned off
in front matter, `nocite`, sorted lists and filtered bibliography blocks."""

from __future__ import annotations

from pathlib import Path

from test_zensical_build import SMALL, _text, _write, article, zensical


def _build(root: Path, pages: dict[str, str], options: str = "") -> dict[str, object]:
    """A small site (SMALL's nav and refs.bib) with these pages and extra bibcite options (YAML
    lines indented under the extension), built with `zensical build --clean`."""
    config = SMALL["mkdocs.yml"]
    if options:
        config = config.replace(
            "      bibliography: refs.bib\n", "      bibliography: refs.bib\n" + options
        )
    files = {"mkdocs.yml": config, "refs.bib": SMALL["refs.bib"]}
    files.update({f"docs/{name}": text for name, text in pages.items()})
    for name in ("one.md", "two.md", "three.md"):
        files.setdefault(f"docs/{name}", f"# {name[:-3].title()}\n")
    _write(root, files)
    built = zensical(root, "--clean")
    assert built.returncode == 0, built.stderr
    return {"log": built.stderr + built.stdout}


def _page(root: Path, name: str):
    return article(root / "site" / name / "index.html")


def _listed(root: Path, name: str) -> list[str]:
    return [item["id"] for item in _page(root, name).select("ol.bibcite-references > li")]


def test_narrative_false_reads_only_bracketed_citations(tmp_path):
    _build(
        tmp_path,
        {"one.md": "# One\n\nAsk @a on the forum; see [@b].\n"},
        "      narrative: false\n",
    )
    assert "Ask @a on the forum; see [1]." in _text(_page(tmp_path, "one"))
    assert _listed(tmp_path, "one") == ["ref-b"]


def test_a_marker_places_the_list_and_front_matter_turns_one_off(tmp_path):
    _build(
        tmp_path,
        {
            "one.md": "# One\n\nFirst [@a].\n\n## Sources\n\n<!-- bibcite:references -->\n\n"
            "## Afterword\n\nThe end.\n",
            "two.md": "---\nbibcite:\n  references: false\n---\n# Two\n\nThen [@b].\n",
            "three.md": "# Three\n\nLast [@c].\n",
        },
    )
    one = _page(tmp_path, "one")
    assert [h.get_text().strip() for h in one.find_all("h2")] == ["Sources", "Afterword"]
    listing = one.select_one("ol.bibcite-references")
    assert listing.find_next("h2").get_text().strip() == "Afterword"
    assert _listed(tmp_path, "one") == ["ref-a"]
    assert _listed(tmp_path, "two") == []
    assert _page(tmp_path, "two").find("h2") is None
    assert _listed(tmp_path, "three") == ["ref-c"]


def test_nocite_entries_join_the_list_numbered_after_the_cited(tmp_path):
    built = _build(
        tmp_path,
        {
            "one.md": "---\nnocite: [c]\n---\n# One\n\nFirst [@a].\n",
            "two.md": "---\nnocite:\n  - nobody\n---\n# Two\n\nThen [@b].\n",
        },
    )
    one = _page(tmp_path, "one")
    assert [(li["id"], li["value"]) for li in one.select("ol.bibcite-references > li")] == [
        ("ref-a", "1"), ("ref-c", "3")
    ]
    assert "docs/two.md:3: unknown citation key 'nobody' [key_not_found]" in built["log"]


def test_bibliography_blocks_sort_filter_and_group(tmp_path):
    blocks = (
        "/// bibliography\n    entries: all\n    sort: author\n    reverse: true\n///\n\n"
        "/// bibliography\n    entries: all\n    keys: [a, c]\n    group_by: year\n///\n\n"
        "/// bibliography\n    sort: sideways\n///\n"
    )
    built = _build(tmp_path, {"one.md": "# One\n\nFirst [@b].\n\n" + blocks})
    one = _page(tmp_path, "one")

    def ids(index: int) -> list[str]:
        prefix = f"list-{index}-ref-"
        return [
            li["id"].removeprefix(prefix)
            for li in one.select("ol.bibcite-list-entries > li")
            if li["id"].startswith(prefix)
        ]

    assert ids(1) == ["c", "b", "a"]  # Cole, Bell, Ames
    assert ids(2) == ["a", "c"]
    assert [h.get_text() for h in one.select("h3.bibcite-list-heading")] == ["2001", "2003"]
    assert ids(3) == ["b"]
    assert one.select_one("a.bibcite-ref")["href"] == "#ref-b"
    assert (
        "docs/one.md:18: the bibliography block's 'sort' is 'sideways' [list_block_error] — "
        "use one of: citation, author, year, title" in built["log"]
    )


def test_group_headings_are_in_the_table_of_contents(tmp_path):
    page = (
        "# One\n\nFirst [@a].\n\n## By year\n\n"
        "/// bibliography\n    entries: all\n    group_by: year\n///\n"
    )
    _build(tmp_path, {"one.md": page})
    html = (tmp_path / "site" / "one" / "index.html").read_text(encoding="utf-8")
    from bs4 import BeautifulSoup

    toc = BeautifulSoup(html, "html.parser").select_one("nav.md-nav--secondary")
    links = [(a.get_text(strip=True), a["href"]) for a in toc.select("a.md-nav__link")]
    assert links == [
        ("By year", "#by-year"),
        ("2001", "#list-1-2001"),
        ("2002", "#list-1-2002"),
        ("2003", "#list-1-2003"),
        ("References", "#references"),
    ]
    # The years sit under "By year", the section the block stands in.
    section = toc.select_one('a[href="#by-year"]').find_parent("li")
    nested = [a["href"] for a in section.select(":scope li a.md-nav__link")]
    assert nested == ["#list-1-2001", "#list-1-2002", "#list-1-2003"]
