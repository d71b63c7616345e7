"""The cache on disk (`.cache/bibcite/` next to mkdocs.yml): a new `mkdocs build` process reuses
the parsed bibliography and the formatted references while nothing they depend on changed, and
never serves a stale one; a corrupt cache file is ignored and rewritten."""

from __future__ import annotations

import json
import logging
import os
import pickle
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import DATA, capture_plugin_log, load_text, make_site, new_process
from mkdocs.commands.build import build

from bibcite.bibliography import disk_cache
from bibcite.bibliography.disk_cache import DiskCache
from bibcite.bibliography.load import _read, to_index
from bibcite.problems import Problem
from bibcite.styles.formatter import Reference

PAGES = {"index.md": "# Home\n\nCites [@solo2001] and [@many2004].\n"}
SOLO = "Alpha A. A single-author study. J Test. 2001;1:1-5."
FROM_DISK = "DEBUG: bibcite: bibliography up to date (read from the cache on disk)"
PARSED = "DEBUG: bibcite: bibliography parsed"
TWO_FROM_DISK = "DEBUG: bibcite: 2 formatted references read from the cache on disk"


def process(
    site, *, every_line: bool = False, notes: bool = False, strict: bool = True
) -> list[str]:
    """One `mkdocs build` in a new process: its bibcite debug lines about caching (or all, or
    the notes: summary, entries parsed, diagnostics)."""
    new_process()
    config = site.load(strict=strict)
    handler, stop = capture_plugin_log()
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        stop()
    if every_line or notes:
        return handler.notes if notes else handler.lines
    return [line for line in handler.lines if "bibliography " in line or "formatted refer" in line]


def cache_files(root: Path, cache_dir: str = ".cache") -> list[Path]:
    """The cache's stored files (not its marker, nor its list of the files it wrote)."""
    folder = root / cache_dir / "bibcite"
    assert (folder / "CACHEDIR.TAG").is_file() and (folder / "files.json").is_file()
    return sorted(path for path in folder.iterdir() if "-" in path.name)


def families(root: Path) -> list[str]:
    return sorted(path.name.split("-")[0] + path.suffix for path in cache_files(root))


FAMILIES = [
    "bibliography.json",
    "diagnostics.json",
    "downloads.json",  # which files, then the files themselves (.bib and .ris)
    "downloads.txt",
    "downloads.txt",
    "references.json",
]


def test_a_new_process_reads_both_from_disk(tmp_path):
    site = make_site(tmp_path, PAGES)
    assert process(site) == [PARSED]
    first = site.html("index.md")
    assert families(tmp_path) == FAMILIES
    downloads = sorted((tmp_path / "site" / "downloads").iterdir())
    made = [path.read_bytes() for path in downloads]
    assert process(site) == [FROM_DISK, TWO_FROM_DISK]
    assert site.html("index.md") == first
    assert SOLO in first
    assert [path.read_bytes() for path in downloads] == made  # copied from the cache
    assert b"A single-author study" in made[0]


def test_an_edited_bib_is_never_served_stale(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    bib = (DATA / "refs.bib").read_text(encoding="utf-8")
    site.write({}, {"refs.bib": bib.replace("A single-author study", "A revised study")})
    assert process(site) == [PARSED]
    assert "Alpha A. A revised study. J Test." in site.html("index.md")
    download = (tmp_path / "site" / "downloads" / "references.bib").read_text(encoding="utf-8")
    assert "A revised study" in download and "A single-author study" not in download
    assert families(tmp_path) == FAMILIES  # the old files are replaced, not piled up


def test_a_changed_style_or_option_formats_again(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    site.config["plugins"][0]["bibcite"]["style"] = "unsrt"
    site.write({}, {})
    assert process(site) == [FROM_DISK]  # same .bib, but no reference formatted by unsrt yet
    assert "Ann Alpha. A single-author study." in site.html("index.md")
    site.config["plugins"][0]["bibcite"].update(
        style="vancouver", max_authors=2, truncate_authors=1
    )
    site.write({}, {})
    assert process(site) == [FROM_DISK]
    assert SOLO in site.html("index.md")


def test_a_corrupt_cache_file_is_ignored_and_rewritten(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    for path in cache_files(tmp_path):
        path.write_bytes(b"\x80 not a cache file")
    assert process(site) == [PARSED]
    assert SOLO in site.html("index.md")
    assert process(site) == [FROM_DISK, TWO_FROM_DISK]  # rewritten, readable again


def test_cache_false_keeps_nothing_on_disk(tmp_path):
    site = make_site(tmp_path, PAGES, options={"cache": False})
    assert process(site) == [PARSED]
    assert process(site) == [PARSED]
    assert not (tmp_path / ".cache").exists()


def test_cache_dir_is_relative_to_mkdocs_yml(tmp_path):
    site = make_site(tmp_path, PAGES, options={"cache_dir": "build-cache"})
    process(site)
    assert len(cache_files(tmp_path, "build-cache")) == len(FAMILIES)


def test_a_build_with_every_reference_cached_never_parses_an_entry(tmp_path):
    site = make_site(tmp_path, PAGES)
    assert "DEBUG: bibcite: 2 of 6 entries parsed" in process(site, notes=True)
    assert "DEBUG: bibcite: 0 of 6 entries parsed" in process(site, notes=True)
    assert SOLO in site.html("index.md")


def test_entries_of_a_cached_index_are_parsed_from_the_bib_when_needed(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    site.config["plugins"][0]["bibcite"]["style"] = "unsrt"  # formats every entry again
    site.write({}, {})
    notes = process(site, notes=True)
    assert "DEBUG: bibcite: 2 of 6 entries parsed" in notes
    assert "Ann Alpha. A single-author study." in site.html("index.md")


def test_an_index_of_another_shape_is_ignored(tmp_path, monkeypatch):
    site = make_site(tmp_path, PAGES)

    def another_shape(self, bibliography):
        self.write("bibliography", bibliography.fingerprint, [json.dumps({"data": None})])

    monkeypatch.setattr(DiskCache, "save_bibliography", another_shape)
    process(site)
    monkeypatch.undo()
    assert process(site) == [PARSED, TWO_FROM_DISK]  # the references' own file is still good
    assert SOLO in site.html("index.md")
    assert process(site) == [FROM_DISK, TWO_FROM_DISK]


def test_a_problem_comes_back_from_the_cache_whole():
    problem = Problem("duplicate_doi", "refs.bib", 3, "the same DOI", "keep one", logging.DEBUG)
    stored = json.loads(json.dumps(problem.row()))
    assert Problem(*stored) == problem
    assert len(stored) == len(fields(Problem))  # a field added to Problem must be stored too


def test_an_entry_first_formatted_from_a_cached_index_is_located_in_its_own_file(tmp_path):
    """The index keeps where every entry was written (in columns); an entry formatted for the
    first time in a later build is still reported at its own file and line."""
    other = "\n\n" + (DATA / "missing-field.bib").read_text(encoding="utf-8")  # from line 3
    bib = {"refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8"), "more.bib": other}
    options = {"bibliography": ["refs.bib", "more.bib"]}
    site = make_site(tmp_path, PAGES, bib=bib, options=options)
    assert process(site) == [PARSED]
    site.write({"index.md": PAGES["index.md"] + "\nAnd [@nojournal].\n"}, {})
    lines = process(site, every_line=True, strict=False)
    assert FROM_DISK in lines
    assert (
        "WARNING: bibcite: more.bib:3: entry 'nojournal' lacks journal, which the style needs; "
        "its reference shows what it has [missing_field] — add the field to the entry"
    ) in lines


def test_a_cache_file_that_cannot_be_replaced_leaves_no_temporary_file(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    folder = tmp_path / ".cache" / "bibcite"
    for path in cache_files(tmp_path):
        path.unlink()
        path.mkdir()  # a folder in its place: os.replace onto it fails
    before = sorted(path.name for path in folder.iterdir())
    for _ in range(2):
        process(site)
        assert SOLO in site.html("index.md")
    assert sorted(path.name for path in folder.iterdir()) == before


# A cache restored from elsewhere (CI restores .cache/ from a shared key prefix) is input like
# any other. Each test below writes a hostile cache through the cache's own writer, so the file
# is as well-formed as the cache makes them, and only its content is wrong.


def test_a_stored_reference_with_numbers_for_its_text_is_made_again(tmp_path, monkeypatch):
    site = make_site(tmp_path, PAGES)
    save = DiskCache.save_references

    def with_numbers(self, signature, done):
        save(self, signature, {key: (Reference(key, 42, 42, 42), []) for key in done})

    monkeypatch.setattr(DiskCache, "save_references", with_numbers)
    process(site)
    monkeypatch.undo()
    assert process(site) == [FROM_DISK]  # the references' file is discarded ...
    assert SOLO in site.html("index.md")
    assert process(site) == [FROM_DISK, TWO_FROM_DISK]  # ... and written again


def test_a_stored_download_named_outside_the_site_is_never_written(tmp_path, monkeypatch):
    site = make_site(tmp_path / "project", PAGES)
    store = DiskCache.store_files

    def escaping(self, family, key, files):
        store(self, family, key, [("../../escaped.bib", parts) for _, parts in files[:1]])

    monkeypatch.setattr(DiskCache, "store_files", escaping)
    process(site)
    monkeypatch.undo()
    process(site)
    assert not (tmp_path / "escaped.bib").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["project"]
    download = site.root / "site" / "downloads" / "references.bib"
    assert "A single-author study" in download.read_text(encoding="utf-8")


def test_a_stored_download_linked_to_another_file_is_never_published(tmp_path, monkeypatch):
    secret = tmp_path / "hostname"
    secret.write_text("secret-host\n", encoding="utf-8")
    site = make_site(tmp_path / "project", PAGES)
    store = DiskCache.store_files

    def holding_the_secret(self, family, key, files):
        store(self, family, key, [(name, [secret.read_text()]) for name, _ in files])

    monkeypatch.setattr(DiskCache, "store_files", holding_the_secret)
    process(site)
    monkeypatch.undo()
    for held in (site.root / ".cache" / "bibcite").glob("downloads-*.txt"):
        held.unlink()
        held.symlink_to(secret)  # same bytes as stored: only being a link gives it away
    process(site)
    download = site.root / "site" / "downloads" / "references.bib"
    assert "secret-host" not in download.read_text(encoding="utf-8")
    assert "A single-author study" in download.read_text(encoding="utf-8")


def test_the_stored_index_runs_no_code(tmp_path):
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(ran),))

    site = make_site(tmp_path / "project", PAGES)
    process(site)
    for path in cache_files(site.root):
        if path.name.startswith("bibliography-"):
            path.write_bytes(pickle.dumps(Payload()))
    assert process(site) == [PARSED, TWO_FROM_DISK]
    assert not ran.exists()
    assert SOLO in site.html("index.md")


def test_a_stored_reference_edited_in_place_is_not_served(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    for path in cache_files(tmp_path):
        if path.name.startswith("references-"):
            path.write_bytes(path.read_bytes().replace(b"single-author", b"forged"))
    assert process(site) == [FROM_DISK]  # the references are formatted again
    assert SOLO in site.html("index.md")
    assert "forged" not in site.html("index.md")


SIGNATURE = ("fingerprint", "vancouver", ())
GOOD_ROW = ["solo2001", "<i>A</i>", "A", "Alpha", [["missing_field", "refs.bib", 3, "m", "f", 30]]]
FORGED_REFERENCES = {
    "a number for the html": [["solo2001", 1, "A", "Alpha", []]],
    "a problem's line as text": [[*GOOD_ROW[:4], [["missing_field", "r", "3", "m", "f", 30]]]],
    "a problem's level as true": [[*GOOD_ROW[:4], [["missing_field", "r", 3, "m", "f", True]]]],
    "a row too short": [GOOD_ROW[:4]],
    "a mapping": {"solo2001": GOOD_ROW},
}


@pytest.mark.parametrize("rows", FORGED_REFERENCES.values(), ids=FORGED_REFERENCES)
def test_stored_references_of_another_shape_are_discarded(tmp_path, rows):
    cache = DiskCache(str(tmp_path))
    cache.write("references", repr(SIGNATURE), [json.dumps([GOOD_ROW])])
    assert list(cache.load_references(SIGNATURE)) == ["solo2001"]  # the seal alone is not it
    cache.write("references", repr(SIGNATURE), [json.dumps(rows)])
    handler, stop = capture_plugin_log()
    try:
        assert cache.load_references(SIGNATURE) == {}
    finally:
        stop()
    assert [line.split(" (")[-1] for line in handler.lines] == [
        "its content has another shape); it is made again"
    ]


def test_a_stored_file_under_another_key_is_discarded(tmp_path):
    cache = DiskCache(str(tmp_path))
    cache.write("references", repr(SIGNATURE), [json.dumps([GOOD_ROW])])
    (path,) = tmp_path.glob("references-*")
    stored = path.read_bytes()
    other = ("fingerprint", "unsrt", ())
    cache.write("references", repr(other), [json.dumps([])])
    (path,) = tmp_path.glob("references-*")
    path.write_bytes(stored)  # the first key's file under the second key's name
    assert cache.load_references(other) == {}


FORGED_NAMES = ["../../escaped.bib", "/etc/hostname", "downloads/../x", "a\\..\\b", "C:x", ""]


@pytest.mark.parametrize("name", FORGED_NAMES)
def test_a_stored_download_name_leaving_the_site_is_discarded(tmp_path, name):
    cache = DiskCache(str(tmp_path))
    cache.store_files("downloads", "key", [("downloads/references.bib", ["@misc{a}\n"])])
    assert [name for name, _ in cache.stored_files("downloads", "key")] == [
        "downloads/references.bib"
    ]
    cache.store_files("downloads", "key", [(name, ["@misc{a}\n"])])
    assert cache.stored_files("downloads", "key") is None


def test_a_stored_download_changed_since_is_discarded(tmp_path):
    cache = DiskCache(str(tmp_path))
    cache.store_files("downloads", "key", [("downloads/references.bib", ["@misc{a}\n"])])
    (held,) = tmp_path.glob("downloads-*.txt")
    held.write_text("@misc{b}\n", encoding="utf-8")  # same size, other bytes
    assert cache.stored_files("downloads", "key") is None


def test_an_index_with_entries_parsed_at_once_comes_back_equal(tmp_path):
    """An entry the first pass doubts is parsed at once, and kept in the index as data."""
    text = (DATA / "syntax-error.bib").read_text(encoding="utf-8")
    bibliography = load_text(tmp_path, text)
    parsed = dict(bibliography.entries.data.entries)
    assert parsed  # the file has such entries
    cache = DiskCache(str(tmp_path / "cache"))
    cache.save_bibliography(bibliography)
    files = [_read(path, str(tmp_path)) for path in bibliography.files]
    restored = cache.load_bibliography(bibliography.fingerprint, files, "utf-8")
    assert restored is not None
    assert dict(restored.entries.data.entries) == parsed
    for key, entry in parsed.items():
        again = restored.entries.data.entries[key]
        assert (again.key, again.original_type) == (entry.key, entry.original_type)
        assert [str(person) for person in again.persons.get("author", [])] == [
            str(person) for person in entry.persons.get("author", [])
        ]
    assert restored.problems == bibliography.problems
    assert dict(restored.sources) == dict(bibliography.sources)


FORGED_INDEXES = {
    "a source in no file": lambda index: index["sources"][2].__setitem__(0, 9),
    "a line as true": lambda index: index["sources"][3].__setitem__(0, True),
    "a field's value as a number": lambda index: index["parsed"][0][2].__setitem__(0, ["title", 1]),
    "a name part as text": lambda index: index["parsed"][0][3][0][1][0].__setitem__(0, "Ann"),
    "keys and places of other lengths": lambda index: index["sources"][1].pop(),
    "an indexed field as a list": lambda index: index["indexed"].__setitem__("doi", []),
    "a key more": lambda index: index.__setitem__("code", "import os"),
}


@pytest.mark.parametrize("forge", FORGED_INDEXES.values(), ids=FORGED_INDEXES)
def test_a_stored_index_of_another_shape_is_discarded(tmp_path, forge):
    bibliography = load_text(tmp_path, (DATA / "syntax-error.bib").read_text(encoding="utf-8"))
    index = json.loads(json.dumps(to_index(bibliography)))
    assert index["parsed"][0][3], "the first entry parsed at once has authors"
    forge(index)
    cache = DiskCache(str(tmp_path / "cache"))
    cache.write("bibliography", bibliography.fingerprint, [json.dumps(index)])
    files = [_read(path, str(tmp_path)) for path in bibliography.files]
    assert cache.load_bibliography(bibliography.fingerprint, files, "utf-8") is None


def test_the_cache_replaces_and_deletes_only_the_files_it_wrote(tmp_path):
    folder = tmp_path / "bibcite"
    DiskCache(str(folder)).write("references", "first", [json.dumps([])])
    mine = {
        folder / "references-notes.txt": "in the cache's folder, by someone else",
        tmp_path / "page.md": "outside it",
    }
    for path, text in mine.items():
        path.write_text(text, encoding="utf-8")
    # Its list of its own files, forged (sealed as the cache seals it) to name the others: it is
    # discarded, and the cache's files are known by their names again (never these two).
    forged = ["../page.md", "references-notes.txt"]
    DiskCache(str(folder))._replace(
        "files.json", [json.dumps(forged)], disk_cache._seal_digest("files.json"), seal=True
    )
    for key in ("second", "third"):
        DiskCache(str(folder)).write("references", key, [json.dumps([])])
    assert {path: path.read_text(encoding="utf-8") for path in mine} == mine
    assert len(list(folder.glob("references-*.json"))) == 1  # the third key's
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith("ref")) == [
        "CACHEDIR.TAG",
        "files.json",
    ]
