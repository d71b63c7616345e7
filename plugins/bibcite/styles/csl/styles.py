"""CSL styles: the shipped ones by name, any other by its path; each read once for what bibcite
needs to know of it (numeric or author-date, its default locale, whether it depends on another).
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SHIPPED_DIR = Path(__file__).parent / "shipped"
_NS = "{http://purl.org/net/xbiblio/csl}"


class StyleError(Exception):
    """A CSL style that cannot be used: the message names the file, its line when known, and
    the fix."""


@dataclass(frozen=True)
class CslStyle:
    name: str  # as messages show it: 'apa', or the path as written
    path: str
    digest: str  # sha256 of the file's bytes, for the cache
    numeric: bool
    default_locale: str  # '' when the style names none
    source: str = ""  # the file the option names (a dependent style's, not its parent's)


@cache
def shipped() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in SHIPPED_DIR.glob("*.csl")))


def is_csl(name: str) -> bool:
    """Whether a `style` value selects the CSL engine: a shipped name, or a .csl path."""
    return name in shipped() or name.lower().endswith(".csl")


def load(name: str, base_dir: str) -> CslStyle:
    """The style `name` selects; a path is relative to `base_dir` (mkdocs.yml's folder)."""
    if name in shipped():
        path = str(SHIPPED_DIR / f"{name}.csl")
    else:
        path = os.path.normpath(os.path.join(base_dir, name))
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise StyleError(
            f"style '{name}': cannot read {path} ({error.strerror or error}); "
            "check the path, which is relative to the configuration file"
        ) from None
    return _read(name, path, data)


def _read(name: str, path: str, data: bytes) -> CslStyle:
    try:
        root = etree.fromstring(data)
    except etree.ParseError as error:
        line = error.position[0]
        raise StyleError(
            f"{path}:{line}: style '{name}' is not well-formed XML ({error}); "
            "fix the file, or download it again from the CSL styles repository"
        ) from None
    if root.tag != f"{_NS}style":
        raise StyleError(
            f"{path}:1: style '{name}' is not a CSL style (its root element is not <style> in "
            "the CSL namespace); use a .csl file from the CSL styles repository"
        )
    info = root.find(f"{_NS}info")
    parent = None
    if info is not None:
        for link in info.findall(f"{_NS}link"):
            if link.get("rel") == "independent-parent":
                parent = link.get("href", "")
    if parent is not None or root.find(f"{_NS}citation") is None:
        return _dependent(name, path, parent or "", root.get("default-locale", ""))
    category = info.find(f"{_NS}category[@citation-format]") if info is not None else None
    numeric = category is not None and category.get("citation-format") == "numeric"
    if category is None:  # no category: numeric when the citation prints citation-number
        numeric = any(
            element.get("variable") == "citation-number" for element in root.iter(f"{_NS}text")
        )
    return CslStyle(
        name=name,
        path=path,
        digest=hashlib.sha256(data).hexdigest(),
        numeric=numeric,
        default_locale=root.get("default-locale", ""),
        source=path,
    )


def _dependent(name: str, path: str, parent_url: str, locale: str) -> CslStyle:
    """A dependent style only names its parent: the parent, when shipped, else an error naming
    it."""
    parent = parent_url.rstrip("/").rsplit("/", 1)[-1]
    if parent in shipped():
        chosen = load(parent, "")
        locale = locale or chosen.default_locale
        return CslStyle(name, chosen.path, chosen.digest, chosen.numeric, locale, path)
    where = parent_url or 'its <link rel="independent-parent">, which it lacks'
    raise StyleError(
        f"{path}: style '{name}' is a dependent CSL style: it only points at its parent, "
        f"{where}; download the parent style ({parent}.csl) and set style to its path"
    )
