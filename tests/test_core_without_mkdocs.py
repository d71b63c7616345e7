"""The core needs no MkDocs: in a fresh interpreter where importing `mkdocs` (or the Material
theme) fails, every module outside the MkDocs host imports, and a page's citations render
through the Markdown extension alone: numbers, links, cards' titles and the reference list."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]

# Run in a child process, so that nothing this test process has imported counts.
SCRIPT = r"""
import importlib, importlib.abc, json, pkgutil, sys

BLOCKED = ("mkdocs", "material")

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Blocker())

import bibcite

names = sorted(
    info.name
    for info in pkgutil.walk_packages(bibcite.__path__, "bibcite.")
    if not info.name.startswith("bibcite.mkdocs")
)
for name in names:
    importlib.import_module(name)

try:
    importlib.import_module("bibcite.mkdocs.plugin")
    host = "imported"
except ModuleNotFoundError as error:
    host = str(error)

import markdown
from bibcite.bibliography.load import load
from bibcite.citations.extension import CitationExtension
from bibcite.citations.registry import CitationRegistry
from bibcite.citations.site import Options, PageInfo, ResolvedSite
from bibcite.styles.formatter import ReferenceFormatter

bib_path, text = sys.argv[1], sys.argv[2]
bibliography = load([bib_path])
registry = CitationRegistry()
registry.start_page("index.md", text)
html = markdown.Markdown(extensions=[CitationExtension(registry)]).convert(text)
site = ResolvedSite(
    registry,
    ReferenceFormatter(bibliography, "vancouver", {}),
    {"index.md": PageInfo(url="", title="Home")},
    ["index.md"],
    Options(),
    relative_url=lambda target, source: target,
)
html = site.fill_citations("index.md", site.fill("index.md", html))
html = site.fill_reference_list("index.md", html)
print(json.dumps({
    "modules": names,
    "host": host,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
    "problems": [str(p) for p in site.problems()],
    "html": html,
}))
"""

BIB = r"""
@article{christopeit2008,
  author  = {Christopeit, M. and Schendel, M. and F{\"o}ll, J. and others},
  title   = {Marked improvement of severe progressive systemic sclerosis after transplantation
             of mesenchymal stem cells from an allogeneic haploidentical-related donor mediated
             by ligation of {CD137L}},
  journal = {Leukemia}, shortjournal = {Leukemia},
  year    = {2008}, month = may, volume = {22}, number = {5}, pages = {1062--1064},
}
"""

PAGE = """# Home

@christopeit2008 reported an improvement [@christopeit2008, p. 1063], but `[@christopeit2008]`
in code stays as written.
"""


def _run(tmp_path: Path) -> dict:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(bib), PAGE],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_core_module_imports_with_mkdocs_blocked(tmp_path):
    run = _run(tmp_path)
    # The blocker bites: the host, which needs MkDocs, cannot be imported there.
    assert "No module named 'mkdocs" in run["host"]
    assert run["loaded"] == []
    parts = {name.split(".")[1] for name in run["modules"]}
    assert parts == {
        "assets", "bibliography", "checks", "citations", "locales", "problems", "publishing",
        "styles", "tables",
        "zensical",  # the second host needs no MkDocs either
    }
    assert len(run["modules"]) >= 25


def test_a_page_renders_its_citations_through_the_extension_alone(tmp_path):
    run = _run(tmp_path)
    assert run["problems"] == []
    page = BeautifulSoup(run["html"], "html.parser")
    paragraph = page.find("p")
    assert " ".join(paragraph.get_text().split()) == (
        "Christopeit et al. [1] reported an improvement [1, p. 1063], "
        "but [@christopeit2008] in code stays as written."
    )
    links = paragraph.find_all("a")
    assert [link.get_text() for link in links] == ["1", "1"]
    assert {link["href"] for link in links} == {"#ref-christopeit2008"}
    assert page.find("code").get_text() == "[@christopeit2008]"
    assert page.find("h2").get_text() == "References"
    entry = page.find(id="ref-christopeit2008")
    assert " ".join(entry.get_text().split()) == (
        "Christopeit M, Schendel M, Föll J, et al. Marked improvement of severe progressive "
        "systemic sclerosis after transplantation of mesenchymal stem cells from an allogeneic "
        "haploidentical-related donor mediated by ligation of CD137L. Leukemia. "
        "2008 May;22(5):1062-4. ↩ a b"
    )
