"""Stress builds: a 50 MB .bib, an entry with 10,000 authors, a page with 10,000 citations.

Each scenario is written into a temporary folder and built by `mkdocs build` in a child process;
the script prints the wall time and the child's peak resident memory (from `os.wait4`), next to
a baseline build of a tiny site, so that "memory stays bounded" is a number, not a feeling.

    .venv/bin/python bench/stress.py            # all scenarios
    .venv/bin/python bench/stress.py authors    # or bib50mb, citations, faults, macros, ...
    .venv/bin/python bench/stress.py bib50mb --without first_pass   # a mechanism patched out

`--without NAME` builds with the hook bench/without/NAME.py (see bench/mechanisms.py).

Not a test: the numbers depend on the machine. tests/bibliography/test_robustness.py builds smaller
(10,000 authors, 2,000 citations) and checks their HTML.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

THEME = "{{ page.content }}"
CONFIG = """site_name: Stress
theme: {name: null, custom_dir: theme, static_templates: []}
plugins:
  - bibcite:
      bibliography: refs.bib
"""


def entry(index: int) -> str:
    """One realistic journal article (about 530 bytes), LaTeX accents included."""
    return (
        f"@article{{key{index},\n"
        f"  author  = {{M{{\\\"u}}ller, J{{\\\"o}}rg and Garc{{\\'\\i}}a, Ana and O'Brien, Pat and "
        f"Nguyen, Van Anh and Smith, John Q. and Kowalski, Jan}},\n"
        f"  title   = {{Mesenchymal stromal cells in systemic sclerosis, part {index}: a "
        f"randomized, double-blind, placebo-controlled trial}},\n"
        f"  journal = {{Annals of the Rheumatic Diseases}},\n"
        f"  year    = {{{1990 + index % 35}}},\n"
        f"  volume  = {{{index % 90 + 1}}},\n"
        f"  number  = {{{index % 12 + 1}}},\n"
        f"  pages   = {{{index % 900 + 100}--{index % 900 + 112}}},\n"
        f"  doi     = {{10.1000/stress.{index}}},\n"
        f"  note    = {{Padding so that each entry is the size of a real one with an abstract "
        f"and keywords.}},\n"
        "}\n\n"
    )


HOOKS: list[str] = []  # bench/without/ hooks for every scenario's build (`--without`)


def write_site(root: Path, bib: str, page: str) -> Path:
    (root / "theme").mkdir(parents=True, exist_ok=True)
    (root / "theme" / "main.html").write_text(THEME)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    (root / "refs.bib").write_text(bib, encoding="utf-8")
    hooks = "".join(f"  - {json.dumps(hook)}\n" for hook in HOOKS)
    (root / "mkdocs.yml").write_text(CONFIG + (f"hooks:\n{hooks}" if hooks else ""))
    return root


def baseline(root: Path) -> Path:
    return write_site(root, entry(0), "# Tiny\n\nOne citation [@key0].\n")


def bib50mb(root: Path) -> Path:
    """A 50 MB bibliography, of which the page cites 1,000 entries."""
    count = 50 * 1024 * 1024 // len(entry(50_000))
    bib = "".join(entry(index) for index in range(count))
    step = max(count // 1000, 1)
    page = "# Big bibliography\n\n" + "\n\n".join(
        f"Sentence [@key{index}]." for index in range(0, count, step)
    )
    return write_site(root, bib, page)


def authors(root: Path) -> Path:
    """One entry with 10,000 authors, cited once (Vancouver lists three and "et al.")."""
    names = " and ".join(f"Author{index}, Given{index}" for index in range(10_000))
    bib = (
        f"@article{{many, author = {{{names}}}, title = {{A consortium paper}},\n"
        "  journal = {J Big Sci}, year = 2020, volume = 1, pages = {1--2}}\n"
    )
    return write_site(root, bib, "# Consortium\n\nCited [@many] and @many.\n")


def citations(root: Path) -> Path:
    """One page with 10,000 citations of 500 entries, in paragraphs of 20, in every form."""
    bib = "".join(entry(index) for index in range(500))
    forms = [
        "[@key{a}]",
        "[@key{a}; @key{b}]",
        "[see @key{a}, p. {n}]",
        "@key{a}",
        "[-@key{a}]",
    ]
    sentences = [
        "Text " + forms[n % len(forms)].format(a=n % 500, b=(n * 7) % 500, n=n) + "."
        for n in range(10_000)
    ]
    paragraphs = [" ".join(sentences[i : i + 20]) for i in range(0, len(sentences), 20)]
    return write_site(root, bib, "# Many citations\n\n" + "\n\n".join(paragraphs) + "\n")


def paragraph(root: Path) -> Path:
    """10,000 citations in a single paragraph (one long text node for Markdown's inline pass)."""
    bib = "".join(entry(index) for index in range(500))
    text = " ".join(f"Text [@key{n % 500}]." for n in range(10_000))
    return write_site(root, bib, "# One paragraph\n\n" + text + "\n")


def faults(root: Path) -> Path:
    """20,000 entries each with a duplicate field and an undefined macro, 2,000 duplicate keys:
    42,000 warnings, each with its line (once quadratic: every message rescanned the file)."""
    bib = "".join(
        f"@article{{k{i},\n  title = {{T{i}}},\n  journal = undefmacro,\n  title = {{Again}},\n"
        f"  author = {{A, B}},\n  year = 2000,\n}}\n\n"
        for i in range(20_000)
    ) + "".join(f"@article{{k{i},\n  title = {{Dup}},\n}}\n\n" for i in range(2_000))
    page = "# Faults\n\n" + "\n\n".join(f"Cited [@k{i}]." for i in range(0, 20_000, 20))
    return write_site(root, bib, page)


def macros(root: Path) -> Path:
    """26 @string macros, each the one before twice: under a kilobyte of .bib that would expand
    to gigabytes; bounded at 1,000,000 characters a value, with a warning per macro cut."""
    bib = (
        '@string{m0 = "'
        + "x" * 32
        + '"}\n'
        + "".join(f"@string{{m{n} = m{n - 1} # m{n - 1}}}\n" for n in range(1, 27))
    )
    bib += "@article{key0, title = m26, journal = {J}, year = 2001}\n"
    return write_site(root, bib, "# Macros\n\nCited [@key0].\n")


SCENARIOS: dict[str, Callable[[Path], Path]] = {
    "baseline": baseline,
    "bib50mb": bib50mb,
    "authors": authors,
    "citations": citations,
    "paragraph": paragraph,
    "faults": faults,
    "macros": macros,
}


def build(site: Path) -> tuple[float, float, int]:
    """`mkdocs build` in a child process: (wall seconds, peak RSS in MB, exit status)."""
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode:
        print(errors, file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, child.returncode  # ru_maxrss is in KiB on Linux


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="scenario", help=", ".join(SCENARIOS))
    parser.add_argument("--without", action="append", default=[], choices=WITHOUT)
    args = parser.parse_args(argv)
    names = args.names
    if unknown := set(names) - set(SCENARIOS):
        parser.error(f"no scenario {', '.join(sorted(unknown))}")
    HOOKS.extend(str(Path(__file__).parent / "without" / f"{name}.py") for name in args.without)
    print(f"{'scenario':<10} {'input':>10} {'build s':>8} {'peak MB':>8}  status")
    failed = 0
    for name in names or list(SCENARIOS):
        with tempfile.TemporaryDirectory(prefix=f"bibcite-stress-{name}-") as folder:
            site = SCENARIOS[name](Path(folder))
            size = (site / "refs.bib").stat().st_size + (site / "docs/index.md").stat().st_size
            wall, peak, status = build(site)
            html = (site / "site" / "index.html").read_text(encoding="utf-8") if not status else ""
            ok = "ok" if not status and "bibcite-references" in html else f"FAILED ({status})"
            failed += ok != "ok"
            print(f"{name:<10} {size / 1e6:>8.1f}MB {wall:>8.1f} {peak:>8.0f}  {ok}", flush=True)
    return 1 if failed else 0


WITHOUT = sorted(path.stem for path in (Path(__file__).parent / "without").glob("*.py"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
