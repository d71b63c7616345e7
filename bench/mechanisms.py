"""What each of bibcite's speed mechanisms saves, counted in instructions: the benchmark site
built by bibcite as it is and by bibcite with one mechanism taken out (a MkDocs hook in
bench/without/ that patches it out), warm (a new process with that variant's own cache) and
cold (no cache), under Valgrind's cachegrind as in instructions.py.

    python bench/mechanisms.py [--seeds 1] [--entries 5000 --pages 200 --per-page 10]

Each variant's pages are first checked to be the same as bibcite's (ASCII output aside, whose
pages differ only in how characters are written), so a hook that broke the build cannot pass
for a saving. Two builds run at a time; at the default size and one seed it took 45 minutes on
this project's 2-core machine.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generate import write_site
from instructions import Counts, counts
from run import BASE, HERE, build, compile_plugin, site_options, write_configs

MECHANISMS = {  # hook in bench/without/: what the table calls the mechanism
    "ascii_output": "ASCII output",
    "gc_freeze": "freezing the garbage collector",
    "first_pass": "the first pass over .bib files",
    "memoised_rendering": "memoised rendering",
}
BIBCITE = "  - bibcite:\n      bibliography: refs.bib\n      cache_dir: {cache}\n"


def write_variant(root: Path, names: list[str], label: str, hook: str | None) -> None:
    """`label`.yml (warm, its own cache) and `label`-cold.yml (a cache folder emptied first)."""
    nav = "\n".join(f"  - {name}" for name in names)
    hooks = f"hooks:\n  - {json.dumps(str(HERE / 'without' / hook))}\n" if hook else ""
    for suffix in ("", "-cold"):
        plugin = BIBCITE.format(cache=f".cache-{label}{suffix}")
        text = BASE.format(nav=nav, hooks=hooks, plugin=plugin)
        (root / f"{label}{suffix}.yml").write_text(text, encoding="utf-8")


def pages(site: Path) -> dict[str, str]:
    """Each page's HTML as a reader gets it: character references read as characters."""
    return {
        str(path.relative_to(site)): html.unescape(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def cold_counts(root: Path, label: str, seed: int) -> Counts:
    shutil.rmtree(root / f".cache-{label}-cold", ignore_errors=True)
    return counts(root, f"{label}-cold", seed)


def main() -> None:
    parser = site_options(__doc__.splitlines()[0], scales="1")
    parser.add_argument("--seeds", default="1", help="PYTHONHASHSEED values, one build each")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    compile_plugin(sys.executable)
    labels = ["bibcite", *(f"without-{name}" for name in MECHANISMS)]
    with tempfile.TemporaryDirectory(prefix="bibcite-mechanisms-") as folder:
        root = Path(folder)
        names = write_site(root, entries=args.entries, pages=args.pages, per_page=args.per_page)
        write_configs(root, names)  # the floor, as instructions.py counts it
        write_variant(root, names, "bibcite", None)
        for name in MECHANISMS:
            write_variant(root, names, f"without-{name}", f"{name}.py")
        for label in labels:  # each variant's cache, which its warm build reads
            build(sys.executable, root, root, label, cold=False)
        expected = pages(root / "site-bibcite")
        for label in labels[1:]:
            if pages(root / f"site-{label}") != expected:
                raise SystemExit(f"{label}: its pages differ from bibcite's; the hook is wrong")
        runs = [(label, kind, seed) for seed in seeds for label in labels for kind in "wc"]
        runs += [("floor", "w", seed) for seed in seeds]

        def count(run: tuple[str, str, int]) -> Counts:
            label, kind, seed = run
            return counts(root, label, seed) if kind == "w" else cold_counts(root, label, seed)

        with ThreadPoolExecutor(max_workers=2) as pool:
            done = dict(zip(runs, pool.map(count, runs), strict=True))
    size = f"{args.entries} entries, {args.pages} pages"
    print(f"Billions of instructions at {size}: the median over hash seeds {args.seeds}, and in")
    print("brackets the change against bibcite, seed by seed (its range).")
    print()
    print("| build | warm | its ratio to the floor | cold | cold overhead |")
    print("| --- | ---: | ---: | ---: | ---: |")

    def of(label: str, kind: str) -> list[int]:
        return [done[label, kind, seed].instructions for seed in seeds]

    floor = _median(of("floor", "w"))
    print(f"| the floor (no citation plugin) | {floor / 1e9:.2f} | 1.000 | | |")
    for label in labels:
        warm, cold = _median(of(label, "w")), _median(of(label, "c"))
        if label == "bibcite":
            name, changes = "bibcite", ("", "")
        else:
            name = f"without {MECHANISMS[label.removeprefix('without-')]}"
            changes = tuple(f" ({_range(of(label, k), of('bibcite', k))})" for k in "wc")
        print(
            f"| {name} | {warm / 1e9:.2f}{changes[0]} | {warm / floor:.3f} "
            f"| {cold / 1e9:.2f}{changes[1]} | {(cold - floor) / 1e9:+.2f} |",
            flush=True,
        )


def _range(variant: list[int], bibcite: list[int]) -> str:
    """The variant's change against bibcite, seed by seed: its lowest and highest."""
    changes = [(a - b) / 1e9 for a, b in zip(variant, bibcite, strict=True)]
    low, high = min(changes), max(changes)
    return f"{low:+.3f}" if low == high else f"{low:+.3f} to {high:+.3f}"


def _median(values: list[int]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


if __name__ == "__main__":
    main()
