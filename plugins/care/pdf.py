"""The report as one PDF: the listed built pages, in order, joined into one print document by
Chromium (driven by Playwright) and printed with the site's print stylesheet, with the site's
address, the date and page numbers in the margins. Links between the listed pages become links
inside the PDF; links to the rest of the site point at the published site. Needs no MkDocs: the
host gives the built pages' files and raises its own error from `PdfError`."""

from __future__ import annotations

import concurrent.futures
import html
import importlib.util
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The flags the project runs Debian's Chromium with: headless, nothing fetched from Google.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TIMEOUT_MS = 60_000
# Where a theme puts a page's content, tried in this order (Material: article; mkdocs: main).
CONTENT = ("article", "[role=main]", "main", "body")
# On `<html>` of the document that is printed, for styles meant only for the PDF.
PDF_CLASS = "care-pdf"

# The PDF's own rules, before the site's: the link to the PDF is not in it, nor permalinks.
STYLE = f"""
.{PDF_CLASS} .care-pdf-link, .{PDF_CLASS} a.headerlink {{ display: none !important; }}
.{PDF_CLASS} .care-pdf-part + .care-pdf-part {{ margin-top: 2em; }}
"""

# Runs in each listed page: its content, with ids made unique to the page, links to listed pages
# turned into links inside the document, other links to the site made absolute (published
# address), images given their file address; scripts dropped.
EXTRACT = r"""
({prefix, parts, siteRoot, siteUrl, selectors}) => {
  const root = selectors.map((s) => document.querySelector(s)).find(Boolean);
  const copy = root.cloneNode(true);
  const own = (id) => `${prefix}--${id}`;
  copy.querySelectorAll("script, template").forEach((el) => el.remove());
  copy.querySelectorAll("[id]").forEach((el) => { el.id = own(el.id); });
  for (const name of ["for", "headers", "aria-describedby", "aria-labelledby",
                      "aria-controls", "aria-owns", "aria-details"]) {
    copy.querySelectorAll(`[${name}]`).forEach((el) => {
      el.setAttribute(name, el.getAttribute(name).split(/\s+/).filter(Boolean).map(own).join(" "));
    });
  }
  copy.querySelectorAll("a[href], area[href]").forEach((el) => {
    const url = new URL(el.getAttribute("href"), document.baseURI);
    if (url.protocol !== "file:") return el.setAttribute("href", url.href);
    const fragment = decodeURIComponent(url.hash.slice(1));
    const page = new URL(url.href); page.hash = ""; page.search = "";
    const file = page.href.endsWith("/") ? page.href + "index.html" : page.href;
    if (file in parts) {
      const target = fragment ? `${parts[file]}--${fragment}` : parts[file];
      return el.setAttribute("href", "#" + target);
    }
    if (siteUrl && url.href.startsWith(siteRoot)) {
      return el.setAttribute("href", siteUrl + url.href.slice(siteRoot.length));
    }
    el.removeAttribute("href");
  });
  copy.querySelectorAll("[src]").forEach((el) => el.setAttribute("src", el.src));
  copy.querySelectorAll("[srcset]").forEach((el) => el.removeAttribute("srcset"));
  return copy.innerHTML;
}
"""

# Runs in the first page: its content replaced by every part, then waits for the images.
ASSEMBLE = r"""
async ({parts, title, selectors, pdfClass, style}) => {
  const root = selectors.map((s) => document.querySelector(s)).find(Boolean);
  root.replaceChildren();
  for (const [id, content] of parts) {
    const section = document.createElement("section");
    section.className = "care-pdf-part";
    section.id = id;
    section.innerHTML = content;
    root.append(section);
  }
  document.documentElement.classList.add(pdfClass);
  const sheet = document.createElement("style");
  sheet.textContent = style;
  document.head.prepend(sheet);
  document.title = title;
  await Promise.all([...document.images].map((img) => img.complete ? null :
    new Promise((done) => { img.onload = img.onerror = done; })));
  await document.fonts.ready;
}
"""


class PdfError(Exception):
    """The PDF could not be made: what went wrong (`str`) and how to fix it (`fix`)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class Part:
    """One listed page: its built file and the id its part gets in the document."""

    file: Path
    anchor: str


@dataclass(frozen=True)
class Job:
    parts: Sequence[Part]
    output: Path
    site_dir: Path
    title: str
    site_url: str  # '' when the site has none: links outside the PDF are then dropped
    date: str
    chromium: str
    paper: str = "A4"


def anchor_for(src_uri: str) -> str:
    """The id of a page's part: `care-pdf-` and its source path, in id-safe characters."""
    return "care-pdf-" + re.sub(r"[^A-Za-z0-9_-]+", "-", src_uri.removesuffix(".md")).strip("-")


def check_tools(path: str) -> None:
    """Before the build: the Chromium at `path` and Playwright are there, or PdfError."""
    if importlib.util.find_spec("playwright") is None:
        raise PdfError(
            "Playwright is not installed", "install it (`pip install 'playwright>=1.45,<2'`)"
        )
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise PdfError(
            f"Chromium is not at {path}",
            "install it (`apt-get install chromium`) or set pdf.chromium to its path",
        )


def header_footer(job: Job) -> tuple[str, str]:
    """Chromium's margin templates: the title and the date above, the site's address and the
    page number below (Chromium fills the `pageNumber`/`totalPages` spans)."""
    box = (
        'style="width:100%;margin:0 12mm;font-size:8px;font-family:sans-serif;color:#444;'
        'display:flex;justify-content:space-between;gap:8mm"'
    )
    header = (
        f"<div {box}><span>{html.escape(job.title)}</span>"
        f"<span>{html.escape(job.date)}</span></div>"
    )
    footer = (
        f"<div {box}><span>{html.escape(job.site_url)}</span><span>Page "
        '<span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )
    return header, footer


def make_pdf(job: Job) -> None:
    """Print the job's PDF, or raise PdfError. Playwright's sync API runs in a thread of its own,
    so that a caller's event loop (or Playwright session) in this thread is no obstacle."""
    check_tools(job.chromium)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print, job).result()


def _print(job: Job) -> None:
    from playwright.sync_api import Error, sync_playwright

    files = {part.file.resolve().as_uri(): part.anchor for part in job.parts}
    site_root = job.site_dir.resolve().as_uri() + "/"
    header, footer = header_footer(job)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=job.chromium, args=list(CHROMIUM_ARGS), timeout=TIMEOUT_MS
            )
            try:
                page = browser.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                contents = []
                for part in job.parts:
                    page.goto(part.file.resolve().as_uri(), wait_until="load")
                    options = {
                        "prefix": part.anchor, "parts": files, "siteRoot": site_root,
                        "siteUrl": job.site_url, "selectors": list(CONTENT),
                    }
                    contents.append([part.anchor, page.evaluate(EXTRACT, options)])
                page.goto(job.parts[0].file.resolve().as_uri(), wait_until="load")
                page.evaluate(
                    ASSEMBLE,
                    {"parts": contents, "title": job.title, "selectors": list(CONTENT),
                     "pdfClass": PDF_CLASS, "style": STYLE},
                )
                job.output.parent.mkdir(parents=True, exist_ok=True)
                page.pdf(
                    path=str(job.output),
                    format=job.paper,
                    print_background=True,
                    display_header_footer=True,
                    header_template=header,
                    footer_template=footer,
                    margin={"top": "18mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                    outline=True,
                    tagged=True,
                )
            finally:
                browser.close()
    except Error as error:
        raise PdfError(
            f"Chromium failed: {error.message.splitlines()[0]}",
            "check that pdf.chromium is a working Chromium (`chromium --version`)",
        ) from None


MARKER = "<!-- care:pdf -->"


def fill_link(html_text: str, href: str, text: str) -> str:
    """The marker replaced by the link to the PDF (or by nothing, when `href` is '')."""
    if MARKER not in html_text:
        return html_text
    link = (
        f'<a class="care-pdf-link" href="{html.escape(href)}" type="application/pdf">'
        f"{html.escape(text)}</a>"
        if href
        else ""
    )
    return html_text.replace(MARKER, link)
