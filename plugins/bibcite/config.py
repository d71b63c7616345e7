"""The plugin's configuration schema: every option, its default and its validation."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

DEFAULT_STYLE = "vancouver"


class BibliographyFiles(c.ListOfItems[str]):
    """One path or a list of paths to existing .bib files, relative to mkdocs.yml."""

    def __init__(self) -> None:
        super().__init__(c.File(exists=True))
        self.required = True

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if value == []:
            raise ValidationError("Name at least one .bib file, e.g. 'bibliography/references.bib'.")
        return super().run_validation(value)


class StyleName(c.Type[str]):
    """A pybtex formatting style installed in the `pybtex.style.formatting` entry-point group."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        installed = installed_styles()
        if name not in installed:
            raise ValidationError(
                f"Unknown pybtex style '{name}'. Installed styles: {', '.join(installed)}."
            )
        return name


def installed_styles() -> list[str]:
    from pybtex.plugin import enumerate_plugin_names

    return sorted(enumerate_plugin_names("pybtex.style.formatting"))


class BibciteConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from mkdocs.yml (citations are then left as written)."""

    bibliography = BibliographyFiles()
    """The .bib file or files, relative to mkdocs.yml."""

    encoding = c.Type(str, default="utf-8")
    """The text encoding of the .bib files (e.g. 'latin-1' for old archives)."""

    style = StyleName(default=DEFAULT_STYLE)
    """The pybtex formatting style: 'vancouver' (NLM/ICMJE), or any installed one ('unsrt', ...)."""

    max_authors = c.Type(int, default=6)
    """Vancouver: list all authors up to this many; beyond it, list `truncate_authors` and 'et al.'."""

    truncate_authors = c.Type(int, default=3)
    """Vancouver: how many authors are listed before 'et al.' when the list is truncated."""

    numbering = c.Choice(("site", "page"), default="site")
    """'site': one numbering for the whole site, in order of first citation along the nav; 'page': each page from 1."""

    references_heading = c.Type(str, default="References")
    """The heading of the reference list appended to each page that cites."""

    per_page_references = c.Type(bool, default=True)
    """Append a reference list to every page that cites."""
