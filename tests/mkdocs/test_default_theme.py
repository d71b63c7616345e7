"""The plugin needs no Material: its package does not ask for the theme, and a site with MkDocs'
own default theme builds under `--strict` in a fresh interpreter where importing `material`
fails, as on a machine where it was never installed."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

from bs4 import BeautifulSoup
from packaging.requirements import Requirement

# `mkdocs build --strict` with the Material theme's package made unimportable.
BUILD = r"""
import importlib.abc, json, sys

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "material":
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Blocker())
from mkdocs.__main__ import cli

try:
    cli(["build", "--strict", "--quiet", "--config-file", sys.argv[1]])
except SystemExit as exit:
    code = exit.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "material")
print(json.dumps({"code": code, "material": loaded}))
"""

CONFIG = """site_name: Plain
site_url: https://example.org/plain/
theme:
  name: mkdocs
nav:
  - index.md
  - refs.md
plugins:
  - search
  - bibcite:
      bibliography: refs.bib
"""

BIB = """@book{smith2001,
  author = {Smith, Jane},
  title = {A Book},
  publisher = {Press},
  address = {Oxford},
  year = {2001},
}
"""


def test_the_package_does_not_require_material():
    needed = [Requirement(line) for line in requires("mkdocs-bibcite") or []]
    plain = {req.name for req in needed if req.marker is None}
    assert "mkdocs" in plain and "pybtex" in plain
    assert "mkdocs-material" not in plain
    # The site's theme is in the `site` extra, which the README's commands install.
    assert "mkdocs-material" in {
        req.name for req in needed if req.marker and req.marker.evaluate({"extra": "site"})
    }


def test_a_site_with_the_default_theme_builds_without_material(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nAs shown [@smith2001, p. 4].\n")
    (tmp_path / "docs" / "refs.md").write_text("# References\n\n<!-- bibcite:bibliography -->\n")
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(tmp_path / "mkdocs.yml")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout.splitlines()[-1])
    assert run == {"code": 0, "material": []}, result.stderr

    page = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    links = {tag["href"] for tag in page.find_all("link", rel="stylesheet")}
    assert {"css/base.css", "assets/bibcite/bibcite.css"} <= links  # MkDocs' theme, and bibcite's
    main = page.find(attrs={"role": "main"})
    cite = main.find("p").find("a")
    assert (cite.get_text(), cite["href"]) == ("1", "#ref-smith2001")
    assert " ".join(main.find(id="ref-smith2001").get_text().split()).startswith(
        "Smith J. A Book. Oxford: Press; 2001."
    )
    assert {tag.get("src") for tag in page.find_all("script")} >= {"assets/bibcite/bibcite.js"}
    assert Path(tmp_path / "site" / "assets" / "bibcite" / "bibcite.js").stat().st_size > 0
    listing = BeautifulSoup((tmp_path / "site" / "refs" / "index.html").read_text(), "html.parser")
    assert listing.find(id="ref-smith2001") is not None
