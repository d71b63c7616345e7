"""bibcite under Zensical (`zensical build`, in a child process, as an author runs it): this
repository's site gives the same citations, reference lists and literature table as under
MkDocs; a cached rebuild after an edit gives the clean build's site; an unknown key warns with
its page and line, and fails the build with `strict: true`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from remote_server import Library, Served, serving

from bibcite.mkdocs.plugin import BibcitePlugin  # noqa: F401  (the MkDocs host is installed)

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}


def zensical(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    program = Path(sys.executable).parent / "zensical"
    if not program.is_file():
        pytest.fail(
            f"the Zensical tests need {program}: pip install -e '.[zensical]' (make test does)",
            pytrace=False,
        )
    return subprocess.run(
        [str(program), "build", *args], cwd=root, env={**ENV, **(env or {})},
        capture_output=True, text=True,
        timeout=300,
    )


def mkdocs(root: Path, site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=root, env=ENV, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr


def article(path: Path) -> BeautifulSoup:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = page.find("article") or page.find(attrs={"role": "main"})
    for element in found.find_all(["script", "style", "template"]):
        element.decompose()
    return found


def _text(element) -> str:
    return " ".join(element.get_text().split())


def facts(path: Path) -> dict[str, list]:
    """What a reader reads of bibcite's work on a page."""
    page = article(path)
    return {
        "citations": [
            (_text(span), [(a.get_text(), a["href"]) for a in span.select("a.bibcite-ref")])
            for span in page.select(".bibcite-citation")
        ],
        "references": [
            (item["id"], _text(item), [link["href"] for link in item.find_all("a")])
            for item in page.select("li[id^=ref-]")
        ],
        "table": [
            [_text(cell) for cell in row.find_all(["th", "td"])]
            for row in page.select("table.bibcite-table-table tr")
        ],
        "cite this": [_text(block) for block in page.select(".bibcite-cite-this-reference")],
    }


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("site")
    for name in ("docs", "bibliography", "overrides"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    built = zensical(root, "--clean")
    assert built.returncode == 0, built.stderr
    mkdocs(root, root / "mkdocs-site")
    return root / "site", root / "mkdocs-site", built


PAGES = [
    "index.html",
    "case-presentation/index.html",
    "methods/index.html",
    "literature-review/index.html",
    "discussion/index.html",
    "references/index.html",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_reads_as_under_mkdocs(both_builds, page):
    zensical_site, mkdocs_site, _ = both_builds
    under_zensical, under_mkdocs = facts(zensical_site / page), facts(mkdocs_site / page)
    assert under_zensical == under_mkdocs
    assert under_mkdocs["citations"] or under_mkdocs["references"]


def test_the_site_has_citations_a_table_and_cite_this(both_builds):
    zensical_site, _, built = both_builds
    home = facts(zensical_site / "index.html")
    assert home["citations"][0] == ("[1]", [("1", "#ref-chakr2013")])
    assert home["cite this"] and home["cite this"][0].startswith("Chakr R, Pavan T, Siqueira I")
    review = facts(zensical_site / "literature-review" / "index.html")
    assert len(review["table"]) >= 4
    listing = facts(zensical_site / "references" / "index.html")["references"]
    assert [key for key, _, _ in listing][:1] == ["ref-chakr2013"]
    assert "../#cite-1" in listing[0][2]  # back to the home page, as Zensical rewrote it
    assert "bibcite" not in built.stderr  # no warning from bibcite


def test_nothing_is_left_unrendered(both_builds):
    zensical_site, _, _ = both_builds
    for path in zensical_site.rglob("*.html"):
        page = article(path) if path.name != "404.html" else None
        if page is None:
            continue
        for code in page.find_all(["code", "pre"]):
            code.decompose()
        html = str(page)
        for leftover in ("[@", "<bibcite-", "/// literature-table", "bibcite:bibliography"):
            assert leftover not in html, f"{path}: {leftover}"


def test_the_table_download_is_its_csv(both_builds):
    zensical_site, _, _ = both_builds
    page = article(zensical_site / "literature-review" / "index.html")
    link = page.find("a", href=lambda href: href and href.startswith("data:text/csv"))
    text = unquote(link["href"].split(",", 1)[1])
    assert text.startswith("\ufeffReport,")
    assert "Christopeit" in text


SMALL = {
    "mkdocs.yml": """site_name: Small
nav:
  - one.md
  - two.md
  - three.md
markdown_extensions:
  - toc
  - bibcite.zensical:
      bibliography: refs.bib
watch:
  - docs
  - refs.bib
""",
    "refs.bib": """
@book{a, author = {Ames, A.}, title = {Alpha}, publisher = {P}, year = {2001}}
@book{b, author = {Bell, B.}, title = {Beta}, publisher = {P}, year = {2002}}
@book{c, author = {Cole, C.}, title = {Gamma}, publisher = {P}, year = {2003}}
""",
    "docs/one.md": "# One\n\nFirst [@a].\n",
    "docs/two.md": "# Two\n\nThen [@b].\n",
    "docs/three.md": "# Three\n\nLast [@c] and [@b].\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_a_cached_rebuild_after_an_edit_gives_the_clean_build(tmp_path):
    cached, clean = tmp_path / "cached", tmp_path / "clean"
    _write(cached, SMALL)
    assert zensical(cached, "--clean").returncode == 0
    before = facts(cached / "site" / "three" / "index.html")
    assert [links for _, links in before["citations"]] == [
        [("3", "#ref-c")], [("2", "#ref-b")]
    ]
    edited = {**SMALL, "docs/two.md": "# Two\n\nThen [@c] and [@b].\n"}  # cites c earlier
    _write(cached, {"docs/two.md": edited["docs/two.md"]})
    later = os.stat(cached / "docs" / "one.md").st_mtime + 5  # Zensical reads mtimes in seconds
    os.utime(cached / "docs" / "two.md", (later, later))
    rebuilt = zensical(cached)
    assert rebuilt.returncode == 0, rebuilt.stderr
    _write(clean, edited)
    assert zensical(clean, "--clean").returncode == 0
    for page in ("one", "two", "three"):
        assert facts(cached / "site" / page / "index.html") == facts(
            clean / "site" / page / "index.html"
        ), page
    after = facts(cached / "site" / "three" / "index.html")
    assert [links for _, links in after["citations"]] == [[("2", "#ref-c")], [("3", "#ref-b")]]


def test_an_unknown_key_warns_with_its_page_and_line(tmp_path):
    _write(tmp_path, {**SMALL, "docs/two.md": "# Two\n\nThen\n[@nope].\n"})
    built = zensical(tmp_path, "--clean")
    assert built.returncode == 0, built.stderr
    assert (
        "bibcite: docs/two.md:4: unknown citation key 'nope' [key_not_found]" in built.stderr
    )
    assert "[?nope]" in article(tmp_path / "site" / "two" / "index.html").get_text()  # as MkDocs


def test_strict_fails_the_build_on_a_warning(tmp_path):
    config = SMALL["mkdocs.yml"].replace(
        "bibliography: refs.bib", "bibliography: refs.bib\n      strict: true"
    )
    _write(tmp_path, {**SMALL, "mkdocs.yml": config, "docs/two.md": "# Two\n\n[@nope]\n"})
    built = zensical(tmp_path, "--clean")
    assert built.returncode != 0
    assert "unknown citation key 'nope'" in built.stderr
    assert "bibcite: 1 warning with strict: true (listed above); fix it, or set strict: false" in (
        built.stderr
    )


def test_a_bad_option_fails_with_its_message(tmp_path):
    config = SMALL["mkdocs.yml"].replace("bibliography: refs.bib", "bibliography: nope.bib")
    _write(tmp_path, {**SMALL, "mkdocs.yml": config})
    built = zensical(tmp_path, "--clean")
    assert built.returncode != 0
    assert (
        "bibcite: nope.bib: cannot read the file: No such file or directory [bibfile_error] — "
        "restore it, or correct its path in the bibcite option 'bibliography'" in built.stderr
    )


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _until(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = predicate()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.3)
    return None


def test_serve_survives_a_failing_strict_build_and_recovers(tmp_path):
    config = SMALL["mkdocs.yml"].replace(
        "bibliography: refs.bib", "bibliography: refs.bib\n      strict: true"
    )
    _write(tmp_path, {**SMALL, "mkdocs.yml": config, "docs/one.md": "# One\n\n[@nope]\n"})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program = Path(sys.executable).parent / "zensical"
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115  (read after the server ends)
    server = subprocess.Popen(
        [str(program), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=ENV, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/one/"
        assert _until(lambda: ">?nope<" in _get(url)), "serve did not answer"
        (tmp_path / "docs" / "one.md").write_text("# One\n\nFirst [@a].\n", encoding="utf-8")
        later = time.time() + 5
        os.utime(tmp_path / "docs" / "one.md", (later, later))
        assert _until(lambda: 'href="#ref-a"' in _get(url)), "serve did not recover"
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.seek(0)
        output = log.read()
        log.close()
    assert "bibcite: 1 warning with strict: true" in output
    assert "zensical serve goes on; a build would fail" in output
    assert output.count("unknown citation key 'nope'") == 1
    assert "Traceback" not in output


def test_a_folder_of_bib_files_is_read_in_name_order(tmp_path):
    config = SMALL["mkdocs.yml"].replace("bibliography: refs.bib", "bibliography: bib")
    config = config.replace("  - refs.bib", "  - bib")
    entries = SMALL["refs.bib"].strip().splitlines()
    named = zip("zyx", entries, strict=True)  # x.bib holds c, read first
    files = {"mkdocs.yml": config, **{f"bib/{n}.bib": entry for n, entry in named}}
    _write(tmp_path, {name: text for name, text in SMALL.items() if name.startswith("docs/")})
    _write(tmp_path, files)
    built = zensical(tmp_path, "--clean")
    assert built.returncode == 0, built.stderr
    three = facts(tmp_path / "site" / "three" / "index.html")
    assert [links for _, links in three["citations"]] == [[("3", "#ref-c")], [("2", "#ref-b")]]
    assert [text for _, text, _ in three["references"]] == [
        "Bell B. Beta. P; 2002. ↩",
        "Cole C. Gamma. P; 2003. ↩",
    ]


def _remote_site(root: Path, bibliography: str, extra: str = "") -> None:
    config = SMALL["mkdocs.yml"].replace("bibliography: refs.bib", f"bibliography: {bibliography}")
    config = config.replace("      bibliography:", f"{extra}      bibliography:")
    _write(root, {name: text for name, text in SMALL.items() if name != "refs.bib"})
    _write(root, {"mkdocs.yml": config.replace("  - refs.bib\n", "")})


def test_a_bibliography_from_an_address_is_fetched_and_kept_for_offline_builds(tmp_path):
    """`zensical build --clean` empties `.cache`: a cache_dir elsewhere keeps the copy."""
    with serving(Served({"/refs.bib": SMALL["refs.bib"].encode()})) as served:
        url = served.url("/refs.bib")
        _remote_site(tmp_path, url, "      cache_dir: .bibcite-cache\n")
        built = zensical(tmp_path, "--clean")
    assert built.returncode == 0, built.stderr
    assert served.answers == [("/refs.bib", 200)]
    three = facts(tmp_path / "site" / "three" / "index.html")
    assert [text for _, text, _ in three["references"]] == [
        "Bell B. Beta. P; 2002. ↩",
        "Cole C. Gamma. P; 2003. ↩",
    ]
    offline = zensical(tmp_path, "--clean")  # the server is gone: the cached copy
    assert offline.returncode == 0, offline.stderr
    assert f"bibcite: {url}: cannot download the bibliography: the server cannot be reached" in (
        offline.stderr
    )
    assert facts(tmp_path / "site" / "three" / "index.html") == three


def test_a_zotero_library_is_read_with_the_key_from_the_environment(tmp_path):
    key = "P9NiFoyLeZu2bZNvvuQPDWsd"
    entries = [f"{line.strip()}\n".encode() for line in SMALL["refs.bib"].strip().splitlines()]
    filler = [  # two pages more: 250 items
        f"@book{{x{n}, title = {{X{n}}}, publisher = {{P}}, year = {{2000}}}}\n".encode()
        for n in range(247)
    ]
    library = Library([*filler[:120], *entries, *filler[120:]], key=key)
    with serving(Served(zotero={"/groups/2034876": library})) as served:
        _remote_site(tmp_path, "zotero:groups/2034876", f"      zotero_api: {served.url('')}\n")
        built = zensical(tmp_path, "--clean", env={"ZOTERO_API_KEY": key})
    assert built.returncode == 0, built.stderr
    assert [status for _, status in served.answers] == [200, 200, 200]
    assert all(headers["Zotero-API-Key"] == key for _, headers in served.requests)
    three = facts(tmp_path / "site" / "three" / "index.html")
    assert [links for _, links in three["citations"]] == [[("3", "#ref-c")], [("2", "#ref-b")]]
    assert [text for _, text, _ in three["references"]] == [
        "Bell B. Beta. P; 2002. ↩",
        "Cole C. Gamma. P; 2003. ↩",
    ]
    assert key not in built.stdout + built.stderr
    kept = [path for path in (tmp_path / ".cache").rglob("*") if path.is_file()]
    assert kept and not any(key.encode() in path.read_bytes() for path in kept)
