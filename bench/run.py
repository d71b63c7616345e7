"""The build benchmark: MkDocs with no citation plugin (the floor), with bibcite (cold: no cache;
warm: a new process with the cache from the run before), and with mkdocs-bibtex 4.4 (the peer),
in rounds (one build of each, at each size) on the same synthetic sites; prints median wall time,
peak memory, overheads against the floor of the same round, and how they grow with the site.
One more row, the frozen floor (frozen_floor.py), is MkDocs with only bibcite's freeze of the
garbage collector: a saving to the whole build that does not grow with the site, which bibcite's
overhead over the floor includes and its overhead over the frozen floor does not.

bibcite's rows use its default style, Vancouver. At 1× only, four more rows build with CSL
styles, AMA and APA, cold and warm, each with a cache folder of its own; pandoc formats their
citations, and a hook (pandoc_probe.py) counts the pandoc processes each build starts: a warm
build must start none. pandoc's APA disambiguation grows faster than the site (a 1× site cites
1,900 entries), so larger sizes skip these rows, and `--no-csl` skips them at 1× too.

    python bench/run.py [--repeat 5] [--scales 1,2,4] [--no-csl] [--no-serve]
                        [--entries 5000 --pages 200 --per-page 10]

mkdocs-bibtex goes into a virtual environment of its own under bench/.peer-venv, so the
project's own environment never holds it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from generate import write_site

HERE = Path(__file__).resolve().parent
PEER = "mkdocs-bibtex==4.4.0"
THEME = "mkdocs-material>=9.6,<10"
PEER_VENV = HERE / ".peer-venv"

BASE = """site_name: bench
theme:
  name: material
  font: false
markdown_extensions:
  - footnotes
nav:
  - index.md
{nav}
{hooks}plugins:
  - search
{plugin}
"""
# CSL rows: pandoc may take this long (seconds) before bibcite gives up. The default, 120 s, is
# close to what APA takes at 1× on a busy 2-core machine; a benchmark should not fail on it.
CSL_TIMEOUT = 600
CSL_STYLES = {"ama": "american-medical-association", "apa": "apa"}  # config label: style


def _hook(name: str) -> str:
    return f"hooks:\n  - {json.dumps(str(HERE / name))}\n"


def _csl(style: str, label: str) -> str:
    return (
        "  - bibcite:\n      bibliography: refs.bib\n"
        f"      style: {style}\n      cache_dir: .cache-{label}\n"
        f"      csl_timeout: {CSL_TIMEOUT}\n"
    )


CONFIGS = {  # label: (hooks, plugin)
    "floor": ("", ""),
    "frozen": (_hook("frozen_floor.py"), ""),
    "bibcite": ("", "  - bibcite:\n      bibliography: refs.bib\n"),
    "peer": ("", "  - bibtex:\n      bib_file: refs.bib\n"),
    **{name: (_hook("pandoc_probe.py"), _csl(style, name)) for name, style in CSL_STYLES.items()},
}
# Each config's cache folder, which a cold build removes first.
CACHES = {"bibcite": ".cache", **{label: f".cache-{label}" for label in CSL_STYLES}}


def peer_python() -> str:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PEER, THEME], check=True)
    return str(python)


def compile_plugin(python: str) -> None:
    """Compile the plugin to bytecode once, as installing it (or its first run) would: with
    PYTHONDONTWRITEBYTECODE set, as on the machines this runs on, every build would otherwise
    compile it from source again, a cost no installed copy has (the peer's and MkDocs' own
    bytecode is written when pip installs them)."""
    subprocess.run([python, "-m", "compileall", "-q", str(HERE.parent / "plugins")], check=True)


def write_configs(root: Path, names: list[str]) -> None:
    nav = "\n".join(f"  - {name}" for name in names)
    for label, (hooks, plugin) in CONFIGS.items():
        text = BASE.format(nav=nav, hooks=hooks, plugin=plugin)
        (root / f"{label}.yml").write_text(text, encoding="utf-8")


def ram_disk() -> Path | None:
    """Where the built sites go when the machine has one. Writing the same 200 pages to this
    VM's ext4 disk took 0.1–0.4 s depending on the state of the folder being emptied and refilled
    (ext4's inode allocator; a floor build in bibcite's folder was the slow one), a bias the size
    of what is measured and unrelated to either plugin. The sources, the .bib and bibcite's cache
    stay on the disk."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def mkdocs_build(python: str, root: Path, out: Path, label: str) -> list[str]:
    """The command that builds the site at `root` with `label`.yml into `out`/site-`label`."""
    config, site = root / f"{label}.yml", out / f"site-{label}"
    return [python, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]


def build(
    python: str, root: Path, out: Path, label: str, *, cold: bool
) -> tuple[float, float, str]:
    """One build in a new process: (wall seconds, peak resident MiB, what it wrote to stderr)."""
    if cold:
        shutil.rmtree(root / CACHES.get(label, ".cache"), ignore_errors=True)
    os.sync()  # the last build's pages are written out before this one starts, not during it
    command = mkdocs_build(python, root, out, label)
    with tempfile.TemporaryFile(
        "w+"
    ) as log:  # a file, not a pipe: a full pipe would block the build
        start = time.perf_counter()
        process = subprocess.Popen(command, env=BUILD_ENV, cwd=root, stderr=log, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{label} build failed:\n{text[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text


PROBE = "bench-probe:"  # the line pandoc_probe.py writes


def probed(log: str) -> tuple[int, float]:
    """(pandoc processes started, CPU seconds of the processes waited for) from a CSL build's
    stderr, as pandoc_probe.py wrote them."""
    for line in log.splitlines():
        if line.startswith(PROBE):
            fields = dict(part.split("=", 1) for part in line[len(PROBE) :].split())
            return int(fields["pandoc"]), float(fields["children_cpu"])
    raise SystemExit(f"a CSL build wrote no '{PROBE}' line: is pandoc_probe.py its hook?")


Runs = dict[str, list[tuple[float, float]]]  # row -> (wall seconds, peak MiB) of each round
ROWS = [
    ("floor", "MkDocs, no citation plugin (floor)"),
    ("frozen", "MkDocs, only bibcite's freeze of the collector (frozen floor)"),
    ("cold", "bibcite, Vancouver (default), no cache (cold)"),
    ("warm", "bibcite, Vancouver (default), cache from the run before (warm)"),
    ("ama-cold", "bibcite, AMA (CSL), no cache (cold)"),
    ("ama-warm", "bibcite, AMA (CSL), cache from the run before (warm)"),
    ("apa-cold", "bibcite, APA (CSL), no cache (cold)"),
    ("apa-warm", "bibcite, APA (CSL), cache from the run before (warm)"),
    ("peer", "mkdocs-bibtex 4.4 (peer)"),
]
CSL_ROWS = ["ama-cold", "ama-warm", "apa-cold", "apa-warm"]
WARM_TARGET = 1.15  # a warm CSL build within this many times the floor of its round


@dataclass
class Site:
    scale: int
    size: str
    root: Path
    out: Path
    csl: bool = False  # with the CSL rows
    runs: Runs = field(default_factory=lambda: {label: [] for label, _ in ROWS})
    # CSL row -> (pandoc processes, their CPU seconds) of each round
    pandoc: dict[str, list[tuple[int, float]]] = field(
        default_factory=lambda: {label: [] for label in CSL_ROWS}
    )


def measure_round(site: Site, python: str, peer: str) -> None:
    """One build of each row, one after the other: bibcite's on each side of each floor's. The
    CSL cold builds come first (APA's takes a minute or more) and their warm builds right after
    the floors, so each is a few seconds from the floor it is set against."""
    csl_cold = [(f"{label}-cold", label, True, python) for label in CSL_STYLES]
    csl_warm = [(f"{label}-warm", label, False, python) for label in CSL_STYLES]
    for label, config, cold, interpreter in [
        *(csl_cold if site.csl else []),
        ("cold", "bibcite", True, python),
        ("floor", "floor", False, python),
        ("warm", "bibcite", False, python),  # with the cache the cold build wrote
        ("frozen", "frozen", False, python),
        *(csl_warm if site.csl else []),  # with the caches their cold builds wrote
        ("peer", "peer", False, peer),
    ]:
        wall, memory, log = build(interpreter, site.root, site.out, config, cold=cold)
        site.runs[label].append((wall, memory))
        if label in site.pandoc:
            site.pandoc[label].append(probed(log))


def serve_rebuild(root: Path, out: Path, python: str, label: str) -> float:
    """Seconds MkDocs reports for the rebuild after one page is edited during `mkdocs serve`
    (which builds into a temporary folder: under `out`, like the builds)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(out)}
    port = {"floor": 8401, "bibcite": 8402}[label]
    process = subprocess.Popen(
        [
            python,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(root / f"{label}.yml"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _lines_of(process)
    try:
        _wait_for(lines, "Documentation built in")
        _wait_for(lines, "Serving on")  # the watcher starts only then
        page = root / "docs" / "page-0001.md"
        # The file watcher may start a moment after "Serving on": edit again until MkDocs sees it.
        for _ in range(10):
            time.sleep(1)
            page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
            line = _wait_for(lines, "Documentation built in", timeout=30)
            if line is not None:
                return float(line.rsplit("in", 1)[1].split()[0])
        raise SystemExit("mkdocs serve never rebuilt after an edit")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _lines_of(process: subprocess.Popen) -> queue.Queue:
    """The process's stderr lines, read by a thread of their own (so a wait can time out); an
    empty string once it ends."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, text: str, timeout: float = 600) -> str | None:
    """The first line holding `text`; None if none comes within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return None
        if not line:
            raise SystemExit("mkdocs serve stopped")
        if text in line:
            return line
    return None


def median(runs: list[tuple[float, float]], index: int) -> float:
    return statistics.median(run[index] for run in runs)


def overheads(runs: Runs, label: str, floor: str = "floor") -> list[float]:
    """Each round's build minus the floor built next to it in the same round: the machine's
    speed drifts over a run by more than some of the differences measured, and a pair shares
    its drift."""
    pairs = zip(runs[label], runs[floor], strict=True)
    return [run[0] - under[0] for run, under in pairs]


def overhead(runs: Runs, label: str, floor: str = "floor") -> float:
    return statistics.median(overheads(runs, label, floor))


def report(site: Site, serve: dict[str, float], csl: bool) -> None:
    runs = site.runs
    floor_wall, floor_memory = median(runs["floor"], 0), median(runs["floor"], 1)
    peer_overhead = overhead(runs, "peer")
    print(f"\n### {site.scale}× ({site.size})\n")
    print(
        "| build | median wall (s) | overhead (s) | middle half of overheads | × floor"
        " | overhead ÷ peer's | peak memory (MiB) | × floor's |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, name in ROWS:
        if not runs[label]:  # a CSL row at a size that skips them
            continue
        wall, memory = median(runs[label], 0), median(runs[label], 1)
        extra = overhead(runs, label)
        spread = ""
        if label != "floor" and len(runs[label]) >= 4:
            low, _, high = statistics.quantiles(overheads(runs, label), n=4)
            spread = f"{low:+.2f} to {high:+.2f}"
        bibcite = label in ("cold", "warm", *CSL_ROWS)
        ratio = f"{extra / peer_overhead:.2f}" if bibcite and peer_overhead > 0 else ""
        print(
            f"| {name} | {wall:.2f} | {extra:+.2f} | {spread} | {1 + extra / floor_wall:.2f}"
            f" | {ratio} | {memory:.0f} | {memory / floor_memory:.2f} |"
        )
    print(
        f"\nOver the frozen floor of each round: cold {overhead(runs, 'cold', 'frozen'):+.2f} s, "
        f"warm {overhead(runs, 'warm', 'frozen'):+.2f} s"
    )
    if site.csl:
        report_csl(site)
    elif csl:
        print("\nCSL rows (AMA, APA) skipped at this size: they are built at 1× only.")
    else:
        print("\nCSL rows (AMA, APA) skipped: --no-csl.")
    if serve:
        print(
            f"\n`mkdocs serve` rebuild after editing one page: floor {serve['floor']:.2f} s, "
            f"bibcite {serve['bibcite']:.2f} s (MkDocs' own figure)"
        )


def report_csl(site: Site) -> None:
    """Whether each CSL build started pandoc, and each build's wall time over its round's floor
    (Vancouver's warm build beside them)."""
    runs = site.runs
    print(
        f"\nCSL builds (pandoc's time limit raised to {CSL_TIMEOUT} s): the pandoc processes each"
        " started and the CPU time of the processes it ran (pandoc's), from pandoc_probe.py;"
        " wall time ÷ the floor of the same round (target for a warm build: within"
        f" {WARM_TARGET:.2f}×)\n"
    )
    print(
        "| build | pandoc processes, each round | CPU of its child processes (s), median"
        " | × floor, each round | × floor, median | middle half | warm within target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, name in ROWS:
        if label not in ("warm", *CSL_ROWS):
            continue
        ratios = [run[0] / under[0] for run, under in zip(runs[label], runs["floor"], strict=True)]
        middle = processes = cpu = target = ""
        if len(ratios) >= 4:
            low, _, high = statistics.quantiles(ratios, n=4)
            middle = f"{low:.2f} to {high:.2f}"
        if label in site.pandoc:
            processes = ", ".join(str(count) for count, _ in site.pandoc[label])
            cpu = f"{statistics.median(seconds for _, seconds in site.pandoc[label]):.2f}"
        if label.endswith("warm"):
            target = "yes" if statistics.median(ratios) <= WARM_TARGET else "no"
            if any(count for count, _ in site.pandoc.get(label, [])):
                target += "; started pandoc"
        each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(
            f"| {name} | {processes} | {cpu} | {each} | {statistics.median(ratios):.2f}"
            f" | {middle} | {target} |"
        )
    warm = [n for label in CSL_ROWS if label.endswith("warm") for n, _ in site.pandoc[label]]
    print(
        "\nWarm CSL builds started "
        + ("no pandoc." if not any(warm) else f"{sum(warm)} pandoc processes in all: a fault.")
    )


def report_scaling(sites: list[Site]) -> None:
    """How each cost grows with the site, against the first size measured."""
    base, larger = sites[0], sites[1:]
    if not larger:
        return
    print(f"\n### Growth against {base.scale}×\n")
    print("| | " + " | ".join(f"{site.scale}×" for site in larger) + " |")
    print("| --- |" + " ---: |" * len(larger))
    floor = median(base.runs["floor"], 0)
    cells = [f"{median(site.runs['floor'], 0) / floor:.2f}" for site in larger]
    print("| floor's wall time | " + " | ".join(cells) + " |")
    for label, under, name in [
        ("cold", "floor", "bibcite's overhead, cold"),
        ("warm", "floor", "bibcite's overhead, warm"),
        ("cold", "frozen", "bibcite's overhead over the frozen floor, cold"),
        ("warm", "frozen", "bibcite's overhead over the frozen floor, warm"),
    ]:
        first = overheads(base.runs, label, under)
        cells = [_growth(first, overheads(site.runs, label, under)) for site in larger]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        "\nIn brackets: the middle 90% of the growth when the rounds at each size are drawn again"
        f" with replacement ({DRAWS:,} draws): where another run's figure would likely fall."
    )


DRAWS = 2000


def _growth(base: list[float], larger: list[float]) -> str:
    """Median overhead at the larger size ÷ at the base, and its bootstrap interval."""
    if statistics.median(base) <= 0:
        return "n/a"
    figure = f"{statistics.median(larger) / statistics.median(base):.2f}"
    rng = random.Random(0)  # the same draws every run: the interval depends only on the data
    ratios = []
    for _ in range(DRAWS):
        below = statistics.median(rng.choices(base, k=len(base)))
        if below > 0:
            ratios.append(statistics.median(rng.choices(larger, k=len(larger))) / below)
    if len(ratios) < DRAWS // 2:
        return figure
    ratios.sort()
    tail = len(ratios) // 20
    return f"{figure} ({ratios[tail]:.2f}–{ratios[-tail - 1]:.2f})"


def site_options(description: str, scales: str) -> argparse.ArgumentParser:
    """The synthetic site's size at 1× and the multiples of it to build."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--scales", default=scales, help="multiples of entries and pages")
    return parser


def main() -> None:
    parser = site_options(__doc__.splitlines()[0], scales="1,2,4")
    parser.add_argument("--repeat", type=int, default=5)  # 4+ for the middle half
    parser.add_argument("--no-serve", action="store_true", help="skip the serve-rebuild figure")
    parser.add_argument("--no-csl", action="store_true", help="skip the CSL rows (AMA, APA) at 1×")
    args = parser.parse_args()
    python, peer = sys.executable, peer_python()
    compile_plugin(python)
    sites_on = "a RAM disk" if ram_disk() else "the disk"
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        f"{platform.platform()}; built sites written to {sites_on}"
    )
    with ExitStack() as folders:
        sites = []
        for scale in [int(s) for s in args.scales.split(",")]:
            entries, pages = args.entries * scale, args.pages * scale
            root = Path(folders.enter_context(tempfile.TemporaryDirectory(prefix="bibcite-bench-")))
            out = Path(
                folders.enter_context(
                    tempfile.TemporaryDirectory(prefix="bibcite-bench-site-", dir=ram_disk())
                )
            )
            names = write_site(root, entries=entries, pages=pages, per_page=args.per_page)
            write_configs(root, names)
            size = f"{entries} entries, {pages} pages, {args.per_page} citations a page"
            sites.append(Site(scale, size, root, out, csl=scale == 1 and not args.no_csl))
        # Rounds of every row at every size, so drift in the machine's speed hits all alike.
        for number in range(1, args.repeat + 1):
            for site in sites:
                start = time.perf_counter()
                measure_round(site, python, peer)
                took = time.perf_counter() - start
                print(f"round {number}/{args.repeat}, {site.scale}×: {took:.0f} s", file=sys.stderr)
        for site in sites:
            serve = {}
            if site.scale == 1 and not args.no_serve:
                serve = {
                    label: serve_rebuild(site.root, site.out, python, label)
                    for label in ("floor", "bibcite")
                }
            report(site, serve, csl=not args.no_csl)
        report_scaling(sites)


if __name__ == "__main__":
    main()
