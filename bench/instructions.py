"""bibcite's overhead counted in instructions, which no drift in the machine's speed touches:
the floor and a warm bibcite build of the benchmark sites, each run once under Valgrind's
cachegrind with address randomisation off, so that a second run counts the same.

    python bench/instructions.py [--scales 1,2] [--entries 5000 --pages 200 --per-page 10]

Needs `valgrind` and `setarch` (Debian: `apt-get install valgrind`). A build runs about 50×
slower under Valgrind: the default sizes take some minutes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import write_site
from run import BUILD_ENV, build, compile_plugin, mkdocs_build, site_options, write_configs


def instructions(root: Path, label: str) -> int:
    """Instructions executed by one build of `label` in a new process."""
    counts = root / f"cachegrind-{label}.out"
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        f"--cachegrind-out-file={counts}",
    ]
    # setarch -R: the same addresses every run, so hash tables and caches collide alike.
    command = ["setarch", "-R", *valgrind, *mkdocs_build(sys.executable, root, root, label)]
    done = subprocess.run(command, cwd=root, env=BUILD_ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{label} build under valgrind failed:\n{done.stderr[-2000:]}")
    for line in counts.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise SystemExit(f"{counts}: no summary line; is this cachegrind's output?")


def main() -> None:
    args = site_options(__doc__.splitlines()[0], scales="1,2").parse_args()
    missing = [tool for tool in ("valgrind", "setarch") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"Needs {' and '.join(missing)} (Debian: apt-get install valgrind).")
    compile_plugin(sys.executable)
    print("| size | floor (billion instructions) | bibcite, warm | overhead | overhead ÷ 1×'s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    first = None
    for scale in [int(s) for s in args.scales.split(",")]:
        entries, pages = args.entries * scale, args.pages * scale
        with tempfile.TemporaryDirectory(prefix="bibcite-instructions-") as folder:
            root = Path(folder)
            names = write_site(root, entries=entries, pages=pages, per_page=args.per_page)
            write_configs(root, names)
            build(sys.executable, root, root, "bibcite", cold=True)  # the cache a warm build reads
            floor, warm = instructions(root, "floor"), instructions(root, "bibcite")
        overhead = warm - floor
        first = first or overhead
        print(
            f"| {scale}× ({entries} entries, {pages} pages) | {floor / 1e9:.2f} | "
            f"{warm / 1e9:.2f} | +{overhead / 1e9:.3f} | {overhead / first:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
