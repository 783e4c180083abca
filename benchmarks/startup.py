"""Whole-process start-up timings, medians of alternating runs (run by hand, not by CI).

    .venv/bin/python benchmarks/startup.py [RUNS]

Each command runs RUNS times (default 21), the commands taking turns so that a busy moment on
the machine hits all of them alike. Prints the median and its ratio to the first (baseline).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS: list[tuple[str, list[str]]] = [
    (
        "python -c 'import click, pydantic' (baseline)",
        [sys.executable, "-c", "import click, pydantic"],
    ),
    ("python -c 'import click'", [sys.executable, "-c", "import click"]),
    ("handover --help", [str(BIN / "handover"), "--help"]),
    (
        "handover status --date 2020-11-20",
        [str(BIN / "handover"), "status", "--date", "2020-11-20"],
    ),
    ("handover status --format json", [str(BIN / "handover"), "status", "--format", "json"]),
]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    times: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS:
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times[COMMANDS[0][0]])
    print(f"{'command':<48} {'median ms':>10} {'ratio':>7}")
    for name, _ in COMMANDS:
        median = statistics.median(times[name])
        print(f"{name:<48} {median * 1000:>10.1f} {median / baseline:>7.2f}")


if __name__ == "__main__":
    main()
