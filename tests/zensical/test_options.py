"""The Zensical extension takes the MkDocs plugin's options and says the same of a bad one: each
bad value below is checked by both hosts, and the messages must match word for word."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site, new_process
from mkdocs.exceptions import PluginError

from bibcite.bibliography.load import BibliographyCache
from bibcite.mkdocs.plugin import BibcitePlugin
from bibcite.zensical.options import CiteThis, OptionsError, check_cache_dir, read
from bibcite.zensical.site import Project, Site, UnreadableError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\n")
    (tmp_path / "a.bib").write_text("")
    return tmp_path


def mkdocs_errors(folder: Path, options: dict) -> list[str]:
    plugin = BibcitePlugin()
    errors, _ = plugin.load_config(options, config_file_path=str(folder / "mkdocs.yml"))
    return [f"option '{key}': {error}" for key, error in errors]


BAD = [
    {},
    {"bibliography": []},
    {"bibliography": "a\0.bib"},
    {"bibliography": ["a.bib", "a.bib"]},
    {"bibliography": "a.bib", "encoding": "klingon-8"},
    {"bibliography": "a.bib", "style": "apa6"},
    {"bibliography": "a.bib", "max_authors": 0},
    {"bibliography": "a.bib", "max_authors": True},
    {"bibliography": "a.bib", "max_authors": "six"},
    {"bibliography": "a.bib", "truncate_authors": 7},
    {"bibliography": "a.bib", "numbering": "chapter"},
    {"bibliography": "a.bib", "per_page_references": "yes"},
    {"bibliography": "a.bib", "strict": "yes"},
    {"bibliography": "a.bib", "narrative": "no"},
    {"bibliography": "a.bib", "references_heading": 3},
    {"bibliography": "a.bib", "cite_this": {"key": "x", "about": "systemic sclerosis"}},
    {"bibliography": "a.bib", "cite_this": {"key": "x", "page": 3}},
    {"bibliography": "a.bib", "cite_this": {"key": 3}},
    {"bibliography": "a.bib", "cite_this": {"key": "x", "about": [{"a": 1, "b": 2}]}},
    {"bibliography": "a.bib", "search_links": "pubmed"},
    {"bibliography": "a.bib", "search_links": ["pubmed", "crossref"]},
    {"bibliography": "a.bib", "search_links": ["scholar", "scholar"]},
    {"bibliography": "a.bib", "search_links": [{"pubmed": True}]},
    {"bibliography": "zotero:user/475425"},
    {"bibliography": ["a.bib", "zotero:groups/1/collections/abc"]},
    {"bibliography": ["zotero:groups/1", "zotero:groups/1"]},
    {"bibliography": "a.bib", "zotero_api": "ftp://api.zotero.org"},
    {"bibliography": "a.bib", "zotero_api": "https://api.zotero.org/?key=secret"},
    {"bibliography": "a.bib", "zotero_api": 8080},
    {"bibliography": "a.bib", "locale": "pt BR"},
    {"bibliography": "a.bib", "locale": "português"},
    {"bibliography": "a.bib", "locale": 3},
    {"bibliography": "a.bib", "cite_this": {"key": "x", "heading": 3}},
]


@pytest.mark.parametrize("options", BAD, ids=[repr(options) for options in BAD])
def test_a_bad_option_reads_the_same_under_both_hosts(folder, options):
    expected = mkdocs_errors(folder, options)
    assert len(expected) == 1
    with pytest.raises(OptionsError) as raised:
        read(options, base_dir=str(folder))
    assert str(raised.value) == expected[0]


def test_good_options_read_as_mkdocs_reads_them(folder):
    options = {
        "bibliography": "a.bib",
        "numbering": "page",
        "max_authors": 4,
        "truncate_authors": 2,
        "strict": True,
        "narrative": False,
        "cite_this": {"key": "w", "about": ["a", {"MedicalCondition": "b"}]},
        "search_links": ["scholar", "pubmed"],
        "zotero_api": "http://127.0.0.1:23119/api/",
        "locale": "pt-BR",
    }
    assert mkdocs_errors(folder, options) == []
    read_options, unknown = read(options, base_dir=str(folder))
    assert unknown == []
    assert read_options.bibliography == (str(folder / "a.bib"),)
    assert read_options.zotero_api == "http://127.0.0.1:23119/api"
    both = {"bibliography": ["zotero:groups/2034876/collections/ABCD1234", "a.bib"]}
    assert mkdocs_errors(folder, both) == []
    assert read(both, base_dir=str(folder))[0].bibliography == (
        "zotero:groups/2034876/collections/ABCD1234",
        str(folder / "a.bib"),
    )
    assert (read_options.numbering, read_options.max_authors, read_options.strict) == (
        "page", 4, True
    )
    assert read_options.search_links == ("scholar", "pubmed")
    assert read_options.narrative is False
    assert (read_options.locale, read_options.references_heading) == ("pt-BR", None)
    assert read_options.cite_this == CiteThis(
        key="w", about=(("Thing", "a"), ("MedicalCondition", "b"))
    )


def test_an_unknown_option_is_a_warning_under_both(folder):
    plugin = BibcitePlugin()
    _, warnings = plugin.load_config(
        {"bibliography": "a.bib", "colour": "red"}, config_file_path=str(folder / "mkdocs.yml")
    )
    assert [f"option '{key}': {message}" for key, message in warnings] == read(
        {"bibliography": "a.bib", "colour": "red"}, base_dir=str(folder)
    )[1]


@pytest.mark.parametrize("cache_dir", ["docs", "docs/cache", "site", ".", "a\0b"])
def test_a_misplaced_cache_dir_reads_the_same_under_both_hosts(tmp_path, cache_dir):
    """Both hosts check `cache_dir` against docs_dir, site_dir and the bibliography's folder
    when they start a build (neither's options see docs_dir)."""
    site = make_site(tmp_path, {"index.md": "# Home\n"}, options={"cache_dir": cache_dir})
    new_process()
    config = site.load()
    with pytest.raises(PluginError) as mkdocs:
        config.plugins.on_config(config)
    options, _ = read({"bibliography": "refs.bib", "cache_dir": cache_dir}, base_dir=str(tmp_path))
    with pytest.raises(OptionsError) as zensical:
        check_cache_dir(
            options,
            base_dir=str(tmp_path),
            docs_dir=str(tmp_path / "docs"),
            site_dir=str(tmp_path / "site"),
        )
    assert str(mkdocs.value) == f"bibcite: {zensical.value}"
    assert str(zensical.value).startswith(f"option 'cache_dir': {cache_dir!r} ")


def test_a_missing_bib_reads_the_same_under_both_hosts(tmp_path, caplog):
    """Not an option error under either: the build names the file (MkDocs' serve keeps the last
    good site meanwhile, tests/mkdocs/test_serve.py)."""
    site = make_site(tmp_path, {"index.md": "# Home\n"}, bib={})
    new_process()
    config = site.load()
    with pytest.raises(PluginError) as mkdocs:
        config.plugins.on_config(config)
    options, _ = read({"bibliography": "refs.bib"}, base_dir=str(tmp_path))
    project = Project(str(tmp_path), str(tmp_path / "docs"), (), (), {})
    with pytest.raises(UnreadableError) as zensical:
        Site(project, options, BibliographyCache())
    assert str(zensical.value) == str(mkdocs.value)
    assert str(mkdocs.value).startswith("bibcite: refs.bib: cannot read the file: ")
