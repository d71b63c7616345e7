"""The readers' CSS and JS: a stylesheet and a script per feature in this folder, bundled into one
of each for the site, so a page makes two requests instead of one a feature, and any site gets
them without copying anything into its docs. A host adds the bundles to the site's files."""

from __future__ import annotations

from pathlib import Path

SOURCE_DIR = Path(__file__).parent
SITE_DIR = "assets/bibcite"
BUNDLES = {".css": "bibcite.css", ".js": "bibcite.js"}


def uri(kind: str) -> str:
    """Where the bundle of one kind (".css" or ".js") is in the site."""
    return f"{SITE_DIR}/{BUNDLES[kind]}"


def bundle(kind: str) -> str:
    """The source files of one kind in name order, one after another. Each script keeps to a
    function of its own, so none depends on another's place in the bundle."""
    parts = sorted(path for path in SOURCE_DIR.iterdir() if path.suffix == kind)
    return "\n".join(path.read_text(encoding="utf-8") for path in parts)
