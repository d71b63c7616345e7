"""Unknown keys against known ones: the same page of 2,000 citations among 2 MB of prose, built
once citing 2,000 keys of the bibliography and once citing 2,000 one-letter typos of them (each
an unknown key with a "did you mean" suggestion), over a bibliography of 20,000 entries.

Each site is built by `mkdocs build` in a child process (stress.py's `build`); the script prints
both wall times side by side and their ratio, which should stay under 2: an unknown key costs a
message and a suggestion, not a search of the whole bibliography and a scan of the whole page.

    .venv/bin/python bench/unknown_keys.py               # 20,000 entries, 2,000 keys
    .venv/bin/python bench/unknown_keys.py 5000 500      # entries, keys

Not a test: the numbers depend on the machine. tests/citations/test_suggest.py checks that the
messages (page, line, suggestion) stay exact.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from stress import build, write_site

SURNAMES = ("smith", "jones", "garcia", "miller", "chen", "wang", "kim", "nguyen", "muller")


def key(index: int) -> str:
    """Keys as real bibliographies write them: a surname, a year, a letter to tell them apart."""
    surname = SURNAMES[index % len(SURNAMES)]
    return f"{surname}{index // len(SURNAMES)}:{1990 + index % 35}"


def typo(written: str) -> str:
    """One letter of the surname changed: a key the bibliography does not hold."""
    return ("q" if written[1] != "q" else "z").join((written[0], written[2:]))


def bibliography(entries: int) -> str:
    return "".join(
        f"@article{{{key(index)}, author = {{Author{index}, A}}, title = {{Title {index}}}, "
        f"journal = {{J}}, year = {1990 + index % 35}}}\n"
        for index in range(entries)
    )


# About 20 kB of prose without citations after each paragraph of 20 citations.
PROSE = ("Prose without citations, as most of a long page is. " * 20 + "\n\n") * 20


def page(keys: list[str]) -> str:
    sentences = [f"Text [@{written}]." for written in keys]
    paragraphs = [" ".join(sentences[i : i + 20]) for i in range(0, len(sentences), 20)]
    return "# Citations\n\n" + "".join(f"{paragraph}\n\n{PROSE}" for paragraph in paragraphs)


def main(arguments: list[str]) -> int:
    entries, cited = (int(value) for value in (arguments + ["20000", "2000"][len(arguments) :]))
    bib = bibliography(entries)
    step = max(entries // cited, 1)
    known = [key(index) for index in range(0, entries, step)][:cited]
    runs = {"known": known, "unknown": [typo(written) for written in known]}
    size = len(page(known).encode()) / 1e6
    print(f"{entries:,} entries; a page of {size:.1f} MB citing {len(known):,} keys")
    print(f"{'keys':<8} {'build s':>8} {'peak MB':>8}  status")
    times = {}
    for name, keys in runs.items():
        with tempfile.TemporaryDirectory(prefix=f"bibcite-unknown-{name}-") as folder:
            site = write_site(Path(folder), bib, page(keys))
            wall, peak, status = build(site)
            times[name] = wall
            print(f"{name:<8} {wall:>8.1f} {peak:>8.0f}  {status or 'ok'}")
    ratio = times["unknown"] / times["known"]
    print(f"unknown / known: {ratio:.2f} (at most 2 expected)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
