"""The plugin's configuration schema: every option, its default and its validation."""

from __future__ import annotations

import codecs
import os

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

DEFAULT_STYLE = "vancouver"


class BibFile(c.File):
    """A path relative to mkdocs.yml, not a folder. A file missing is reported by the build, not
    here: under `mkdocs serve` a config error stops every rebuild (the server stops answering)
    while a save that deletes before it writes, a `git stash` or a branch switch takes the file
    away for a moment; the build keeps the last good site meanwhile."""

    def run_validation(self, value: object) -> str:
        path = super().run_validation(value)
        if "\0" in path:  # no file can have it; open() would raise ValueError, not OSError
            raise ValidationError(f"The path {path!r} holds a NUL character; name a .bib file.")
        if os.path.isdir(path):
            raise ValidationError(f"The path '{path}' is a folder; name a .bib file in it.")
        return path


class BibliographyFiles(c.ListOfItems[str]):
    """One path or a list of paths to .bib files, relative to mkdocs.yml."""

    def __init__(self) -> None:
        super().__init__(BibFile())
        self.required = True

    def validate(self, value: object) -> list[str]:
        if value is None:
            raise ValidationError(
                "Required: the .bib file or files, relative to mkdocs.yml, "
                "e.g. 'bibliography: bibliography/references.bib'."
            )
        return super().validate(value)

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if value == []:
            raise ValidationError(
                "Name at least one .bib file, e.g. 'bibliography/references.bib'."
            )
        paths = super().run_validation(value)
        twice = sorted({path for path in paths if paths.count(path) > 1})
        if twice:
            raise ValidationError(f"The file '{twice[0]}' is listed twice; list each file once.")
        return paths


class Encoding(c.Type[str]):
    """A text encoding Python knows ('utf-8', 'latin-1', 'cp1252', ...)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            codecs.lookup(name)
        except LookupError:
            raise ValidationError(
                f"Unknown encoding '{name}'. Use a Python codec name such as utf-8 or latin-1."
            ) from None
        return name


class StyleName(c.Type[str]):
    """A pybtex formatting style installed in the `pybtex.style.formatting` entry-point group."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        from pybtex.plugin import PluginNotFound

        from bibcite.styles.formatter import style_class

        name = super().run_validation(value)
        try:
            style_class(name)
        except PluginNotFound:
            raise ValidationError(
                f"Unknown pybtex style '{name}'. Installed styles: {', '.join(installed_styles())}."
            ) from None
        return name


class AuthorCount(c.Type[int]):
    """A number of authors: a whole number, at least 1."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):  # YAML `true` is not a number of authors
            raise ValidationError(f"Expected a whole number of authors, got {value!r}.")
        number = super().run_validation(value)
        if number < 1:
            raise ValidationError(f"Expected a number of authors of at least 1, got {number}.")
        return number


class TruncateAuthors(AuthorCount):
    """Checked against `max_authors` once both are valid."""

    def post_validation(self, config: base.Config, key_name: str) -> None:
        if config[key_name] > config["max_authors"]:
            raise ValidationError(
                f"truncate_authors ({config[key_name]}) must not exceed max_authors "
                f"({config['max_authors']}): lists longer than max_authors are cut to "
                "truncate_authors names and 'et al.'. Lower truncate_authors or raise max_authors."
            )


def installed_styles() -> list[str]:
    from pybtex.plugin import enumerate_plugin_names

    return sorted(enumerate_plugin_names("pybtex.style.formatting"))


class Subjects(c.BaseConfigOption[list]):
    """What a work is about, for schema.org `about`: each item a name ('systemic sclerosis') or a
    one-key mapping of a schema.org type to a name (`MedicalCondition: systemic sclerosis`)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = []

    def run_validation(self, value: object) -> list:
        if not isinstance(value, list):
            raise ValidationError(
                "Give a list, e.g. [systemic sclerosis] or "
                "[{MedicalCondition: systemic sclerosis}]."
            )
        subjects = []
        for item in value:
            if isinstance(item, str) and item.strip():
                subjects.append(("Thing", item.strip()))
            elif (
                isinstance(item, dict)
                and len(item) == 1
                and all(isinstance(part, str) and part.strip() for part in next(iter(item.items())))
            ):
                kind, name = next(iter(item.items()))
                subjects.append((kind.strip(), name.strip()))
            else:
                raise ValidationError(
                    f"Each subject is a name or a one-key mapping 'SchemaType: name', not {item!r}."
                )
        return subjects


class CiteThisConfig(base.Config):
    key = c.Optional(c.Type(str))
    """The .bib key of the work this site publishes: it gets a 'Cite this' block, Google Scholar
    meta tags and schema.org JSON-LD. Unset: none of them."""

    page = c.Type(str, default="index.md")
    """The page (path under docs/) that publishes the work and carries its metadata."""

    heading = c.Type(str, default="Cite this report")
    """The heading of the 'Cite this' block."""

    schema_type = c.Type(str, default="ScholarlyArticle")
    """The schema.org type of the work, e.g. MedicalScholarlyArticle."""

    publication_type = c.Type(str, default="")
    """schema.org `publicationType`, e.g. 'Case Reports' (MeSH publication type)."""

    about = Subjects()
    """schema.org `about`: names, or `SchemaType: name` mappings."""


class CiteThis(c.SubConfig[CiteThisConfig]):
    """`cite_this: key`, or a mapping of the CiteThisConfig options."""

    def run_validation(self, value: object) -> CiteThisConfig:
        if isinstance(value, str):
            value = {"key": value}
        return super().run_validation(value)


class BibciteConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from mkdocs.yml (citations are left as written)."""

    cache_dir = c.Optional(c.Type(str))
    """The folder, relative to mkdocs.yml, in which the cache keeps a `bibcite/` folder of its
    own for the bibliography's index, the formatted references and the downloads between builds
    (default `.cache`). Neither inside docs_dir or site_dir nor a .bib file's folder (checked
    when the build starts); set `cache: false` to keep nothing on disk."""

    cache = c.Type(bool, default=True)
    """Keep the bibliography's index, the formatted references and the downloads on disk
    between builds."""

    bibliography = BibliographyFiles()
    """The .bib file or files, relative to mkdocs.yml."""

    encoding = Encoding(default="utf-8")
    """The text encoding of the .bib files (e.g. 'latin-1' for old archives)."""

    style = StyleName(default=DEFAULT_STYLE)
    """The pybtex formatting style: 'vancouver' (NLM/ICMJE), or any installed one ('unsrt', ...)."""

    max_authors = AuthorCount(default=6)
    """Vancouver: list all authors up to this many; beyond it, `truncate_authors` and 'et al.'."""

    truncate_authors = TruncateAuthors(default=3)
    """Vancouver: how many authors are listed before 'et al.' when the list is truncated."""

    numbering = c.Choice(("site", "page"), default="site")
    """'site': one numbering for the whole site, in order of first citation along the nav;
    'page': each page from 1."""

    references_heading = c.Type(str, default="References")
    """The heading of the reference list appended to each page that cites."""

    per_page_references = c.Type(bool, default=True)
    """Append a reference list to every page that cites."""

    cite_this = CiteThis()
    """The work the site publishes: `cite_this: key`, or a mapping with `key`, `page`, `heading`,
    `schema_type`, `publication_type` and `about`."""

    strict = c.Type(bool, default=False)
    """Fail the build on any bibcite warning. `mkdocs build --strict` does this for every
    warning; the option is for Zensical, whose `--strict` does not count warnings."""

    downloads = c.Type(bool, default=True)
    """Write the bibliography (and the cited work) as .bib and .ris files into the site, linked
    where a page holds `<!-- bibcite:downloads -->` and in the 'Cite this' block."""
