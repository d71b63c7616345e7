"""Entries left unparsed by the first pass (bibscan.py) and parsed when read must come out exactly
as pybtex's own parse of the whole file gives them, and with the same complaints."""

from __future__ import annotations

from pathlib import Path

import pybtex.errors
from conftest import build_site, capture_plugin_log
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database.input.bibtex import Parser

from bibcite.bibliography.entries import Entries
from bibcite.bibliography.errors import KeptMacros
from bibcite.bibliography.load import load

DATA = Path(__file__).parents[1] / "data"
REAL_WORLD = sorted((DATA / "realworld").rglob("*.bib"))
FEW = settings(max_examples=150, derandomize=True, deadline=None)


def pybtex_alone(text: str):
    parser = Parser()
    parser.macros = KeptMacros(parser.macros)  # bibcite's: an undefined macro reads as its name
    with pybtex.errors.capture() as captured:
        data = parser.parse_string(text)
    complaints = [str(error) for error in captured] + parser.macros.take_undefined()
    return _shape(data.entries), complaints


def _shape(entries) -> dict:
    return {
        key: (
            entry.type,
            dict(entry.fields),
            {role: [str(person) for person in people] for role, people in entry.persons.items()},
        )
        for key, entry in entries.items()
    }


def lazily(path: Path):
    bibliography = load([str(path)])
    return bibliography, _shape({key: bibliography.entries[key] for key in bibliography.entries})


def test_real_world_files_read_lazily_equal_pybtex_reading_them_whole():
    for path in [*REAL_WORLD, DATA / "refs.bib"]:
        expected, _ = pybtex_alone(path.read_text(encoding="utf-8"))
        bibliography, got = lazily(path)
        assert list(got) == list(expected), path
        assert got == expected, path


def test_clean_entries_wait_until_read_and_doubtful_ones_are_parsed_at_once(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        '@string{j = "J Test"}\n'
        "@article{clean, author = {Alpha, A.}, title = {T}, journal = j, year = 2001}\n"
        "@article{deep, title = {a{b{c{d{e{f{g{h{i{j}}}}}}}}}}}\n"  # deeper than the first pass
        "@article{late, title = {T}, year = 2002}\n",
        encoding="utf-8",
    )
    bibliography = load([str(path)])
    assert bibliography.parsed == 2  # `deep` and, after it, the rest of the file
    assert list(bibliography.entries) == ["clean", "deep", "late"]
    assert bibliography.entries["CLEAN"].fields["journal"] == "J Test"
    assert bibliography.parsed == 3


def test_a_field_is_read_without_parsing_the_entry(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        '@string{j = "J {Test}"}\n@book{parent, title = {P}}\n'
        '@inbook{child, crossref = "parent", doi = {10.1/X} # "y",\n'
        "  title = {The {MSC}\n  story} # j, author = {A, B}, year = jan}\n",
        encoding="utf-8",
    )
    bibliography = load([str(path)])
    read = {
        name: bibliography.field("Child", name) for name in ("doi", "crossref", "title", "year")
    }
    assert read == {
        "doi": "10.1/Xy",
        "crossref": "parent",
        "title": "The {MSC} storyJ {Test}",
        "year": "January",
    }
    assert bibliography.field("child", "note") == ""
    assert bibliography.parsed == 0
    entry = bibliography.entries["child"]  # and pybtex agrees
    assert {name: entry.fields.get(name, "") for name in read} == read


# --- any mix of what entries are made of ------------------------------------------------------

name = st.sampled_from(
    ["Alpha, A.", "B. Beta", "{Gamma and Sons}", "von Delta, Jr, E.", "A, B, C, D"]
)
braced = st.sampled_from(
    ["{x}", "{A {B} c}", "{{MSC} cells}", "{caf{\\'e}}", "{1--2}", "{}", "{ }"]
)
quoted = st.sampled_from(['"x"', '"a {"} b"', '"{MSC}"', '""'])
macro = st.sampled_from(["jan", "j", "undefined", "J"])
part = braced | quoted | macro | st.sampled_from(["2001", "7"])
value = st.lists(part, min_size=1, max_size=3).map(" # ".join)
field = st.tuples(
    st.sampled_from(["title", "author", "editor", "doi", "crossref", "Title", "year", "note"]),
    value
    | st.lists(name, min_size=1, max_size=4).map(lambda names: "{" + " and ".join(names) + "}"),
).map(lambda pair: f"{pair[0]} = {pair[1]}")
entry = st.tuples(
    st.sampled_from(["article", "BOOK", "misc"]),
    st.sampled_from(["a", "b", "A", "c:1", "d.2"]),
    st.lists(field, max_size=5, unique_by=lambda text: text.split(" =")[0].lower())
    | st.lists(field, max_size=3),  # a repeated field: pybtex complains, so parsed at once
    st.sampled_from([",", "", ",\n", " ,"]),
    st.sampled_from(["{", "{", "{", "("]),  # mostly as authors write them
).map(
    lambda e: f"@{e[0]}{e[4]}{e[1]}, " + ",\n  ".join(e[2]) + e[3] + ("}" if e[4] == "{" else ")")
)
clean_noise = st.sampled_from(
    ["", "\n", "% a comment\n", '@string{j = "J Test"}\n', "@comment{x}\n", "@preamble{{p}}\n"]
    + ["@string{jan = {January!}}\n", "\r\n"]
)
doubtful_noise = st.sampled_from(["junk @ here\n", "@article{broken, title = {x}\n"])
noise = clean_noise | clean_noise | clean_noise | doubtful_noise
bib_text = st.lists(st.tuples(noise, entry).map("\n".join), max_size=6).map("\n".join)


@FEW
@given(text=bib_text)
def test_any_file_reads_lazily_as_pybtex_reads_it_whole(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("bib") / "refs.bib"
    path.write_text(text, encoding="utf-8")
    expected, complaints = pybtex_alone(text)
    unparsed = load([str(path)])
    names = ("title", "doi", "crossref", "note", "year")
    fields = {key: {name: unparsed.field(key, name) for name in names} for key in unparsed.entries}
    lowered = {
        key: {name.lower(): v for name, v in values[1].items()} for key, values in expected.items()
    }
    assert fields == {key: {name: lowered[key].get(name, "") for name in names} for key in expected}
    bibliography, got = lazily(path)
    assert got == expected
    assert len(bibliography.problems) == len(complaints)


def test_only_the_last_entries_read_are_held_and_one_let_go_reads_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(Entries, "KEPT", 2)
    keys = ["a", "b", "c", "d", "e"]
    path = tmp_path / "refs.bib"
    path.write_text(
        "".join(
            f"@article{{{key}, author = {{Alpha, {key.upper()}.}}, title = {{T {key}}}}}\n"
            for key in keys
        ),
        encoding="utf-8",
    )
    bibliography = load([str(path)])
    first = _shape({"a": bibliography.entries["a"]})
    for key in keys:
        bibliography.entries[key]
    assert len(bibliography.entries.data.entries) == 2  # pybtex's own entries: the last two
    assert _shape({"a": bibliography.entries["a"]}) == first
    assert bibliography.parsed == 5


def test_downloads_are_the_same_when_entries_are_let_go(tmp_path, monkeypatch):
    pages = {"index.md": "# Home\n\n[@solo2001; @duo2002; @trio2003; @many2004]\n"}
    kept = build_site(tmp_path / "kept", pages, options={"cache": False})
    monkeypatch.setattr(Entries, "KEPT", 1)
    let_go = build_site(tmp_path / "let-go", pages, options={"cache": False})
    for name in ("references.bib", "references.ris"):
        made = (kept.site.root / "site" / "downloads" / name).read_text(encoding="utf-8")
        assert made.count("single-author study") == 1
        assert (let_go.site.root / "site" / "downloads" / name).read_text(encoding="utf-8") == made


def test_an_entry_after_non_ascii_text_is_read_from_its_place_in_the_file(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "% Bibliografía – 参考文献\n"
        "@article{first, title = {Café – 中文 ☃}, author = {Ødegård, Å.}}\n"
        "@article{second, title = {Second}, journal = {Ärztebl}}\n",
        encoding="utf-8",
    )
    bibliography = load([str(path)])
    assert bibliography.field("first", "title") == "Café – 中文 ☃"
    assert bibliography.entries["second"].fields["journal"] == "Ärztebl"
    assert str(bibliography.entries["first"].persons["author"][0]) == "Ødegård, Å."


def test_a_file_in_an_encoding_not_cut_by_bytes_is_held_as_text(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@article{a, title = {Ünïcode}}\n@book{b, title = {B}}\n", encoding="utf-16")
    bibliography = load([str(path)], encoding="utf-16")
    assert bibliography.problems == ()
    assert bibliography.entries["b"].fields["title"] == "B"
    assert bibliography.entries["a"].fields["title"] == "Ünïcode"


def test_a_bib_changed_after_it_was_read_is_read_again_not_cut_at_old_places(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{a, title = {Old A}}\n@article{b, title = {Old B}}\n", encoding="utf-8"
    )
    bibliography = load([str(path)])
    path.write_text(
        "% a longer head moves every entry\n"
        "@article{b, title = {New B}}\n@article{a, title = {New A}}\n",
        encoding="utf-8",
    )
    assert bibliography.entries["a"].fields["title"] == "New A"
    assert bibliography.field("b", "title") == "New B"


def test_an_entry_gone_from_a_bib_changed_during_the_build_is_a_warning_not_a_crash(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@article{a, title = {A}}\n@article{b, title = {B}}\n", encoding="utf-8")
    bibliography = load([str(path)])
    path.write_text("@article{b, title = {B, edited}}\n", encoding="utf-8")
    handler, stop = capture_plugin_log()
    try:
        entry = bibliography.entries["a"]
    finally:
        stop()
    assert entry.fields == {}
    assert handler.lines == [
        f"WARNING: bibcite: {path}: the entry 'a' could not be read: the .bib changed while the "
        "site was built [bibfile_error] — build again (`mkdocs serve` does so by itself)"
    ]
    assert bibliography.entries["b"].fields["title"] == "B, edited"
