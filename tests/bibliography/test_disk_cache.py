"""The cache on disk (`.cache/bibcite/` next to mkdocs.yml): a new `mkdocs build` process reuses
the parsed bibliography and the formatted references while nothing they depend on changed, and
never serves a stale one; a corrupt cache file is ignored and rewritten."""

from __future__ import annotations

import json
import logging
import pickle
from dataclasses import fields
from pathlib import Path

from conftest import DATA, capture_plugin_log, make_site, new_process
from mkdocs.commands.build import build

from bibcite.problems import Problem

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


def cache_files(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "bibcite").iterdir())


def families(root: Path) -> list[str]:
    return sorted(path.name.split("-")[0] + path.suffix for path in cache_files(root))


FAMILIES = [
    "bibliography.pickle",
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
    assert len(list((tmp_path / "build-cache").iterdir())) == len(FAMILIES)


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


def test_an_index_written_by_another_version_is_ignored(tmp_path):
    site = make_site(tmp_path, PAGES)
    process(site)
    index = next(path for path in cache_files(tmp_path) if path.name.startswith("bibliography-"))
    fingerprint = pickle.loads(index.read_bytes())["fingerprint"]
    index.write_bytes(pickle.dumps({"fingerprint": fingerprint, "data": None}))
    assert process(site) == [PARSED, TWO_FROM_DISK]  # the references' own file is still good
    assert SOLO in site.html("index.md")


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
        if path.name.split("-")[0] in {"bibliography", "references", "diagnostics", "downloads"}:
            path.unlink()
            path.mkdir()  # a folder in its place: os.replace onto it fails
    before = sorted(path.name for path in folder.iterdir())
    for _ in range(2):
        process(site)
        assert SOLO in site.html("index.md")
    assert sorted(path.name for path in folder.iterdir()) == before
