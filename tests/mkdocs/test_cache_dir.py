"""`cache_dir` never costs an author a file: the cache keeps its files in a `bibcite/` folder of
its own under `cache_dir` (marked by CACHEDIR.TAG), and replaces or deletes only the files it
wrote there. A `cache_dir` inside docs_dir (published) or holding the bibliography is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import DATA, build_once, make_site, new_process

PAGES = {"index.md": "# Home\n\nCites [@solo2001].\n"}
SOLO = "Alpha A. A single-author study. J Test. 2001;1:1-5."
BIB = {"bibliography/references.bib": (DATA / "refs.bib").read_text(encoding="utf-8")}
OPTIONS = {"bibliography": "bibliography/references.bib"}
# An author's files, named as the cache names its own (family, then '-').
AUTHOR = {
    "references-2019.bib": "@misc{old2019, title = {Kept}}\n",
    "bibliography-notes.txt": "notes\n",
    "downloads-checklist.md": "- [ ] check\n",
    "diagnostics-todo.txt": "todo\n",
}


def build(site, caplog) -> tuple[list[str], list[str], str | None]:
    """One `mkdocs build` in a new process: its warnings, its errors, and how it ended."""
    new_process()
    caplog.clear()
    messages, error = build_once(site.load(strict=False))
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    warnings = [line.removeprefix("WARNING: ") for line in messages if line.startswith("WARNING")]
    return warnings, errors, str(error) if error else None


def hashes(root: Path) -> dict[str, str]:
    """Every file the author wrote: all but the built site and the cache's own folder."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and path.relative_to(root).parts[0] != "site"
        and not _in_cache(path, root)
    }


def _in_cache(path: Path, root: Path) -> bool:
    for folder in [path, *path.parents]:
        if folder == root:
            return False
        if (folder / "CACHEDIR.TAG").is_file():
            return True
    return False


def author_site(root: Path, folder: str, **options):
    """A site with the author's files in `folder` (relative to mkdocs.yml)."""
    files = {f"{folder}/{name}": text for name, text in AUTHOR.items()}
    return make_site(root, PAGES, bib={**BIB, **files}, options={**OPTIONS, **options})


def test_a_cache_dir_holding_the_bibliography_is_refused(tmp_path, caplog):
    site = author_site(tmp_path, "bibliography", cache_dir="bibliography")
    before = hashes(tmp_path)
    warnings, errors, ended = build(site, caplog)
    assert errors == [
        "bibcite: option 'cache_dir': 'bibliography' holds the bibliography "
        "('bibliography/references.bib'), and the cache needs a folder of its own — set "
        "cache_dir to another folder, e.g. .cache (the default)"
    ]
    assert ended == "Aborted with a BuildError!"
    assert hashes(tmp_path) == before
    assert sorted(path.name for path in (tmp_path / "bibliography").iterdir()) == sorted(
        [*AUTHOR, "references.bib"]
    )


def test_a_cache_dir_inside_docs_dir_is_refused(tmp_path, caplog):
    site = make_site(tmp_path, PAGES, bib=BIB, options={**OPTIONS, "cache_dir": "docs/.cache"})
    warnings, errors, ended = build(site, caplog)
    assert errors == [
        "bibcite: option 'cache_dir': 'docs/.cache' is inside docs_dir ('docs'), so the site "
        "would publish the cache — set cache_dir to a folder outside docs_dir, e.g. .cache "
        "(the default)"
    ]
    assert sorted(path.name for path in (tmp_path / "docs").iterdir()) == ["index.md"]


def test_a_cache_dir_inside_site_dir_is_refused(tmp_path, caplog):
    site = make_site(tmp_path, PAGES, bib=BIB, options={**OPTIONS, "cache_dir": "site"})
    warnings, errors, ended = build(site, caplog)
    assert errors == [
        "bibcite: option 'cache_dir': 'site' is inside site_dir ('site'), which each build "
        "empties and publishes — set cache_dir to a folder outside site_dir, e.g. .cache "
        "(the default)"
    ]


def test_a_cache_dir_holding_an_authors_files_keeps_them(tmp_path, caplog):
    site = author_site(tmp_path, "notes", cache_dir="notes")
    before = hashes(tmp_path)
    for _ in range(2):
        assert build(site, caplog) == ([], [], None)
        assert SOLO in site.html("index.md")
    assert hashes(tmp_path) == before
    assert sorted(path.name for path in (tmp_path / "notes").iterdir()) == sorted(
        [*AUTHOR, "bibcite"]
    )
    assert (tmp_path / "notes" / "bibcite" / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55"
    )


def test_a_bibcite_folder_the_cache_did_not_make_is_left_alone(tmp_path, caplog):
    site = author_site(tmp_path, "notes/bibcite", cache_dir="notes")
    before = hashes(tmp_path)
    warnings, errors, ended = build(site, caplog)
    assert warnings == [
        "bibcite: notes/bibcite: not bibcite's cache (no CACHEDIR.TAG) and not empty; the cache "
        "is off, and nothing in the folder is touched [cache_folder] — set the bibcite option "
        "cache_dir to another folder, or empty this one"
    ]
    assert (errors, ended) == ([], None)
    assert SOLO in site.html("index.md")
    assert hashes(tmp_path) == before
    assert sorted(path.name for path in (tmp_path / "notes" / "bibcite").iterdir()) == sorted(
        AUTHOR
    )


@pytest.mark.parametrize("cache_dir", [".", "bibliography", "docs", "notes", "notes/bibcite"])
def test_no_cache_dir_changes_or_deletes_an_authors_file(tmp_path, caplog, cache_dir):
    author = {
        f"{folder}/{name}": text
        for folder in ("bibliography", "notes", "notes/bibcite")
        for name, text in AUTHOR.items()
    }
    pages = {**PAGES, **{f"docs-{name}": text for name, text in AUTHOR.items()}}
    options = {**OPTIONS, "cache_dir": cache_dir}
    site = make_site(tmp_path, pages, bib={**BIB, **author, **AUTHOR}, options=options)
    before = hashes(tmp_path)
    build(site, caplog)
    build(site, caplog)
    assert hashes(tmp_path) == before


def test_a_cache_folder_left_by_an_earlier_format_is_taken_over(tmp_path, caplog):
    """Before its marker, the cache wrote the same names into `.cache/bibcite/`: such a folder,
    holding nothing but them, is the cache's own, and its old files are dropped."""
    site = make_site(tmp_path, PAGES, bib=BIB, options=OPTIONS)
    folder = tmp_path / ".cache" / "bibcite"
    folder.mkdir(parents=True)
    old = [f"bibliography-{'0' * 32}.pickle", f"references-{'1' * 32}.json", "tmpab_cd123"]
    for name in old:
        (folder / name).write_bytes(b"old")
    assert build(site, caplog) == ([], [], None)
    names = sorted(path.name for path in folder.iterdir())
    assert not set(old) & set(names)
    assert "CACHEDIR.TAG" in names
