"""A red-team sweep, run by hand: hostile data files and hostile command lines against the
installed command, counted as clean or failed.

    .venv/bin/python -m benchmarks.hostile [--quick]     (from the checkout)

--quick races 5 writers for 2 rounds instead of 20 for 10.

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

from tests.conftest import MINIMAL, wait_until_loading  # the suite's smallest file
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
        # round two (issue 18)
        "rule-days-huge": MINIMAL.replace("schema: 1", "schema: 2").replace(
            "deadline: 2021-03-10", "deadline: {after: signed, days: 20250101}"
        ),
        "rule-years-huge": MINIMAL.replace("schema: 1", "schema: 2").replace(
            "deadline: 2021-03-10", "deadline: {after: signed, years: 1000000}"
        ),
        "rule-days-1e18": MINIMAL.replace("schema: 1", "schema: 2").replace(
            "deadline: 2021-03-10", "deadline: {after: signed, days: 1000000000000000000}"
        ),
        "url-tab": MINIMAL + '    sources:\n      - url: "https://example.org/a\\tb"\n',
        "url-newline": MINIMAL + '    sources:\n      - url: "https://exa\\nmple.org/"\n',
        "url-escape": MINIMAL + '    sources:\n      - url: "https://e.org/\\e[1m"\n',
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


LATE = MINIMAL.replace("2021-03-10", "8999-12-31")
RLO = MINIMAL.replace("Hill District", "Hill \u202ereversed")


def expect(
    predicate: Callable[[subprocess.CompletedProcess[bytes]], bool], what: str
) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    """A check that the run is clean and its answer right (a wrong answer is a failure)."""

    def check(done: subprocess.CompletedProcess[bytes]) -> str | None:
        return clean(done) or (None if predicate(done) else f"wrong answer: {what}")

    return check


def _out(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "replace")


def _closed(line: str) -> bool:
    return line.count("\u202e") == line.count("\u202c")


def _err(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stderr.decode("utf-8", "replace")


def round_two(
    work: Path, env: dict[str, str], attempt: Callable[..., None], race: tuple[int, int]
) -> None:
    """The cases of the second red-team round (issue 18), each with the answer it must give."""
    import json
    import signal
    import time

    import handover

    late = work / "late.yaml"
    late.write_text(LATE, encoding="utf-8")
    for argv in (
        ["timeline", "--svg", str(work / "late.svg")],
        ["report", "--output", str(work / "late.html")],
        ["report", "--date", "0001-01-01", "--output", str(work / "one.html")],
        ["report", "--date", "9999-12-31", "--output", str(work / "end.html")],
        ["changes", "--since", "8999-01-01", "--until", "9999-12-31"],
        ["export", "--format", "ics", "--date", "9999-12-31"],
    ):
        attempt(
            f"late {argv[0]} {argv[-1]}",
            ["--data", str(late), *argv],
            expect(lambda d: d.returncode == 0, "exit 0"),
        )
    bundled = {**env, "HANDOVER_DATA": ""}
    for variable in (":", "::"):
        attempt(
            f"HANDOVER_DATA={variable} status",
            ["status"],
            expect(lambda d: d.returncode == 2, "a usage error"),
            env={**env, "HANDOVER_DATA": variable},
        )
    package_data = Path(handover.__file__).resolve().parent / "data"
    if package_data.is_dir():  # a regular install: its data must never be edited
        before = (package_data / "handover.yaml").read_bytes()
        attempt(
            "record into the installed package",
            ["--data", str(package_data), "record", "complete", "lachin", "--on", "2020-12-01"],
            expect(
                lambda d: (
                    d.returncode == 2 and (package_data / "handover.yaml").read_bytes() == before
                ),
                "exit 2, the bundled file unchanged",
            ),
        )
    before_force = ["agreements", "--date", "1979-04-01", "--format", "json"]
    attempt(
        "agreements before in force",
        before_force,
        expect(
            lambda d: all(a["in_force"] is None for a in json.loads(_out(d))),
            "no in_force before it happens",
        ),
        env=bundled,
    )
    attempt(
        "--all in 1989",
        ["status", "--all", "--date", "1989-03-20", "--format", "json"],
        expect(
            lambda d: {r["agreement"] for r in json.loads(_out(d))} == {"egypt-israel-1979"},
            "only Egypt-Israel exists",
        ),
        env=bundled,
    )
    for command in ("upcoming", "export", "agreements"):
        attempt(
            f"{command} --all",
            [command, "--all"],
            expect(lambda d: d.returncode == 0, "exit 0"),
            env=bundled,
        )
    attempt(
        "--all --agreement",
        ["status", "--all", "--agreement", "kumanovo-1999"],
        expect(lambda d: d.returncode == 2, "a usage error"),
        env=bundled,
    )
    rlo = work / "rlo.yaml"
    rlo.write_text(RLO, encoding="utf-8")
    attempt(
        "rlo in csv",
        ["--data", str(rlo), "export", "--date", "2021-03-02"],
        expect(lambda d: all(_closed(line) for line in _out(d).splitlines()), "closed"),
    )
    named = work / "evil\x1b]0;owned\x07\nname.yaml"
    named.write_text("schema: [\n", encoding="utf-8")
    attempt(
        "escapes in a file name",
        ["--data", str(named), "status"],
        expect(
            lambda d: "\x1b" not in _err(d) and len(_err(d).splitlines()) == 1, "one escaped line"
        ),
    )
    read, write = os.pipe()
    os.close(read)
    for argv in (["--help"], ["status", "--help"], ["status"]):
        attempt(
            f"closed pipe {' '.join(argv)}",
            argv,
            expect(lambda d: d.returncode == 141, "exit 141"),
            stdout=write,
        )
    os.close(write)
    # Interrupts while loading and answering: quiet, 130 (or 0 when done before the signal).
    # Each is sent a moment after the program began loading its libraries (pydantic's core
    # mapped): before that, Python itself is starting, and reports an interrupt its own way.
    for i in range(12):
        delay = 0.015 * i
        proc = subprocess.Popen(
            [HANDOVER, "report", "--all", "--output", "-"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**bundled, "HANDOVER_CACHE": "off"},
        )
        wait_until_loading(proc)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        done = subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)
        attempt_result(
            f"interrupt {delay:.3f} s into loading",
            done,
            lambda d: (
                None
                if d.returncode in (0, 130) and b"Traceback" not in d.stderr
                else f"exit {d.returncode}"
            ),
        )
    # The race: writers postponing one handover to different dates at once, round after round;
    # what lands must be later each time.
    writers, rounds = race
    for round_ in range(rounds):
        path = work / f"race-{round_}.yaml"
        path.write_text(MINIMAL, encoding="utf-8")
        procs = [
            subprocess.Popen(
                [
                    HANDOVER,
                    "--data",
                    str(path),
                    "record",
                    "postpone",
                    "hill",
                    "--announced",
                    "2021-03-05",
                    "--to",
                    f"2021-{4 + (i * 7 + round_) % 8:02d}-{1 + i % 28:02d}",
                    "--reason",
                    f"writer {i}",
                    "--wait",
                    "600",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            for i in range(writers)
        ]
        for proc in procs:
            proc.communicate(timeout=600)
        import yaml

        revisions = yaml.safe_load(path.read_text(encoding="utf-8"))["handovers"][0].get(
            "revisions", []
        )
        deadlines = [str(r["deadline"]) for r in revisions]
        ok = deadlines == sorted(set(deadlines)) and all(d > "2021-03-10" for d in deadlines)
        done = subprocess.CompletedProcess([], 0, b"", b"")
        why = None if ok else f"deadlines {deadlines}"
        attempt_result(f"race round {round_}", done, lambda d, why=why: why)


_RESULTS: list[tuple[str, str | None]] = []


def attempt_result(
    name: str,
    done: subprocess.CompletedProcess[bytes],
    check: Callable[[subprocess.CompletedProcess[bytes]], str | None],
) -> None:
    _RESULTS.append((name, check(done)))


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
    quick = "--quick" in sys.argv
    round_two(work, env, attempt, (5, 2) if quick else (20, 10))
    for name, why in _RESULTS:
        tried += 1
        if why:
            failed += 1
            print(f"FAILED {name}: {why}")
    print(f"{tried} tried, {tried - failed} clean, {failed} failed")


if __name__ == "__main__":
    main()
