"""The report's PDF (the care plugin's `pdf` option) as a reader gets it from the built site: the
header's "Download PDF" link, the text poppler extracts (title, authors, Table 1's rows, the
references, each compared with the built HTML), its links (inside the PDF and out), its fonts, the
margins (address, date, page numbers); and the errors and choices around it: a missing Chromium,
`mkdocs serve`, a bad option."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pypdf
import pytest
import yaml
from browser_support import BuiltSite, copy_site_sources, site_url
from bs4 import BeautifulSoup, Tag
from conftest import new_process
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parents[2]
SETTINGS = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
# The site's PDF options (care plugin): its file and pages.
PDF_PAGES = next(
    plugin["care"]["pdf"] for plugin in SETTINGS["plugins"]
    if isinstance(plugin, dict) and "care" in plugin
)


def squeeze(text: str) -> str:
    """Text with every run of white space (no-break spaces too) as one space."""
    return " ".join(text.replace("\xa0", " ").split())


def soup_of(site: Path, src_uri: str) -> BeautifulSoup:
    stem = src_uri.removesuffix(".md")
    built = "index.html" if stem == "index" else f"{stem}/index.html"
    return BeautifulSoup((site / built).read_text(encoding="utf-8"), "html.parser")


def text_of(tag: Tag) -> str:
    for link in tag.select("a.headerlink"):
        link.decompose()
    return squeeze(tag.get_text())


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def site(built_site: BuiltSite) -> Path:
    """The real site, built once for the whole session with `mkdocs build --strict`."""
    return built_site.root


@pytest.fixture(scope="module")
def pdf(site: Path) -> Path:
    return site / PDF_PAGES["file"]


@pytest.fixture(scope="module")
def pdf_text(pdf: Path) -> str:
    return squeeze(run("pdftotext", "-enc", "UTF-8", str(pdf), "-"))


def test_the_header_links_the_pdf_that_the_build_wrote(site: Path, pdf: Path):
    home = soup_of(site, "index.md")
    (link,) = home.select("header.article-header a.care-pdf-link")
    assert link.get_text() == "Download PDF"
    assert link["type"] == "application/pdf"
    target = (site / link["href"]).resolve()
    assert target == pdf.resolve()
    assert target.read_bytes().startswith(b"%PDF-")


def test_the_pdf_holds_the_title_and_every_author_as_on_the_site(site: Path, pdf_text: str):
    header = soup_of(site, "index.md").select_one("header.article-header")
    title = text_of(header.select_one("h1"))
    assert title.startswith("Case report of allogeneic unrelated-donor")
    assert title in pdf_text
    authors_line = header.select_one(".authors")
    for mark in authors_line.select("sup"):
        mark.decompose()
    authors = [squeeze(name) for name in authors_line.get_text().split(",")]
    assert len(authors) == 19 and authors[0] == "R. Chakr" and authors[-1] == "J. Brenol"
    for name in authors:
        assert re.search(rf"\b{re.escape(name)}\d?\b", pdf_text), name
    for affiliation in header.select(".affiliations li"):
        assert text_of(affiliation) in pdf_text
    assert text_of(header.select_one(".publication")) in pdf_text


def test_the_pdf_holds_every_listed_page_in_order(site: Path, pdf: Path):
    headings = [
        text_of(soup_of(site, page).select_one("article h1")) for page in PDF_PAGES["pages"]
    ]
    assert headings[1:] == [
        "Case presentation", "Methods", "Literature review", "Discussion and conclusions",
        "References",
    ]
    # The PDF's outline (bookmarks): one entry a page, in the option's order, on rising pages.
    reader = pypdf.PdfReader(pdf)
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    # (Chromium drops the space where a long heading wraps: compare without spaces.)
    assert [entry.title.replace(" ", "") for entry in top] == [
        heading.replace(" ", "") for heading in headings
    ]
    starts = [reader.get_destination_page_number(entry) for entry in top]
    assert starts == sorted(starts) and starts[0] == 0


def test_the_pdf_gives_each_reference_as_the_references_page_does(site: Path, pdf_text: str):
    entries = soup_of(site, "references.md").select("li[id^=ref-] .bibcite-entry")
    assert len(entries) == 4
    earlier = [squeeze(entry.get_text()) for entry in entries[1:]]
    assert [entry.split(" ")[0] for entry in earlier] == ["Christopeit", "Guiducci", "Keyszer"]
    for entry in earlier:
        assert entry in pdf_text


def pdf_words(pdf: Path) -> list[tuple[int, float, float, str, float]]:
    """Each word of the PDF: its page, left edge, top edge, text and right edge (pdftotext)."""
    boxes = BeautifulSoup(run("pdftotext", "-bbox", str(pdf), "-"), "html.parser")
    return [
        (number, float(word["xmin"]), float(word["ymin"]), word.get_text(), float(word["xmax"]))
        for number, page in enumerate(boxes.select("page"), start=1)
        for word in page.select("word")
    ]


def reading_order(words: list[tuple[float, float, str, float]]) -> str:
    """Words (left, top, text, right) as lines are read: top to bottom, a line left to right
    (tops within 3 pt share a line: italics sit a little apart); words that touch (pdftotext
    splits "[2]" where the link starts) are one."""
    lines: list[list[tuple[float, float, str, float]]] = []
    for word in sorted(words, key=lambda w: w[1]):
        if lines and word[1] - lines[-1][0][1] < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    text, right = "", -1.0
    for line in lines:
        for left, _, word, end in sorted(line):
            text += word if 0 <= left - right < 0.5 else " " + word
            right = end
        right = -1.0
    return squeeze(text)


def test_table_1_reads_row_by_row_as_on_the_site(site: Path, pdf: Path):
    table = soup_of(site, "literature-review.md").select_one("table#table-1")
    heads = [text_of(cell) for cell in table.select("thead th")]
    rows = [[text_of(cell) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    assert len(rows) == 4 and len(heads) == 6
    words = pdf_words(pdf)
    # The table's page and top (its caption, "Table 1."), its columns' left edges (where the
    # heading row's first words start), its rows' top edges (the first column's first words).
    at = next(i for i, w in enumerate(words) if w[3] == "Table" and words[i + 1][3] == "1.")
    page, _, top, _, _ = words[at]
    below = [(x, y, text, end) for number, x, y, text, end in words if number == page and y > top]
    first_row = min(y for x, y, text, _ in below if text == rows[0][0].split()[0])
    lefts = [
        min(x for x, y, text, _ in below if y < first_row and text == head.split()[0])
        for head in heads
    ]
    assert lefts == sorted(lefts)
    tops = [
        min(y for x, y, text, _ in below if text == row[0].split()[0] and x < lefts[1])
        for row in rows
    ]
    assert tops == sorted(tops)
    # The table ends where the legend under it starts ("not reported: the fact is ...").
    bottom = min(y for x, y, text, _ in below if y > tops[-1] and text == "not" and x < lefts[1])
    for r, row in enumerate(rows):
        low = tops[r + 1] if r + 1 < len(rows) else bottom
        for c, cell in enumerate(row):
            right = lefts[c + 1] if c + 1 < len(lefts) else 1e9
            found = [
                word for word in below
                if tops[r] - 2 <= word[1] < low - 2 and lefts[c] - 2 <= word[0] < right - 2
            ]
            assert reading_order(found) == cell, (r, c)


def pdf_links(pdf: Path) -> tuple[list[str], list[tuple[int, str]], pypdf.PdfReader]:
    """The PDF's external link targets and its internal ones (page, named destination)."""
    reader = pypdf.PdfReader(pdf)
    external, internal = [], []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/URI":
                external.append(str(action["/URI"]))
            else:
                internal.append((number, str(annotation["/Dest"])))
    return external, internal, reader


def test_links_inside_the_pdf_land_on_their_targets(pdf: Path):
    _, internal, reader = pdf_links(pdf)
    destinations = reader.named_destinations
    assert len(internal) > 20
    for _, name in internal:
        assert name in destinations, name
    landing = {
        name: reader.get_destination_page_number(destinations[name]) + 1 for _, name in internal
    }
    # "comparison table" on the home page lands on the page that shows Table 1.
    table_page = landing["/care-pdf-literature-review--literature-table"]
    assert "Table 1." in reader.pages[table_page - 1].extract_text()
    # A citation's number lands on its reference, in its page's list (`ref-<key>`).
    for name in landing:
        if "--ref-" in name:
            author = re.match(r"[a-z]+", name.split("--ref-")[1])[0]
            text = reader.pages[landing[name] - 1].extract_text()
            assert re.search(rf"^\d+\. {author}", text, re.IGNORECASE | re.MULTILINE), name


def test_links_out_of_the_pdf_are_the_sites_own(site: Path, pdf: Path):
    external, _, _ = pdf_links(pdf)
    base = site_url(site)
    hrefs = set()
    for page in PDF_PAGES["pages"]:
        stem = page.removesuffix(".md")
        page_url = urljoin(base, "" if stem == "index" else f"{stem}/")
        for link in soup_of(site, page).select("article a[href]"):
            hrefs.add(urljoin(page_url, link["href"]))
    assert external and set(external) <= hrefs
    # Every DOI and search link of the references is there, as the site writes it.
    references = soup_of(site, "references.md")
    wanted = {a["href"] for a in references.select(".bibcite-entry a, .bibcite-search a")}
    assert len(wanted) == 7
    assert wanted <= set(external)
    # The site's downloads point at the published site, not at a file on the build machine.
    assert urljoin(base, "downloads/references.bib") in external
    assert not [url for url in external if url.startswith("file:")]


def test_every_font_of_the_pdf_is_embedded(pdf: Path):
    lines = run("pdffonts", str(pdf)).splitlines()
    header = lines[0]
    emb = header.index("emb")
    fonts = lines[2:]
    assert fonts
    for line in fonts:
        assert line[emb:emb + 3] == "yes", line


def test_the_margins_give_the_address_the_date_and_page_numbers(site: Path, pdf: Path):
    reader = pypdf.PdfReader(pdf)
    count = len(reader.pages)
    assert count > 3
    assert reader.metadata.title == SETTINGS["site_name"]
    for number in (1, count):
        text = squeeze(run("pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"))
        assert site_url(site) in text
        assert f"Page {number} of {count}" in text
        assert re.search(r"\b20\d\d-\d\d-\d\d\b", text)


def test_the_pdf_leaves_out_the_sites_navigation_and_buttons(pdf_text: str):
    for words in ("Skip to content", "Initializing search", "Back to top", "Table of contents",
                  "For authors", "Download PDF", "Printed from"):
        assert words not in pdf_text, words


# --- the errors and choices around it --------------------------------------------------------


def test_a_missing_chromium_stops_make_build_saying_how_to_fix_it(tmp_path: Path):
    config_file = copy_site_sources(tmp_path)
    settings = config_file.read_text(encoding="utf-8")
    settings = settings.replace("      pdf:\n", "      pdf:\n        chromium: /nowhere/chromium\n")
    config_file.write_text(settings, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 1
    assert (
        "ERROR   -  care: cannot make the PDF downloads/report.pdf: Chromium is not at "
        "/nowhere/chromium — install it (`apt-get install chromium`) or set pdf.chromium to its "
        "path, or turn the PDF off with `pdf: {enabled: false}` under the care plugin in "
        "mkdocs.yml"
    ) in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site" / "downloads" / "report.pdf").exists()


def small_site(root: Path, pdf: dict) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        "# Home\n\nSee [the case](case.md#found). <!-- care:pdf -->\n", encoding="utf-8"
    )
    (root / "docs" / "case.md").write_text("# Case\n\n## Found\n\nText.\n", encoding="utf-8")
    settings = {
        "site_name": "Small",
        "site_url": "https://example.net/small/",
        "nav": ["index.md", "case.md"],
        "markdown_extensions": ["attr_list", "toc"],
        "plugins": [{"care": {"not_reported": {}, "enabled": True, "pdf": pdf}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return root / "mkdocs.yml"


def build_as(command: str, config_file: Path) -> list[str]:
    """Build as `mkdocs <command>` would, returning the care plugin's records."""
    import logging

    records: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == "mkdocs.plugins.care" and "CARE item" not in record.getMessage():
                records.append(f"{record.levelname}: {record.getMessage()}")

    new_process()
    handler = Grab(logging.INFO)
    logger = logging.getLogger("mkdocs.plugins.care")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(config_file))
        config.plugins.on_startup(command=command, dirty=False)
        try:
            build(config, serve_url="http://127.0.0.1:8000/small/" if command == "serve" else None)
        finally:
            config.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return records


def test_mkdocs_serve_leaves_the_pdf_to_mkdocs_build(tmp_path: Path):
    config_file = small_site(tmp_path, {"pages": ["index.md", "case.md"]})
    records = build_as("serve", config_file)
    assert records == [
        "INFO: care: The PDF is made by `mkdocs build` only (pdf.on_serve: true makes it here)"
    ]
    assert not (tmp_path / "site" / "report.pdf").exists()
    home = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    assert home.select_one("a.care-pdf-link")["href"] == "report.pdf"


def test_any_site_gets_its_pdf_with_links_between_its_pages(tmp_path: Path):
    config_file = small_site(tmp_path, {"pages": ["index.md", "case.md"], "file": "out/all.pdf"})
    records = build_as("build", config_file)
    assert [r for r in records if r.startswith("WARNING")] == []
    pdf = tmp_path / "site" / "out" / "all.pdf"
    text = squeeze(run("pdftotext", str(pdf), "-"))
    assert text.index("Home") < text.index("Case") < text.index("Found")
    _, internal, reader = pdf_links(pdf)
    assert [name for _, name in internal] == ["/care-pdf-case--found"]
    assert "/care-pdf-case--found" in reader.named_destinations


def test_a_page_the_nav_lacks_is_a_warning_and_the_pdf_can_be_turned_off(tmp_path: Path):
    config_file = small_site(tmp_path, {"pages": ["index.md", "cases.md"], "enabled": False})
    assert build_as("build", config_file) == []
    assert not (tmp_path / "site" / "report.pdf").exists()
    home = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    assert home.select("a.care-pdf-link") == []
    assert "care:pdf" not in str(home)

    other = small_site(tmp_path / "b", {"pages": ["cases.md"], "chromium": "/nowhere"})
    assert build_as("serve", other) == [
        "INFO: care: The PDF is made by `mkdocs build` only (pdf.on_serve: true makes it here)",
        "WARNING: care: mkdocs.yml: the PDF lists 'cases.md', which is not a page of the nav "
        "[unknown_page] — give its path under docs_dir as the nav does (index.md, case.md)",
    ]


@pytest.mark.parametrize("file", ["../report.pdf", "/tmp/report.pdf", "report.html"])
def test_the_pdf_file_must_be_a_pdf_inside_the_site(tmp_path: Path, file: str):
    from care.plugin import CarePlugin

    plugin = CarePlugin()
    errors, _ = plugin.load_config({"pdf": {"file": file}}, str(tmp_path / "mkdocs.yml"))
    assert [(name, str(error)) for name, error in errors] == [(
        "pdf",
        f"Sub-option 'file': '{file}' is not a PDF file's path inside the site; give a relative "
        "path ending in .pdf, e.g. 'report.pdf' or 'downloads/report.pdf'.",
    )]


def test_without_playwright_the_build_says_what_to_install(monkeypatch: pytest.MonkeyPatch):
    import importlib.util

    from care.pdf import PdfError, check_tools

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name)
    )
    with pytest.raises(PdfError) as raised:
        check_tools("/usr/bin/chromium")
    assert (str(raised.value), raised.value.fix) == (
        "Playwright is not installed", "install it (`pip install 'playwright>=1.45,<2'`)"
    )


def test_ci_installs_chromium_before_make_build_makes_the_pdf():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    install = next(i for i, run in enumerate(runs) if "scripts/install-system-deps" in run)
    build_step = next(i for i, run in enumerate(runs) if "make build" in run)
    assert install < build_step
    script = (REPO / "scripts" / "install-system-deps").read_text()
    assert "missing+=(chromium)" in script and "missing+=(poppler-utils)" in script
