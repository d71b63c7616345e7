"""The plugin's reader-facing files (`plugins/bibcite/assets/`, a stylesheet and a script per
feature), bundled into one stylesheet and one script under `assets/bibcite/` and linked from
every page: two requests a page instead of one a feature, and any site using the plugin gets them
without copying anything into its docs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

SOURCE_DIR = Path(__file__).parent / "assets"
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


def link(config: MkDocsConfig) -> None:
    """Link each bundle from every page (extra_css / extra_javascript), once."""
    for kind, target in ((".css", config.extra_css), (".js", config.extra_javascript)):
        if uri(kind) not in [str(item) for item in target]:
            target.append(uri(kind))


def add(files: Files, config: MkDocsConfig) -> None:
    """Add each bundle to the site's files; a file of the same path in docs/ wins."""
    for kind in BUNDLES:
        if files.get_file_from_path(uri(kind)) is None:
            files.append(File.generated(config, uri(kind), content=bundle(kind)))
