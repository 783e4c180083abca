"""A red-team sweep, run by hand: hostile data files and hostile command lines against the
installed command, counted as clean or failed.

    .venv/bin/python -m benchmarks.hostile     (from the checkout)

Clean means: a documented exit code (0, 1, 2, 3, or 141 for a closed pipe), no traceback, a
message on stderr whenever the exit code is not 0, nothing on stdout when the data file is
refused, and an end within 30 seconds. Prints one line per failure and the totals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MINIMAL  # the test suite's smallest valid file
from tests.generate import dataset_text

ROOT = Path(__file__).resolve().parents[1]

HANDOVER = str(Path(sys.executable).parent / "handover")
SHIPPED = (ROOT / "data" / "handover.yaml").read_text(encoding="utf-8")


FULL_WIDTH = {ord(str(d)): 0xFF10 + d for d in range(10)}  # 0-9 as full-width digits


def variants() -> dict[str, bytes]:
    """Hostile data files, by name."""
    text: dict[str, str] = {
        "nul": MINIMAL.replace("Hill", "Hi\x00ll"),
        "escape-in-yaml": MINIMAL.replace("name: Hill District", 'name: "Hill \\e[31mred"'),
        "bell-in-yaml": MINIMAL.replace("name: Hill District", 'name: "Hill \\a"'),
        "huge-name": MINIMAL.replace("Hill District", "A" * 3_000_000),
        "huge-int": MINIMAL + "    notes: " + "9" * 6000 + "\n",
        "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        "recursive-alias": "a: &a [*a]\n",
        "deep": "[" * 5000 + "]" * 5000,
        "bom-crlf": "\ufeff" + MINIMAL.replace("\n", "\r\n"),
        "tabs": MINIMAL.replace("  - id", "\t- id"),
        "empty": "",
        "comments-only": "# nothing\n# here\n",
        "list-top": "- a\n- b\n",
        "scalar-top": "hello\n",
        "placeholder-date": MINIMAL.replace("2021-03-10", "9999-12-31"),
        "year-999": MINIMAL.replace("2021-03-10", "0999-03-10"),
        "full-width": MINIMAL.replace(
            "2021-03-10", "\uff12\uff10\uff12\uff11-\uff10\uff13-\uff11\uff10"
        ),
        "datetime": MINIMAL.replace("2021-03-10", "2021-03-10T10:00:00"),
        "int-date": MINIMAL.replace("2021-03-10", "20210310"),
        "schema-true": MINIMAL.replace("schema: 1", "schema: true"),
        "schema-float": MINIMAL.replace("schema: 1", "schema: 1.0"),
        "schema-2": MINIMAL.replace("schema: 1", "schema: 2"),
        "party-twice": MINIMAL.replace("[North, South]", "[North, South, North]"),
        "agreed-early": MINIMAL.replace("    to: South", "    to: South\n    agreed: 2021-01-01"),
        "id-clash": MINIMAL + "  - id: vale\n    name: HILL\n    from: North\n    to: South\n"
        "    deadline: 2021-03-11\n",
        "mapping-key": MINIMAL.replace("agreement:", "? {a: 1}\n: x\nagreement:"),
        "bool-key": MINIMAL + "true: 1\n",
        "python-tag": "!!python/object/apply:os.system ['echo pwned']\n",
        "markup-name": MINIMAL.replace("Hill District", '"Hill [/] [bold]x[/bold]"'),
        "rtl-zero-width": MINIMAL.replace("Hill District", "Hill\u202e\u200b District"),
        "emoji": MINIMAL.replace("Hill District", "Hill 🏔️ District"),
        "duplicate-key": MINIMAL.replace("    to: South", "    to: South\n    to: North"),
        "unknown-key": MINIMAL.replace("deadline:", "deadlne:"),
        "unclosed-flow": MINIMAL.replace("[North, South]", "[North, South"),
        "odd-indent": MINIMAL.replace("    name", "       name"),
        "big-valid": dataset_text(5000),
    }
    for broken in sorted((ROOT / "tests" / "broken").glob("*.yaml")):
        text[f"corpus-{broken.stem}"] = broken.read_text(encoding="utf-8")
    out = {name: value.encode("utf-8") for name, value in text.items()}
    out["latin-1"] = MINIMAL.replace("Hill", "Hügel").encode("latin-1")
    out["utf-16"] = MINIMAL.encode("utf-16")
    out["random-bytes"] = bytes(range(256)) * 16
    return out


def clean(done: subprocess.CompletedProcess[bytes], refused_data: bool = False) -> str | None:
    """None if the run ended cleanly, else why not."""
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode not in (0, 1, 2, 3, 141):
        return f"exit {done.returncode}"
    if "Traceback" in err:
        return "traceback"
    if done.returncode not in (0, 141) and not err.strip():
        return f"exit {done.returncode} with nothing on stderr"
    if refused_data and done.returncode == 1 and (done.stdout or b"").strip():
        return "stdout written for a refused file"
    return None


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="handover-hostile-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOVER", "COVERAGE"))}
    env["HANDOVER_CACHE_DIR"] = str(work / "cache")
    tried = failed = 0

    def attempt(name: str, argv: list[str], check: Callable[..., str | None], **kw: object) -> None:
        nonlocal tried, failed
        tried += 1
        run_env = kw.pop("env", env)
        pipes = {"stderr": subprocess.PIPE, "stdout": kw.pop("stdout", subprocess.PIPE)}
        try:
            done = subprocess.run([HANDOVER, *argv], timeout=30, env=run_env, **pipes, **kw)  # type: ignore[call-overload]
            why = check(done)
        except subprocess.TimeoutExpired:
            why = "no end within 30 s"
        if why:
            failed += 1
            print(f"FAILED {name}: {why}")

    for name, data in variants().items():
        path = work / f"{name}.yaml"
        path.write_bytes(data)
        for command in (["validate", str(path)], ["--data", str(path), "status"]):
            attempt(f"{name} {command[0]}", command, lambda d: clean(d, refused_data=True))
    fifo = work / "pipe.yaml"
    os.mkfifo(fifo)
    readonly = work / "readonly"
    readonly.mkdir()
    lines = [
        ["status", "--date", d]
        for d in [
            "11/12/2020",
            "30 Feb 2020",
            "1 Jan 1",
            "5 Nov 0012",
            "yesterdayish",
            "",
            " ",
            "2020-13-01",
            "99999-01-01",
            "0000-01-01",
            "Nov 2020",
            "12:00",
            "tomorrow",
        ]
    ]
    lines += [
        ["--data", ""],
        ["--data", str(fifo), "status"],
        ["--data", str(work), "status"],
        ["--data", "/dev/null", "status"],
        ["--data", str(work / "missing.yaml"), "status"],
        ["show", "nowhere"],
        ["show", ""],
        ["show", "[/]"],
        ["status", "\x1b[31m"],
        ["export", "--output", ""],
        ["export", "--output", str(work)],
        ["export", "--output", str(work / "no" / "such" / "dir.csv")],
        ["export", "--output", str(fifo)],
        ["timeline", "--svg", str(fifo)],
        ["changes", "--since", "2020-12-01", "--until", "2020-11-01"],
        ["upcoming", "--within", "-1"],
        ["--format", "xml"],
        ["status", "--format", "ics"],
        ["record", "complete", "lachin", "--on", "2020-12-01"],
        [],
        ["record"],
        ["nonsense"],
    ]
    for argv in lines:
        attempt(" ".join(argv) or "(no arguments)", argv, clean)
    for columns in ("0", "1", "18", "-5", "abc"):
        attempt(f"COLUMNS={columns}", ["show", "kalbajar"], clean, env={**env, "COLUMNS": columns})
    attempt("ascii", ["timeline"], clean, env={**env, "PYTHONIOENCODING": "ascii"})
    with open("/dev/full", "wb") as full:
        attempt("stdout full", ["status"], clean, stdout=full)
    print(f"{tried} tried, {tried - failed} clean, {failed} failed")


if __name__ == "__main__":
    main()
