"""The plugin's options as MkDocs validates them: exact (errors, warnings) for each bad value."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site
from mkdocs.exceptions import Abort

from bibcite.checks import installed_styles
from bibcite.mkdocs.plugin import BibcitePlugin


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\n")
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text("")
    (tmp_path / "bib" / "b.bib").write_text("")
    return tmp_path


def validate(folder: Path, **options) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict]:
    plugin = BibcitePlugin()
    errors, warnings = plugin.load_config(options, config_file_path=str(folder / "mkdocs.yml"))
    return [(key, str(error)) for key, error in errors], list(warnings), dict(plugin.config)


# The citation options (other features add options of their own).
CITATION_DEFAULTS = (
    "enabled",
    "bibliography",
    "encoding",
    "style",
    "max_authors",
    "truncate_authors",
    "numbering",
    "references_heading",
    "per_page_references",
    "locale",
)


def test_defaults_with_a_path_string(folder):
    errors, warnings, config = validate(folder, bibliography="bib/a.bib")
    assert (errors, warnings) == ([], [])
    citation_options = {key: config[key] for key in CITATION_DEFAULTS}
    assert citation_options == {
        "enabled": True,
        "bibliography": [str(folder / "bib" / "a.bib")],
        "encoding": "utf-8",
        "style": "vancouver",
        "max_authors": 6,
        "truncate_authors": 3,
        "numbering": "site",
        "references_heading": None,  # the site's language's ("References")
        "per_page_references": True,
        "locale": None,  # the theme's language
    }


def test_a_list_of_paths_keeps_its_order(folder):
    errors, warnings, config = validate(folder, bibliography=["bib/b.bib", "bib/a.bib"])
    assert (errors, warnings) == ([], [])
    assert config["bibliography"] == [str(folder / "bib" / "b.bib"), str(folder / "bib" / "a.bib")]


def test_missing_bibliography(folder):
    assert validate(folder)[:2] == (
        [
            (
                "bibliography",
                "Required: the .bib file or files (or a folder of them), relative to mkdocs.yml, "
                "e.g. 'bibliography: bibliography/references.bib'.",
            )
        ],
        [],
    )


def test_empty_list(folder):
    assert validate(folder, bibliography=[])[:2] == (
        [("bibliography", "Name at least one .bib file, e.g. 'bibliography/references.bib'.")],
        [],
    )


@pytest.mark.parametrize("value", ["bib/nope.bib", ["bib/a.bib", "bib/nope.bib"]])
def test_a_missing_file_is_left_to_the_build(folder, value):
    """Under serve, a config error would stop every rebuild while a .bib is away for a moment
    (tests/mkdocs/test_build.py and test_serve.py: what the build says of it)."""
    errors, warnings, config = validate(folder, bibliography=value)
    assert (errors, warnings) == ([], [])
    assert config["bibliography"][-1] == str(folder / "bib" / "nope.bib")


def test_a_folder_stands_for_its_bib_files(folder):
    errors, warnings, config = validate(folder, bibliography="bib")
    assert (errors, warnings) == ([], [])
    assert config["bibliography"] == [str(folder / "bib")]


def test_installed_styles_include_ours_and_pybtex_own():
    assert installed_styles() == ["alpha", "plain", "unsrt", "unsrtalpha", "vancouver"]


@pytest.mark.parametrize("style", ["vancouver", "unsrt", "plain", "alpha", "unsrtalpha"])
def test_every_installed_style_is_accepted(folder, style):
    errors, warnings, config = validate(folder, bibliography="bib/a.bib", style=style)
    assert (errors, warnings, config["style"]) == ([], [], style)


def test_unknown_style_lists_the_installed_and_the_shipped_ones(folder):
    assert validate(folder, bibliography="bib/a.bib", style="apa6")[:2] == (
        [
            (
                "style",
                "Unknown style 'apa6'. pybtex styles: alpha, plain, unsrt, unsrtalpha, vancouver; "
                "CSL styles shipped: american-medical-association, apa, chicago-author-date, "
                "harvard-cite-them-right, ieee, nature, nlm-citation-sequence; "
                "or a path to a .csl file.",
            )
        ],
        [],
    )


def test_bad_numbering_choice(folder):
    assert validate(folder, bibliography="bib/a.bib", numbering="chapter")[:2] == (
        [("numbering", "Expected one of: ('site', 'page') but received: 'chapter'")],
        [],
    )


def test_page_numbering_is_accepted(folder):
    errors, warnings, config = validate(folder, bibliography="bib/a.bib", numbering="page")
    assert (errors, warnings, config["numbering"]) == ([], [], "page")


def test_unknown_option_is_a_warning(folder):
    errors, warnings, _ = validate(folder, bibliography="bib/a.bib", colour="blue")
    assert (errors, warnings) == ([], [("colour", "Unrecognised configuration name: colour")])


def test_wrong_types(folder):
    assert validate(folder, bibliography="bib/a.bib", enabled="yes")[0] == [
        ("enabled", "Expected type: <class 'bool'> but received: <class 'str'>")
    ]
    assert validate(folder, bibliography="bib/a.bib", per_page_references="no")[0] == [
        ("per_page_references", "Expected type: <class 'bool'> but received: <class 'str'>")
    ]
    assert validate(folder, bibliography="bib/a.bib", references_heading=3)[0] == [
        ("references_heading", "Expected type: <class 'str'> but received: <class 'int'>")
    ]


@pytest.mark.parametrize(
    "options, error",
    [
        ({"max_authors": 0}, ("max_authors", "Expected a number of authors of at least 1, got 0.")),
        (
            {"truncate_authors": 0},
            ("truncate_authors", "Expected a number of authors of at least 1, got 0."),
        ),
        (
            {"max_authors": "six"},
            ("max_authors", "Expected type: <class 'int'> but received: <class 'str'>"),
        ),
        ({"max_authors": True}, ("max_authors", "Expected a whole number of authors, got True.")),
        (
            {"max_authors": 2},  # truncate_authors keeps its default, 3
            (
                "truncate_authors",
                "truncate_authors (3) must not exceed max_authors (2): lists longer than "
                "max_authors are cut to truncate_authors names and 'et al.'. "
                "Lower truncate_authors or raise max_authors.",
            ),
        ),
    ],
)
def test_author_counts(folder, options, error):
    assert validate(folder, bibliography="bib/a.bib", **options)[:2] == ([error], [])


@pytest.mark.parametrize("max_authors, truncate_authors", [(1, 1), (6, 6), (10, 1)])
def test_author_counts_at_the_limits(folder, max_authors, truncate_authors):
    errors, warnings, config = validate(
        folder, bibliography="bib/a.bib", max_authors=max_authors, truncate_authors=truncate_authors
    )
    assert (errors, warnings) == ([], [])
    assert (config["max_authors"], config["truncate_authors"]) == (max_authors, truncate_authors)


def test_unknown_option_fails_a_strict_build(tmp_path, caplog):
    site = make_site(tmp_path, {"index.md": "# Home\n"}, options={"colour": "blue"})
    with pytest.raises(Abort, match="^Aborted with 1 configuration warnings in 'strict' mode!$"):
        site.load(strict=True)
    assert [record.getMessage() for record in caplog.records] == [
        "Config value 'plugins': Plugin 'bibcite' option 'colour': "
        "Unrecognised configuration name: colour"
    ]


def test_a_file_listed_twice(folder):
    assert validate(folder, bibliography=["bib/a.bib", "bib/../bib/a.bib"])[:2] == (
        [
            (
                "bibliography",
                f"The file '{folder / 'bib' / 'a.bib'}' is listed twice; list each file once.",
            )
        ],
        [],
    )


def test_unknown_encoding(folder):
    assert validate(folder, bibliography="bib/a.bib", encoding="klingon")[:2] == (
        [
            (
                "encoding",
                "Unknown encoding 'klingon'. Use a Python codec name such as utf-8 or latin-1.",
            )
        ],
        [],
    )


def test_known_encoding(folder):
    errors, warnings, config = validate(folder, bibliography="bib/a.bib", encoding="latin-1")
    assert (errors, warnings, config["encoding"]) == ([], [], "latin-1")
