"""`mkdocs serve` resilience, with a real server: a .bib file saved broken shows its error (file
and line) and the site keeps the last good references; saving it fixed brings the new ones, no
restart.

How: under `serve`, a rebuild whose bibliography has a syntax (or encoding) error keeps the last
good version of the bibliography (the error is a warning saying so) and builds the site with it.
Stopping the rebuild instead would not do: MkDocs' server holds every request until a rebuild
succeeds ("the server will appear stuck"). `mkdocs build` only warns.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from conftest import DATA, make_site

GOOD = (DATA / "refs.bib").read_text(encoding="utf-8")
# An unclosed brace in the first entry: pybtex notices it at line 14.
BROKEN = GOOD.replace("@article{solo2001,", "@article{solo2001,\n  title = {x")
FIXED = GOOD.replace("A single-author study", "A corrected title")
SOLO = "Alpha A. A single-author study. J Test. 2001;1:1-5."
CORRECTED = "Alpha A. A corrected title. J Test. 2001;1:1-5."
ERROR = (
    "WARNING -  bibcite: refs.bib:14: BibTeX syntax error in entry 'solo2001' (line 4): "
    "'}' expected; the entry may be incomplete [bibfile_error] — check the braces, quotes and "
    "commas of that entry; until then the site keeps the last good version of the bibliography"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`mkdocs serve` in a child process; its output collected line by line."""

    def __init__(self, config_file: str, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", config_file],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"},
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if found(list(self.lines)):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(
            "mkdocs serve did not get there; its output:\n" + "\n".join(self.lines)
        )

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def page(self) -> str:
        with urllib.request.urlopen(self.url, timeout=10) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[Server, object]]:
    site = make_site(
        tmp_path_factory.mktemp("serve"),
        {"index.md": "# Home\n\nCites [@solo2001].\n"},
        bib={"refs.bib": GOOD},
    )
    server = Server(str(site.config_file), free_port())
    try:
        server.wait_for(lambda lines: any("Serving on" in line for line in lines))
        yield server, site
    finally:
        server.stop()


def save(site, text: str) -> None:
    (site.root / "refs.bib").write_text(text, encoding="utf-8")


def test_a_broken_bib_keeps_the_last_good_site_and_a_fixed_one_recovers(served):
    server, site = served
    assert SOLO in server.page()
    reloads = server.count("Reloading browsers")

    save(site, BROKEN)
    server.wait_for(lambda lines: sum("Reloading browsers" in line for line in lines) > reloads)
    assert ERROR in server.lines
    assert server.count("WARNING") == 1  # the error alone: nothing about the entries it hid
    assert SOLO in server.page()  # the last good reference

    save(site, FIXED)
    server.wait_for(lambda lines: sum("Reloading browsers" in line for line in lines) > reloads + 1)
    page = server.page()
    assert CORRECTED in page
    assert SOLO not in page
    assert "Traceback" not in "\n".join(server.lines)


GONE = (
    "WARNING -  bibcite: refs.bib: cannot read the file: No such file or directory "
    "[bibfile_error] — restore it, or correct its path in the bibcite option 'bibliography'; "
    "until then the site keeps the last good version of the bibliography"
)


def test_a_bib_gone_for_a_while_keeps_the_site_answering_and_its_return_is_served(tmp_path):
    """A save that deletes the file before writing it, a `git stash`, a branch switch: the
    server goes on with the last good site, says why, and serves the file once it is back."""
    pages = {"index.md": "# Home\n\nCites [@solo2001].\n"}
    site = make_site(tmp_path, pages, bib={"refs.bib": GOOD})
    bib = site.root / "refs.bib"
    server = Server(str(site.config_file), free_port())
    try:
        server.wait_for(lambda lines: any("Serving on" in line for line in lines))
        assert SOLO in server.page()
        reloads = server.count("Reloading browsers")

        bib.unlink()
        server.wait_for(lambda lines: sum("Reloading browsers" in line for line in lines) > reloads)
        assert GONE in server.lines
        assert SOLO in server.page()  # answered at once, with the last good reference

        save(site, FIXED)
        server.wait_for(lambda lines: CORRECTED in server.page())

        # An editor's save: the new text written beside the file, then renamed over it.
        (site.root / "refs.bib.new").write_text(GOOD, encoding="utf-8")
        os.replace(site.root / "refs.bib.new", bib)
        server.wait_for(lambda lines: SOLO in server.page())
        assert "Traceback" not in "\n".join(server.lines)
        assert "isn't an existing file" not in "\n".join(server.lines)
    finally:
        server.stop()
