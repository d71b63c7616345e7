"""The plugin's reader-facing files (JavaScript and CSS in `plugins/bibcite/assets/`): added to the
site's files under `assets/bibcite/` and linked from every page, so any site using the plugin
gets them without copying anything into its docs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

SOURCE_DIR = Path(__file__).parent / "assets"
SITE_DIR = "assets/bibcite"
KINDS = (".css", ".js")


def names() -> list[str]:
    """Every .css and .js file shipped in the package's assets folder, sorted."""
    return sorted(path.name for path in SOURCE_DIR.iterdir() if path.suffix in KINDS)


def uri(name: str) -> str:
    return f"{SITE_DIR}/{name}"


def link(config: MkDocsConfig) -> None:
    """Link each asset from every page (extra_css / extra_javascript), once."""
    for name in names():
        target = config.extra_css if name.endswith(".css") else config.extra_javascript
        if uri(name) not in [str(item) for item in target]:
            target.append(uri(name))


def add(files: Files, config: MkDocsConfig) -> None:
    """Add each asset to the site's files; a file of the same path in docs/ wins."""
    for name in names():
        if files.get_file_from_path(uri(name)) is None:
            files.append(File.generated(config, uri(name), abs_src_path=str(SOURCE_DIR / name)))
