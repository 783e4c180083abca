"""Whole-process benchmarks of handover against what the platform itself costs.

    .venv/bin/python benchmarks/bench.py [--quick]

Run by hand, not by CI. Every figure is the median of several runs; the commands of one
comparison take turns, so a busy moment on the machine hits them alike. Each line gives the
ratio to the baseline measured in the same run. Peak memory is the child's maximum resident
set size. Datasets of generated handovers are written to a temporary folder; the cache goes
to a temporary folder too, so "cold" and "warm" mean exactly that.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_dataset  # noqa: E402

PY = sys.executable
HANDOVER = str(Path(PY).parent / "handover")


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        errors = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {errors}")
    return elapsed, usage.ru_maxrss


def compare(title: str, commands: list[tuple[str, list[str], dict[str, str]]], runs: int) -> None:
    """Run each command `runs` times, taking turns; print medians and ratios to the first."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in commands}
    memory: dict[str, int] = {name: 0 for name, _, _ in commands}
    for _ in range(runs):
        for name, argv, env in commands:
            elapsed, peak = run_once(argv, env)
            times[name].append(elapsed)
            memory[name] = max(memory[name], peak)
    base = statistics.median(times[commands[0][0]])
    print(f"\n{title} (median of {runs})")
    print(f"| {'command':<58} | {'median':>9} | {'ratio':>6} | {'peak MiB':>8} |")
    print(f"|{'-' * 60}|{'-' * 11}:|{'-' * 7}:|{'-' * 9}:|")
    for name, _, _ in commands:
        median = statistics.median(times[name])
        print(
            f"| {name:<58} | {median * 1000:>7.0f}ms | {median / base:>6.2f} |"
            f" {memory[name] / 1024:>8.1f} |"
        )


def main() -> None:
    quick = "--quick" in sys.argv
    work = Path(tempfile.mkdtemp(prefix="handover-bench-"))
    cache = work / "cache"
    base_env = {k: v for k, v in os.environ.items() if k not in ("HANDOVER_DATA", "HANDOVER_CACHE")}
    warm = {**base_env, "XDG_CACHE_HOME": str(cache)}
    cold = {**base_env, "HANDOVER_CACHE": "off"}
    try:
        runs = 7 if quick else 21
        compare(
            "Start-up",
            [
                ("python -c 'import click' (baseline)", [PY, "-c", "import click"], base_env),
                ("handover --help", [HANDOVER, "--help"], base_env),
            ],
            runs,
        )
        floor = "import click, yaml; from pydantic import BaseModel"
        json_status = [HANDOVER, "status", "--format", "json"]
        run_once(json_status, warm)  # fill the cache
        compare(
            "status --format json on the shipped data",
            [
                (f"python -c '{floor}' (baseline)", [PY, "-c", floor], base_env),
                ("handover status --format json (cache warm)", json_status, warm),
                ("handover status --format json (cache off)", json_status, cold),
            ],
            runs,
        )
        sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
        for size in sizes:
            data = work / f"handovers-{size}.yaml"
            write_dataset(data, size)
            bare = (
                f"import yaml; yaml.load(open({str(data)!r}, encoding='utf-8'), "
                "Loader=yaml.CSafeLoader)"
            )
            shutil.rmtree(cache, ignore_errors=True)
            status = [HANDOVER, "--data", str(data), "status", "--format", "csv"]
            status += ["--date", "2021-06-01"]
            run_once(status, warm)  # fill the cache
            compare(
                f"{size:,} handovers ({data.stat().st_size / 1024 / 1024:.1f} MiB)",
                [
                    ("bare C-loader parse, GC on (baseline)", [PY, "-c", bare], base_env),
                    ("handover status --format csv (cache off)", status, cold),
                    ("handover status --format csv (cache warm)", status, warm),
                ],
                3 if size >= 100_000 else (5 if quick else 7),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
