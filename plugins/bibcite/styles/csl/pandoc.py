"""pandoc ≥ 3, the CSL processor: found (the `csl` extra's pypandoc-binary wheel, else PATH),
its version checked, and run once a build with a timeout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

MINIMUM = (3, 0)
_VERSION = re.compile(rb"pandoc(?:\.exe)? (\d+)\.(\d+)")
INSTALL = "install the csl extra (pip install 'mkdocs-bibcite[csl]') or pandoc 3 on PATH"


class PandocError(Exception):
    """pandoc missing, too old, failing or too slow: what happened and the fix."""


@dataclass(frozen=True)
class Pandoc:
    path: str
    identity: str  # its path, size and time: for the cache key, known without running it


def find() -> Pandoc:
    path = _bundled() or shutil.which("pandoc")
    if path is None:
        raise PandocError(f"CSL styles need pandoc 3, and none was found; {INSTALL}")
    stat = os.stat(path)
    return Pandoc(path, f"{path}:{stat.st_size}:{stat.st_mtime_ns}")


def _bundled() -> str | None:
    """The binary of the pypandoc-binary wheel. Looked up here, not by pypandoc's
    `get_pandoc_path()`, which runs `pandoc --version`: a warm build starts no pandoc."""
    try:
        import pypandoc
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(pypandoc.__file__), "files")
    for name in ("pandoc", "pandoc.exe"):
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def check_version(pandoc: Pandoc) -> str:
    """Its version, e.g. '3.9'; an error for a pandoc older than 3, whose citeproc writes AMA and
    NLM references otherwise than the reference processor."""
    try:
        done = subprocess.run(
            [pandoc.path, "--version"], capture_output=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise PandocError(f"cannot run {pandoc.path} ({error}); {INSTALL}") from None
    found = _VERSION.search(done.stdout)
    if found is None:
        raise PandocError(f"{pandoc.path} --version printed no pandoc version; {INSTALL}")
    version = (int(found[1]), int(found[2]))
    if version < MINIMUM:
        raise PandocError(
            f"CSL styles need pandoc 3 or later, and {pandoc.path} is pandoc "
            f"{version[0]}.{version[1]}; {INSTALL}"
        )
    return f"{version[0]}.{version[1]}"


def run(
    pandoc: Pandoc, document: str, *, bibliography: str, style: str, lang: str, timeout: float
) -> str:
    """The HTML pandoc's citeproc makes of `document` (Markdown), with the CSL-JSON file
    `bibliography` and the style file `style`."""
    command = [
        pandoc.path,
        "--from=markdown",
        "--to=html",
        "--citeproc",
        "--wrap=none",
        f"--bibliography={bibliography}",
        f"--csl={style}",
        "--metadata=link-citations=true",
        f"--metadata=lang={lang}",
    ]
    try:
        done = subprocess.run(
            command, input=document.encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise PandocError(
            f"pandoc took longer than {timeout:g} s to format the references; raise the option "
            "csl_timeout, or cite fewer entries per build (author-date styles disambiguate "
            "slowly with thousands of references)"
        ) from None
    except OSError as error:
        raise PandocError(f"cannot run {pandoc.path} ({error}); {INSTALL}") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise PandocError(
            f"pandoc failed formatting the references with {style}: "
            f"{' '.join(message[-3:]) or f'exit status {done.returncode}'}; "
            "check the style file"
        )
    return done.stdout.decode()
