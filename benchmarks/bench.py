"""Whole-process benchmarks of handover against what the platform itself costs.

    python3 -m benchmarks.bench AFTER_VENV [BEFORE_VENV] [--quick]     (from the checkout)

Each VENV is a regular (non-editable) install: `python3 -m venv V && V/bin/pip install .`
from a checkout of the commit to measure. Run by hand, not by CI.

Every figure is the median of several rounds, and the commands of a round run in turn (in
an order shuffled each round), so a busy moment on the machine hits them alike. Each goal
is a ratio to a floor measured in the same rounds. Peak memory is the largest resident set
of any run of the command. The libraries come from tests/generate.py (one file per
agreement, ten handovers each) and are written to a temporary folder; so is each install's
cache, so "cold" (HANDOVER_CACHE=off) and "warm" (after one untimed run) mean exactly that.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.generate import write_library

Command = tuple[list[str], dict[str, str]]
# A bare C-loader parse of every file of a folder, with the collector paused: the floor of
# the library rows (what a program that only reads the YAML would cost).
BARE_PARSE = (
    "import gc, sys, yaml\n"
    "from pathlib import Path\n"
    "gc.disable()\n"
    "for path in sorted(Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(path.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)
STATUS_FLOOR = "import click, yaml; from pydantic import BaseModel"
AS_OF = "2020-11-20"
LIBRARY_DAY = "1985-06-01"  # inside the generated libraries' decades
SIZES = (200, 2000, 20_000)
NAMED = "Area 150-3"  # one handover, found by its name (tests/generate.py names them so)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of one run; stops the benchmark if the run fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        errors = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {errors}")
    return elapsed, usage.ru_maxrss


def rounds(commands: dict[str, Command], count: int) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MiB of each command over `count` rounds, taking turns in an
    order shuffled each round (a fixed order showed a bias of a few milliseconds against
    whichever install ran second, with the two installs' --help code byte for byte equal)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks = dict.fromkeys(commands, 0)
    shuffler = random.Random(13)
    for _ in range(count):
        order = list(commands.items())
        shuffler.shuffle(order)
        for name, (argv, env) in order:
            elapsed, peak = run_once(argv, env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return {name: (statistics.median(times[name]), peaks[name] / 1024) for name in commands}


class Bench:
    def __init__(self, installs: dict[str, Path], work: Path, quick: bool) -> None:
        self.installs = installs  # label -> venv, "before" first when there is one
        self.work = work
        self.quick = quick
        self.base = {
            k: v for k, v in os.environ.items() if not k.startswith(("HANDOVER", "COVERAGE"))
        }
        self.python = str(installs["after"] / "bin" / "python")
        self.results: dict[str, tuple[float, float]] = {}
        self.sizes: dict[str, tuple[int, int, int]] = {}

    def exe(self, label: str) -> str:
        return str(self.installs[label] / "bin" / "handover")

    def warm_env(self, label: str, what: str) -> dict[str, str]:
        folder = self.work / "cache" / label / what
        return {**self.base, "HANDOVER_CACHE_DIR": str(folder)}

    def cold_env(self) -> dict[str, str]:
        return {**self.base, "HANDOVER_CACHE": "off"}

    def measure(self, commands: dict[str, Command], count: int) -> None:
        for argv, env in commands.values():  # one untimed run each: fills the warm caches
            run_once(argv, env)
        self.results.update(rounds(commands, count))

    def bundled(self) -> None:
        commands: dict[str, Command] = {
            "floor: import click": ([self.python, "-c", "import click"], self.base),
            "floor: status imports": ([self.python, "-c", STATUS_FLOOR], self.base),
        }
        page = str(self.work / "report.html")
        status = ["status", "--date", AS_OF, "--format", "json"]
        for label in self.installs:
            exe, warm = self.exe(label), self.warm_env(label, "bundled")
            commands[f"{label}: --help"] = ([exe, "--help"], self.base)
            commands[f"{label}: status warm"] = ([exe, *status], warm)
            commands[f"{label}: status cold"] = ([exe, *status], self.cold_env())
            report = [exe, "report", "--date", AS_OF, "--output", page]
            commands[f"{label}: report warm"] = (report, warm)
        self.measure(commands, 11 if self.quick else 31)

    def library(self, files: int, count: int, in_play: bool) -> None:
        folder = self.work / f"library-{files}"
        if not folder.exists():
            write_library(folder, files)
        commands: dict[str, Command] = {
            f"floor: bare parse {files}": ([self.python, "-c", BARE_PARSE, str(folder)], self.base)
        }
        one = self.work / "library-1"
        if files == min(SIZES) and not one.exists():
            write_library(one, 1)
        for label in self.installs:
            exe = self.exe(label)
            warm = self.warm_env(label, f"library-{files}")
            every = [exe, "--data", str(folder), "status", "--all", "--format", "csv"]
            commands[f"{label}: {files} all warm"] = (every, warm)
            commands[f"{label}: {files} all cold"] = (every, self.cold_env())
            if files == min(SIZES):  # one file: what a run costs before its files do
                single = [exe, "--data", str(one), "status", "--all", "--format", "csv"]
                commands[f"{label}: 1 all warm"] = (single, self.warm_env(label, "library-1"))
                commands[f"{label}: 1 all cold"] = (single, self.cold_env())
            if in_play:
                named = [exe, "--data", str(folder), "status", NAMED, "--date", LIBRARY_DAY]
                commands[f"{label}: {files} name warm"] = ([*named, "--format", "csv"], warm)
                default = [exe, "--data", str(folder), "status", "--date", LIBRARY_DAY]
                commands[f"{label}: {files} in play warm"] = ([*default, "--format", "csv"], warm)
                commands[f"{label}: {files} in play cold"] = (
                    [*default, "--format", "csv"],
                    self.cold_env(),
                )
        self.measure(commands, count)

    def site(self, files: int, count: int) -> None:
        """`site` on a generated library (installs that have it): a fresh folder each run,
        and again over a folder it already wrote (nothing changed: nothing written)."""
        folder = self.work / f"library-{files}"
        commands: dict[str, Command] = {}
        for label in self.installs:
            exe = self.exe(label)
            if subprocess.run([exe, "site", "--help"], capture_output=True).returncode != 0:
                continue
            out = self.work / f"site-{label}"
            warm = self.warm_env(label, f"library-{files}")
            site = f"{exe} --data {folder} site --output {out} --date {LIBRARY_DAY}"
            commands[f"{label}: site {files} fresh"] = (["sh", "-c", f"rm -rf {out}; {site}"], warm)
            commands[f"{label}: site {files} again"] = (["sh", "-c", site], warm)
        self.measure(commands, count)
        for label in self.installs:
            out = self.work / f"site-{label}"
            if out.exists():
                pages = [p.stat().st_size for p in out.rglob("*") if p.is_file()]
                html = [p.stat().st_size for p in out.rglob("*.html")]
                self.sizes[label] = (len(pages), sum(pages), max(html))

    def report(self) -> None:
        r = {name: seconds for name, (seconds, _) in self.results.items()}
        mib = {name: peak for name, (_, peak) in self.results.items()}
        labels = list(self.installs)

        def ratio(name: str, floor: str) -> str:
            return " | ".join(f"{r[f'{label}: {name}'] / r[floor]:.2f}x" for label in labels)

        def both(name: str) -> str:
            return " | ".join(f"{r[f'{label}: {name}'] * 1000:,.0f} ms" for label in labels)

        print("\nmedians; ratios to a floor measured in the same rounds\n")
        print(f"| what | floor | goal | {' | '.join(labels)} |")
        print(f"|---|---|---|{'---:|' * len(labels)}")
        click_floor, status_floor = "floor: import click", "floor: status imports"
        bare = "floor: bare parse 2000"
        rows = [
            ("`--help`", "import click", "<= 1.10x", ratio("--help", click_floor)),
            ("`status` json, bundled, warm", "status imports", "<= 1.15x",
             ratio("status warm", status_floor)),
            ("the same, cold", "status imports", "<= 1.45x", ratio("status cold", status_floor)),
            ("`status --all` csv, 2,000 files, warm", "bare parse", "<= 0.30x",
             ratio("2000 all warm", bare)),
            ("the same, cold", "bare parse", "<= 1.0x", ratio("2000 all cold", bare)),
            ("default `status`, 2,000 files, warm", "`status --all` warm", "<= 1.0x",
             " | ".join(f"{r[f'{x}: 2000 in play warm'] / r[f'{x}: 2000 all warm']:.2f}x"
                        for x in labels)),
            ("the same, cold", "`status --all` cold", "<= 1.0x",
             " | ".join(f"{r[f'{x}: 2000 in play cold'] / r[f'{x}: 2000 all cold']:.2f}x"
                        for x in labels)),
            ("`status NAME`, 2,000 files, warm", "default `status` warm", "<= 1.0x",
             " | ".join(f"{r[f'{x}: 2000 name warm'] / r[f'{x}: 2000 in play warm']:.2f}x"
                        for x in labels)),
            ("`report`, bundled, warm", "`status`, bundled, warm", "<= 2.5x",
             " | ".join(f"{r[f'{x}: report warm'] / r[f'{x}: status warm']:.2f}x"
                        for x in labels)),
        ]  # fmt: skip
        for what, floor, goal, figures in rows:
            print(f"| {what} | {floor} | {goal} | {figures} |")
        sizes = sorted({int(n.split()[-1]) for n in r if n.startswith("floor: bare parse")})
        for mode in ("warm", "cold"):
            per_file = {  # the cost of each file beyond the first: (t(n) - t(1)) / (n - 1)
                label: [
                    (r[f"{label}: {n} all {mode}"] - r[f"{label}: 1 all {mode}"]) / (n - 1) * 1000
                    for n in sizes
                ]
                for label in labels
            }
            spread = " | ".join(_spread(per_file[label]) for label in labels)
            detail = " / ".join(f"{n:,}" for n in sizes)
            what = f"`status --all` per file, {detail} files, {mode}"
            print(f"| {what} | | within +-25% | {spread} |")
        largest = sizes[-1]
        for name in (f"{largest} in play warm", f"{largest} all warm"):
            if f"after: {name}" in mib:
                peaks = " | ".join(f"{mib[f'{label}: {name}']:,.0f} MiB" for label in labels)
                print(f"| peak memory, {name.replace(str(largest), f'{largest:,} files')} | "
                      f"| <= 300 MiB | {peaks} |")  # fmt: skip
        for label, (count, total, largest_page) in self.sizes.items():
            fresh, again = r[f"{label}: site 2000 fresh"], r[f"{label}: site 2000 again"]
            floor = r[f"{label}: 2000 all warm"]
            print(f"| `site`, 2,000 files, warm, {label} | `status --all` warm | | "
                  f"{fresh:.2f} s fresh ({fresh / floor:.1f}x), {again:.2f} s again "
                  f"({again / floor:.1f}x); {count:,} files, {total / 2**20:.1f} MiB, "
                  f"largest page {largest_page / 1024:,.0f} KiB |")  # fmt: skip
        print("\nall medians\n")
        for name in sorted(r):
            print(f"- {name}: {r[name] * 1000:,.1f} ms, peak {mib[name]:,.0f} MiB")
        print(f"\nsanity: {both('--help')} for --help")


def _spread(per_file: list[float]) -> str:
    """ms per file at each size, and the largest distance from their mean."""
    mean = statistics.mean(per_file)
    worst = max(abs(x - mean) / mean for x in per_file)
    return " / ".join(f"{x:.2f}" for x in per_file) + f" ms (+-{worst:.0%})"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    if not args:
        raise SystemExit(__doc__)
    installs = {"after": Path(args[0]).resolve()}
    if len(args) > 1:
        installs = {"before": Path(args[1]).resolve(), **installs}
    work = Path(tempfile.mkdtemp(prefix="handover-bench-"))
    bench = Bench(installs, work, quick)
    try:
        bench.bundled()
        bench.library(SIZES[0], 5 if quick else 11, in_play=False)
        bench.library(SIZES[1], 3 if quick else 7, in_play=True)
        bench.site(SIZES[1], 3 if quick else 5)
        if not quick:
            bench.library(SIZES[2], 3, in_play=True)
        bench.report()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
