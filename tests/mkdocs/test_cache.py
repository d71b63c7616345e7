"""`mkdocs serve` rebuilds: one plugin instance, `startup` once, then `build` after each edit, as
MkDocs' serve command runs them. The .bib is parsed again only when its bytes or the encoding
change; a changed style re-formats; an edit shows on the next build."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import DATA, capture_plugin_log, make_site, new_process
from mkdocs.commands.build import build
from mkdocs.exceptions import Abort

SERVE_URL = "http://127.0.0.1:8000/"


class Serve:
    """One `mkdocs serve` session over a test site."""

    def __init__(self, root: Path, pages: dict[str, str], *, dirty: bool = False, **kwargs) -> None:
        new_process()
        self.site = make_site(root, pages, **kwargs)
        self.dirty = dirty
        self.config = self._config()
        self.plugin = self.config.plugins["bibcite"]
        self.config.plugins.on_startup(command="serve", dirty=dirty)

    def _config(self):
        # serve's get_config(): the config file is read again for every rebuild.
        # (`--dirty` warns that it is dirty, so only a non-strict session can use it.)
        config = self.site.load(strict=not self.dirty)
        config.site_url = SERVE_URL
        return config

    def build(self) -> list[str]:
        """One rebuild; its plugin log lines, debug included."""
        config = self._config()
        assert config.plugins["bibcite"] is self.plugin  # MkDocs kept the instance
        handler, stop = capture_plugin_log()
        try:
            build(config, serve_url=SERVE_URL, dirty=self.dirty)
        except Abort as error:
            handler.lines.append(f"ABORT: {error}")
        finally:
            stop()
        return handler.lines

    def edit(self, path: str, text: str) -> None:
        file = self.site.root / path
        file.write_text(text, encoding="utf-8")
        # Dirty builds compare modification times: make the edit strictly newer than the output.
        later = time.time() + 2
        os.utime(file, (later, later))

    def configure(self, **options) -> None:
        plugin = self.site.config["plugins"][0]["bibcite"]
        plugin.update(options)
        self.site.write({}, {})

    def html(self, page: str) -> str:
        return self.site.html(page)

    def text(self, page: str) -> str:
        return self.site.text(page)

    def close(self) -> None:
        self.config.plugins.on_shutdown()


PAGES = {"index.md": "# Home\n\nCites [@solo2001].\n"}
PARSED = "DEBUG: bibcite: bibliography parsed"
REUSED = "DEBUG: bibcite: bibliography up to date (reused)"
SOLO = "Alpha A. A single-author study. J Test. 2001;1:1-5."


@pytest.fixture
def serve(tmp_path):
    sessions = []

    def start(pages=PAGES, **kwargs) -> Serve:
        session = Serve(tmp_path, pages, **kwargs)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def test_unchanged_bib_is_reused(serve):
    session = serve()
    assert session.build() == [PARSED]
    first = session.plugin.session.formatter.bibliography
    assert session.build() == [REUSED]
    assert session.plugin.session.formatter.bibliography is first
    assert SOLO in session.html("index.md")


def test_edited_bib_is_parsed_again_and_shows_the_new_text(serve):
    session = serve()
    session.build()
    first = session.plugin.session.formatter.bibliography
    bib = (DATA / "refs.bib").read_text().replace("A single-author study", "A corrected title")
    session.edit("refs.bib", bib)
    assert session.build() == [PARSED]
    assert session.plugin.session.formatter.bibliography is not first
    html = session.html("index.md")
    assert "Alpha A. A corrected title. J Test. 2001;1:1-5." in html
    assert "single-author" not in html


def test_a_bib_made_broken_and_fixed_again(serve):
    session = serve()
    session.build()
    good = (DATA / "refs.bib").read_text()
    session.edit("refs.bib", good.replace("@article{solo2001,", "@article{solo2001,\n  title = {x"))
    # Under serve, the syntax error is reported and the site keeps the last good bibliography
    # (tests/mkdocs/test_serve.py runs a real server).
    lines = session.build()
    assert lines[0] == PARSED
    assert [line.split(" [")[1].split("]")[0] for line in lines[1:-1]] == ["bibfile_error"]
    assert lines[-1] == "ABORT: Aborted with 1 warnings in strict mode!"
    assert SOLO in session.html("index.md")
    session.edit("refs.bib", good)
    assert session.build() == [PARSED]
    assert SOLO in session.html("index.md")


GONE = (
    "WARNING: bibcite: refs.bib: cannot read the file: No such file or directory "
    "[bibfile_error] — restore it, or correct its path in the bibcite option 'bibliography'; "
    "until then the site keeps the last good version of the bibliography"
)


def test_a_bib_gone_for_a_while_keeps_the_last_good_site(serve):
    """A save that deletes the file before writing it, a `git stash`, a branch switch."""
    session = serve()
    session.build()
    good = (DATA / "refs.bib").read_text()
    (session.site.root / "refs.bib").unlink()
    assert session.build() == [GONE, "ABORT: Aborted with 1 warnings in strict mode!"]
    assert SOLO in session.html("index.md")
    session.edit("refs.bib", good.replace("A single-author study", "A corrected title"))
    assert session.build() == [PARSED]
    assert "Alpha A. A corrected title. J Test. 2001;1:1-5." in session.html("index.md")


def test_problems_are_reported_on_every_build_even_when_reused(serve):
    bib = {
        "refs.bib": (DATA / "missing-field.bib").read_text() + (DATA / "duplicates.bib").read_text()
    }
    session = serve({"index.md": "Cites [@nojournal].\n"}, bib=bib)
    first, second = session.build(), session.build()
    assert first[0] == PARSED and second[0] == REUSED
    assert first[1:] == second[1:]
    assert [line.split(" [")[1].split("]")[0] for line in second[1:-1]] == [
        "duplicate_key",
        "duplicate_field",
        "undefined_macro",
        "missing_field",
    ]
    assert second[-1] == "ABORT: Aborted with 4 warnings in strict mode!"


def test_a_changed_style_reformats_without_parsing_again(serve):
    session = serve()
    session.build()
    session.configure(style="unsrt")
    assert session.build() == [REUSED]
    assert (
        '<span class="bibcite-entry">Ann Alpha. A single-author study. '
        "<em>J Test</em>, 1:1&#8211;5, 2001." in session.html("index.md")
    )


def test_changed_author_truncation_reformats(serve):
    bib = {
        "refs.bib": "@article{big, author = {A, A and B, B and C, C and D, D}, title = {T},"
        " journal = {J}, year = {2000}}\n"
    }
    session = serve({"index.md": "Cites [@big].\n"}, bib=bib)
    session.build()
    assert "A A, B B, C C, D D. T. J. 2000." in session.html("index.md")
    session.configure(max_authors=3, truncate_authors=1)
    assert session.build() == [REUSED]
    assert "A A, et al. T. J. 2000." in session.html("index.md")


def test_a_changed_encoding_parses_again(serve):
    session = serve(
        {"index.md": "Cites [@mueller1999].\n"},
        bib={"refs.bib": (DATA / "latin1.bib").read_bytes()},
        options={"encoding": "latin-1"},
    )
    assert session.build() == [PARSED]
    session.configure(encoding="cp1252")
    assert session.build() == [PARSED]
    assert "Müller J. Café au lait spots." in session.text("index.md")


def test_edited_pages_are_numbered_again(serve):
    session = serve({"index.md": "Cites [@solo2001].\n", "two.md": "Cites [@duo2002].\n"})
    session.build()
    session.edit("docs/index.md", "Now cites [@trio2003] first, then [@solo2001].\n")
    assert session.build() == [REUSED]
    assert "<p>Now cites <span" in session.html("index.md")
    assert '<li id="ref-trio2003" value="1">' in session.html("index.md")
    assert '<li id="ref-duo2002" value="3">' in session.html("two.md")


def test_a_dirty_rebuild_keeps_the_citations_of_unchanged_pages(serve):
    pages = {"index.md": "Cites [@solo2001].\n", "two.md": "Cites [@duo2002].\n"}
    session = serve(pages, dirty=True)
    session.build()
    session.edit("docs/two.md", "Cites [@duo2002] and [@solo2001].\n")
    assert session.build() == [REUSED]
    html = session.html("two.md")
    # index.md was not read again, yet its citation keeps number 1 for solo2001.
    assert '<li id="ref-solo2001" value="1">' in html
    assert '<li id="ref-duo2002" value="2">' in html
