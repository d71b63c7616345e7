"""bibcite's overhead counted in instructions and first-level data-cache misses, which no drift
in the machine's speed touches: the floor, the frozen floor (run.py), a warm bibcite build (the
cache from the build before) and a cold one (no cache) of the benchmark sites under Valgrind's
cachegrind (its cache simulation), with address randomisation off and the string hash seed
fixed, so that a second run counts the same.
Instructions are the work done; the misses are what the work costs in memory traffic, which wall
time pays for and instructions do not show.

    python bench/instructions.py [--scales 1,2] [--seeds 1,2,3] [--entries 5000 ...]

Which dictionary slots and lookup caches collide depends on the hash seed: two builds of the
same site with random seeds differed by 0.5 billion instructions (1.4%); with seeds 1 to 4 the
floor's 2× build stayed within 0.2 billion. So each build runs once per seed, and the table
gives the median and the range. Needs `valgrind` and `setarch` (Debian: `apt-get install
valgrind`). A build runs about 100× slower under the simulation; two run at a time, and the
default sizes and seeds took 25 minutes on this project's 2-core machine.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generate import write_site
from run import BUILD_ENV, build, compile_plugin, mkdocs_build, site_options, write_configs


@dataclass(frozen=True)
class Counts:
    instructions: int
    misses: int  # first-level data-cache misses, reads and writes

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.instructions - other.instructions, self.misses - other.misses)


def counts(root: Path, label: str, seed: int) -> Counts:
    """What one build of `label` in a new process executes and misses."""
    out = root / f"cachegrind-{label}-{seed}.out"
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=yes",
        f"--cachegrind-out-file={out}",
    ]
    # setarch -R: the same addresses every run, so hash tables and caches collide alike.
    # Each seed's site in a folder of its own: two builds run at once.
    if label == "cold":  # a cache folder of its own, empty: builds of two seeds run at once
        label = f"cold-{seed}"
        cache = root / f".cache-{label}"
        shutil.rmtree(cache, ignore_errors=True)
        config = (root / "bibcite.yml").read_text(encoding="utf-8")
        (root / f"{label}.yml").write_text(
            config.replace(
                "bibliography: refs.bib", f"bibliography: refs.bib\n      cache_dir: {cache.name}"
            ),
            encoding="utf-8",
        )
    mkdocs = mkdocs_build(sys.executable, root, root / f"seed-{seed}", label)
    command = ["setarch", "-R", *valgrind, *mkdocs]
    env = {**BUILD_ENV, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{label} build under valgrind failed:\n{done.stderr[-2000:]}")
    text = out.read_text()
    events = re.search(r"^events: (.*)$", text, re.MULTILINE)
    summary = re.search(r"^summary: (.*)$", text, re.MULTILINE)
    if events is None or summary is None:
        raise SystemExit(f"{out}: no events or summary line; is this cachegrind's output?")
    found = dict(zip(events[1].split(), map(int, summary[1].split()), strict=True))
    return Counts(found["Ir"], found["D1mr"] + found["D1mw"])


FLOORS = {"floor": "floor", "frozen": "frozen floor"}
BUILDS = {"bibcite": "warm", "cold": "cold"}  # the row's label: what the table calls it


def overheads(
    root: Path, seeds: list[int]
) -> dict[tuple[str, str], tuple[list[Counts], list[Counts]]]:
    """For each floor and each bibcite build: (the floor, the build − the floor) for each seed."""
    runs = [(label, seed) for seed in seeds for label in (*FLOORS, *BUILDS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip(runs, pool.map(lambda run: counts(root, *run), runs), strict=True))
    return {
        (floor, build): (
            [done[floor, seed] for seed in seeds],
            [done[build, seed] - done[floor, seed] for seed in seeds],
        )
        for build in BUILDS
        for floor in FLOORS
    }


def main() -> None:
    parser = site_options(__doc__.splitlines()[0], scales="1,2")
    parser.add_argument("--seeds", default="1,2,3", help="PYTHONHASHSEED values, one build each")
    args = parser.parse_args()
    missing = [tool for tool in ("valgrind", "setarch") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"Needs {' and '.join(missing)} (Debian: apt-get install valgrind).")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    compile_plugin(sys.executable)
    print(f"Median over hash seeds {args.seeds}, range in brackets; growth is seed by seed.")
    print()
    print(
        "| size | build | over | its instructions (billions) | bibcite's overhead, instructions "
        "(billions) | growth | its L1 data misses (millions) | growth |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    first: dict[tuple[str, str], list[Counts]] = {}
    for scale in [int(s) for s in args.scales.split(",")]:
        entries, pages = args.entries * scale, args.pages * scale
        with tempfile.TemporaryDirectory(prefix="bibcite-instructions-") as folder:
            root = Path(folder)
            names = write_site(root, entries=entries, pages=pages, per_page=args.per_page)
            write_configs(root, names)
            build(sys.executable, root, root, "bibcite", cold=True)  # the cache a warm build reads
            measured = overheads(root, seeds)
        for (floor, kind), (floors, extra) in measured.items():
            then = first.setdefault((floor, kind), extra)
            print(
                f"| {scale}× ({entries} entries, {pages} pages) | {BUILDS[kind]} "
                f"| {FLOORS[floor]} "
                f"| {_spread([c.instructions / 1e9 for c in floors])} "
                f"| {_spread([c.instructions / 1e9 for c in extra], places=3, sign='+')} "
                f"| {_growth([c.instructions for c in extra], [c.instructions for c in then])} "
                f"| {_spread([c.misses / 1e6 for c in extra], places=1, sign='+')} "
                f"| {_growth([c.misses for c in extra], [c.misses for c in then])} |",
                flush=True,
            )


def _spread(values: list[float], places: int = 2, sign: str = "") -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:{sign}.{places}f} ({low:{sign}.{places}f} to {high:{sign}.{places}f})"


def _growth(now: list[int], then: list[int]) -> str:
    return _spread([a / b for a, b in zip(now, then, strict=True)])


if __name__ == "__main__":
    main()
