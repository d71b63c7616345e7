"""Loading .bib files: what is kept, where each entry was written, and the exact message for each
kind of broken file (file and line, what happened, how to fix it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_text

from bibcite.bibliography.load import load

TESTS = Path(__file__).parents[1]
DATA = TESTS / "data"


def problems_of(*names: str, encoding: str = "utf-8") -> list[str]:
    return [str(problem) for problem in loaded(*names, encoding=encoding).problems]


def loaded(*names: str, encoding: str = "utf-8"):
    return load([str(DATA / name) for name in names], encoding=encoding, base_dir=str(TESTS))


def test_a_valid_file_loads_every_entry_with_its_line():
    bibliography = loaded("refs.bib")
    assert bibliography.problems == ()
    assert {key: bibliography.where(key) for key in bibliography.entries} == {
        "solo2001": "data/refs.bib:4",
        "duo2002": "data/refs.bib:13",
        "trio2003": "data/refs.bib:22",
        "many2004": "data/refs.bib:31",
        "doe:2005.a": "data/refs.bib:40",
        "uncited2006": "data/refs.bib:49",
    }
    assert bibliography.files == (str(DATA / "refs.bib"),)


def test_syntax_error_names_the_line_and_the_entry_and_the_rest_is_kept():
    bibliography = loaded("syntax-error.bib")
    assert [str(problem) for problem in bibliography.problems] == [
        "data/syntax-error.bib:15: BibTeX syntax error in entry 'broken' (line 8): '}' expected; "
        "the entry may be incomplete [bibfile_error] — "
        "check the braces, quotes and commas of that entry"
    ]
    assert list(bibliography.entries) == ["before", "broken", "after"]
    assert bibliography.entries["after"].fields["title"] == "Parsed after the error"


def test_an_entry_that_cannot_start_is_skipped(tmp_path):
    bibliography = load_text(
        tmp_path, "@article{ok, title = {Fine}}\n\n@article title = {No brace}\n", "head.bib"
    )
    assert [str(problem) for problem in bibliography.problems] == [
        "head.bib:3: BibTeX syntax error in the entry starting on line 3: '(' or '{' expected; "
        "the entry is skipped [bibfile_error] — check the braces, quotes and commas of that entry"
    ]
    assert list(bibliography.entries) == ["ok"]


def test_a_key_on_the_next_line_is_still_found(tmp_path):
    bibliography = load_text(
        tmp_path, "@article{ok, title = {Fine}}\n\n@article{\n  nokey = {x}\n}\n", "next.bib"
    )
    assert [str(problem) for problem in bibliography.problems] == [
        "next.bib:4: BibTeX syntax error in entry 'nokey' (line 3): '}' expected; "
        "the entry may be incomplete [bibfile_error] — "
        "check the braces, quotes and commas of that entry"
    ]
    assert list(bibliography.entries) == ["ok", "nokey"]


def test_the_line_of_an_entry_whose_key_is_on_the_next_line(tmp_path):
    bibliography = load_text(
        tmp_path, "% a comment\n@article {\n  nextline ,\n  title = {X}\n}\n", "next.bib"
    )
    assert (bibliography.problems, bibliography.where("nextline")) == ((), "next.bib:2")


def test_premature_end_of_file(tmp_path):
    assert [
        str(problem)
        for problem in load_text(
            tmp_path,
            "@article{ok, title = {Fine}}\n\n@article{cut,\n  title = {Never closed\n",
            "eof.bib",
        ).problems
    ] == [
        "eof.bib:4: BibTeX syntax error in entry 'cut' (line 3): premature end of file; "
        "the entry may be incomplete [bibfile_error] — "
        "check the braces, quotes and commas of that entry"
    ]


def test_duplicate_key_duplicate_field_and_undefined_macro():
    bibliography = loaded("duplicates.bib")
    assert [str(problem) for problem in bibliography.problems] == [
        "data/duplicates.bib:10: the key 'Twin' is already used by the entry on line 3 "
        "(keys ignore case); this entry is ignored [duplicate_key] — "
        "give one of the two entries another key",
        "data/duplicates.bib:21: entry 'twofields' has the field 'title' twice; "
        "the first one is used [duplicate_field] — delete one of them",
        "data/duplicates.bib:28: undefined @string macro 'undefinedjournal'; "
        "its name is shown in its place "
        '[undefined_macro] — define it with @string{undefinedjournal = "..."} '
        "or put the value in braces",
    ]
    entries = bibliography.entries
    assert list(entries) == ["twin", "twofields", "macro"]
    assert entries["twin"].fields["title"] == "The first entry with this key"
    assert entries["twofields"].fields["title"] == "The title that is kept"
    assert entries["twin"].fields["journal"] == "J Test"  # a defined @string is expanded
    assert entries["macro"].fields["journal"] == "undefinedjournal"


def test_duplicate_key_across_files_names_both_places(tmp_path):
    first, second = tmp_path / "a.bib", tmp_path / "b.bib"
    first.write_text("@article{Same, title = {First}}\n")
    second.write_text("% b\n@article{other, title = {Other}}\n@article{same, title = {B}}\n")
    bibliography = load([str(first), str(second)], base_dir=str(tmp_path))
    assert [str(problem) for problem in bibliography.problems] == [
        "b.bib:3: the key 'same' is already used by the entry at a.bib:1 (keys ignore case); "
        "this entry is ignored [duplicate_key] — give one of the two entries another key"
    ]
    assert bibliography.entries["Same"].fields["title"] == "First"
    assert bibliography.where("Same") == "a.bib:1"
    assert bibliography.where("other") == "b.bib:2"


def test_a_key_repeated_three_times_is_reported_at_each_repeat(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{k, title={1}}\n@misc{k, title={2}}\n\n@misc{K, title={3}}\n")
    assert [p.line for p in load([str(bib)], base_dir=str(tmp_path)).problems] == [2, 4]


def test_latin1_file_read_as_utf8_names_the_line_and_the_option():
    bibliography = loaded("latin1.bib")
    assert [str(problem) for problem in bibliography.problems] == [
        "data/latin1.bib:3: cannot be read as utf-8 (byte 0xfc) [encoding_error] — "
        "save the file as UTF-8, or set the bibcite option `encoding` to the file's encoding "
        "(e.g. latin-1)"
    ]
    assert dict(bibliography.entries) == {}


def test_latin1_file_with_the_encoding_option():
    bibliography = loaded("latin1.bib", encoding="latin-1")
    assert bibliography.problems == ()
    entry = bibliography.entries["mueller1999"]
    assert (str(entry.persons["author"][0]), entry.fields["title"]) == (
        "Müller, Jürgen",
        "Café au lait spots",
    )


def test_one_broken_file_does_not_lose_the_others():
    bibliography = loaded("latin1.bib", "refs.bib")
    assert [problem.category for problem in bibliography.problems] == ["encoding_error"]
    assert "solo2001" in bibliography.entries


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load([str(tmp_path / "gone.bib")])


def test_fingerprint_follows_bytes_and_encoding(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a, title={One}}\n")
    first = load([str(bib)]).fingerprint
    assert load([str(bib)]).fingerprint == first
    assert load([str(bib)], encoding="latin-1").fingerprint != first
    bib.write_text("@misc{a, title={Two}}\n")
    assert load([str(bib)]).fingerprint != first


def test_the_snapshot_is_read_only():
    bibliography = loaded("refs.bib")
    with pytest.raises(TypeError):
        bibliography.entries["new"] = None  # type: ignore[index]


def test_a_url_wrapped_in_url_command_is_linked(site_builder):
    """`url = {\\url{...}}`, as Citavi exports it, is the URL (it was "://doi.org/…", unlinked)."""
    bib = (
        "@misc{wrapped,\n  author = {Alpha, Ann},\n  title = {A web page},\n  year = {2020},\n"
        "  url = {\\url{https://doi.org/10.1000/a_b}},\n}\n"
    )
    result = site_builder("wrapped-url", {"index.md": "See [@wrapped].\n"}, bib={"refs.bib": bib})
    assert result.warnings == []
    assert (
        'Available from: <a href="https://doi.org/10.1000/a_b">https://doi.org/10.1000/a_b</a>'
        in (result.html("index.md"))
    )
