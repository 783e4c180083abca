"""A library of hundreds of files (tests/generate.py), through the installed command.

Not timed (benchmarks/ measures speed): what is checked is that the fast paths give the
same answers. A cold run (no cache) parses and checks every file; a warm run answers from
cache entries and their summaries. Both must print the same bytes, and an edited file must
change exactly its own rows, never anyone else's, while the cache keeps one entry a file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from .generate import write_library

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # hundreds of files through the installed command

FILES = 300
# Mid-library: agreement i is signed 9 * i days after 1960-01-01, so on this day about 200
# exist, a few are in play, and later ones are not yet signed.
DAY = "1965-06-01"
COMMANDS = {
    "status --all": ["status", "--all", "--date", DAY, "--format", "csv"],
    "status": ["status", "--date", DAY, "--format", "csv"],
    "export": ["export", "--date", DAY, "--format", "csv"],
    "changes": ["changes", "--since", "1960-01-01", "--until", DAY, "--format", "csv"],
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("library")
    write_library(folder, FILES)
    return folder


def outputs(run: Callable[..., Any], folder: Path, env: dict[str, str]) -> dict[str, str]:
    found = {}
    for name, argv in COMMANDS.items():
        done = run("--data", str(folder), *argv, env=env)
        assert done.returncode == 0, (name, done.stderr)
        found[name] = done.stdout
    return found


def by_agreement(text: str) -> dict[str, list[list[str]]]:
    """Rows grouped by agreement id: its column, or for `changes` (which has none) the
    number the generator writes into every name ("Area 150-1", "... number 150 on ...")."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    grouped: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if "agreement" in header:
            key = row[header.index("agreement")]
        else:
            found = re.search(r"^Area ([0-9]+)-|number ([0-9]+) ", row[header.index("name")])
            assert found, row
            key = f"agreement-{int(found.group(1) or found.group(2)):05d}"
        grouped.setdefault(key, []).append(row)
    return grouped


def test_cold_and_warm_runs_print_the_same_bytes(
    run: Callable[..., Any], library: Path, tmp_path: Path
) -> None:
    cold = outputs(run, library, {"HANDOVER_CACHE": "off"})
    warm_env = {"HANDOVER_CACHE_DIR": str(tmp_path / "cache")}
    filling = outputs(run, library, warm_env)
    warm = outputs(run, library, warm_env)
    assert len(list((tmp_path / "cache").glob("*.entry"))) == FILES
    assert filling == cold
    assert warm == cold
    # The oracle for the content: the generator's own arithmetic.
    # --all and export: every agreement that exists (is signed) on DAY, and no other
    last_signed = (date.fromisoformat(DAY) - date(1960, 1, 1)).days // 9
    existing = [f"agreement-{i:05d}" for i in range(last_signed + 1)]
    everything = by_agreement(cold["status --all"])
    assert sorted(everything) == existing
    assert all(len(rows) == 10 for rows in everything.values())
    assert sorted(by_agreement(cold["export"])) == existing
    in_play = set(by_agreement(cold["status"]))
    assert "agreement-00000" in in_play  # one in 250 never finishes: always in play
    assert 1 < len(in_play) < 10


def test_editing_one_file_changes_exactly_its_rows(
    run: Callable[..., Any], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("edited")
    paths = write_library(folder, FILES)
    env = {"HANDOVER_CACHE_DIR": str(tmp_path / "cache")}
    before = outputs(run, folder, env)
    edited = paths[150]  # agreement-00150, signed 1963-09-11 (day 1350), in force on day 1350
    text = edited.read_text(encoding="utf-8")
    # Its second handover (area-1) was completed on its deadline plus one day; a year later
    # instead, it is late by a year and still pending on DAY.
    area = text.index("  - id: area-1\n")
    completed = text.index("    completed: ", area)
    end = text.index("\n", completed)
    edited.write_text(text[:completed] + "    completed: 1966-01-01" + text[end:], "utf-8")
    after = outputs(run, folder, env)
    assert len(list((tmp_path / "cache").glob("*.entry"))) == FILES  # replaced, not added
    for name in ("status --all", "export", "changes"):
        old, new = by_agreement(before[name]), by_agreement(after[name])
        assert old.keys() == new.keys()
        changed = {a for a in old if old[a] != new[a]}
        assert changed == {"agreement-00150"}, name
    status = {r[0]: r for r in by_agreement(after["status --all"])["agreement-00150"]}
    header = next(csv.reader(io.StringIO(after["status --all"])))
    assert status["area-1"][header.index("status")] == "overdue"
    assert status["area-1"][header.index("completed")] == ""


def test_the_cache_keeps_one_entry_a_file_across_edits(
    run: Callable[..., Any], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("churn")
    paths = write_library(folder, 60)
    cache = tmp_path / "cache"
    argv = ["--data", str(folder), "status", "--all", "--format", "csv"]
    for round_ in range(3):
        for path in paths:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"# edit {round_}\n")
        done = run(*argv, env={"HANDOVER_CACHE_DIR": str(cache)})
        assert done.returncode == 0, done.stderr
        assert len(list(cache.glob("*.entry"))) == 60


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_status_all_made_one_agreement_at_a_time_is_export(
    run: Callable[..., Any], library: Path, tmp_path: Path, fmt: str
) -> None:
    """status --all for programs builds, answers and drops one agreement at a time; export
    builds the whole library first. Once every agreement is signed they list the same rows,
    so the two must print the same bytes, warm and cold."""
    after_all = "1970-01-01"  # the 300th agreement is signed on day 2,691 (May 1967)
    for env in ({"HANDOVER_CACHE": "off"}, {"HANDOVER_CACHE_DIR": str(tmp_path)}):
        streamed = run("--data", str(library), "status", "--all", "--date", after_all,
                       "--format", fmt, env=env)  # fmt: skip
        whole = run("--data", str(library), "export", "--date", after_all, "--format", fmt,
                    env=env)  # fmt: skip
        assert streamed.returncode == whole.returncode == 0, streamed.stderr + whole.stderr
        assert streamed.stdout == whole.stdout
        assert streamed.stdout.count("area-9") == FILES
