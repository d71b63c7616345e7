"""The readers' CSS and JS bundles (bibcite.assets) as generated MkDocs files, linked from every
page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.structure.files import File

from bibcite.assets import BUNDLES, bundle, uri

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


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
