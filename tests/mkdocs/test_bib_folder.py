"""`bibliography: a folder/`: every `*.bib` directly in it, in name order, in a whole-site build;
a file added to the folder joins at the next build of the same process (as under serve)."""

from __future__ import annotations

from conftest import build_once, build_site, new_process

A = "@book{ames, author = {Ames, A.}, title = {Alpha}, publisher = {P}, year = {2001}}\n"
B = "@book{bell, author = {Bell, B.}, title = {Beta}, publisher = {P}, year = {2002}}\n"
# Also `ames`: the folder's files are read in name order, so a.bib's entry wins.
B_AGAIN = "@book{ames, author = {Other, O.}, title = {Not alpha}, publisher = {P}, year = {1999}}\n"


def test_a_folder_reads_its_bib_files_in_name_order(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "# Home\n\nFirst [@bell], then [@ames].\n"},
        bib={
            "bib/b.bib": B + B_AGAIN,
            "bib/a.bib": A,
            "bib/notes.txt": "@book{txt, title = {Not read}}\n",
            "bib/.#a.bib": "@book{lock, title = {An editor's lock file}}\n",
            "bib/sub/c.bib": "@book{deep, title = {Not read: not directly in the folder}}\n",
        },
        options={"bibliography": "bib/"},
        strict=False,
    )
    assert result.warnings == [
        "bibcite: bib/b.bib:2: the key 'ames' is already used by the entry at bib/a.bib:1 "
        "(keys ignore case); this entry is ignored [duplicate_key] — give one of the two entries "
        "another key"
    ]
    text = " ".join(result.text("index.md").split())
    assert "First [1], then [2]." in text
    assert "Bell B. Beta." in text and "Ames A. Alpha." in text
    assert "Not alpha" not in text


def test_a_folder_and_a_file_mix_in_the_order_given(tmp_path):
    result = build_site(
        tmp_path,
        {"index.md": "# Home\n\n[@ames]\n"},
        bib={"first.bib": B_AGAIN, "bib/a.bib": A, "bib/b.bib": B},
        options={"bibliography": ["first.bib", "bib"]},
        strict=False,
    )
    text = " ".join(result.text("index.md").split())
    assert "Other O. Not alpha." in text  # first.bib comes first
    assert (
        "bibcite: bib/a.bib:1: the key 'ames' is already used by the entry at first.bib:1"
        in (result.warnings[0])
    )


def test_a_file_added_to_the_folder_joins_the_next_build(tmp_path):
    first = build_site(
        tmp_path,
        {"index.md": "# Home\n\n[@ames]\n"},
        bib={"bib/a.bib": A},
        options={"bibliography": "bib"},
    )
    assert first.error is None and first.warnings == []
    (tmp_path / "bib" / "b.bib").write_text(B, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[@ames] [@bell]\n", encoding="utf-8")
    messages, error = build_once(first.site.load())  # the same plugin instance, as serve keeps
    assert (messages, error) == ([], None)
    assert "Bell B. Beta." in first.site.text("index.md")
    new_process()
