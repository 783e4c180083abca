"""Start-up of two installs of handover side by side, against the platform's floor.

    python benchmarks/ab.py BEFORE_VENV AFTER_VENV [RUNS]

Both venvs need a regular (non-editable) install: `python -m venv V && V/bin/pip install .`
(from a checkout of each commit). Every command of a round runs once, in turn, for RUNS rounds
(default 21); the table gives medians and the ratio to the floor measured in the same rounds.
The cache goes to a fresh temporary folder per install; "warm" runs after one untimed run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    before, after = (Path(a).resolve() for a in sys.argv[1:3])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 21
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOVER", "COVERAGE"))}
    py = str(after / "bin" / "python")
    floors = {
        "floor: import click": [py, "-c", "import click"],
        "floor: import click, yaml; from pydantic import BaseModel": [
            py,
            "-c",
            "import click, yaml; from pydantic import BaseModel",
        ],
    }
    status = ["status", "--date", "2020-11-20", "--format", "json"]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        name: (argv, base) for name, argv in floors.items()
    }
    for label, venv in (("before", before), ("after", after)):
        exe = str(venv / "bin" / "handover")
        cache = {**base, "HANDOVER_CACHE_DIR": tempfile.mkdtemp(prefix=f"ab-{label}-")}
        subprocess.run([exe, *status], stdout=subprocess.DEVNULL, env=cache, check=True)
        commands[f"{label}: handover --help"] = ([exe, "--help"], base)
        commands[f"{label}: status json, warm"] = ([exe, *status], cache)
        commands[f"{label}: status json, cold"] = (
            [exe, *status],
            {**base, "HANDOVER_CACHE": "off"},
        )
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            times[name].append(timed(argv, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    help_floor = medians["floor: import click"]
    status_floor = medians["floor: import click, yaml; from pydantic import BaseModel"]
    print(f"medians of {runs} alternating runs")
    print("| command | median | ratio to its floor |\n|---|---:|---:|")
    for name, median in medians.items():
        floor = help_floor if "help" in name or name == "floor: import click" else status_floor
        print(f"| {name} | {median * 1000:.1f} ms | {median / floor:.2f}x |")


if __name__ == "__main__":
    main()
